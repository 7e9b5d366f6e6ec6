"""Why an entity has its score: per-KPI marks, what each cost, what changed.

For the district review meeting ("why is my district 17th?"). Everything comes
from the engine (`score_month`, `build_rows`), so the explanation can never
disagree with the ranking. Published figures are rounded; "marks lost" is
``max_marks − marks`` and "change" is the difference of the two published marks,
so both add up with the numbers shown next to them.

"Marks lost" of one KPI is its own distance from full marks; how much of the gap of
its scheme, department, sector and overall score it accounts for depends on weights
and the rollup, and is given exactly by `Explanation.gaps` (gaps.py), whose columns
add up to the published gaps under every rollup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from ..contract import Catalog
from ..observations import ObservationTable
from .engine import PROVISIONAL_THRESHOLD, MonthScores, build_rows, score_month
from .frozen_make import check_makeable, frozen_make
from .gaps import GapNode, gap_tree
from .periods import previous_month
from .result import RankingResult
from .rounding import round2_array


class ExplainError(LookupError):
    """The entity is not ranked at this level, or the month has nothing to rank."""


@dataclass(frozen=True)
class KpiExplanation:
    kpi: str
    value: float | None  # the value used (None: not reported, or reported null)
    target: float | None
    marks: float | None  # published marks (None: not reported and missing == "skip")
    marks_lost: float | None  # max_marks − marks (None when marks is None)
    weight: float
    previous_marks: float | None  # published marks the month before (None if absent)
    change: float | None  # marks − previous_marks (None if either is absent)
    reported: bool
    cost: float | None = None  # its part of the overall gap from full marks (gaps.py; None: not ranked)


check_makeable(KpiExplanation)


@dataclass(frozen=True)
class Explanation:
    entity: str
    period: str
    max_marks: float
    score: float | None
    rank: int | None
    grade: str | None
    by: Mapping[str, Mapping[str, float | None]]
    provisional: bool
    kpis: tuple[KpiExplanation, ...]  # ranked KPIs, catalog order
    gaps: GapNode | None = None  # where the gap from full marks was lost, by sector, department, scheme, KPI
    previous_period: str | None = None
    previous_score: float | None = None  # published score the month before (None: not ranked then)
    previous_rank: int | None = None

    def costliest(self, n: int | None = None) -> tuple[KpiExplanation, ...]:
        """KPIs by what they cost the overall score (weights and rollup included), then by
        weighted marks lost, largest first (what to fix first)."""
        lost = [k for k in self.kpis if k.marks_lost]
        lost.sort(key=lambda k: (-(k.cost or 0.0), -(k.marks_lost or 0.0) * k.weight, k.kpi))
        return tuple(lost[:n] if n is not None else lost)

    def moved(self, n: int | None = None) -> tuple[KpiExplanation, ...]:
        """KPIs whose published marks changed since the month before, largest change first."""
        changed = [k for k in self.kpis if k.change]
        changed.sort(key=lambda k: (-abs(k.change or 0.0), k.kpi))
        return tuple(changed[:n] if n is not None else changed)


def _published_marks(scores: MonthScores, column: int) -> np.ndarray:
    """The column's published marks; NaN where there are none (not reported, "skip")."""
    rounded = round2_array(scores.marks[:, column])  # round2_array is round2, bit for bit
    return np.where(np.isnan(rounded), 0.0, rounded) if scores.plan.spec.missing == "zero" else rounded


def _or_none(values: np.ndarray) -> list[float | None]:
    return [v if v == v else None for v in values.tolist()]  # NaN != NaN


def _kpi_costs(gaps: GapNode) -> dict[str | None, float | None]:
    """Each KPI line's cost in the tree (a walk without building the tuple of every line)."""
    costs: dict[str | None, float | None] = {}
    stack = [gaps]
    while stack:
        node = stack.pop()
        if node.level == "kpi":
            costs[node.code] = node.cost
        stack.extend(node.children)
    return costs


def explain(
    catalog: Catalog,
    table: ObservationTable,
    entity: str,
    period: str | None = None,
    *,
    provisional_threshold: float = PROVISIONAL_THRESHOLD,
) -> Explanation:
    """The explanation of `entity`'s ranking for `period` (default: latest month).

    Raises ValueError for a period not ``YYYY-MM`` and ExplainError when the
    entity is not one of the ranked entities or the month has nothing to rank.
    """
    scores = score_month(catalog, table, period)
    if scores is None:
        raise ExplainError(f"no observations of ranked KPIs for {period or 'any month'}")
    before_scores = score_month(catalog, table, previous_month(scores.period))
    return explain_scores(scores, before_scores, entity, provisional_threshold=provisional_threshold)


def explain_scores(
    scores: MonthScores,
    before_scores: MonthScores | None,
    entity: str,
    *,
    provisional_threshold: float = PROVISIONAL_THRESHOLD,
    published: RankingResult | None = None,
) -> Explanation:
    """`explain` from the engine's scores of the month and of the month before (None: none).
    `published`: `ranking_of(scores)` with the same threshold, when the caller has it.

    Raises ExplainError when the entity is not one of the ranked entities."""
    column = scores.entity_column(entity)
    if column is None:
        raise ExplainError(f"{entity!r} is not a {scores.plan.spec.level} of this catalog")
    rows = published.rows if published is not None else build_rows(scores, provisional_threshold)
    row = next(r for r in rows if r.entity == entity)
    plan = scores.plan
    published_now = _published_marks(scores, column)
    published_before = (_published_marks(before_scores, column) if before_scores is not None
                        else np.full(plan.n_kpis, np.nan))
    max_marks = plan.spec.max_marks
    gaps = gap_tree(scores, column)
    costs = _kpi_costs(gaps)
    # round2 of each difference, as round2_array (bit for bit); NaN where either is absent.
    now, before = _or_none(published_now), _or_none(published_before)
    lost = _or_none(round2_array(max_marks - published_now))
    changes = _or_none(round2_array(published_now - published_before))
    values, weights = scores.values[:, column].tolist(), plan.weights.tolist()
    lines = []
    for k, kpi in enumerate(plan.kpis):
        value = values[k]
        reported = value == value  # NaN: not reported
        lines.append(
            frozen_make(
                KpiExplanation,
                kpi=kpi.code,
                value=value if reported else None,
                target=kpi.target,
                marks=now[k],
                marks_lost=lost[k],
                weight=weights[k],
                previous_marks=before[k],
                change=changes[k],
                reported=reported,
                cost=costs.get(kpi.code),
            )
        )
    previous_rank = int(before_scores.rank[column]) if before_scores is not None else 0
    return Explanation(
        entity=entity,
        period=scores.period,
        max_marks=max_marks,
        score=row.score,
        rank=row.rank,
        grade=row.grade,
        by=MappingProxyType(dict(row.by)),
        provisional=row.provisional,
        kpis=tuple(lines),
        gaps=gaps,
        previous_period=previous_month(scores.period),
        previous_score=float(before_scores.rounded[column]) if before_scores is not None and previous_rank else None,
        previous_rank=previous_rank or None,
    )

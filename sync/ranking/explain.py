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

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

import numpy as np

from ..contract import Catalog
from ..observations import ObservationTable
from .engine import PROVISIONAL_THRESHOLD, MonthScores, build_rows, score_month
from .frozen_make import check_makeable, frozen_make
from .gaps import GapColumns, GapNode, gap_columns
from .periods import previous_month
from .plan import CatalogPlan
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


@dataclass(frozen=True, eq=False)
class KpiColumns:
    """An explanation's per-KPI figures as columns (plan order, NaN: None): a line object
    is made only for the KPIs someone shows (`Explanation.kpis` makes them all)."""

    codes: tuple[str, ...]
    targets: tuple[float | None, ...]
    code_rank: np.ndarray  # each KPI's place in the order of codes (ties of the sorts)
    value: np.ndarray
    marks: np.ndarray
    marks_lost: np.ndarray
    weight: np.ndarray
    previous_marks: np.ndarray
    change: np.ndarray
    reported: np.ndarray  # bool
    cost: np.ndarray

    def line(self, k: int) -> KpiExplanation:
        """The line of KPI row `k`."""
        def known(values: np.ndarray) -> float | None:
            value = float(values[k])
            return None if value != value else value
        return frozen_make(
            KpiExplanation, kpi=self.codes[k], value=known(self.value), target=self.targets[k],
            marks=known(self.marks), marks_lost=known(self.marks_lost), weight=float(self.weight[k]),
            previous_marks=known(self.previous_marks), change=known(self.change), reported=bool(self.reported[k]),
            cost=known(self.cost))

    def lines(self) -> tuple[KpiExplanation, ...]:
        """Every line, catalog order."""
        columns = [_or_none(c) for c in (self.value, self.marks, self.marks_lost, self.previous_marks, self.change,
                                         self.cost)]
        return tuple(
            frozen_make(KpiExplanation, kpi=code, value=value, target=target, marks=marks, marks_lost=lost,
                        weight=weight, previous_marks=before, change=change, reported=reported, cost=cost)
            for code, target, weight, reported, value, marks, lost, before, change, cost
            in zip(self.codes, self.targets, self.weight.tolist(), self.reported.tolist(), *columns))


@dataclass(frozen=True, eq=False)
class Explanation:
    """One entity's explanation. Its KPI lines (`kpis`) and tree (`gaps`) are made on
    first use from columns (`columns`, `gap_columns`): a poll's explanations would cost
    thousands of objects each, while a tile shows a dozen lines. Two explanations are
    equal when everything they say is equal."""

    entity: str
    period: str
    max_marks: float
    score: float | None
    rank: int | None
    grade: str | None
    by: Mapping[str, Mapping[str, float | None]]
    provisional: bool
    columns: KpiColumns  # ranked KPIs, catalog order
    gap_columns: GapColumns | None = None  # where the gap from full marks was lost (gaps.py)
    previous_period: str | None = None
    previous_score: float | None = None  # published score the month before (None: not ranked then)
    previous_rank: int | None = None

    @cached_property
    def kpis(self) -> tuple[KpiExplanation, ...]:
        """Ranked KPIs, catalog order."""
        return self.columns.lines()

    @cached_property
    def gaps(self) -> GapNode | None:
        """Where the gap from full marks was lost, by sector, department, scheme, KPI."""
        return self.gap_columns.tree() if self.gap_columns is not None else None

    @property
    def kpi_codes(self) -> tuple[str, ...]:
        """The ranked KPIs' codes, catalog order (as `kpis`)."""
        return self.columns.codes

    @cached_property
    def reported(self) -> tuple[bool, ...]:
        """Whether each ranked KPI was reported, catalog order (as `kpis`)."""
        return tuple(self.columns.reported.tolist())

    @property
    def unreported(self) -> int:
        """How many ranked KPIs were not reported."""
        return int(np.count_nonzero(~self.columns.reported))

    def _said(self) -> tuple[object, ...]:
        return (self.entity, self.period, self.max_marks, self.score, self.rank, self.grade, dict(self.by),
                self.provisional, self.kpis, self.gaps, self.previous_period, self.previous_score, self.previous_rank)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Explanation):
            return NotImplemented
        return self is other or self._said() == other._said()

    __hash__ = None  # type: ignore[assignment]

    def costliest(self, n: int | None = None) -> tuple[KpiExplanation, ...]:
        """KPIs by what they cost the overall score (weights and rollup included), then by
        weighted marks lost, largest first (what to fix first)."""
        c = self.columns
        rows = np.flatnonzero(~np.isnan(c.marks_lost) & (c.marks_lost != 0))
        cost = np.nan_to_num(c.cost[rows], nan=0.0)
        order = rows[np.lexsort((c.code_rank[rows], -c.marks_lost[rows] * c.weight[rows], -cost))]
        return tuple(c.line(k) for k in (order[:n] if n is not None else order).tolist())

    def moved(self, n: int | None = None) -> tuple[KpiExplanation, ...]:
        """KPIs whose published marks changed since the month before, largest change first."""
        c = self.columns
        rows = np.flatnonzero(~np.isnan(c.change) & (c.change != 0))
        order = rows[np.lexsort((c.code_rank[rows], -np.abs(c.change[rows])))]
        return tuple(c.line(k) for k in (order[:n] if n is not None else order).tolist())


def _published_marks(scores: MonthScores, column: int) -> np.ndarray:
    """The column's published marks; NaN where there are none (not reported, "skip")."""
    rounded = round2_array(scores.marks[:, column])  # round2_array is round2, bit for bit
    return np.where(np.isnan(rounded), 0.0, rounded) if scores.plan.spec.missing == "zero" else rounded


def _or_none(values: np.ndarray) -> list[float | None]:
    return [v if v == v else None for v in values.tolist()]  # NaN != NaN


@dataclass(frozen=True, eq=False)
class _PlanLines:
    """What every explanation of one plan shares: the targets and the order of the codes."""

    targets: tuple[float | None, ...]
    code_rank: np.ndarray


_plan_lines_of: weakref.WeakKeyDictionary[CatalogPlan, _PlanLines] = weakref.WeakKeyDictionary()
_plan_lines_lock = threading.Lock()


def _plan_lines(plan: CatalogPlan) -> _PlanLines:
    with _plan_lines_lock:
        known = _plan_lines_of.get(plan)
    if known is None:
        rank = np.empty(plan.n_kpis, dtype=np.intp)
        rank[sorted(range(plan.n_kpis), key=plan.kpi_codes.__getitem__)] = np.arange(plan.n_kpis)
        known = _PlanLines(tuple(kpi.target for kpi in plan.kpis), rank)
        with _plan_lines_lock:
            _plan_lines_of[plan] = known
    return known


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
    gaps = gap_columns(scores, column)
    shared = _plan_lines(plan)
    columns = KpiColumns(
        codes=plan.kpi_codes,
        targets=shared.targets,
        code_rank=shared.code_rank,
        value=scores.values[:, column].copy(),
        marks=published_now,
        # round2 of each difference, as round2_array (bit for bit); NaN where either is absent.
        marks_lost=round2_array(max_marks - published_now),
        weight=plan.weights,
        previous_marks=published_before,
        change=round2_array(published_now - published_before),
        reported=~np.isnan(scores.values[:, column]),
        cost=gaps.kpi_costs(),
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
        columns=columns,
        gap_columns=gaps,
        previous_period=previous_month(scores.period),
        previous_score=float(before_scores.rounded[column]) if before_scores is not None and previous_rank else None,
        previous_rank=previous_rank or None,
    )

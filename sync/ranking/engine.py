"""The wall's local ranking engine: DESIGN.md "Scoring methodology", vectorised.

`compute_ranking` ranks the entities of ``catalog.ranking.level`` for one month
from an `ObservationTable`, giving the same marks, scores, ranks and grades as the
central store. The work is split by rule:

- plan.py     what depends on the catalog alone (cached per catalog object);
- periods.py  which observation each (KPI, entity) uses for the month, from a table;
- month_cells.py  the same, straight from the wall's series (the sync worker's path,
              `score_cells`, which can also update earlier scores for the KPIs a poll
              changed);
- marks.py    the four scoring methods, on the (KPI × entity) matrix;
- scores.py   missing-data rule, weighted means and rollups;
- ranks.py    ties and grades on rounded scores.

`score_month` returns the unrounded intermediate matrices (`MonthScores`) for
callers that need more than the published ranking (explain.py). Nothing here
imports Qt; everything is a pure function of its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

import numpy as np

from ..contract import Catalog
from ..observations import ObservationTable
from .marks import compute_marks
from .month_cells import MonthCells
from .periods import check_month, index_for, latest_month, select_month
from .plan import GROUP_LEVELS, CatalogPlan, GroupLevel, plan_for
from .ranks import grades, ranks
from .result import RankedEntity, RankingResult
from .rounding import round2_array
from .rowmap import column_mappings
from .scores import counted_marks, group_scores, group_scores_update, overall_scores

# A row is provisional when more than this share of the ranked KPIs is not reported
# (the wall's choice, not DESIGN.md's: marked, never hidden). Every caller's default.
PROVISIONAL_THRESHOLD = 0.25


@dataclass(frozen=True, eq=False)
class MonthScores:
    """Everything computed for one month; matrices are (ranked KPIs × ranked entities)."""

    plan: CatalogPlan
    period: str
    values: np.ndarray  # NaN where not reported
    marks: np.ndarray  # unrounded; NaN where not reported
    counted: np.ndarray  # bool: counts in the entity's averages
    groups: dict[GroupLevel, np.ndarray]  # level -> (groups × entities), NaN = no score
    overall: np.ndarray  # (entities,) unrounded, NaN = not ranked
    rounded: np.ndarray  # (entities,) rounded overall score
    rank: np.ndarray  # (entities,) 0 = not ranked
    grade: list[str | None]
    data_as_of: float | None  # newest reported_at among the observations used

    @property
    def reported(self) -> np.ndarray:
        reported: np.ndarray = ~np.isnan(self.values)
        return reported

    def entity_column(self, entity: str) -> int | None:
        return self.plan.entity_index.get(entity)


def score_month(catalog: Catalog, table: ObservationTable, period: str | None = None) -> MonthScores | None:
    """Unrounded scores for `period` (default: latest month with a ranked observation).

    None when there is no such month, or the given month has no observation of a
    ranked KPI for a ranked entity. Raises ValueError for a period not ``YYYY-MM``.
    """
    if period is not None:
        check_month(period)
    plan = plan_for(catalog)
    index = index_for(table, plan)
    month = period if period is not None else latest_month(index)
    if month is None:
        return None
    chosen = select_month(index, month)
    if len(chosen) == 0:
        return None

    values = np.full((plan.n_kpis, plan.n_entities), np.nan)
    values[chosen.kpi, chosen.entity] = table.value[chosen.table_rows]
    return _scores(plan, month, values, float(table.reported_at[chosen.table_rows].max()))


def score_cells(cells: MonthCells, *, base: MonthScores | None = None,
                changed: np.ndarray | None = None) -> MonthScores | None:
    """`score_month` for cells read from the series (month_cells.py); None when empty.

    `base`, `changed`: the scores of earlier cells of the same month and plan, and the KPI
    rows (bool) whose values differ since: marks and group scores are computed again for
    those rows and their groups only (each exactly as in full, see marks.py, scores.py)."""
    if cells.empty:
        return None
    if base is not None and changed is not None and base.plan is cells.plan and base.period == cells.month:
        return _scores(cells.plan, cells.month, cells.values, cells.data_as_of, base=base, changed=changed)
    return _scores(cells.plan, cells.month, cells.values, cells.data_as_of)


def _scores(plan: CatalogPlan, month: str, values: np.ndarray, data_as_of: float | None, *,
            base: MonthScores | None = None, changed: np.ndarray | None = None) -> MonthScores:
    if base is not None and changed is not None:
        marks = compute_marks(values, plan, only=changed, base=base.marks)
        marks0, counted = counted_marks(marks, plan.spec.missing)
        groups = group_scores_update(plan, marks0, counted, base.groups, changed)
    else:
        marks = compute_marks(values, plan)
        marks0, counted = counted_marks(marks, plan.spec.missing)
        groups = group_scores(plan, marks0, counted)
    overall = overall_scores(plan, marks0, counted, groups)
    rounded = round2_array(overall)
    return MonthScores(
        plan=plan,
        period=month,
        values=values,
        marks=marks,
        counted=counted,
        groups=groups,
        overall=overall,
        rounded=rounded,
        rank=ranks(rounded, plan.spec.ties),
        grade=grades(rounded, plan.grade_names, plan.grade_thresholds),
        data_as_of=data_as_of,
    )


def build_rows(scores: MonthScores, provisional_threshold: float) -> tuple[RankedEntity, ...]:
    """Published rows: ranked by (rank, entity code), then unranked by entity code."""
    plan = scores.plan
    reported = scores.reported
    # Published marks: rounded; with "zero" a not-reported KPI shows 0.0, with "skip"
    # None (NaN in the matrix reads as None through RowMapping).
    shown = np.where(reported, scores.marks, 0.0) if plan.spec.missing == "zero" else scores.marks
    marks = column_mappings(plan.kpi_codes, round2_array(shown), plan.kpi_index)
    by_level = {
        level: column_mappings(plan.groups[level].codes, round2_array(scores.groups[level])) for level in GROUP_LEVELS
    }
    missing_sorted = ~reported[plan.code_order].T  # entities × KPIs in code order
    n_kpis = plan.n_kpis
    rows = []
    for e, code in enumerate(plan.entity_codes):
        rank = int(scores.rank[e])
        not_reported = tuple(plan.kpi_codes_sorted[missing_sorted[e]].tolist())
        rows.append(
            RankedEntity(
                entity=code,
                score=float(scores.rounded[e]) if rank else None,
                rank=rank or None,
                grade=scores.grade[e] if rank else None,
                marks=marks[e],
                by=MappingProxyType({level: by_level[level][e] for level in GROUP_LEVELS}),
                not_reported=not_reported,
                provisional=n_kpis > 0 and len(not_reported) / n_kpis > provisional_threshold,
            )
        )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.entity))
    return tuple(rows)


def compute_ranking(
    catalog: Catalog,
    table: ObservationTable,
    period: str | None = None,
    *,
    computed_at: datetime,
    revision: str = "",
    provisional_threshold: float = PROVISIONAL_THRESHOLD,
) -> RankingResult | None:
    """The local ranking of ``catalog.ranking.level`` for month `period`.

    `period` is ``YYYY-MM`` (ValueError otherwise); without it, the latest month
    that has an observation of a ranked KPI. Returns None when there is no such
    month or the given month has no observation of a ranked KPI. A row is
    provisional when the share of ranked KPIs it has not reported exceeds
    `provisional_threshold`. ``data_as_of`` is the newest ``reported_at`` among the
    observations used (null values included: they were used, as "not available").
    """
    scores = score_month(catalog, table, period)
    if scores is None:
        return None
    return ranking_of(scores, computed_at=computed_at, revision=revision, provisional_threshold=provisional_threshold)


def ranking_of(
    scores: MonthScores,
    *,
    computed_at: datetime,
    revision: str = "",
    provisional_threshold: float = PROVISIONAL_THRESHOLD,
) -> RankingResult:
    """The published local ranking of computed `scores`."""
    as_of = None if scores.data_as_of is None else datetime.fromtimestamp(scores.data_as_of, tz=UTC)
    return RankingResult(
        period=scores.period,
        rows=build_rows(scores, provisional_threshold),
        source="local",
        computed_at=computed_at,
        revision=revision,
        data_as_of=as_of,
    )

"""What the local engine ranked, carried by the snapshot so explanations need no re-rank.

The sync worker ranks the latest month and the one before straight from the series
(month_cells.py). Explanations ("why is my district 17th?") need the same month
scores; `RankingInput` carries them with the series they came from, so `explain`
for a wanted district reuses the worker's scores instead of ranking both months
again, and its result is kept: a snapshot made when nothing changed holds the same
`RankingInput`, and its explanations are not recomputed.

It covers the months it was made for, as the engine's input table did: a month
outside them has nothing to rank. The table itself (`table`) is only built when
someone asks for it (tests, exports). Hand-made snapshots and the command line wrap
an `ObservationTable` (`of_table`).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cached_property

from ..contract import Catalog
from ..observations import ObservationTable
from ..series import KpiSeries, table_for_months
from .engine import PROVISIONAL_THRESHOLD, MonthScores, score_cells, score_month
from .explain import ExplainError, Explanation, explain_scores
from .month_cells import read_month
from .periods import check_month, previous_month
from .plan import CatalogPlan, plan_for
from .result import RankingResult

_Key = tuple[CatalogPlan, str | None]


class RankingInput:
    """Months of observations and, where already computed, their scores."""

    def __init__(
        self,
        *,
        series: Mapping[str, KpiSeries] | None = None,
        months: tuple[str, ...] = (),
        scores: Mapping[str, MonthScores | None] | None = None,
        plan: CatalogPlan | None = None,
        table: ObservationTable | None = None,
        published: Mapping[str, RankingResult | None] | None = None,
        provisional_threshold: float = PROVISIONAL_THRESHOLD,
    ) -> None:
        self._series = series
        self._months = months
        self._table = table
        self._lock = threading.Lock()
        self._scores: dict[_Key, MonthScores | None] = {}
        if plan is not None and scores is not None:
            for month, month_scores in scores.items():
                self._scores[(plan, month)] = month_scores
        # The rankings published from those scores (with this threshold): their rows are the
        # explanation's headline, not built again.
        self._published = dict(published or {})
        self._threshold = provisional_threshold
        self._explained: dict[tuple[CatalogPlan, str, str | None, float], Explanation | ExplainError] = {}

    @classmethod
    def empty(cls) -> RankingInput:
        return cls(table=ObservationTable.empty())

    @classmethod
    def of_table(cls, table: ObservationTable) -> RankingInput:
        """The engine's input given as a table of observations."""
        return cls(table=table)

    @classmethod
    def of_series(cls, series: Mapping[str, KpiSeries], plan: CatalogPlan, scores: Mapping[str, MonthScores | None],
                  published: Mapping[str, RankingResult | None], provisional_threshold: float) -> RankingInput:
        """The months of `scores` (already computed from `series` for `plan`) and the
        rankings published from them with `provisional_threshold`."""
        return cls(series=series, months=tuple(scores), scores=scores, plan=plan, published=published,
                   provisional_threshold=provisional_threshold)

    @property
    def months(self) -> tuple[str, ...]:
        return self._months

    @cached_property
    def table(self) -> ObservationTable:
        """The observations of ranked KPIs in the months covered (built on first use)."""
        if self._table is not None:
            return self._table
        if self._series is None or not self._scores:
            return ObservationTable.empty()
        plan = next(iter(self._scores))[0]
        return table_for_months(self._series, self._months, plan.kpi_codes)

    def scores(self, catalog: Catalog, period: str | None = None) -> MonthScores | None:
        """The month's scores (default: the latest month covered that has something to rank).

        Raises ValueError for a period not ``YYYY-MM``."""
        if period is not None:
            check_month(period)
        plan = plan_for(catalog)
        with self._lock:
            if (plan, period) in self._scores:
                return self._scores[(plan, period)]
        found = self._compute(catalog, plan, period)
        with self._lock:
            self._scores[(plan, period)] = found
        return found

    def _compute(self, catalog: Catalog, plan: CatalogPlan, period: str | None) -> MonthScores | None:
        if self._table is not None or self._series is None:
            return score_month(catalog, self.table, period)
        if period is None:
            for month in sorted(self._months, reverse=True):
                if (found := self.scores(catalog, month)) is not None:
                    return found
            return None
        if period not in self._months:
            return None
        return score_cells(read_month(plan, self._series, period))

    def explain(self, catalog: Catalog, entity: str, period: str | None = None, *,
                provisional_threshold: float = PROVISIONAL_THRESHOLD) -> Explanation:
        """`ranking.explain` on this input, computed once per entity and period.

        Raises ValueError for a period not ``YYYY-MM`` and ExplainError when the entity
        is not ranked or the month has nothing to rank."""
        key = (plan_for(catalog), entity, period, provisional_threshold)
        with self._lock:
            known = self._explained.get(key)
        if known is None:
            known = self._explain(catalog, entity, period, provisional_threshold)
            with self._lock:
                self._explained[key] = known
        if isinstance(known, ExplainError):
            raise ExplainError(*known.args)
        return known

    def _explain(self, catalog: Catalog, entity: str, period: str | None,
                 provisional_threshold: float) -> Explanation | ExplainError:
        scores = self.scores(catalog, period)
        if scores is None:
            return ExplainError(f"no observations of ranked KPIs for {period or 'any month'}")
        before = self.scores(catalog, previous_month(scores.period))
        published = self._published.get(scores.period) if provisional_threshold == self._threshold else None
        if published is not None and self._scores.get((scores.plan, scores.period)) is not scores:
            published = None  # the ranking published is of other scores (another catalog)
        try:
            return explain_scores(scores, before, entity, provisional_threshold=provisional_threshold,
                                  published=published)
        except ExplainError as err:
            return err

"""The rankings the sync worker keeps: the store's, the wall's own, and what comparing them says.

The worker polls, stores and publishes; the ranking side of that state — the store's
published ranking and the month before (with their ETag, the last error and whether the
store has none), the local engine's estimate of the latest month and the one before,
which one is shown, where an estimate shown during a fallback disagreed with the
ranking that replaced it, and the audit of every central ranking by the local engine —
changes together and is kept here, so the worker holds one object for it. Only the
sync worker thread touches it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from .client import StoreClient, StoreError
from .contract import Catalog, Ranking
from .local_store import LocalStore, LocalStoreError
from .ranking.audit import RankingAudit, RankingAuditor
from .ranking.engine import MonthScores, ranking_of, score_cells
from .ranking.fallback import RankDifference, RankingReason, choose_ranking, compare_rankings
from .ranking.inputs import RankingInput
from .ranking.month_cells import MonthCells, MonthReader
from .ranking.periods import previous_month
from .ranking.plan import CatalogPlan, plan_for
from .ranking.result import RankingResult
from .series import KpiSeries


class LocalRanker:
    """The local engine across polls: ranks the latest month with a ranked observation and
    the month before, straight from the series (ranking/month_cells.py), and re-ranks a
    month only when its cells changed — a poll of this month's reports keeps last month's
    ranking (its `computed_at` moved on: nothing it was computed from changed). Used by
    the live worker (`RankingsKept`) and the history reader (sync/history.py)."""

    def __init__(self, provisional_threshold: float) -> None:
        self.provisional_threshold = provisional_threshold
        self._plan: CatalogPlan | None = None
        self._readers: dict[str, MonthReader] = {}
        self._kept: dict[str, tuple[MonthCells, MonthScores | None, RankingResult | None]] = {}
        self._input: RankingInput | None = None
        self._series: Mapping[str, KpiSeries] | None = None  # what the months kept were read from

    def rank(self, catalog: Catalog, series: Mapping[str, KpiSeries], computed_at: datetime
             ) -> tuple[RankingResult | None, RankingResult | None, RankingInput | None]:
        """(latest month's ranking, the month before's, what they were computed from);
        (None, None, None) when no ranked KPI has data."""
        plan = plan_for(catalog)
        if plan is not self._plan:
            self._plan, self._readers, self._kept, self._input = plan, {}, {}, None
        months = [s.periods[-1][:7] for k in plan.kpi_codes if (s := series.get(k)) is not None and s.periods]
        if not months:
            self._series = None
            return None, None, None
        month = max(months)
        wanted = (month, previous_month(month))
        readers = {m: self._readers.get(m) or MonthReader(plan, m) for m in wanted}
        kept, changed = {}, False
        for m in wanted:
            cells = readers[m].read(series)
            held = self._kept.get(m)
            if held is None or held[0] is not cells:
                change = readers[m].last_change
                if held is not None and held[1] is not None and change is not None and change[0]() is held[0]:
                    scores = score_cells(cells, base=held[1], changed=change[1])  # the KPIs the poll changed
                else:
                    scores = score_cells(cells)
                result = None if scores is None else ranking_of(
                    scores, computed_at=computed_at, provisional_threshold=self.provisional_threshold)
                held, changed = (cells, scores, result), True
            kept[m] = held
        self._readers, self._kept, self._series = readers, kept, series
        if changed or self._input is None or self._input.months != wanted:
            self._input = RankingInput.of_series(series, plan, {m: kept[m][1] for m in wanted},
                                                 {m: kept[m][2] for m in wanted}, self.provisional_threshold)
        current, before = (_computed_at(kept[m][2], computed_at) for m in wanted)
        return current, before, self._input


    def month(self, period: str, series: Mapping[str, KpiSeries]
              ) -> tuple[MonthCells, MonthScores | None, RankingResult | None] | None:
        """The cells, scores and ranking of `period` as last ranked from `series` itself
        (None: not one of the months ranked, or ranked from other series)."""
        if series is not self._series:
            return None
        return self._kept.get(period)


def _computed_at(result: RankingResult | None, moment: datetime) -> RankingResult | None:
    return result if result is None or result.computed_at == moment else replace(result, computed_at=moment)


def choose_shown_ranking(
    central: RankingResult | None,
    central_previous: RankingResult | None,
    local: RankingResult | None,
    local_previous: RankingResult | None,
    *,
    central_error: str | None,
    newest_observation: datetime | None,
) -> tuple[RankingResult | None, RankingReason, RankingResult | None]:
    """(ranking shown, why, the same source's previous month for movement)."""
    chosen, reason = choose_ranking(central, local, central_error=central_error, newest_observation=newest_observation)
    previous = local_previous
    if chosen is not None and chosen.source == "central":
        chosen = chosen.with_reporting_flags(local)
        if central_previous is not None:
            previous = central_previous.with_reporting_flags(local_previous)
    return chosen, reason, previous


class RankingsKept:
    """The store's ranking, the wall's estimate, and their comparison, across polls."""

    def __init__(self, provisional_threshold: float) -> None:
        self.provisional_threshold = provisional_threshold
        self.central: RankingResult | None = None  # the store's latest published ranking
        self.central_previous: RankingResult | None = None  # the store's ranking of the month before
        self.etag: str | None = None
        self.error: str | None = None  # why the last ranking poll failed (the wall then shows its estimate)
        self.missing = False  # the store said 404: it publishes no ranking
        self.local: RankingResult | None = None  # the local engine's latest month
        self.local_previous: RankingResult | None = None
        self.input = RankingInput.empty()  # what the local engine ranked: explanations are made from it
        self._ranker = LocalRanker(provisional_threshold)
        # After a fallback ends: where the estimate that was shown placed districts differently.
        self.differences: tuple[RankDifference, ...] = ()
        self._local_shown: RankingResult | None = None  # the estimate on screen during a fallback
        self.auditor, self.previous_auditor = RankingAuditor(), RankingAuditor()

    @property
    def published(self) -> RankingResult | None:
        """The store's ranking, unless the store now says it has none."""
        return None if self.missing else self.central

    def load(self, stored: Ranking | None) -> None:
        """The ranking the local store kept from an earlier run."""
        if stored is not None:
            self.central = RankingResult.from_contract(stored)

    def forget_etag(self) -> None:
        """The local store was replaced: the next ranking poll fetches (and stores) it whole."""
        self.etag, self.missing = None, False

    def unreachable(self, reason: str) -> None:
        self.error = reason

    def fetch(self, client: StoreClient, store: LocalStore, now: datetime) -> bool:
        """Poll the store's ranking (and, when it is new, the month before); whether it changed.
        Raises StoreError (remembered as the reason the estimate is shown) and LocalStoreError."""
        try:
            fetched = client.get_ranking(etag=self.etag)
        except StoreError as err:
            self.error = str(err)
            raise
        self.error = None
        if fetched is None:  # 404: the store has no ranking to publish
            if self.missing:
                return False
            self.missing, self.central, self.etag = True, None, None
            store.save_ranking(None, None, now)
            return True
        self.missing = False
        if fetched.not_modified:
            return False
        assert fetched.doc is not None
        store.save_ranking(fetched.doc, fetched.etag, now)
        self.central, self.etag = RankingResult.from_contract(fetched.doc), fetched.etag
        self.central_previous = self._previous(client, self.central.period)
        return True

    def _previous(self, client: StoreClient, period: str) -> RankingResult | None:
        previous = previous_month(period)
        if self.central_previous is not None and self.central_previous.period == previous:
            return self.central_previous
        fetched = client.get_ranking(previous)
        return RankingResult.from_contract(fetched.doc) if fetched and fetched.doc else None

    def rank(self, catalog: Catalog | None, series: Mapping[str, KpiSeries], now: datetime) -> None:
        """The local ranking for the latest ranked month and the one before (a month is
        re-ranked only when its observations changed)."""
        if catalog is None:
            return
        self.local, self.local_previous, ranked = self._ranker.rank(catalog, series, now)
        if ranked is not None:
            self.input = ranked

    def choose(self, newest_reported_at: float | None
               ) -> tuple[RankingResult | None, RankingReason, RankingResult | None]:
        """(ranking shown, why, the same source's previous month)."""
        newest = datetime.fromtimestamp(newest_reported_at, UTC) if newest_reported_at else None
        return choose_shown_ranking(self.published, self.central_previous, self.local, self.local_previous,
                                    central_error=self.error, newest_observation=newest)

    def note_fallback_end(self, chosen: RankingResult | None, store: LocalStore, now: datetime) -> None:
        """When the store's ranking replaces the local estimate the wall was showing,
        record where the estimate placed districts differently. Comparing on every
        poll instead would report the store's newer data as disagreement.
        Raises LocalStoreError when the record cannot be written."""
        if chosen is None:
            return
        if chosen.source == "local":
            self._local_shown, self.differences = chosen, ()
            return
        shown, self._local_shown = self._local_shown, None
        if shown is None or shown.period != chosen.period:
            return
        self.differences = compare_rankings(chosen, shown)
        store.record_differences(chosen.period, self.differences, now)

    def audit(self, catalog: Catalog | None, series: Mapping[str, KpiSeries], store: LocalStore, *,
              feed_read_at: datetime | None, now: datetime) -> tuple[RankingAudit | None, LocalStoreError | None]:
        """Check the store's rankings against the local engine (only when their inputs changed)
        and record new findings: (the audit of the latest one, a failure to record them)."""
        central = self.published
        previous = self.central_previous if central else None
        audit = self.auditor.check(catalog, series, central, feed_read_at=feed_read_at, now=now,
                                   known=self._ranker.month(central.period, series) if central else None)
        self.previous_auditor.check(catalog, series, previous, feed_read_at=feed_read_at, now=now,
                                    known=self._ranker.month(previous.period, series) if previous else None)
        try:
            for auditor in (self.auditor, self.previous_auditor):
                if auditor.audit is not None:
                    store.record_audit(auditor.audit, auditor.unrecorded(), now)
        except LocalStoreError as err:
            return audit, err
        return audit, None

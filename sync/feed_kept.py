"""What the sync worker keeps to judge feed quality: untrusted times and the rejected rows.

A row sent with a `reported_at` beyond the wall's clock (plus a small skew) is stored as
sent, but its age is counted from its period's start, and it never counts as the newest
data (sync/plausibility.py); the rows the contract refused are in the local store, and
their counts and the newest of them travel in every snapshot's `FeedQuality`
(sync/feed_judging.py). Only the sync worker thread touches it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from operator import itemgetter

from .contract import Catalog
from .feed_judging import FeedJudgementsKept, judge_feed
from .feed_quality import FeedQuality, ObservationKey, RejectedRow
from .local_store import LocalStore
from .plausibility import MAX_CLOCK_SKEW, age_time, distrust_future, is_from_future
from .series import KpiSeries, Row

RECENT_REJECTIONS = 50  # rejected rows each snapshot carries, newest first


class FeedQualityKept:
    """Untrusted report times and rejected rows, across polls."""

    def __init__(self) -> None:
        # Rows whose reported_at was beyond the wall's clock + skew when received: key -> the
        # time as sent. Ages count them from their period's start (sync/plausibility.py).
        self.untrusted_times: dict[ObservationKey, float] = {}
        self._rejected_counts: list[tuple[str | None, str | None, int]] = []
        self._recent_rejections: tuple[RejectedRow, ...] = ()
        self._judged = FeedJudgementsKept()  # each KPI's judgement, redone when its series or the clock moves on

    def trusted(self, rows: Iterable[Row]) -> Iterable[Row]:
        """The rows whose report time may count as the newest data (a 2099 stamp must not look fresh)."""
        untrusted = self.untrusted_times
        return (r for r in rows if (r[0], r[1], r[2]) not in untrusted)

    def received(self, page: Iterable[Row], received: float) -> list[Row]:
        """Rows of a page, those with a future reported_at counted from their period's start."""
        untrusted = self.untrusted_times
        limit = received + MAX_CLOCK_SKEW.total_seconds()  # as is_from_future judges
        if not untrusted and isinstance(page, (list, tuple)) and max(map(itemgetter(4), page), default=limit) <= limit:
            return list(page)  # the usual page: no row from the future, no earlier one to forgive
        rows: list[Row] = []
        for row in page:
            kpi, entity, period, value, t = row
            if is_from_future(t, received):
                untrusted[(kpi, entity, period)] = t
                row = (kpi, entity, period, value, age_time(period, received))
            elif untrusted:
                untrusted.pop((kpi, entity, period), None)  # a correction with a believable time
            rows.append(row)
        return rows

    def stored_batches(self, batches: Iterable[list[Row]], store: LocalStore) -> Iterator[list[Row]]:
        """Rows read back from the local store batch by batch (a restart never holds every row at
        once), those received with a future reported_at counted from their period; the future
        reports are asked for once. Raises LocalStoreError."""
        reports = store.future_reports(MAX_CLOCK_SKEW.total_seconds())
        for batch in batches:
            rows, self.untrusted_times = distrust_future(batch, reports)
            yield rows

    def read_rejections(self, store: LocalStore) -> None:
        """The rejected rows' counts and the newest of them, from `store`. Raises LocalStoreError."""
        self._rejected_counts = store.rejected_counts()
        self._recent_rejections = tuple(store.rejected(RECENT_REJECTIONS))

    def judge(self, catalog: Catalog | None, series: Mapping[str, KpiSeries], now: datetime) -> FeedQuality:
        return judge_feed(catalog, series, now, untrusted_times=self.untrusted_times,
                          rejected_counts=self._rejected_counts, recent_rejections=self._recent_rejections,
                          kept=self._judged)

"""Poll → validate → store → rank, as plain methods with no event loop.

`SyncWorker` owns the sync state — catalog, cursor, ETags and the in-memory series
itself; the rankings in one part (sync/rankings_kept.py), feed quality in another
(sync/feed_kept.py), the link's stalls and backoff in a third (sync/link_status.py),
the crisis rules in a fourth (sync/crisis_watch.py) — and turns each poll into at most
one new snapshot — two when a feed read brings new figures while the store's ranking
is on screen: the figures at once, then the store's re-rank when it has answered.
It is driven by `SyncService` on one scheduler thread, and directly by tests and
benchmarks. Failures never raise out of a poll: they become status the wall shows,
and the last good data stays in place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from types import MappingProxyType
from typing import Any

from .client import StoreClient, StoreError, StoreUnreachable
from .contract import Catalog
from .crisis_watch import CrisisEvent, CrisisRule, CrisisWatch
from .data_dir import ReadOnlyStore, WritableStore
from .derive import derive
from .derived_facts import NOTHING_WANTED, Wants
from .feed_kept import FeedQualityKept
from .feed_progress import FeedReadProgress
from .link_status import LinkTracker
from .local_store import LocalStore, LocalStoreError
from .ranking.engine import PROVISIONAL_THRESHOLD
from .rankings_kept import RankingsKept
from .series import KpiSeries, Row, SeriesIngest
from .snapshot import Snapshot, SyncProgress, SyncStatus
from .store_faults import DataDirEvent

log = logging.getLogger(__name__)

# A store with nothing new still gets a snapshot this often: what is judged against the
# clock on the sync thread (feed quality's "late" counts, projections) must not freeze.
REJUDGE_EVERY = timedelta(minutes=1)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class SyncWorker:
    def __init__(
        self,
        client: StoreClient,
        store: LocalStore,
        *,
        page_limit: int = 5000,
        provisional_threshold: float = PROVISIONAL_THRESHOLD,
        clock: Clock = utc_now,
    ) -> None:
        self.client = client
        self.store = store
        self.page_limit = page_limit
        self.provisional_threshold = provisional_threshold
        self.clock = clock
        self.progress: Callable[[], None] = lambda: None  # called after every stored feed page (watchdog)
        # Handed the partial snapshots of a long feed read (sync/feed_progress.py); set by SyncService.
        self.partial: Callable[[Snapshot], None] | None = None
        self.progress_pacing: Callable[..., FeedReadProgress] = FeedReadProgress  # how often it shows it
        self.catalog: Catalog | None = None
        self.catalog_etag: str | None = None
        self.series: Mapping[str, KpiSeries] = MappingProxyType({})  # as of the last _settle
        self._ingest = SeriesIngest()  # pages applied as they come; the series made when read (_settle)
        self.newest_reported_at: float | None = None
        self.rankings = RankingsKept(provisional_threshold)  # the store's, the wall's, their audit
        self.status = SyncStatus(store_url=client.base_url)
        self.snapshot: Snapshot | None = None
        self.feed_read_at: datetime | None = None  # start of the last poll that read the feed to its end
        # (cursor, ETag) of the feed's last page, which ended at that cursor: the next poll from
        # the cursor sends it as If-None-Match, so polling an unchanged store costs one 304.
        # The page's rows were stored with the cursor, so a 304 never stands for rows the local
        # store lacks; a replaced local store forgets it (_follow_data_dir).
        self.quiet_feed: tuple[str | None, str] | None = None
        self.feed_cursor: str | None = None  # the local store's cursor as last read or written
        self._next_id = 1
        self._unstored: dict[str, LocalStoreError] = {}  # document → why its last poll could not be stored
        if isinstance(store, ReadOnlyStore):  # said from the start, for as long as the wall runs on it
            self._unstored["data directory"] = store.refusal
            self.status = replace(self.status, local_store_error=str(store.refusal), local_store_fault=store.refusal.fault)
        self.feed_quality = FeedQualityKept()  # untrusted report times, rejected rows (sync/feed_kept.py)
        self.link = LinkTracker()  # stalls and backoff (sync/link_status.py)
        self.wants: Wants = NOTHING_WANTED  # what the screens ask of each snapshot (set by SyncService)
        self.crisis = CrisisWatch()  # the layout's crisis rules across polls (sync/crisis_watch.py)
        # poll_all publishes once for its three polls (deriving costs seconds at state scale);
        # while it runs, a poll that would publish only says so here.
        self._one_publish = False
        self._publish_due = False
        self._ranking_followed = False  # this poll_all's feed read already fetched the store's ranking

    # --- start-up -------------------------------------------------------------------

    def load_local(self) -> Snapshot:
        """Everything the local database holds, so a restart shows data at once."""
        try:
            stored = self.store.catalog()
            if stored:
                self.catalog, doc = stored
                self.catalog_etag = doc.etag
            # Batch by batch in key order, each KPI's series built once: a restart on a state's
            # store never holds all its rows at once (the wall's peak memory, bench_wall_scale).
            for rows in self.feed_quality.stored_batches(self.store.iter_observations(by_kpi=True), self.store):
                self._apply_rows(rows)
            self.feed_quality.read_rejections(self.store)
            self.feed_cursor = self.store.cursor()
            ranking = self.store.ranking()
            self.rankings.load(ranking[0] if ranking else None)
        except LocalStoreError as err:
            self.status = replace(self.status, local_store_error=str(err), local_store_fault=err.fault)
        self._rank()
        return self._publish()

    # --- polls ------------------------------------------------------------------------

    def poll_catalog(self) -> Snapshot | None:
        def work() -> bool:
            fetched = self.client.get_catalog(self.catalog_etag)
            if fetched.not_modified:
                return False
            assert fetched.doc is not None
            self.store.save_catalog(fetched.doc, fetched.etag, self.clock())
            self.catalog, self.catalog_etag = fetched.doc, fetched.etag
            self._rank()
            return True

        return self._poll(work, "catalog")

    def poll_observations(self) -> Snapshot | None:
        def work() -> bool:
            started = self.clock()
            cursor = self.feed_cursor = self.store.cursor()
            stored = 0
            quiet = self.quiet_feed
            reading = self.progress_pacing(started, first=cursor is None and not self.series)
            try:
                for page in self.client.iter_observation_pages(
                        cursor, self.page_limit, etag=quiet[1] if quiet and quiet[0] == cursor else None):
                    self.quiet_feed = None
                    # Stored (with the cursor after it) before it is shown: a page that
                    # cannot be written is not applied, and is fetched again next time.
                    received = self.clock()
                    self.store.save_rows(page.rows, page.cursor, received, page.rejected)
                    self.feed_cursor = page.cursor
                    # Applied page by page and let go: a cold sync never holds all its rows.
                    self._apply_rows(self.feed_quality.received(page.rows, received.timestamp()))
                    stored += len(page.rows)
                    if page.rejected:
                        self.feed_quality.read_rejections(self.store)
                    if not page.more and page.etag:
                        self.quiet_feed = (page.cursor, page.etag)
                    self.progress()
                    self._show_progress(reading, reading.page(len(page.rows)), page.more)
                    del page  # let go before the next is read: two pages' rows are never held at once
                self.feed_read_at = started  # read to its end: the wall holds all the store had then
            finally:
                if self.status.syncing is not None:  # the read is over: what follows is whole again
                    self.status = replace(self.status, syncing=None)
                if stored:  # whatever reached the disk (and the series), even if a later page failed
                    self._rank()
            if stored:
                self._show_figures_first()
                self._fetch_central_ranking()  # the store re-ranks on new data: follow it
                self._ranking_followed = True
            return bool(stored)

        return self._poll(work, "observations")

    def poll_ranking(self) -> Snapshot | None:
        return self._poll(self._fetch_central_ranking, "ranking")

    def watch_crisis(self, rules: Iterable[CrisisRule]) -> None:
        """Judge these crisis rules in every snapshot from now on."""
        self.crisis.set_rules(rules)

    def acknowledge_crisis(self) -> Snapshot | None:
        """The operator acknowledged the firing rules: recorded, and a snapshot that says so."""
        event = self.crisis.acknowledge(self.clock())
        if event is None:
            return None
        self.record_crisis([event])
        return self._publish()

    def record_crisis(self, events: Iterable[CrisisEvent]) -> None:
        """Crisis log entries (the wall's layout switches come from the GUI through the service)."""
        events = list(events)
        if not events:
            return
        try:
            self.store.record_crisis_events(events)
        except LocalStoreError as err:
            log.error("crisis log not written: %s", err)
            self.status = replace(self.status, local_store_error=str(err), local_store_fault=err.fault)

    def republish(self) -> Snapshot:
        """The same data again, with the derived facts the screens now want."""
        return self._publish()

    def poll_all(self) -> Snapshot | None:
        """Catalog, observations, ranking, in that order; one snapshot if any changed.

        Published once, after all three: a snapshot after each would derive every fact
        (report times, feed quality) over all the data again, seconds at state scale,
        for snapshots nobody but the last one's receiver sees. A feed read that stored
        rows has just fetched the store's ranking: the ranking poll is not sent twice."""
        self._one_publish, self._publish_due, self._ranking_followed = True, False, False
        try:
            self.poll_catalog()
            self.poll_observations()
            if self._ranking_followed:
                self._poll(lambda: False, "ranking")  # fetched a moment ago, by the feed read
            else:
                self.poll_ranking()
        finally:
            self._one_publish = False
        return self._publish() if self._publish_due else None

    def poll_all_now(self) -> Snapshot | None:
        """The operator's refresh: poll at once, even while backing off from a refused token."""
        self.status = self.link.retry_now(self.status)
        return self.poll_all()

    # --- internals ----------------------------------------------------------------------

    def _poll(self, work: Callable[[], bool], document: str) -> Snapshot | None:
        before = self.status
        now = self.clock()
        if self.link.waiting(self.status, now):  # a refused token or bad certificate: backing off
            return None
        try:
            self._follow_data_dir(now)
            changed = work()
        except StoreError as err:
            log.warning("poll failed: %s", err)
            self.status = self.link.failed(self.status, err, document, now)
            if isinstance(err, StoreUnreachable):
                self.rankings.unreachable(str(err))  # _publish falls back to the local estimate
            return self._poll_published()
        except LocalStoreError as err:
            log.error("local store: %s", err)
            self._unstored[document] = err
            self.status = replace(self.status, last_attempt=now, local_store_error=str(err), local_store_fault=err.fault)
            return self._poll_published()
        self.status = self.link.succeeded(self.status, document, now)
        self._unstored.pop(document, None)
        if self._unstored:  # another document still cannot be stored: a ranking poll does not cure a full disk
            unstored = next(iter(self._unstored.values()))
            self.status = replace(self.status, local_store_error=str(unstored), local_store_fault=unstored.fault)
        event = self.status.data_dir_event
        if document == "observations" and event is not None and not event.resynced:
            self.status = replace(self.status, data_dir_event=replace(event, resynced=True))
        if (changed or before.reachable is not True or before.local_store_error or self.snapshot is None
                or self.status.data_dir_event != before.data_dir_event or self.crisis.due(now)
                or now - self.snapshot.created_at >= REJUDGE_EVERY):
            return self._poll_published()
        return None

    def _poll_published(self) -> Snapshot | None:
        """A poll's snapshot; within poll_all, noted and left to it (published once)."""
        if self._one_publish:
            self._publish_due = True
            return None
        return self._publish()

    def _follow_data_dir(self, now: datetime) -> None:
        """The data directory deleted or its database replaced under the running wall: go on in
        the store re-opened at the path, from its own cursor (sync/data_dir.py). The documents'
        ETags are forgotten so the catalog and ranking are written into it too. Raises
        LocalStoreError when the store cannot be re-opened; the next poll tries again."""
        if not isinstance(self.store, WritableStore):
            return
        followed = self.store.follow_path()
        if followed is None:
            return
        self.store, change = followed
        self._unstored.clear()  # failures to write the old store (or to re-open it) are over
        catalog, self.catalog_etag = self.catalog, None
        self.rankings.forget_etag()
        self.quiet_feed = None
        self.status = replace(self.status, data_dir_event=DataDirEvent(change, now))
        if catalog is not None:  # the catalog on screen goes in at once: its next poll may be minutes away
            self.store.save_catalog(catalog, None, now)
        self.feed_quality.read_rejections(self.store)  # the feed quality of the store now in use, not of the one gone

    def _show_progress(self, reading: FeedReadProgress, due: SyncProgress | None, more: bool) -> None:
        """A long feed read shows what it has stored so far on every screen, marked partial."""
        if due is None or not more or self.partial is None:
            return
        self.status = replace(self.status, syncing=due)
        send, last = self.partial, self.snapshot
        if last is None:
            send(self._publish())
            return
        reading.send(lambda: send(self._publish()), lambda: send(self._restated(last)))

    def _restated(self, last: Snapshot) -> Snapshot:
        """The last snapshot's data and derived facts again, with the status as it stands now."""
        self.snapshot = replace(last, id=self._next_id, status=self.status)
        self._next_id += 1
        return self.snapshot

    def _show_figures_first(self) -> None:
        """New figures go on screen before the store is asked for its re-rank.

        A store that ranks on request takes its time (0.3–0.8 s at 3,400 KPIs), and the
        figures need not wait for it. This snapshot keeps the ranking exactly as the last
        one judged and showed it (same ranking, reason, audit and explanations): the
        wall has not yet asked the store whether it re-ranked, so it neither shows a new
        judgement nor flips to the local estimate for the moment the question takes.
        The poll's own snapshot, once the store has answered (or failed to), judges the
        ranking anew under DESIGN.md's rule. Only while the store's ranking is what the
        screens show: the local estimate, when shown, is already re-ranked on the new data."""
        last = self.snapshot
        if (self.partial is None or self._one_publish or last is None or last.partial
                or last.ranking is None or last.ranking_reason.is_fallback):
            return
        self.partial(self._publish(ranking_of=last))

    def _fetch_central_ranking(self) -> bool:
        return self.rankings.fetch(self.client, self.store, self.clock())

    def _apply_rows(self, rows: list[Row]) -> None:
        if not rows:
            return
        self._ingest.add(rows)
        trusted = rows if not self.feed_quality.untrusted_times else self.feed_quality.trusted(rows)
        newest = max(map(itemgetter(4), trusted), default=None)  # C speed: a cold sync's million rows
        if newest is not None:
            self.newest_reported_at = max(newest, self.newest_reported_at or newest)

    def _settle(self) -> None:
        """The series as of every row applied, before anything reads them."""
        self.series = self._ingest.series()

    def _rank(self) -> None:
        self._settle()
        self.rankings.rank(self.catalog, self.series, self.clock())

    def _store_failed(self, err: LocalStoreError) -> None:
        self.status = replace(self.status, local_store_error=str(err), local_store_fault=err.fault)

    def _publish(self, ranking_of: Snapshot | None = None) -> Snapshot:
        """A snapshot of the data as it stands, with the ranking judged now — or, given
        `ranking_of`, that snapshot's ranking picture unchanged (_show_figures_first)."""
        self._settle()
        now = self.clock()
        ranking = self._ranking_judged(now) if ranking_of is None else ranking_picture(ranking_of)
        snapshot = Snapshot(
            id=self._next_id,
            created_at=self.clock(),
            status=self.status,
            catalog=self.catalog,
            series=self.series,
            data_as_of=datetime.fromtimestamp(self.newest_reported_at, UTC) if self.newest_reported_at else None,
            feed_cursor=self.feed_cursor,
            feed_quality=self.feed_quality.judge(self.catalog, self.series, now),
            **ranking,
        )
        snapshot = derive(snapshot, self.wants, previous=self.snapshot)  # what it derived is kept where data did not change
        if snapshot.partial:  # no crisis begins or ends on part of the data: the last judgement stands
            snapshot = replace(snapshot, crisis=self.snapshot.crisis) if self.snapshot is not None else snapshot
        else:
            crisis, events = self.crisis.observe(self.catalog, self.series, snapshot.created_at)
            self.record_crisis(events)
            snapshot = replace(snapshot, crisis=crisis)
        self._next_id += 1
        self.snapshot = snapshot
        return snapshot

    def _ranking_judged(self, now: datetime) -> dict[str, Any]:
        """The ranking fields of a snapshot, judged on what the wall holds now."""
        rankings = self.rankings
        chosen, reason, previous = rankings.choose(self.newest_reported_at)
        ranking_audit, unrecorded = rankings.audit(self.catalog, self.series, self.store,
                                                   feed_read_at=self.feed_read_at, now=now)
        try:
            rankings.note_fallback_end(chosen, self.store, now)
        except LocalStoreError as err:
            unrecorded = err
        if unrecorded is not None:
            self._store_failed(unrecorded)
        return dict(zip(RANKING_FIELDS, (chosen, reason, previous, rankings.central, rankings.local,
                                         rankings.differences, ranking_audit, rankings.input), strict=True))


# What a snapshot says about the ranking: the fields `_ranking_judged` sets, in its order.
RANKING_FIELDS = ("ranking", "ranking_reason", "previous_ranking", "central_ranking", "local_ranking",
                  "ranking_differences", "ranking_audit", "ranking_input")


def ranking_picture(snapshot: Snapshot) -> dict[str, Any]:
    """A snapshot's ranking fields, to carry unchanged into the next (_show_figures_first)."""
    return {name: getattr(snapshot, name) for name in RANKING_FIELDS}

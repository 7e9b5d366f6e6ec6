"""The wall at any moment of its history, read from its local store. Qt-free.

`--as-of TIME` and `main.py replay` show what the local store had received by a
moment, never anything newer: observations reported at or before it, ranked by the
local engine; the central store's ranking only if it had been computed by then (the
local store keeps only the latest one, so an older moment gets the local estimate).
The local store keeps the latest catalog only, so a moment before it was fetched is
shown with it and the snapshot says "catalog as of …"; and it keeps the latest version
of each observation, so a value corrected after the moment is left out rather than
shown early.

`HistoryWorker` reads the store once and builds snapshots for any moment (forward
steps apply only the rows reported since the last one). `HistoryService` runs it on
one worker thread, like the live `SyncService`: the GUI thread never reads the
database, and nothing polls the store.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType

import numpy as np
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from .contract import Catalog
from .crisis_watch import CrisisEvent, CrisisRule, CrisisWatch
from .data_dir import open_for_reading
from .derive import derive
from .derived_facts import NOTHING_WANTED, Wants
from .local_store import DB_FILENAME, LocalStore, LocalStoreError
from .period_time import IST
from .ranking.engine import PROVISIONAL_THRESHOLD
from .ranking.fallback import ReasonKind
from .ranking.inputs import RankingInput
from .ranking.result import RankingResult
from .rankings_kept import LocalRanker, choose_shown_ranking
from .scheduling import SCHEDULER_LOG, stop_scheduler
from .series import KpiSeries, Row, apply_rows, frozen
from .snapshot import HistoryView, Snapshot, SyncStatus

log = logging.getLogger(__name__)

AS_OF, REPLAY = "as-of", "replay"


class HistoryError(Exception):
    """Stored history cannot be shown: a one-line reason for the operator."""


def parse_moment(text: str) -> datetime:
    """ISO-8601 date or date-time, with or without an offset (without one: IST)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise HistoryError(
            f"{text!r} is not an ISO-8601 time (e.g. 2026-11-21T10:32 or 2026-11-21T10:32+05:30)"
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=IST)


def moment_text(moment: datetime) -> str:
    """'21 Nov 2026 10:32 IST' (English; the wall translates its own labels)."""
    local = moment.astimezone(IST)
    return f"{local.day} {local.strftime('%b %Y %H:%M')} IST"


def open_local_store(data_dir: Path) -> LocalStore:
    """The local store of an earlier live run or `main.py sync`; never creates one."""
    if not (data_dir / DB_FILENAME).is_file():
        raise HistoryError(
            f"no local store in {data_dir}: fill it with a live run of the wall or "
            f"`main.py sync --store URL --data-dir {data_dir}` first"
        )
    try:
        store = open_for_reading(data_dir)  # no lock; read-only on a read-only file system
        if store.catalog() is None:
            store.close()
            raise HistoryError(f"the local store in {data_dir} holds no catalog yet: nothing to show")
    except LocalStoreError as err:
        raise HistoryError(str(err)) from None
    return store


def _stamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class StoredRows:
    """Every stored observation in time order, compactly: codes as small integers into
    tables of distinct strings (about 30 bytes a row instead of a tuple's 250), turned
    back into rows only for the slice a step applies."""

    def __init__(self, batches: Iterable[list[Row]]) -> None:
        names: tuple[dict[str, int], dict[str, int], dict[str, int]] = ({}, {}, {})
        columns: tuple[list[int], list[int], list[int]] = ([], [], [])
        values: list[float] = []
        times: list[float] = []
        for batch in batches:
            for row in batch:
                for i, code in enumerate(row[:3]):
                    columns[i].append(names[i].setdefault(code, len(names[i])))
                values.append(np.nan if row[3] is None else row[3])
                times.append(row[4])
        order = np.argsort(np.asarray(times, dtype=np.float64), kind="stable")
        self.times = np.asarray(times, dtype=np.float64)[order]
        self.values = np.asarray(values, dtype=np.float64)[order]
        self.codes = [np.asarray(column, dtype=np.int32)[order] for column in columns]
        self.names = [list(table) for table in names]

    def __len__(self) -> int:
        return int(self.times.size)

    def count_until(self, moment: datetime) -> int:
        """How many rows were reported at or before `moment`."""
        return int(np.searchsorted(self.times, moment.timestamp(), side="right"))

    def rows(self, start: int, stop: int) -> list[Row]:
        kpis, entities, periods = (
            [table[c] for c in codes[start:stop].tolist()] for table, codes in zip(self.names, self.codes)
        )
        values = [None if v != v else v for v in self.values[start:stop].tolist()]  # NaN: reported as null
        return list(zip(kpis, entities, periods, values, self.times[start:stop].tolist()))


class HistoryWorker:
    """Snapshots of the local store as of any moment. Only the worker thread calls it."""

    def __init__(self, store: LocalStore, *, provisional_threshold: float = PROVISIONAL_THRESHOLD) -> None:
        self.store = store
        self.provisional_threshold = provisional_threshold
        self.catalog: Catalog | None = None
        self.catalog_fetched_at: datetime | None = None
        self.central: RankingResult | None = None
        self.load_error: str | None = None
        self._rows = StoredRows(())
        self._applied = 0  # rows[:_applied] are in `_series`
        self._series: Mapping[str, KpiSeries] = MappingProxyType({})
        self._ranked_upto = -1
        self._local: RankingResult | None = None
        self._local_previous: RankingResult | None = None
        self._ranked = RankingInput.empty()
        self._ranker = LocalRanker(provisional_threshold)  # re-reads only the series a step changed
        self._next_id = 1
        self.wants: Wants = NOTHING_WANTED  # what the screens ask of each snapshot (set by HistoryService)
        # Crisis rules judged moment by moment as the live wall did; stepping back starts them afresh.
        # Nothing is written: history is read-only, its crisis log lives in memory (`crisis_events`).
        self.crisis = CrisisWatch()
        self.crisis_events: list[CrisisEvent] = []
        self._crisis_moment: datetime | None = None

    @property
    def stored_from(self) -> datetime | None:
        return _stamp(self._rows.times[0]) if len(self._rows) else None

    @property
    def stored_until(self) -> datetime | None:
        return _stamp(self._rows.times[-1]) if len(self._rows) else None

    def load(self) -> None:
        """Read the catalog, the stored central ranking and every observation, once."""
        try:
            stored = self.store.catalog()
            if stored is not None:
                self.catalog, doc = stored
                self.catalog_fetched_at = doc.fetched_at
            ranking = self.store.ranking()
            self.central = RankingResult.from_contract(ranking[0]) if ranking else None
            rows = StoredRows(self.store.iter_observations())
        except LocalStoreError as err:
            self.load_error = str(err)
            return
        self._rows = rows
        self._applied, self._series, self._ranked_upto = 0, MappingProxyType({}), -1

    def snapshot_at(self, moment: datetime, *, mode: str = AS_OF, speed: float | None = None,
                    until: datetime | None = None) -> Snapshot:
        """What the wall held at `moment`: rows reported at or before it, ranked locally."""
        upto = self._rows.count_until(moment)
        self._advance(upto)
        central = self.central if self.central is not None and self.central.computed_at <= moment else None
        withheld = self.central is not None and central is None
        newest = _stamp(self._rows.times[upto - 1]) if upto else None
        chosen, reason, previous = choose_shown_ranking(
            central, None, self._local, self._local_previous, central_error=None, newest_observation=newest
        )
        if withheld and reason.kind is ReasonKind.NO_CENTRAL:  # the store's ranking came after `moment`
            reason = replace(reason, kind=ReasonKind.NOT_STORED)
        status = SyncStatus(store_url=str(self.store.path), local_store_error=self.load_error)
        view = HistoryView(
            mode=mode, moment=moment, speed=speed, until=until, stored_from=self.stored_from,
            stored_until=self.stored_until, catalog_fetched_at=self.catalog_fetched_at,
            central_ranking_withheld=withheld,
        )
        snapshot = Snapshot(
            id=self._next_id, created_at=moment, status=status, catalog=self.catalog, series=self._series,
            data_as_of=newest, ranking=chosen, ranking_reason=reason, previous_ranking=previous,
            central_ranking=central, local_ranking=self._local, ranking_input=self._ranked, history=view,
        )
        self._next_id += 1
        snapshot = derive(snapshot, self.wants)
        if self._crisis_moment is not None and moment < self._crisis_moment:
            self.crisis.reset()
        self._crisis_moment = moment
        crisis, events = self.crisis.observe(self.catalog, self._series, moment)
        self.crisis_events += events
        return replace(snapshot, crisis=crisis)

    def acknowledge_crisis(self) -> Snapshot | None:
        """The operator acknowledged during replay: the banner stops flashing (not recorded)."""
        if self._crisis_moment is None:
            return None
        event = self.crisis.acknowledge(self._crisis_moment)
        if event is None:
            return None
        self.crisis_events.append(event)
        return self.snapshot_at(self._crisis_moment)

    def _advance(self, upto: int) -> None:
        """Hold exactly rows[:upto]: apply the new ones going forward, rebuild going back."""
        if upto < self._applied:
            self._series, self._applied = MappingProxyType({}), 0
        if upto > self._applied:
            self._series = frozen(apply_rows(self._series, self._rows.rows(self._applied, upto)))
            self._applied = upto
        if upto != self._ranked_upto and self.catalog is not None:
            moment = _stamp(self._rows.times[upto - 1]) if upto else _stamp(0)
            local, previous, ranked = self._ranker.rank(self.catalog, self._series, moment)
            self._local, self._local_previous = local, previous
            self._ranked = ranked if ranked is not None else RankingInput.empty()
            self._ranked_upto = upto


@dataclass(frozen=True)
class ReplayPlan:
    """A stored period played forward: `speed` replayed seconds per wall second."""

    start: datetime
    until: datetime
    speed: float = 60.0
    step_s: float = 1.0  # wall seconds between snapshots

    def moment_after(self, elapsed_s: float) -> datetime:
        return min(self.until, self.start + timedelta(seconds=elapsed_s * self.speed))

    def moments_every(self, every_s: float) -> list[datetime]:
        """start, start + every, …, and always `until`: the moments a screenshot set is taken."""
        moments, moment = [], self.start
        while moment < self.until:
            moments.append(moment)
            moment += timedelta(seconds=every_s)
        moments.append(self.until)
        return moments


Monotonic = Callable[[], float]


class HistoryService:
    """Runs a `HistoryWorker` on one worker thread and hands its snapshots to `on_snapshot`.

    As of a moment: load, publish that moment, and nothing more. Replay: load, then a
    snapshot every `step_s` wall seconds until `until` (or, with `autoplay` off, only
    the moments asked for through `show()`: screenshot sets step deterministically).
    """

    def __init__(self, worker: HistoryWorker, on_snapshot: Callable[[Snapshot], None], *, moment: datetime,
                 replay: ReplayPlan | None = None, autoplay: bool = True, monotonic: Monotonic = time.monotonic) -> None:
        self.worker = worker
        self.on_snapshot = on_snapshot
        self.moment = moment
        self.replay = replay
        self.autoplay = autoplay and replay is not None
        self.monotonic = monotonic
        self._started_at: float | None = None
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
            timezone="UTC",
            logger=SCHEDULER_LOG,
        )

    def start(self) -> None:
        """Load the store, show the first moment, then (replay) play forward; returns at once."""
        self.scheduler.add_job(self._run, "date", run_date=datetime.now(UTC), args=[self._load], id="load")
        self.scheduler.start()

    def show(self, moment: datetime) -> None:
        """Publish the snapshot of `moment` as soon as the worker thread is free."""
        if self.scheduler.running:
            self.scheduler.add_job(self._run, "date", run_date=datetime.now(UTC),
                                   args=[lambda: self._at(moment)])

    def refresh_now(self) -> None:
        """Nothing to poll: show the current moment again."""
        self.show(self.moment)

    def want(self, wants: Wants) -> None:
        """Derive these facts in every snapshot from now on, starting with the moment shown."""
        self.worker.wants = wants
        self.show(self.moment)

    def poll_observations_every(self, seconds: float | None) -> None:
        """History is not polled: a layout's `[sync]` interval changes nothing here."""

    def watch_crisis(self, rules: tuple[CrisisRule, ...]) -> None:
        """Judge these crisis rules at every replayed moment (set before `start`)."""
        self.worker.crisis.set_rules(rules)

    def acknowledge_crisis(self) -> None:
        if self.scheduler.running:
            self.scheduler.add_job(self._run, "date", run_date=datetime.now(UTC), args=[self.worker.acknowledge_crisis])

    def record_crisis(self, events: tuple[CrisisEvent, ...]) -> None:
        """History is read-only: the wall's switches during replay are kept in memory only."""
        if self.scheduler.running:
            self.scheduler.add_job(self._run, "date", run_date=datetime.now(UTC),
                                   args=[lambda: self.worker.crisis_events.extend(events)])

    def stop(self) -> None:
        stop_scheduler(self.scheduler)
        self.worker.store.close()

    # --- on the worker thread -----------------------------------------------------------

    def _load(self) -> Snapshot:
        self.worker.load()
        snapshot = self._at(self.moment)
        if self.autoplay:
            assert self.replay is not None
            self._started_at = self.monotonic()
            self.scheduler.add_job(self._run, "interval", seconds=self.replay.step_s, args=[self._step], id="step")
        return snapshot

    def _step(self) -> Snapshot | None:
        assert self.replay is not None and self._started_at is not None
        moment = self.replay.moment_after(self.monotonic() - self._started_at)
        if moment >= self.replay.until:
            self.scheduler.remove_job("step")  # the last frame stays on screen
        return self._at(moment)

    def _at(self, moment: datetime) -> Snapshot:
        self.moment = moment
        if self.replay is None:
            return self.worker.snapshot_at(moment, mode=AS_OF)
        return self.worker.snapshot_at(moment, mode=REPLAY, speed=self.replay.speed, until=self.replay.until)

    def _run(self, job: Callable[[], Snapshot | None]) -> None:
        try:
            snapshot = job()
        except Exception:  # a bug must not stop the replay: log it, keep the last frame
            log.exception("history job failed")
            return
        if snapshot is not None:
            self.on_snapshot(snapshot)

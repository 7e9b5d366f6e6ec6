"""The sync schedule: APScheduler jobs that drive the `SyncWorker`.

All jobs run on one worker thread (a single-thread executor), so polls never
overlap each other and the worker's state needs no locks; each job also has
`max_instances=1` and coalesces missed runs, so a slow store cannot pile up work.
One thread is enough because no poll can hold it for long: every request has a
whole-request deadline (sync/client.py), so a stalling document costs at most that
per turn and the other documents' polls run between its turns (tests/test_store_faults.py).
Every new snapshot goes to `on_snapshot`, which the wall turns into a queued Qt
signal; this module knows nothing of Qt.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from .crisis_watch import CrisisEvent, CrisisRule
from .derived_facts import Wants
from .heartbeat import BEAT_EVERY_S, Heartbeat
from .scheduling import SCHEDULER_LOG, stop_scheduler
from .snapshot import Snapshot
from .worker import SyncWorker, utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intervals:
    """Seconds between polls of each document."""

    catalog: float = 300.0
    observations: float = 10.0
    ranking: float = 60.0


def aligned_interval(seconds: float, now: datetime) -> IntervalTrigger:
    """Every `seconds` at whole multiples of `seconds` since the Unix epoch, starting with
    the first one after `now`: wall PCs with synced clocks and the same interval poll at
    the same instants, so they fetch the same data (README "Several PCs, one wall")."""
    epoch = now.timestamp()
    first = (math.floor(epoch / seconds) + 1) * seconds
    return IntervalTrigger(seconds=seconds, start_date=datetime.fromtimestamp(first, UTC), timezone="UTC")


class SyncService:
    def __init__(
        self,
        worker: SyncWorker,
        on_snapshot: Callable[[Snapshot], None],
        intervals: Intervals = Intervals(),
    ) -> None:
        self.worker = worker
        self.on_snapshot = on_snapshot
        self.intervals = intervals
        self.observations_every = intervals.observations  # the layout's, else the command line's
        self.heartbeat = Heartbeat()  # progress of the worker thread, for the service watchdog
        worker.progress = self.heartbeat.beat  # a long first sync beats with every page it stores
        worker.partial = on_snapshot  # and shows what it has stored so far, marked partial
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
            timezone="UTC",
            logger=SCHEDULER_LOG,  # a slow poll's skipped runs: one line now and then, not one a second
        )

    def start(self) -> None:
        """Load the local database first, then poll; returns at once."""
        now = utc_now()
        add = self.scheduler.add_job
        add(self._run, "date", run_date=now, args=[self.worker.load_local], id="load_local")
        add(self._run, "date", run_date=now + timedelta(milliseconds=1), args=[self.worker.poll_all], id="first_poll")
        for name, seconds, poll in (
            ("catalog", self.intervals.catalog, self.worker.poll_catalog),
            ("observations", self.observations_every, self.worker.poll_observations),
            ("ranking", self.intervals.ranking, self.worker.poll_ranking),
        ):
            add(self._run, aligned_interval(seconds, now), args=[poll], id=f"poll_{name}")
        # Runs only when the one worker thread is free: a hung poll stops the beats.
        add(self.heartbeat.beat, "interval", seconds=BEAT_EVERY_S, id="heartbeat")
        self.scheduler.start()

    def refresh_now(self) -> None:
        """Poll everything as soon as the worker thread is free (operator's refresh key)."""
        if self.scheduler.running:
            self.scheduler.add_job(self._run, "date", run_date=utc_now(), args=[self.worker.poll_all_now],
                                   id="refresh", replace_existing=True)

    def catch_up(self) -> None:
        """Poll everything as soon as the worker thread is free, as scheduled polls do (a
        refused token's backoff stands): another PC of the wall shows newer data."""
        if self.scheduler.running:
            self.scheduler.add_job(self._run, "date", run_date=utc_now(), args=[self.worker.poll_all],
                                   id="catch_up", replace_existing=True)

    def want(self, wants: Wants) -> None:
        """Derive these facts in every snapshot from now on, starting with one at once
        (the screens switched layout: its alerts must not wait for new data)."""
        self.worker.wants = wants
        if self.scheduler.running:
            self.scheduler.add_job(self._run, "date", run_date=utc_now(), args=[self.worker.republish],
                                   id="republish", replace_existing=True)

    def watch_crisis(self, rules: tuple[CrisisRule, ...]) -> None:
        """Judge these crisis rules in every snapshot (set before `start`, or on the worker thread)."""
        self._on_worker(lambda: self.worker.watch_crisis(rules))

    def acknowledge_crisis(self) -> None:
        """The operator acknowledged the crisis banner: recorded and published on the worker thread."""
        self._on_worker(self.worker.acknowledge_crisis)

    def record_crisis(self, events: tuple[CrisisEvent, ...]) -> None:
        """Crisis log entries from the wall (layout switches), written on the worker thread."""
        self._on_worker(lambda: self.worker.record_crisis(events))

    def _on_worker(self, job: Callable[[], Snapshot | None]) -> None:
        if self.scheduler.running:
            self.scheduler.add_job(self._run, "date", run_date=utc_now(), args=[job])
        else:  # not started yet (or stopped): no other thread touches the worker
            self._run(job)

    def poll_observations_every(self, seconds: float | None) -> None:
        """Poll observations every `seconds` from now on (None: the command line's interval).
        The layout on screen decides: a crisis layout asks for figures fresh within seconds.
        Either takes effect at once: the next poll comes at the next multiple of `seconds`
        since the epoch, no later than `seconds` from now (aligned, like every PC of the wall)."""
        every = self.intervals.observations if seconds is None else seconds
        if every == self.observations_every:
            return
        self.observations_every = every
        job = self.scheduler.get_job("poll_observations") if self.scheduler.running else None
        if job is None:  # not started yet: start() schedules it at this interval
            return
        job.reschedule(aligned_interval(every, utc_now()))
        log.info("observations polled every %g s", every)

    def stop(self) -> None:
        stop_scheduler(self.scheduler)
        self.worker.client.close()
        self.worker.store.close()

    def _run(self, poll: Callable[[], Snapshot | None]) -> None:
        self.heartbeat.beat()
        try:
            snapshot = poll()
        except Exception:  # a bug must not stop the schedule: log it, keep the last data
            log.exception("sync job failed")
            return
        finally:
            self.heartbeat.beat()
        if snapshot is not None:
            self.on_snapshot(snapshot)


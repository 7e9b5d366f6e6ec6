"""The wall's two APScheduler habits, shared by the sync service and history replay.

One line now and then instead of a warning for every run a slow poll made the scheduler
skip. Polls never overlap (one worker thread, `max_instances=1`): when a poll outlasts its
interval — a first sync, a store slow to rank at state scale — the scheduler skips the
runs that fall due meanwhile and logs a warning for each, one a second with 1 s polls.
Nothing is lost by a skip (the next poll reads everything new), so an unattended wall's
log should not fill with them. A scheduler logs through `SCHEDULER_LOG`, whose filter lets
the first skip through at once as an INFO line, then counts them and lets through, at most
every `SUMMARY_EVERY_S`, one INFO line saying how many there were (a lock keeps the count
of both schedulers); every other warning or error passes unchanged.

And a shutdown that does not race: `stop_scheduler` removes the jobs first, which waits
for a round of due jobs under way on the scheduler thread. Shut down in the middle of
one, APScheduler fails to remove a finished one-off job (JobLookupError: "No job by the
id of first_poll") and its thread dies with a traceback.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from apscheduler.schedulers.base import BaseScheduler

SUMMARY_EVERY_S = 600.0
SKIPPED = "maximum number of running instances reached"


class SkippedRunsSummary(logging.Filter):
    """Lets the first of the scheduler's "skipped" warnings through as an INFO line, then counts
    them and turns every `every_s` seconds' worth into one. Shared by the wall's schedulers."""

    def __init__(self, every_s: float = SUMMARY_EVERY_S, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.every_s, self.clock = every_s, clock
        self.skipped = 0
        self.since: float | None = None  # when the last line was let through (None: never)
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if SKIPPED not in record.getMessage():
            return True
        now = self.clock()
        with self._lock:
            self.skipped += 1
            if self.since is not None and now - self.since < self.every_s:
                return False
            if self.since is None:
                record.msg = ("a poll outlasted its interval, so a scheduled poll was skipped (polls never "
                              "overlap; the next one reads everything new); further skips: one line every %d min")
                record.args = (round(self.every_s / 60),)
            else:
                record.msg = ("%d scheduled polls skipped in the last %d min: a poll outlasted its interval "
                              "(polls never overlap; the next one reads everything new)")
                record.args = (self.skipped, max(1, round((now - self.since) / 60)))
            self.skipped, self.since = 0, now
        record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        return True


SCHEDULER_LOG = logging.getLogger("cmwall.sync.scheduler")
SCHEDULER_LOG.setLevel(logging.WARNING)  # as the wall keeps APScheduler's own loggers: no "Added job" chatter
SCHEDULER_LOG.addFilter(SkippedRunsSummary())


def stop_scheduler(scheduler: BaseScheduler) -> None:
    """Shut `scheduler` down (waiting for a running job) without racing its own thread."""
    if scheduler.running:
        scheduler.remove_all_jobs()
        scheduler.shutdown(wait=True)

"""The wall's scheduler habits: a slow poll's skipped runs summed up in one log line now and
then, not warned one by one; a shutdown that never races the scheduler's own thread."""

from __future__ import annotations

import logging
import threading

import pytest
from cmwall.sync.scheduling import SCHEDULER_LOG, SkippedRunsSummary, stop_scheduler

SKIP = 'Execution of job "SyncService._run (trigger: interval[0:00:01])" skipped: maximum number of running instances reached (%d)'


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_skips_are_counted_and_summed_up_once_per_period(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    log = logging.getLogger("test.skipped_polls")
    summary = SkippedRunsSummary(every_s=600, clock=clock)
    log.addFilter(summary)
    try:
        with caplog.at_level(logging.INFO, logger="test.skipped_polls"):
            log.warning(SKIP, 1)  # the first: said at once, as one INFO line
            for _ in range(59):  # then one a second for a minute: none is logged on its own
                clock.now += 1
                log.warning(SKIP, 1)
            assert len(caplog.records) == 1
            clock.now += 600
            log.warning(SKIP, 1)  # the 60th after the first, ten minutes on: one line for all of them
            log.warning("Run time of job was missed by 0:00:03")  # any other warning passes as it is
        said_at_once, summed_up, other = caplog.records
        assert said_at_once.levelno == logging.INFO and "a scheduled poll was skipped" in said_at_once.getMessage()
        assert summed_up.levelno == logging.INFO
        assert summed_up.getMessage().startswith("60 scheduled polls skipped in the last 11 min")
        assert other.levelno == logging.WARNING and "missed by" in other.getMessage()
        assert summary.skipped == 0
    finally:
        log.removeFilter(summary)


def test_the_sync_service_scheduler_logs_through_the_summing_logger() -> None:
    from cmwall.sync.service import SyncService

    service = SyncService(_Worker(), lambda _snapshot: None)  # type: ignore[arg-type]
    assert service.scheduler._logger is SCHEDULER_LOG
    assert any(isinstance(f, SkippedRunsSummary) for f in SCHEDULER_LOG.filters)
    assert not SCHEDULER_LOG.isEnabledFor(logging.INFO)  # the scheduler's own INFO chatter stays out


class _Worker:
    progress = None
    partial = None


def test_a_scheduler_stopped_just_after_a_one_off_job_ran_stops_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped while its thread removes a finished one-off job, APScheduler's thread died
    with JobLookupError; each start here runs a one-off job at once and stops straight after."""
    from datetime import UTC, datetime

    from apscheduler.schedulers.background import BackgroundScheduler

    died: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda hook: died.append(hook.exc_value))
    ran = threading.Semaphore(0)
    for _ in range(40):
        scheduler = BackgroundScheduler(timezone="UTC", logger=SCHEDULER_LOG)
        scheduler.add_job(ran.release, "date", run_date=datetime.now(UTC), id="first_poll")
        scheduler.start()
        assert ran.acquire(timeout=10)
        stop_scheduler(scheduler)
        assert not scheduler.running
    assert died == []

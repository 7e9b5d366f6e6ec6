"""A slow poll's skipped runs are summed up in one log line now and then, not warned one by one."""

from __future__ import annotations

import logging

import pytest
from cmwall.sync.skipped_polls import SCHEDULER_LOG, SkippedRunsSummary

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
            for _ in range(59):  # one a second for a minute: none is logged on its own
                clock.now += 1
                log.warning(SKIP, 1)
            assert caplog.records == []
            clock.now += 600
            log.warning(SKIP, 1)  # the 60th, ten minutes on: one line for all of them
            log.warning("Run time of job was missed by 0:00:03")  # any other warning passes as it is
        first, other = caplog.records
        assert first.levelno == logging.INFO
        assert first.getMessage().startswith("60 scheduled polls skipped in the last 11 min")
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

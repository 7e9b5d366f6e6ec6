"""A layout says how often observations are polled while it shows (`[sync] poll_observations`).

The crisis layouts promise figures on screen within 15 s of reaching the store, so
they ask for polls at least every 10 s; the sync service reschedules its observations
job when the layout on screen changes, and goes back to the command line's interval
for a layout that says nothing. History (as-of, replay) has no polls to change.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from apscheduler.triggers.interval import IntervalTrigger
from cmwall.layouts.loader import LayoutError, load_layout, parse_layout
from cmwall.sync.client import StoreClient
from cmwall.sync.local_store import LocalStore
from cmwall.sync.service import Intervals, SyncService
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.worker import SyncWorker, utc_now

from .test_sync_worker import ScriptedStore

HOUR = 3600.0
LAYOUTS = Path(__file__).resolve().parents[1] / "layouts"
MINIMAL = {"schema_version": 2, "name": "x", "screens": [{"id": "s", "pages": [{"tiles": []}]}]}


def job_interval(service: SyncService) -> timedelta:
    job = service.scheduler.get_job("poll_observations")
    assert job is not None and isinstance(job.trigger, IntervalTrigger)
    interval: timedelta = job.trigger.interval
    return interval


@pytest.mark.parametrize("name", ["crisis", str(LAYOUTS / "city_crisis.toml")])
def test_the_crisis_layouts_poll_often_enough_for_15_s(name: str) -> None:
    every = load_layout(name).spec.sync.poll_observations
    assert every is not None and every <= 10.0


def test_a_layout_that_says_nothing_keeps_the_command_line_interval() -> None:
    assert parse_layout(MINIMAL).sync.poll_observations is None
    assert load_layout("cm_residence").spec.sync.poll_observations is None


@pytest.mark.parametrize(("value", "expected"), [
    (0.5, "greater than or equal to 1"), (301, "less than or equal to 300"), ("5", "valid number"),
    (True, "valid number"), (float("nan"), "finite number"),
])
def test_a_poll_interval_out_of_bounds_or_of_the_wrong_type_is_refused_with_its_path(value: object, expected: str) -> None:
    with pytest.raises(LayoutError) as caught:
        parse_layout({**MINIMAL, "sync": {"poll_observations": value}})
    assert "sync.poll_observations" in caught.value.report()
    assert expected in caught.value.report()


def test_an_unknown_key_in_sync_is_refused() -> None:
    with pytest.raises(LayoutError) as caught:
        parse_layout({**MINIMAL, "sync": {"poll_observation": 5}})
    assert "sync.poll_observation" in caught.value.report()


def test_the_service_reschedules_observation_polls_when_the_layout_asks(tmp_path: Path) -> None:
    store = ScriptedStore()
    first_sync = threading.Event()
    polls = threading.Semaphore(0)
    worker = SyncWorker(StoreClient("http://store.test", transport=httpx.MockTransport(store)), LocalStore(tmp_path))
    original = worker.poll_observations

    def counted() -> Snapshot | None:
        polls.release()
        return original()

    worker.poll_observations = counted  # type: ignore[method-assign]

    service = SyncService(worker, lambda _s: first_sync.set(), Intervals(catalog=HOUR, observations=HOUR, ranking=HOUR))
    service.poll_observations_every(None)  # before start: the command line's interval stands
    service.start()
    try:
        assert first_sync.wait(timeout=20)
        assert polls.acquire(timeout=20)  # the first poll's
        assert job_interval(service) == timedelta(hours=1)

        service.poll_observations_every(1.0)  # a crisis layout came up: the next poll within 1 s, not an hour
        assert job_interval(service) == timedelta(seconds=1)
        job = service.scheduler.get_job("poll_observations")
        assert job is not None and job.next_run_time <= utc_now() + timedelta(seconds=1)
        for _ in range(2):
            assert polls.acquire(timeout=20)

        service.poll_observations_every(None)  # back to a layout that says nothing
        assert job_interval(service) == timedelta(hours=1)
    finally:
        service.stop()


def test_a_layout_interval_set_before_start_is_the_one_scheduled(tmp_path: Path) -> None:
    worker = SyncWorker(StoreClient("http://store.test", transport=httpx.MockTransport(ScriptedStore())),
                        LocalStore(tmp_path))
    service = SyncService(worker, lambda _s: None, Intervals(catalog=HOUR, observations=HOUR, ranking=HOUR))
    service.poll_observations_every(5.0)
    service.start()
    try:
        assert job_interval(service) == timedelta(seconds=5)
    finally:
        service.stop()

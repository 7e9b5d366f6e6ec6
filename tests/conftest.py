"""Shared fixtures: the demo store on loopback and a snapshot of it at a fixed time.

Session-scoped because building the demo store's year of history and polling it
takes a second or two; everything here is deterministic (fixed seed, fixed clock),
so approved images and behaviour tests see the same figures on every run.
"""

from __future__ import annotations

import os

# Headless by default, before anything creates a QApplication; an explicit
# QT_QPA_PLATFORM (e.g. offscreen:configfile=…) is respected.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from cmwall.sync.client import StoreClient
from cmwall.sync.demo_store import DemoStore, serve_in_thread
from cmwall.sync.local_store import LocalStore
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.worker import SyncWorker

from .derived import shipped_wants

if TYPE_CHECKING:  # for the annotation only: the fixture imports the widgets itself, when a test asks for it
    from cmwall.widgets.base import TileContext

IST = timezone(timedelta(hours=5, minutes=30))
DEMO_NOW = datetime(2026, 11, 22, 11, 0, tzinfo=IST)  # the fixed "now" of every demo fixture


class MovableClock:
    """A clock tests can move forward; the demo store and the worker share it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def demo_store_url() -> Iterator[str]:
    running = serve_in_thread(DemoStore(seed=0, clock=lambda: DEMO_NOW))
    try:
        yield running.url
    finally:
        running.stop()


def _poll(url: str, data_dir: Path, clock: MovableClock | None = None) -> tuple[SyncWorker, Snapshot]:
    worker = SyncWorker(StoreClient(url), LocalStore(data_dir), clock=clock or (lambda: DEMO_NOW))
    worker.wants = shipped_wants()  # as a wall showing any shipped layout asks
    snapshot = worker.poll_all()
    assert snapshot is not None and snapshot.catalog is not None
    return worker, snapshot


@pytest.fixture(scope="session")
def demo_snapshot(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    worker, snapshot = _poll(demo_store_url, tmp_path_factory.mktemp("demo-local"))
    worker.client.close()
    worker.store.close()
    return snapshot


@pytest.fixture(scope="session")
def newer_demo_snapshots(tmp_path_factory: pytest.TempPathFactory) -> tuple[Snapshot, ...]:
    """Three successive snapshots of a second demo store whose clock moves on (1 h, then 2 d)."""
    clock = MovableClock(DEMO_NOW)
    running = serve_in_thread(DemoStore(seed=0, clock=clock))
    try:
        worker, first = _poll(running.url, tmp_path_factory.mktemp("demo-moving"), clock)
        snapshots = [first]
        for step in (timedelta(hours=1), timedelta(days=2)):
            clock.now += step
            newer = worker.poll_all()
            snapshots.append(newer if newer is not None else snapshots[-1])
        worker.client.close()
        worker.store.close()
    finally:
        running.stop()
    return tuple(snapshots)


@pytest.fixture(scope="session")
def city_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """The second demo profile (a city's hospital beds, nothing shared with Gujarat) at DEMO_NOW."""
    from cmwall.sync.demo_store import make_store

    running = serve_in_thread(make_store("city-crisis", seed=0, clock=lambda: DEMO_NOW))
    try:
        worker, snapshot = _poll(running.url, tmp_path_factory.mktemp("city-local"))
        worker.client.close()
        worker.store.close()
    finally:
        running.stop()
    return snapshot


@pytest.fixture
def tile_context() -> TileContext:
    from cmwall.widgets.base import TileContext

    return TileContext(language="en", now=lambda: DEMO_NOW, layout_dir=Path(__file__).parent)


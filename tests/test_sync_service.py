"""The APScheduler wrapper: load first, then poll; one worker thread; clean stop."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
from cmwall.sync.client import StoreClient
from cmwall.sync.local_store import LocalStore
from cmwall.sync.service import Intervals, SyncService
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.worker import SyncWorker

from .test_sync_worker import ScriptedStore


def test_service_delivers_snapshots_in_order_from_one_thread_and_stops_cleanly(tmp_path: Path) -> None:
    store = ScriptedStore()
    received: list[Snapshot] = []
    threads: set[str] = set()
    active = 0
    overlap = False
    lock = threading.Lock()
    got_two = threading.Event()

    def on_snapshot(snapshot: Snapshot) -> None:
        received.append(snapshot)
        threads.add(threading.current_thread().name)
        if len(received) >= 3:
            got_two.set()

    worker = SyncWorker(StoreClient("http://store.test", transport=httpx.MockTransport(store)), LocalStore(tmp_path))
    original = worker.poll_observations

    def guarded_poll():  # type: ignore[no-untyped-def]
        nonlocal active, overlap
        with lock:
            active += 1
            overlap |= active > 1
        try:
            store.feed.append({**store.feed[-1], "value": float(len(store.feed))})  # new data every poll
            return original()
        finally:
            with lock:
                active -= 1

    worker.poll_observations = guarded_poll  # type: ignore[method-assign]
    service = SyncService(worker, on_snapshot, Intervals(catalog=0.05, observations=0.02, ranking=0.05))
    before = {t.name for t in threading.enumerate()}
    service.start()
    try:
        assert got_two.wait(timeout=20), "no snapshots delivered"
    finally:
        service.stop()
    assert received[0].catalog is None or received[0].id == 1  # the local database is loaded first
    ids = [s.id for s in received]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert len(threads) == 1, threads
    assert not overlap
    assert not service.scheduler.running
    leftover = {t.name for t in threading.enumerate() if t.is_alive()} - before
    assert not leftover, leftover


def test_refresh_now_polls_at_once(tmp_path: Path) -> None:
    store = ScriptedStore()
    first_sync = threading.Event()
    refreshed = threading.Event()

    def on_snapshot(snapshot: Snapshot) -> None:
        series = snapshot.series.get("PMJAY.CARDS")
        if series is not None:
            first_sync.set()
            if series.latest("438")[1] == 99.0:  # type: ignore[index]
                refreshed.set()

    worker = SyncWorker(StoreClient("http://store.test", transport=httpx.MockTransport(store)), LocalStore(tmp_path))
    service = SyncService(worker, on_snapshot, Intervals(catalog=3600, observations=3600, ranking=3600))
    service.start()
    try:
        assert first_sync.wait(timeout=20)
        store.feed.append({**store.feed[0], "value": 99.0})
        service.refresh_now()  # the next scheduled poll is an hour away
        assert refreshed.wait(timeout=20)
    finally:
        service.stop()

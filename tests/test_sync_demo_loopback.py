"""The wall's own sync path against the demo store over a real loopback socket.

Same client, same worker, same local store as against a state's remote store:
the demo store is not a bypass. Also proves a kill at any moment leaves the local
store at a complete, consistent state: every stored row is exactly the feed up to
the stored cursor.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cmwall.sync.client import StoreClient
from cmwall.sync.demo_store.server import serve_in_thread
from cmwall.sync.demo_store.store import DemoStore
from cmwall.sync.local_store import LocalStore
from cmwall.sync.ranking.fallback import RankingReason, ReasonKind
from cmwall.sync.worker import SyncWorker

FIXED = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def live_store() -> Iterator[tuple[str, DemoStore]]:
    store = DemoStore(seed=11, clock=lambda: FIXED)
    server = serve_in_thread(store)
    yield server.url, store
    server.stop()


def test_full_sync_over_loopback_matches_the_feed_and_the_store_ranking(live_store: tuple[str, DemoStore], tmp_path: Path) -> None:
    url, store = live_store
    worker = SyncWorker(StoreClient(url), LocalStore(tmp_path), page_limit=2000, clock=lambda: FIXED)
    snapshot = worker.poll_all()
    assert snapshot is not None and snapshot.catalog is not None
    assert len(snapshot.catalog.entities_of_level("district")) == 33
    # every latest observation of the feed is in the local store, once
    keys: set[tuple[str, str, str]] = set()
    with StoreClient(url) as client:
        for page in client.iter_observation_pages(None, 5000):
            keys.update((o.kpi, o.entity, o.period) for o in page.observations)
    with sqlite3.connect(worker.store.path) as db:
        stored = set(db.execute("SELECT kpi, entity, period FROM observations"))
    assert stored == keys
    # the store publishes a ranking and the wall shows it as central; the local engine agrees
    assert snapshot.ranking is not None and snapshot.ranking.source == "central"
    assert snapshot.local_ranking is not None
    central = {r.entity: (r.rank, r.score, r.grade) for r in snapshot.ranking.rows}
    local = {r.entity: (r.rank, r.score, r.grade) for r in snapshot.local_ranking.rows}
    assert central == local
    assert snapshot.ranking_differences == ()


def test_withheld_ranking_switches_to_local_estimate_and_back(live_store: tuple[str, DemoStore], tmp_path: Path) -> None:
    url, store = live_store
    worker = SyncWorker(StoreClient(url), LocalStore(tmp_path), clock=lambda: FIXED)
    assert worker.poll_all().ranking.source == "central"  # type: ignore[union-attr]
    store.set_ranking_mode("withheld")
    try:
        withheld = worker.poll_ranking()
        assert withheld is not None and withheld.ranking is not None
        assert withheld.ranking.source == "local"
        assert withheld.ranking_reason == RankingReason(ReasonKind.NO_CENTRAL, "local")  # withheld: 404
    finally:
        store.set_ranking_mode("live")
    back = worker.poll_ranking()
    assert back is not None and back.ranking is not None and back.ranking.source == "central"


def test_wrong_token_is_a_clear_failure_and_keeps_nothing_half_done(tmp_path: Path) -> None:
    store = DemoStore(seed=11, clock=lambda: FIXED, token="right-token")
    server = serve_in_thread(store)
    try:
        worker = SyncWorker(StoreClient(server.url, token="wrong"), LocalStore(tmp_path), clock=lambda: FIXED)
        snapshot = worker.poll_all()
        assert snapshot is not None and snapshot.status.reachable is False
        assert "401" in (snapshot.status.last_error or "") and "wrong" not in (snapshot.status.last_error or "")
        assert worker.store.observation_count() == 0
        ok = SyncWorker(StoreClient(server.url, token="right-token"), LocalStore(tmp_path), clock=lambda: FIXED)
        assert ok.poll_all().status.reachable is True  # type: ignore[union-attr]
    finally:
        server.stop()


SYNC_FOREVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from cmwall.sync.client import StoreClient
    from cmwall.sync.local_store import LocalStore
    from cmwall.sync.worker import SyncWorker
    worker = SyncWorker(StoreClient(sys.argv[1]), LocalStore(Path(sys.argv[2])), page_limit=int(sys.argv[3]))
    print("syncing", flush=True)
    worker.poll_observations()
    print("done", flush=True)
    """
)


@pytest.mark.parametrize("pages_before_kill", [1, 3, 6])
def test_kill_at_any_moment_leaves_a_consistent_prefix_of_the_feed(
    live_store: tuple[str, DemoStore], tmp_path: Path, pages_before_kill: int
) -> None:
    url, _ = live_store
    page_limit = 500
    proc = subprocess.Popen([sys.executable, "-c", SYNC_FOREVER, url, str(tmp_path), str(page_limit)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "syncing"
    db_path = tmp_path / "cm-wall.sqlite"
    # Kill as soon as the wanted number of pages is committed (the cursor says so), mid-stream.
    deadline = datetime.now().timestamp() + 60
    cursor = None
    while datetime.now().timestamp() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as db:
                row = db.execute("SELECT value FROM sync_state WHERE key='cursor'").fetchone()
                count = db.execute("SELECT count(*) FROM observations").fetchone()[0]
        except sqlite3.OperationalError:
            continue
        if row and count >= pages_before_kill * page_limit:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    # What survived must be exactly the feed up to the stored cursor.
    store = LocalStore(tmp_path)
    cursor = store.cursor()
    assert cursor is not None
    expected: set[tuple[str, str, str]] = set()
    with StoreClient(url) as client:
        since = None
        while since != cursor:
            page = client.get_observations(since, page_limit)
            expected.update((o.kpi, o.entity, o.period) for o in page.observations)
            assert page.cursor != since, "stored cursor is not on the feed's page boundaries"
            since = page.cursor
    with sqlite3.connect(store.path) as db:
        stored = set(db.execute("SELECT kpi, entity, period FROM observations"))
    assert stored == expected
    # and a restarted wall carries on from there to the complete state
    worker = SyncWorker(StoreClient(url), LocalStore(tmp_path), page_limit=page_limit)
    worker.poll_observations()
    with StoreClient(url) as client:
        total = sum(len(p.observations) for p in client.iter_observation_pages(None, 5000))
    assert worker.store.observation_count() == total

"""A sync killed with SIGKILL at random moments of a large ingest loses nothing and doubles nothing.

`main.py sync` is run as a real process against the demo store (served by this test on
loopback, with a fixed clock, so its feed is the same on every run: about 95,000
observations in about 190 pages, each stored in its own transaction) and killed over and
over, each time at a random moment within the page or two after one it stored, so the
kills fall in the middle of requests, transactions and checkpoints; each restart
resumes from the cursor the last one saved. The data directory's lock must
not outlive a killed holder (the kernel drops flock locks), or the next start would be
refused. Then the local store must pass SQLite's `integrity_check` and hold every
observation of the store's full feed exactly once, with its latest value.

The kill moments are drawn from a seeded generator; how far each run gets depends on
the machine's load, which is why the test counts the kills that landed mid-ingest
rather than assuming them, and kills until twenty did. `main.py sync` runs the wall's
own ingest (the same SyncWorker, client and local store) without windows, so its
process starts in a fraction of the wall's time and twenty kills fit in the suite.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cmwall.sync.client import StoreClient
from cmwall.sync.local_store import DB_FILENAME

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "main.py"
KILLS = 20
SEED = 11
PAGE = 500  # observations per page: ~190 pages, each its own transaction
MAX_DELAY_S = 0.05  # after a page of its own is stored: a few more pages on an idle machine
START_DEADLINE_S = 60.0

Stored = dict[tuple[str, str, str], tuple[float | None, float]]


def saved_cursor(data_dir: Path) -> str | None:
    """The cursor the sync has committed so far (read beside it: SQLite WAL readers are safe)."""
    try:
        with sqlite3.connect(f"file:{data_dir / DB_FILENAME}?mode=ro", uri=True, timeout=5) as db:
            row = db.execute("SELECT value FROM sync_state WHERE key = 'cursor'").fetchone()
    except sqlite3.OperationalError:  # not created yet
        return None
    return None if row is None else str(row[0])


def start_sync(url: str, data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(MAIN), "sync", "--store", url, "--data-dir", str(data_dir),
                             "--page-limit", str(PAGE)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(data_dir.parent))


def wait_for_a_page(process: subprocess.Popen[str], data_dir: Path) -> None:
    """Until the process has committed a page of its own (the saved cursor moves), or has ended."""
    before = saved_cursor(data_dir)
    deadline = time.monotonic() + START_DEADLINE_S
    while process.poll() is None and saved_cursor(data_dir) == before:
        assert time.monotonic() < deadline, "the sync process never stored a page"
        time.sleep(0.005)


def stored_rows(data_dir: Path) -> Stored:
    with sqlite3.connect(f"file:{data_dir / DB_FILENAME}?mode=ro", uri=True) as db:
        return {(k, e, p): (v, r) for k, e, p, v, r in
                db.execute("SELECT kpi, entity, period, value, reported_at FROM observations")}


def full_feed(url: str) -> tuple[Stored, int, str | None]:
    """Every observation of the store (the latest version of each), how many rows of the feed
    break the contract (the wall keeps each, with its reason), and the feed's last cursor."""
    feed: Stored = {}
    rejected = 0
    cursor = None
    with StoreClient(url) as client:
        for page in client.iter_observation_pages(None, PAGE):
            for o in page.observations:
                feed[(o.kpi, o.entity, o.period)] = (o.value, o.reported_at.timestamp())
            rejected += len(page.rejected)
            cursor = page.cursor
    return feed, rejected, cursor


@pytest.mark.timeout(240)
def test_sigkill_at_random_moments_of_an_ingest_loses_and_doubles_nothing(tmp_path: Path,
                                                                          demo_store_url: str) -> None:
    data_dir = tmp_path / "data"
    feed, rejected, last_cursor = full_feed(demo_store_url)
    draw = random.Random(SEED)
    mid_ingest = 0
    progress: list[int] = []
    for _ in range(KILLS + KILLS // 2):  # until KILLS of them landed mid-ingest (a few spare runs for a slow machine)
        if mid_ingest == KILLS:
            break
        process = start_sync(demo_store_url, data_dir)
        wait_for_a_page(process, data_dir)
        time.sleep(draw.uniform(0.0, MAX_DELAY_S))  # the random moment of the kill
        process.send_signal(signal.SIGKILL)
        _, err = process.communicate(timeout=30)
        assert process.returncode in (-signal.SIGKILL, 0), err  # killed, or it had just finished
        assert "in use by another" not in err  # the killed holder's lock did not outlive it
        count = len(stored_rows(data_dir))
        mid_ingest += 0 < count < len(feed)
        progress.append(count)
    assert progress == sorted(progress), f"a restart lost rows: {progress}"
    assert mid_ingest == KILLS, f"too few kills landed mid-ingest: {progress} of {len(feed)}"

    final = start_sync(demo_store_url, data_dir)  # the last restart runs to the end
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err

    with sqlite3.connect(data_dir / DB_FILENAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        total, distinct = db.execute(
            "SELECT count(*), count(DISTINCT kpi || '|' || entity || '|' || period) FROM observations").fetchone()
        cursor = db.execute("SELECT value FROM sync_state WHERE key = 'cursor'").fetchone()[0]
        kept = db.execute("SELECT count(*) FROM rejected_rows").fetchone()[0]
    assert total == distinct == len(feed)  # each observation exactly once
    assert stored_rows(data_dir) == feed  # the same keys, the same (latest) values and report times
    assert cursor == last_cursor
    assert kept == rejected  # each refused row kept once too: it is stored with its page and cursor

"""Benchmark: sync the demo store scaled to N KPIs over the 33 districts, from empty.

The demo store runs in its own process (`main.py demo-store --scale-kpis N`) so the
figures are the wall's alone: observation rows per second from an empty local store
to a complete snapshot (HTTP, validation, SQLite upserts, series, local ranking),
and the wall process's peak resident memory.

    .venv/bin/python bench/bench_sync.py [--kpis 3400] [--page-limit 20000]
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from cmwall.sync.client import StoreClient
from cmwall.sync.local_store import LocalStore
from cmwall.sync.worker import SyncWorker

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen, seconds: float = 300) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"demo store exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("demo store did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=3400)
    parser.add_argument("--page-limit", type=int, default=20000)
    args = parser.parse_args()

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    store = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "demo-store", "--port", str(port), "--scale-kpis", str(args.kpis)],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_ready(url, store)
        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with tempfile.TemporaryDirectory() as data_dir:
            worker = SyncWorker(StoreClient(url, timeout=120), LocalStore(Path(data_dir)), page_limit=args.page_limit)
            start = time.perf_counter()
            snapshot = worker.poll_all()
            elapsed = time.perf_counter() - start
            rows = worker.store.observation_count()
            db_size = os.path.getsize(worker.store.path) / 1e6
            start = time.perf_counter()
            restarted = SyncWorker(StoreClient(url), LocalStore(Path(data_dir))).load_local()
            reload_s = time.perf_counter() - start
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    finally:
        store.terminate()
        store.wait(timeout=30)

    assert snapshot is not None and snapshot.ranking is not None, "sync produced no ranking"
    assert restarted.ranking is not None
    ranked_kpis = sum(1 for k in snapshot.catalog.kpis if k.scoring) if snapshot.catalog else 0
    print(f"ranked KPIs in catalog        : {ranked_kpis}")
    print(f"observations synced           : {rows:,}")
    print(f"sync from empty               : {elapsed:.1f} s")
    print(f"rows per second               : {rows / elapsed:,.0f}")
    print(f"restart from local store      : {reload_s:.1f} s")
    print(f"local store size              : {db_size:.0f} MB")
    print(f"peak memory (wall process RSS): {peak_rss / 1024:.0f} MB (before sync: {base_rss / 1024:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

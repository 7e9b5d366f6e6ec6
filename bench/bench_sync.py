"""Benchmark: a cold sync of the demo store scaled to N KPIs × its districts, against a plain baseline.

Issue 12's goals: a cold sync of ~1 M observations (3,400 KPIs × 33 districts) takes at
most 1.5× the CPU time of a plain program that fetches the SAME pages with httpx,
parses them with orjson and writes them with sqlite3 `executemany` (one transaction
per page with its cursor, as the wall does), and the sync's peak RSS stays within the
RSS it had before the sync + 100 MB.

The demo store runs in its own process (`main.py demo-store --scale-kpis N`), so its
work is in neither figure. The wall's sync (`SyncWorker.poll_all`: catalog, the whole
feed page by page, the store's ranking and the local ranking, into an empty local
store) and the baseline each run in a child process of their own, measured the same
way: CPU seconds of that process (`time.process_time`, every thread), wall seconds,
RSS before the sync (after imports: idle) and the process's peak RSS. Both are printed
side by side with their ratio against the goal. CPU time holds on a busy machine;
wall time does not.

    .venv/bin/python bench/bench_sync.py [--kpis 3400] [--page-limit 20000] [--store URL]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from bench_kit import free_port, peak_rss_mb, rss_mb, wait_ready

ROOT = Path(__file__).resolve().parents[1]
CPU_GOAL = 1.5  # the wall's CPU seconds / the baseline's
RSS_HEADROOM_MB = 100.0  # peak RSS during the sync - RSS before it


# --- the two contenders, each run in a child process ---------------------------------------


def run_wall(url: str, page_limit: int, data_dir: Path) -> dict[str, Any]:
    from cmwall.sync.client import StoreClient
    from cmwall.sync.local_store import LocalStore
    from cmwall.sync.worker import SyncWorker

    worker = SyncWorker(StoreClient(url, timeout=120), LocalStore(data_dir), page_limit=page_limit)
    idle = rss_mb()
    cpu, wall = time.process_time(), time.perf_counter()
    snapshot = worker.poll_all()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = peak_rss_mb()
    assert snapshot is not None and snapshot.ranking is not None, "the sync produced no ranking"
    assert worker.status.reachable is True, worker.status.last_error
    ranked = sum(1 for k in snapshot.catalog.kpis if k.scoring) if snapshot.catalog else 0
    return {"cpu_s": cpu, "wall_s": wall, "rows": worker.store.observation_count(), "idle_mb": idle,
            "peak_mb": peak, "ranked_kpis": ranked, "db_mb": worker.store.path.stat().st_size / 1e6}


BASELINE_SCHEMA = """
CREATE TABLE observations (kpi TEXT, entity TEXT, period TEXT, value REAL, reported_at REAL NOT NULL,
                           received_at REAL NOT NULL, PRIMARY KEY (kpi, entity, period));
CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
BASELINE_UPSERT = ("INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kpi, entity, period) DO UPDATE "
                   "SET value = excluded.value, reported_at = excluded.reported_at, received_at = excluded.received_at")


def run_baseline(url: str, page_limit: int, data_dir: Path) -> dict[str, Any]:
    """The plain program: the same pages, orjson, sqlite3 executemany, a transaction per page."""
    db = sqlite3.connect(data_dir / "baseline.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(BASELINE_SCHEMA)
    idle = rss_mb()
    cpu, wall = time.process_time(), time.perf_counter()
    rows = 0
    cursor: str | None = None
    with httpx.Client(base_url=url, timeout=120) as http:
        while True:
            params: dict[str, str | int] = {"limit": page_limit}
            if cursor is not None:
                params["since"] = cursor
            response = http.get("/v1/observations", params=params)
            response.raise_for_status()
            page = orjson.loads(response.content)
            received = time.time()
            values = [(o["kpi"], o["entity"], o["period"], o["value"],
                       datetime.fromisoformat(o["reported_at"]).timestamp(), received)
                      for o in page["observations"]]
            db.execute("BEGIN")
            db.executemany(BASELINE_UPSERT, values)
            db.execute("INSERT OR REPLACE INTO sync_state VALUES ('cursor', ?)", (page["cursor"],))
            db.execute("COMMIT")
            rows += len(values)
            cursor = page["cursor"]
            if not page["more"]:
                break
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    stored = db.execute("SELECT count(*) FROM observations").fetchone()[0]
    db.close()
    return {"cpu_s": cpu, "wall_s": wall, "rows": stored, "rows_received": rows, "idle_mb": idle,
            "peak_mb": peak_rss_mb()}


def child(role: str, url: str, page_limit: int) -> dict[str, Any]:
    """Run one contender in a fresh Python process; its figures come back as JSON."""
    result = subprocess.run([sys.executable, __file__, "--role", role, "--url", url, "--page-limit", str(page_limit)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{role} run failed:\n{result.stderr}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=3400, help="ranked KPIs of the scaled demo store (default 3400)")
    parser.add_argument("--page-limit", type=int, default=20000, help="observations per page (default 20000)")
    parser.add_argument("--store", metavar="URL", help="a demo store already running (`main.py demo-store "
                        "--scale-kpis N`) instead of starting one; --kpis is then ignored")
    parser.add_argument("--role", choices=("wall", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.role is not None:  # a child: one contender, figures as the last line of stdout
        with tempfile.TemporaryDirectory() as data_dir:
            run = run_wall if args.role == "wall" else run_baseline
            print(json.dumps(run(args.url, args.page_limit, Path(data_dir))))
        return 0

    if args.store:
        baseline = child("baseline", args.store, args.page_limit)
        wall = child("wall", args.store, args.page_limit)
    else:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        store = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "demo-store", "--port", str(port), "--scale-kpis", str(args.kpis)],
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_ready(url, store)
            baseline = child("baseline", url, args.page_limit)
            wall = child("wall", url, args.page_limit)
        finally:
            store.terminate()
            store.wait(timeout=30)

    ratio = wall["cpu_s"] / baseline["cpu_s"]
    grown = wall["peak_mb"] - wall["idle_mb"]
    print(f"cold sync of the demo store at {wall['ranked_kpis']:,} ranked KPIs, pages of {args.page_limit:,} rows")
    print(f"{'':28}{'wall (sync)':>14}{'baseline':>14}{'ratio':>9}{'goal':>9}")
    print(f"{'observations stored':28}{wall['rows']:>14,}{baseline['rows']:>14,}")
    print(f"{'CPU seconds':28}{wall['cpu_s']:>14.2f}{baseline['cpu_s']:>14.2f}{ratio:>8.2f}×{CPU_GOAL:>8.1f}×"
          f"  {'met' if ratio <= CPU_GOAL else 'NOT MET'}")
    print(f"{'wall seconds':28}{wall['wall_s']:>14.2f}{baseline['wall_s']:>14.2f}"
          f"{wall['wall_s'] / baseline['wall_s']:>8.2f}×")
    print(f"{'rows per CPU second':28}{wall['rows'] / wall['cpu_s']:>14,.0f}{baseline['rows'] / baseline['cpu_s']:>14,.0f}")
    print(f"{'rows per wall second':28}{wall['rows'] / wall['wall_s']:>14,.0f}"
          f"{baseline['rows'] / baseline['wall_s']:>14,.0f}")
    print(f"{'RSS before the sync (MB)':28}{wall['idle_mb']:>14.0f}{baseline['idle_mb']:>14.0f}")
    print(f"{'peak RSS (MB)':28}{wall['peak_mb']:>14.0f}{baseline['peak_mb']:>14.0f}")
    print(f"{'peak − before (MB)':28}{grown:>14.0f}{baseline['peak_mb'] - baseline['idle_mb']:>14.0f}"
          f"{'':>9}{'≤ ' + format(RSS_HEADROOM_MB, '.0f'):>9}  {'met' if grown <= RSS_HEADROOM_MB else 'NOT MET'}")
    print(f"local store size: {wall['db_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

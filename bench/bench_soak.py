"""Benchmark: 10,000 polls against a changing store — the wall's memory must stay flat.

A wall PC runs for weeks; a few kilobytes kept per poll is a crash a month later. This
drives the real path with offscreen Qt: the demo store in a process of its own (as a
real wall's store is another machine's, so its growing log is not counted as the
wall's; store_process.py), its clock moved `--step` seconds and one fresh report added
before every poll over a pipe, so every poll brings new rows; in this process the
`SyncWorker` (HTTP, local SQLite, series, rankings, derived facts, snapshot) and the
wall's `WallController` applying each snapshot to its windows and tiles, with Qt's
events processed after each. Polls run back to back (no waiting for an interval). The
resident set (VmRSS) is read every `--every` polls; after the warm-up (the first tenth)
it must stay within ±10 MB of where it stood then. Start, end and max RSS, the drift
and the goal are printed, with CPU and wall time of this process and of the store's.

    .venv/bin/python bench/bench_soak.py [--polls 10000] [--layout single_screen] [--profile gujarat]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_kit import rss_mb
from store_process import StoreProcess

BAND_MB = 10.0


class SteppedClock:
    """The store's, the worker's and the wall's "now": real time at start, then `step` per poll."""

    def __init__(self, step_s: float) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.step = timedelta(seconds=step_s)

    def __call__(self) -> datetime:
        return self.now

    def tick(self) -> None:
        self.now += self.step


def idle(controller: Any) -> None:
    """Every model asked for built and shown: the model thread then creates no objects while
    `gc.get_objects()` walks them (a build it was making once failed under --count)."""
    stage = controller.context.models
    if stage is not None:
        stage.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--polls", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=100, help="read RSS every N polls")
    parser.add_argument("--step", type=float, default=30.0, help="store seconds per poll")
    parser.add_argument("--layout", default="single_screen")
    parser.add_argument("--profile", default="gujarat")
    parser.add_argument("--trace", action="store_true",
                        help="after the warm-up, trace Python allocations and print where memory grew")
    parser.add_argument("--lines", action="store_true",
                        help="like --trace but one frame per allocation (fast enough for hundreds of polls), "
                             "grouped by line, with the traced total printed beside RSS")
    parser.add_argument("--count", action="store_true",
                        help="count live Python objects by type at the warm-up and the end (cheap, unlike --trace)")
    args = parser.parse_args()
    import tracemalloc
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from cmwall.layouts.loader import load_layout
    from cmwall.sync.client import StoreClient
    from cmwall.sync.local_store import LocalStore
    from cmwall.sync.worker import SyncWorker
    from cmwall.wall.controller import WallController
    from cmwall.wall.idle import MemoryKeeper
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    memory = MemoryKeeper()  # as the wall's own start does (wall/app.py): allocator settings, a trim every 30 s
    clock = SteppedClock(args.step)
    store = StoreProcess("--profile", args.profile, "--seed", "7", "--moment", clock.now.isoformat())
    layout = load_layout(args.layout)
    with tempfile.TemporaryDirectory() as scratch:
        worker = SyncWorker(StoreClient(store.url, timeout=30), LocalStore(Path(scratch) / "data"), clock=clock)
        worker.wants = layout.spec.wants()
        worker.watch_crisis(layout.spec.crisis.models())
        controller = WallController(layout, clock=clock, fade_ms=0, screenshot_dir=Path(scratch) / "shots")
        controller.start()
        memory.start()
        worker.partial = controller.apply_snapshot  # as SyncService sets it: a poll's figures before the store's re-rank
        first = worker.poll_all()
        if first is None or first.catalog is None:
            raise SystemExit("the first sync brought no catalog")
        controller.apply_snapshot(first)
        memory.snapshot_shown(first)  # and settles its collector on complete data, as the wall does
        warm_up = max(args.every, args.polls // 10)
        readings: list[tuple[int, float]] = []
        applied = 0
        cpu0, store_cpu0, wall0 = time.process_time(), store.cpu_s(), time.perf_counter()
        for poll in range(1, args.polls + 1):
            clock.tick()
            store.ask(f"tick {clock.now.timestamp()!r}")  # the store's clock moves; one random report
            snapshot = worker.poll_observations()
            if poll % 20 == 0:
                snapshot = worker.poll_ranking() or snapshot
            if poll % 200 == 0:
                snapshot = worker.poll_catalog() or snapshot
            if snapshot is not None:
                controller.apply_snapshot(snapshot)
                applied += 1
            app.processEvents()
            if (args.trace or args.lines) and poll == warm_up:
                tracemalloc.start(1 if args.lines else 12)
                traced_from = tracemalloc.take_snapshot()
            if args.count and poll == warm_up:
                idle(controller)
                gc.collect()
                counted_from = Counter(type(o).__qualname__ for o in gc.get_objects())
            if poll % args.every == 0:
                gc.collect()
                app.processEvents()
                readings.append((poll, rss_mb()))
                traced = f", Python traced {tracemalloc.get_traced_memory()[0] / 1e6:.1f} MB" if tracemalloc.is_tracing() else ""
                if poll % (args.every * 10) == 0 or traced:
                    stage = controller.context.models
                    waiting = f"; models waiting {stage.pending()}" if stage is not None else ""
                    print(f"  poll {poll:>6}: RSS {readings[-1][1]:.1f} MB{traced} (store process {store.rss_mb():.0f} MB"
                          f"{waiting})", flush=True)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        store_cpu = store.cpu_s() - store_cpu0
        if args.trace or args.lines:
            gc.collect()
            grown = tracemalloc.take_snapshot().compare_to(traced_from, "lineno" if args.lines else "traceback")
            print("where Python memory grew after the warm-up:")
            for stat in grown[:8]:
                print(f"  {stat.size_diff / 1e6:+.2f} MB in {stat.count_diff:+,} blocks")
                for line in stat.traceback.format()[-12:]:
                    print(f"      {line}")
        if args.count:
            idle(controller)
            gc.collect()
            counted = Counter(type(o).__qualname__ for o in gc.get_objects())
            counted.subtract(counted_from)
            print("live objects grown after the warm-up, by type:")
            for name, n in counted.most_common(12):
                print(f"  {n:+,} {name}")
        controller.shutdown()
        worker.store.close()
        worker.client.close()
    store.stop()

    after = [(p, r) for p, r in readings if p >= warm_up]
    start_rss, end_rss = after[0][1], after[-1][1]
    high, low = max(r for _, r in after), min(r for _, r in after)
    drift = end_rss - start_rss
    worst = max(abs(high - start_rss), abs(low - start_rss))
    print(f"soak: {args.polls:,} polls ({applied:,} snapshots applied), layout {args.layout}, profile {args.profile}, "
          f"store clock +{args.step:g} s per poll; {wall:.0f} s wall, {cpu:.0f} CPU s "
          f"({1000 * cpu / args.polls:.1f} CPU ms per poll); the store process apart: {store_cpu:.0f} CPU s")
    print(f"RSS after warm-up (poll {warm_up:,}): start {start_rss:.1f} MB, end {end_rss:.1f} MB, "
          f"max {high:.1f} MB, min {low:.1f} MB")
    print(f"{'measure':<34}{'soak':>10}{'goal':>10}{'ratio':>9}")
    print(f"{'drift end - start, MB':<34}{drift:>+10.1f}{'±' + format(BAND_MB, 'g'):>10}{abs(drift) / BAND_MB:>8.2f}×")
    print(f"{'widest from start, MB':<34}{worst:>10.1f}{'±' + format(BAND_MB, 'g'):>10}{worst / BAND_MB:>8.2f}×")
    print("flat within the band" if worst <= BAND_MB else "NOT flat")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Profile one snapshot's apply on the GUI thread of a 4-screen × 48-tile wall at state scale.

What bench_gui_poll.py times slice by slice, this breaks down by function: the real wall
(wall_at_scale.py) in one process, snapshots made by calling the sync worker directly,
and `SnapshotBridge` → `WallController.apply_snapshot` run under cProfile for a few
snapshots that each carry `--changes` new values.

    .venv/bin/python bench/profile_apply.py [--kpis 3400] [--snapshots 3] [--changes 2000]
                                            [--profile-type breakdown --profile-type alerts ...]

It also times every tile's model build on the model stage's thread (thread CPU time) and
prints each tile type's count, total, mean and max beside the 3 ms a build that issue 12
sets at this scale; `--profile-type` profiles one type's builds too (cProfile's clock is
wall time: with the sync and GUI threads running, a build waiting for the GIL looks slow
there, so read its proportions, and the CPU table for the cost).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_kit import offscreen_screens
from wall_at_scale import frozen_moment, generated_layout, make_store, synced_data_dir

BUILD_GOAL_MS = 3.0  # issue 12: every tile type's model build at this scale

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=3400)
    parser.add_argument("--snapshots", type=int, default=3)
    parser.add_argument("--changes", type=int, default=2000, help="new values each snapshot carries")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--profile-type", action="append", default=[], metavar="TYPE",
                        help="also profile the model builds of this tile type (repeatable), on the stage's thread")
    args = parser.parse_args()

    work = Path(f"/tmp/profile-apply-{time.monotonic_ns()}")
    work.mkdir(parents=True)
    offscreen_screens(work, 4)
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])  # noqa: F841 (kept alive for the run)
    from cmwall.layouts.loader import load_layout
    from cmwall.sync.client import StoreClient
    from cmwall.sync.demo_store.server import serve_in_thread
    from cmwall.sync.demo_store.timeline import IST
    from cmwall.sync.local_store import LocalStore
    from cmwall.sync.worker import SyncWorker
    from cmwall.wall.bridge import SnapshotBridge
    from cmwall.wall.controller import WallController
    from cmwall.widgets.per_snapshot import prepare

    store = make_store(args.kpis, args.seed)
    server = serve_in_thread(store)
    data = synced_data_dir(server.url, args.kpis, args.seed)
    (work / "wall.toml").write_text(generated_layout(store.catalog_model))
    layout = load_layout(str(work / "wall.toml"))
    worker = SyncWorker(StoreClient(server.url), LocalStore(data / "data"))
    worker.wants = layout.spec.wants()
    controller = WallController(layout, clock=lambda: datetime.now(UTC), fade_ms=0)
    bridge = SnapshotBridge()
    bridge.snapshot_applied.connect(controller.apply_snapshot)
    catalog = store.catalog_model
    level = catalog.ranking.level
    districts = [e.code for e in catalog.entities if e.level == level]
    kpis = [k.code for k in catalog.kpis if k.scoring is not None and (k.level or level) == level]
    period = frozen_moment().astimezone(IST).strftime("%Y-%m")
    rng = random.Random(args.seed)
    profile = cProfile.Profile()
    timings: list[tuple[float, float]] = []
    try:
        controller.start()
        worker.load_local()
        first = worker.poll_all()
        assert first is not None
        bridge._on_ready(first)
        stage = controller.context.models
        if stage is not None:
            stage.flush()
        build_profiles = {kind: cProfile.Profile() for kind in args.profile_type}
        build_ms = time_builds(app, build_profiles)  # the polls' builds (the first snapshot's are done)
        for n in range(args.snapshots):
            for _ in range(args.changes):
                store.add_report(rng.choice(kpis), rng.choice(districts), period, round(rng.uniform(10, 99), 1),
                                 (frozen_moment() - timedelta(minutes=10)).timestamp())
            snapshot = worker.poll_observations()
            assert snapshot is not None
            prepared = time.thread_time()
            prepare(snapshot)  # what SnapshotBridge.deliver does on the sync thread
            print(f"snapshot {n + 1}: the facts tiles share, prepared on the sync thread: "
                  f"{(time.thread_time() - prepared) * 1000:.0f} ms CPU", flush=True)
            wall, cpu = time.perf_counter(), time.thread_time()
            profile.enable()
            bridge._on_ready(snapshot)
            profile.disable()
            timings.append(((time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000))
            flushed = time.perf_counter()
            if stage is not None:
                stage.flush()
            print(f"snapshot {n + 1}: {stage.built if stage else 0} models built so far; building this one's took "
                  f"{time.perf_counter() - flushed:.1f} s wall", flush=True)
            print(f"snapshot {n + 1}: apply {timings[-1][0]:.0f} ms wall, {timings[-1][1]:.0f} ms CPU", flush=True)
    finally:
        controller.shutdown()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)
    print(f"model builds by tile type at the {args.snapshots} polls (CPU ms of the stage's thread; goal ≤ {BUILD_GOAL_MS:g} ms a "
          "build):\n  type            count     total   mean    max  mean/goal")
    for kind, times in sorted(build_ms.items(), key=lambda kv: -sum(kv[1])):
        mean = sum(times) / len(times)
        print(f"  {kind:14} {len(times):6} {sum(times):9.0f} {mean:6.1f} {max(times):6.1f} {mean / BUILD_GOAL_MS:9.2f}")
    for kind, built in build_profiles.items():
        out = io.StringIO()
        pstats.Stats(built, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(f"--- {kind} model builds (cumulative) ---\n{out.getvalue()}")
        out = io.StringIO()
        pstats.Stats(built, stream=out).sort_stats("tottime").print_stats(args.top)
        print(f"--- {kind} model builds (own time) ---\n{out.getvalue()}")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())
    return 0


def time_builds(app: Any, profiles: dict[str, cProfile.Profile]) -> dict[str, list[float]]:
    """Wrap every painted tile's build_model to note its thread CPU time, by tile type, and
    run the builds of the types in `profiles` under their profiler (the build's own thread)."""
    from cmwall.widgets.painted_tile import PaintedTile

    spent: dict[str, list[float]] = {}
    for tile in app.allWidgets():
        if not isinstance(tile, PaintedTile):
            continue

        def timed(snapshot: Any, build: Any = tile.build_model, kind: str = tile.type_name) -> Any:
            profile = profiles.get(kind)
            cpu = time.thread_time()
            try:
                if profile is not None:
                    return profile.runcall(build, snapshot)
                return build(snapshot)
            finally:
                spent.setdefault(kind, []).append((time.thread_time() - cpu) * 1000)

        tile.build_model = timed  # type: ignore[method-assign]  # profiling wraps each tile's own build
    return spent


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: store change → pixel on a 4-screen × 48-tile wall at state scale, 1 s polls.

Issue 12 asks that the p95 of store → pixel be at most the poll interval + 250 ms with
3,400 KPIs × 33 districts on four screens. The same real wall as bench_gui_poll.py
(wall_at_scale.py: offscreen screens, the real sync service, a store whose clock stands
still), loaded with `--load` other changes a second, while at random moments of the
poll cycle the benchmark reports a new value of the KPI one visible district KPI tile
shows. The store and its other changes run in a process of their own (store_process.py),
as a real wall's store is another machine's; this one asks it for each change over a
pipe without waiting. The change is "in the store" when `add_report` has returned in
the store process (its time.monotonic(), the machine's clock) and "on the pixel" when a
paint event of that tile that drew the new figure has finished (as in
bench_crisis_latency.py, by a post-event hook on the application).

    .venv/bin/python bench/bench_change_to_pixel.py [--changes 30] [--interval 1] [--load 200]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_crisis_latency import MARGIN_S
from bench_kit import offscreen_screens, percentile, wall_memory
from wall_at_scale import (
    frozen_moment,
    generated_layout,
    start_store,
    synced_data_dir,
)


def main() -> int:  # noqa: PLR0915 - one straight script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=3400)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--load", type=int, default=200, help="other values the store changes per second")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    work = Path(f"/tmp/bench-change-{time.monotonic_ns()}")
    work.mkdir(parents=True)
    offscreen_screens(work, 4)

    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    painted: dict[str, Any] = {"target": None, "value": None, "at": 0.0, "on_paint": lambda: None}

    class WatchedApplication(QApplication):
        """Notes what the target tile's model showed when one of its paint events finished."""

        def notify(self, receiver: QObject, event: QEvent) -> bool:
            if event.type() != QEvent.Type.Paint or receiver is not painted["target"]:
                return super().notify(receiver, event)
            try:
                return super().notify(receiver, event)
            finally:
                painted["value"], painted["at"] = getattr(receiver.model, "value", None), time.monotonic()
                painted["on_paint"]()

    app = WatchedApplication([sys.argv[0]])

    from cmwall.layouts.loader import load_layout
    from cmwall.sync.client import StoreClient
    from cmwall.sync.demo_store.timeline import IST
    from cmwall.sync.local_store import LocalStore
    from cmwall.sync.service import Intervals, SyncService
    from cmwall.sync.worker import SyncWorker
    from cmwall.wall.bridge import SnapshotBridge
    from cmwall.wall.controller import WallController
    from cmwall.widgets.tiles.kpi_tile import KpiTile

    store, catalog = start_store(args.kpis, args.seed)
    data = synced_data_dir(store.url, args.kpis, args.seed)
    (work / "wall.toml").write_text(generated_layout(catalog))
    layout = load_layout(str(work / "wall.toml"))
    worker = SyncWorker(StoreClient(store.url), LocalStore(data / "data"))
    bridge = SnapshotBridge()
    service = SyncService(worker, bridge.deliver, Intervals(observations=args.interval))
    service.want(layout.spec.wants())
    controller = WallController(layout, clock=lambda: datetime.now(UTC), fade_ms=0)
    bridge.snapshot_applied.connect(controller.apply_snapshot)
    wall_memory(bridge, controller)  # as the wall's own start wires it (kept by the controller)
    applied: list[float] = []
    bridge.snapshot_applied.connect(lambda _s: applied.append(time.monotonic()))

    def wait_until(done: Callable[[], bool], timeout: float) -> bool:
        loop = QEventLoop()
        painted["on_paint"] = lambda: loop.quit() if done() else None
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(int(timeout * 1000))
        if not done():
            loop.exec()
        timer.stop()
        painted["on_paint"] = lambda: None
        return done()

    latencies: list[float] = []
    try:
        controller.start()
        started = time.monotonic()
        service.start()
        tiles = [w for w in app.allWidgets() if isinstance(w, KpiTile) and w.options.entity is not None and w.isVisible()]
        target = random.Random(args.seed).choice(tiles)
        painted["target"] = target
        if not wait_until(lambda: painted["value"] not in (None, ""), 600):
            raise SystemExit("the wall showed no figure on the target tile within 600 s")
        first_s = time.monotonic() - started
        wait_until(lambda: False, 3.0)
        kpi = catalog.kpi(target.options.kpi)
        # The feeder never reports the target's figure: a random report of it landing after the
        # benchmark's own would put another value on the tile (it once did, change 13 of 40).
        store.ask(f"feed {args.load} {kpi.code} {target.options.entity}")
        period = frozen_moment().astimezone(IST).strftime("%Y-%m")
        rng = random.Random(args.seed + 1)
        cpu0, store_cpu0, wall0 = time.process_time(), store.cpu_s(), time.monotonic()
        for k in range(args.changes):
            wait_until(lambda: False, rng.uniform(0.0, args.interval))
            value = round(rng.uniform(10.0, 99.0), 1)
            expected = target.context.number(value, kpi.unit)
            if expected == painted["value"]:
                value, expected = value + 0.5, target.context.number(value + 0.5, kpi.unit)
            store.send(f"report {kpi.code} {target.options.entity} {period} {value!r} "
                       f"{(frozen_moment() - timedelta(seconds=60 - k)).timestamp()!r}")
            if not wait_until(lambda expected=expected: painted["value"] == expected, args.interval + 60):  # type: ignore[misc]
                print(diagnosis(target, bridge, kpi.code, period, value), flush=True)
                print(f"diagnosis: the store says {store.answer()} (report), {store.ask('stats')}; the wall's feed cursor "
                      f"{worker.feed_cursor}; {len(applied)} snapshots applied, the last {time.monotonic() - applied[-1]:.1f} s ago"
                      if applied else "no snapshot applied", flush=True)
                raise SystemExit(f"change {k + 1}: the tile shows {painted['value']}, expected {expected}")
            in_store = float(store.answer().split()[1])  # "DONE <monotonic as add_report returned> <cursor>"
            latencies.append(painted["at"] - in_store)
        cpu_s, wall_s = time.process_time() - cpu0, time.monotonic() - wall0
        store_cpu_s = store.cpu_s() - store_cpu0
        reported = int(store.ask("stats").split()[3])
    finally:
        controller.shutdown()
        service.stop()
        store.stop()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)

    p95, limit = percentile(latencies, 0.95), args.interval + MARGIN_S
    print(f"wall                          : 4 screens × 48 tiles, {args.kpis} KPIs × 33 districts")
    print(f"other changes in the store    : {args.load} values/s ({reported} made by the store process's feeder)")
    print(f"first figure on the target    : {first_s:.1f} s after start")
    print(f"changes measured              : {len(latencies)} (KPI tile {kpi.code} for {target.options.entity})")
    print(f"store → pixel p50 / p95 / max : {statistics.median(latencies):.2f} / {p95:.2f} / {max(latencies):.2f} s")
    print(f"limit (interval + 250 ms)     : {limit:.2f} s")
    print(f"p95 / limit                   : {p95 / limit:.2f} ({'within' if p95 <= limit else 'OVER'} the limit)")
    print(f"wall process CPU (measuring)  : {cpu_s:.1f} s over {wall_s:.1f} s ({100 * cpu_s / wall_s:.0f} % of one core)")
    print(f"store process CPU (apart)     : {store_cpu_s:.1f} s over {wall_s:.1f} s "
          f"({100 * store_cpu_s / wall_s:.0f} % of one core)")
    return 0 if p95 <= limit else 1


def diagnosis(tile: Any, bridge: Any, kpi: str, period: str, value: float) -> str:
    """Where a change that did not reach the tile stopped: the snapshots, the tile's request, the stage."""
    latest = bridge.latest
    series = latest.series.get(kpi) if latest is not None else None
    held = series.latest(tile.options.entity) if series is not None else None
    stage = tile.context.models
    asked = tile.model_snapshot.id if tile.model_snapshot is not None else None
    return (f"diagnosis: value {value} for {kpi}/{tile.options.entity} {period}; newest snapshot "
            f"{latest.id if latest else None} holds {held}; the tile's snapshot {tile.snapshot.id if tile.snapshot else None}, "
            f"asked for {asked}, skipped {tile.skipped}; stage built {stage.built if stage else '-'}, "
            f"applied {stage.applied if stage else '-'}, pending {stage.pending() if stage else '-'}")


if __name__ == "__main__":
    sys.exit(main())

"""What the GUI benchmarks share: the demo store at state scale, a synced data directory,
a generated 4-screen wall, and a probe that times every event the GUI thread handles.

bench_gui_poll.py and bench_change_to_pixel.py both run the real wall (offscreen Qt,
the real sync service) against a demo store scaled to `--kpis` KPIs over 33 districts,
served by a process of its own (`start_store`, store_process.py) as a real wall's store
is another machine's, whose clock stands still, so the only changes are the
benchmark's own (`LiveStore.add_report`, asked for over the pipe or made by the
`ChangeFeeder` running in that process). The cold sync of that store takes a minute
or more, so its local database is kept between runs under /tmp, keyed by the store's
size, seed and frozen moment; a run starts from it like a restarted wall PC.
"""

from __future__ import annotations

import os
import random
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from store_process import StoreProcess

CACHE = Path("/tmp/cmwall-bench-cache")
FRAME_MS = 1000 / 60  # one frame at 60 Hz: the longest a GUI-thread slice may take
TILE_KINDS_PER_SCREEN = (  # the non-KPI tiles of each generated screen; KPI tiles fill the rest
    "map", "ranking_top", "ranking_bottom", "breakdown", "breakdown", "breakdown", "alerts", "freshness",
    "attention", "feed_quality", "trend", "trend", "trend", "trend",
)


def frozen_moment() -> datetime:
    """The store's clock: the last 10:00 UTC, so a cached data directory serves a whole day.
    Never later than the wall's clock: a store clock ahead of it makes every report one
    "from the future" (questioned, its age counted from its period), not the wall measured."""
    now = datetime.now(UTC)
    moment = datetime(now.year, now.month, now.day, 10, tzinfo=UTC)
    return moment if moment <= now else moment - timedelta(days=1)


def make_store(kpis: int, seed: int, clock: Callable[[], datetime] | None = None) -> Any:
    """The Gujarat demo store scaled to `kpis` KPIs, its clock frozen at `frozen_moment()` (or `clock`)."""
    from cmwall.sync.demo_store import DemoStore

    if clock is None:
        moment = frozen_moment()
        clock = lambda: moment  # noqa: E731 - the store's clock is any callable
    return DemoStore(seed=seed, clock=clock, scale_kpis=kpis)


def start_store(kpis: int, seed: int) -> tuple[StoreProcess, Any]:
    """`make_store(kpis, seed)` served by a process of its own, and its catalog (read over HTTP,
    as the wall reads it). The child's clock stands at this process's `frozen_moment()`."""
    from cmwall.sync.client import StoreClient

    store = StoreProcess("--kpis", str(kpis), "--seed", str(seed), "--moment", frozen_moment().isoformat())
    with StoreClient(store.url, timeout=120) as client:
        return store, client.fetch_catalog()


def _synced_after_the_store_clock(kept: Path) -> bool:
    """A kept copy is used only if it was synced (by this machine's clock) after the store's
    frozen moment: synced before it, its rows were received before they were reported, and
    the wall rightly questions every one as "from the future" (~98,000 at 3,400 KPIs), which
    is not the wall this measures. A copy from before this rule (its marker empty) is synced again."""
    try:
        synced = float((kept / "done").read_text().strip())
    except (OSError, ValueError):
        return False
    return synced >= frozen_moment().timestamp()


def synced_data_dir(url: str, kpis: int, seed: int) -> Path:
    """A copy of the local store synced from the store at `url` (synced once, then kept under /tmp)."""
    from cmwall.sync.client import StoreClient
    from cmwall.sync.local_store import LocalStore
    from cmwall.sync.worker import SyncWorker

    kept = CACHE / f"k{kpis}-s{seed}-{frozen_moment():%Y%m%d%H}"
    if not _synced_after_the_store_clock(kept):
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir(parents=True)
        started, cpu = time.monotonic(), time.process_time()
        print(f"first run: syncing {kpis} KPIs into {kept} (kept for later runs) …", flush=True)
        worker = SyncWorker(StoreClient(url), LocalStore(kept / "data"))
        worker.poll_all()
        worker.store.close()
        (kept / "done").write_text(f"{time.time():.0f}\n")
        print(f"  synced in {time.monotonic() - started:.0f} s ({time.process_time() - cpu:.0f} CPU s)", flush=True)
    work = Path(f"/tmp/cmwall-bench-run-{os.getpid()}")
    shutil.copytree(kept / "data", work / "data")
    return work


def generated_layout(catalog: Any, screens: int = 4, rows: int = 6, cols: int = 8, seed: int = 3) -> str:
    """A wall of `screens` screens of rows × cols one-cell tiles: a map, rankings, breakdowns,
    alerts, freshness, attention, feed quality and trends on each, KPI tiles in the rest."""
    rng = random.Random(seed)
    districts = [e.code for e in catalog.entities if e.level == catalog.ranking.level]
    ranked = [k.code for k in catalog.kpis if k.scoring is not None and (k.level or catalog.ranking.level) == catalog.ranking.level]
    lines = ['schema_version = 2', 'name = "Bench wall"', 'rotation = false', '']
    for s in range(screens):
        lines += ['[[screens]]', f'id = "s{s}"', f'title = "Screen {s + 1}"', f'rows = {rows}', f'cols = {cols}', '',
                  '  [[screens.pages]]', f'  title = "Page {s + 1}"']
        kinds = list(TILE_KINDS_PER_SCREEN) + ["kpi"] * (rows * cols - len(TILE_KINDS_PER_SCREEN))
        for cell, kind in enumerate(kinds):
            options = {
                "map": 'colour_by = "score"',
                "ranking_top": 'mode = "top", count = 10',
                "ranking_bottom": 'mode = "bottom", count = 10',
                "breakdown": f'entity = "{rng.choice(districts)}", count = 6',
                "alerts": 'count = 12',
                "freshness": 'count = 12',
                "attention": 'count = 8',
                "feed_quality": 'by = "department", count = 6',
                "trend": f'kpi = "{rng.choice(ranked)}", entities = ["{rng.choice(districts)}"]',
                "kpi": (f'kpi = "{rng.choice(ranked)}"' + (f', entity = "{rng.choice(districts)}"' if cell % 2 else "")),
            }[kind]
            lines += ['    [[screens.pages.tiles]]', f'    type = "{kind.split("_")[0] if kind.startswith("ranking") else kind}"',
                      f'    row = {cell // cols}', f'    col = {cell % cols}', f'    options = {{ {options} }}']
        lines.append('')
    return "\n".join(lines)


@dataclass
class ChangeFeeder:
    """Reports `per_second` new values of random ranked KPIs for random districts, from its own thread.
    Every 50 ms it reports what the rate owes since it started, so the time `add_report` spends
    waiting for the store's lock (held while the store answers a poll) delays reports, never drops them."""

    store: Any
    catalog: Any
    per_second: int
    seed: int = 11
    moment: datetime = field(default_factory=frozen_moment)  # the store's frozen clock
    spare: tuple[str, str] | None = None  # a (KPI, place) never reported: the one a benchmark measures
    _stop: threading.Event = field(default_factory=threading.Event)
    reported: int = 0

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True, name="bench-changes").start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        from cmwall.sync.demo_store.timeline import IST

        rng = random.Random(self.seed)
        level = self.catalog.ranking.level
        districts = [e.code for e in self.catalog.entities if e.level == level]
        kpis = [k for k in self.catalog.kpis if k.scoring is not None and (k.level or level) == level]
        period = self.moment.astimezone(IST).strftime("%Y-%m")
        started = time.monotonic()
        while not self._stop.wait(0.05):
            owed = int((time.monotonic() - started) * self.per_second) - self.reported
            for _ in range(owed):
                kpi, place = rng.choice(kpis), rng.choice(districts)
                target = float(kpi.target or 100.0)
                value = round(rng.uniform(0.3, 1.1) * target, 1)
                self.reported += 1
                if (kpi.code, place) == self.spare:  # would overwrite the measured figure: counted, not sent
                    continue
                self.store.add_report(kpi.code, place, period, value, (self.moment - timedelta(minutes=5)).timestamp())


@dataclass
class Slice:
    """One event the GUI thread handled from its event loop (not nested in another)."""

    at: float  # monotonic seconds when it ended
    wall_ms: float
    cpu_ms: float  # the GUI thread's own CPU time (time.thread_time), unaffected by other processes
    what: str


def probe_application(argv: list[str]) -> Any:
    """A QApplication that times every top-level event: each is a slice of the event loop
    during which the GUI thread could not draw a frame."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    class ProbedApplication(QApplication):
        def __init__(self, args: list[str]) -> None:
            super().__init__(args)
            self.depth = 0
            self.slices: list[Slice] = []
            self.recording = False

        def notify(self, receiver: QObject, event: QEvent) -> bool:
            if self.depth or not self.recording:
                self.depth += 1
                try:
                    return super().notify(receiver, event)
                finally:
                    self.depth -= 1
            self.depth = 1
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return super().notify(receiver, event)
            finally:
                self.depth = 0
                end = time.perf_counter()
                self.slices.append(Slice(time.monotonic(), (end - wall) * 1000, (time.thread_time() - cpu) * 1000,
                                         f"{type(receiver).__name__}:{event.type().name}"))

    return ProbedApplication(argv)

"""The benchmarks' demo store in a process of its own, driven over a pipe.

A real wall's store is another team's server. Run in the measured process, the demo
store's own work (its rankings take ~0.3 s a request at 3,400 KPIs, its change feeder
runs 200 reports a second, its log grows with every report) competes with the wall's
GUI thread for the GIL and counts in the wall's memory, inflating both. So
bench_gui_poll.py, bench_change_to_pixel.py and bench_soak.py start it here instead:

    python bench/store_process.py [--kpis 3400 | --profile gujarat] --seed 7 --moment ISO

It serves the store on a free loopback port, prints `READY <url>`, then answers one
line per command read on stdin (EOF or `quit` stops it):

- `feed <per_second> [<kpi> <entity>]`: start wall_at_scale.ChangeFeeder (random reports from a
  thread), never reporting that KPI for that entity (the figure a benchmark measures) → `OK`
- `report <kpi> <entity> <period> <value> <reported_at_posix>`: one report →
  `DONE <time.monotonic() when it was in the store> <cursor>` (CLOCK_MONOTONIC is the
  machine's, so the parent can compare it with its own)
- `tick <posix>`: set the store's clock to that moment and report one random value of a
  random KPI of the ranking level for a random place, as of 5 s before it → `DONE …`
- `stats`: `STATS <CPU s of this process> <RSS MB> <reports made by the feeder>`

The store's clock stands at `--moment` until a `tick` moves it; with `--kpis` the store
is wall_at_scale.make_store's (the one the cached data directories were synced from).
The parent side is `StoreProcess`.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from bench_kit import process_cpu_s, process_rss_mb

HERE = Path(__file__).resolve().parent


class StoreProcess:
    """The parent's handle on a store process: its URL, its commands, its CPU time."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, str(HERE / "store_process.py"), *args],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        line = self.answer()
        if not line.startswith("READY "):
            self.stop()
            raise SystemExit(f"the store process said {line!r} instead of READY")
        self.url = line.split()[1]

    @property
    def _stdin(self) -> IO[str]:
        assert self.process.stdin is not None
        return self.process.stdin

    def send(self, command: str) -> None:
        """Send a command without waiting for its answer (read it later with `answer`)."""
        self._stdin.write(command + "\n")
        self._stdin.flush()

    def answer(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the store process ended (exit code {self.process.wait()})")
        return line.strip()

    def ask(self, command: str) -> str:
        self.send(command)
        return self.answer()

    def report(self, kpi: str, entity: str, period: str, value: float, reported_at: float) -> float:
        """Report one value; the monotonic moment it was in the store."""
        return float(self.ask(f"report {kpi} {entity} {period} {value!r} {reported_at!r}").split()[1])

    def cpu_s(self) -> float:
        """The store process's CPU time so far (user + system), read from /proc."""
        return process_cpu_s(self.process.pid)

    def rss_mb(self) -> float:
        return process_rss_mb(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.send("quit")
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


class SettableClock:
    """The store's "now": stands where it was last set."""

    def __init__(self, moment: datetime) -> None:
        self.now = moment

    def __call__(self) -> datetime:
        return self.now


def build_store(args: argparse.Namespace, clock: SettableClock) -> Any:
    if args.kpis is not None:
        from wall_at_scale import make_store

        return make_store(args.kpis, args.seed, clock)
    from cmwall.sync.demo_store.profiles import make_store as make_profile_store

    return make_profile_store(args.profile, seed=args.seed, clock=clock)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--kpis", type=int, default=None, help="the Gujarat store scaled to N KPIs (wall_at_scale.py)")
    parser.add_argument("--profile", default="gujarat", help="a demo profile, when --kpis is not given")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--moment", required=True, help="the store's clock, ISO-8601 with offset")
    parser.add_argument("--tick-seed", type=int, default=5, help="seed of the random reports made by `tick`")
    args = parser.parse_args()

    from cmwall.sync.demo_store.server import serve_in_thread
    from wall_at_scale import ChangeFeeder

    clock = SettableClock(datetime.fromisoformat(args.moment))
    store = build_store(args, clock)
    server = serve_in_thread(store)
    catalog = store.catalog_model
    level = catalog.ranking.level
    places = [e.code for e in catalog.entities if e.level == level]
    kpis = [k for k in catalog.kpis if (k.level or level) == level]
    rng = random.Random(args.tick_seed)
    feeder: ChangeFeeder | None = None
    print(f"READY {server.url}", flush=True)
    try:
        for line in sys.stdin:
            command, *words = line.split()
            if command == "quit":
                break
            if command == "feed":
                spare = (words[1], words[2]) if len(words) == 3 else None
                feeder = ChangeFeeder(store, catalog, int(words[0]), moment=clock.now, spare=spare)
                feeder.start()
                answer = "OK"
            elif command == "report":
                kpi, entity, period, value, reported_at = words
                cursor = store.add_report(kpi, entity, period, float(value), float(reported_at))
                answer = f"DONE {time.monotonic()!r} {cursor}"
            elif command == "tick":
                clock.now = datetime.fromtimestamp(float(words[0]), UTC)
                kpi = rng.choice(kpis)
                cursor = store.add_report(kpi.code, rng.choice(places), clock.now.strftime("%Y-%m"),
                                          round(rng.uniform(0.3, 1.1) * float(kpi.target or 100), 1),
                                          (clock.now - timedelta(seconds=5)).timestamp())
                answer = f"DONE {time.monotonic()!r} {cursor}"
            elif command == "stats":
                pid = os.getpid()
                answer = f"STATS {process_cpu_s(pid):.3f} {process_rss_mb(pid):.1f} {feeder.reported if feeder else 0}"
            else:
                answer = f"ERROR unknown command {command!r}"
            print(answer, flush=True)
    finally:
        if feeder is not None:
            feeder.stop()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the wall's resident memory at start, before any data, against issue 12's 250 MB.

A wall PC runs for months; what the process holds before the first row arrives is
paid by every screen forever. This starts the real wall (`main.py`, offscreen Qt with
four 1920×1080 screens from an offscreen config file, the default layout for four
screens) against a store that cannot be reached, so no data ever arrives: what it
measures is code, Qt, fonts and the empty tiles. It waits until the wall's first log
line says which layout it shows and the resident set has then held still (±2 MB) for
two seconds, reads VmRSS and VmHWM (peak) from /proc, stops the wall and prints them
beside the goal with their ratio, with the wall's CPU and wall-clock time to get there.

It also adds up the installed size of the dependency set pyproject.toml declares
(its packages and everything they require, from the installed distributions' file
lists), without and with the optional extras named by --extra (default: gis).

    .venv/bin/python bench/bench_start_rss.py [--runs 3] [--extra gis]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
GOAL_MB = 250.0
STILL_MB = 2.0  # the resident set counts as settled when it moves less than this ...
STILL_S = 2.0  # ... for this long
SCREEN = {"width": 1920, "height": 1080, "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1}


def four_screens(directory: Path) -> Path:
    config = directory / "four_screens.json"
    screens = [dict(SCREEN, name=f"S{i}", x=1920 * (i % 2), y=1080 * (i // 2)) for i in range(4)]
    config.write_text(json.dumps({"screens": screens}))
    return config


def status_kb(pid: int, field: str) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) if match else 0


def unreachable_store() -> str:
    """A loopback port nobody listens on: every poll is refused at once."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def one_start(directory: Path, config: Path, timeout_s: float) -> tuple[float, float, float, float]:
    """(settled RSS MB, peak RSS MB, wall s to settle, CPU s of the wall) of one start."""
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    data_dir = Path(tempfile.mkdtemp(dir=directory))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    wall = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--store", unreachable_store(), "--data-dir", str(data_dir),
         "--log-level", "INFO"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    layout_shown = threading.Event()

    def read_log() -> None:
        assert wall.stderr is not None
        for line in wall.stderr:
            if "layout:" in line:
                layout_shown.set()

    threading.Thread(target=read_log, daemon=True).start()
    try:
        if not layout_shown.wait(timeout_s):
            raise SystemExit("the wall did not log its layout in time")
        last, still_since = status_kb(wall.pid, "VmRSS"), time.monotonic()
        while time.monotonic() - still_since < STILL_S:
            if wall.poll() is not None:
                raise SystemExit(f"the wall exited with {wall.returncode}")
            if time.monotonic() - started > timeout_s:
                raise SystemExit("the wall's memory did not settle in time")
            time.sleep(0.1)
            now = status_kb(wall.pid, "VmRSS")
            if abs(now - last) > STILL_MB * 1024:
                last, still_since = now, time.monotonic()
        settled_s = time.monotonic() - started - STILL_S
        rss, peak = status_kb(wall.pid, "VmRSS"), status_kb(wall.pid, "VmHWM")
    finally:
        wall.send_signal(signal.SIGTERM)
        try:
            wall.wait(timeout=30)
        except subprocess.TimeoutExpired:
            wall.kill()
            wall.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return rss / 1024, peak / 1024, settled_s, cpu


def dependency_closure(extras: tuple[str, ...]) -> dict[str, metadata.Distribution]:
    """The installed distributions pyproject.toml's dependencies (with `extras`) pull in."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        wanted += [Requirement(r) for r in project.get("optional-dependencies", {}).get(extra, [])]
    found: dict[str, metadata.Distribution] = {}
    while wanted:
        requirement = wanted.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            print(f"  (not installed: {requirement.name})")
            continue
        found[name] = dist
        for text in dist.requires or ():
            child = Requirement(text)
            if child.marker is None or child.marker.evaluate({"extra": ""}):
                wanted.append(child)
            elif any(child.marker.evaluate({"extra": e}) for e in requirement.extras):
                wanted.append(child)
    return found


def installed_mb(dists: dict[str, metadata.Distribution]) -> float:
    total = 0
    for dist in dists.values():
        for file in dist.files or ():
            try:
                total += Path(str(file.locate())).stat().st_size
            except OSError:
                pass
    return total / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="starts of the wall; the median is the figure")
    parser.add_argument("--timeout", type=float, default=120, help="seconds one start may take")
    parser.add_argument("--extra", action="append", default=None, help="optional extras to weigh too (default: gis)")
    args = parser.parse_args()
    extras = tuple(args.extra or ["gis"])

    with tempfile.TemporaryDirectory(prefix="bench-start-rss-") as tmp:
        directory = Path(tmp)
        config = four_screens(directory)
        results = [one_start(directory, config, args.timeout) for _ in range(args.runs)]
    rss = statistics.median(r[0] for r in results)
    print("wall at start, 4 offscreen screens, no data (unreachable store)")
    for i, (r, peak, settled, cpu) in enumerate(results, 1):
        print(f"  run {i}: RSS {r:6.1f} MB   peak {peak:6.1f} MB   settled after {settled:4.1f} s wall, "
              f"{cpu:4.1f} s CPU")
    print(f"RSS at start (median)          : {rss:6.1f} MB   goal <= {GOAL_MB:.0f} MB   "
          f"ratio {rss / GOAL_MB:.2f} of the goal ({'met' if rss <= GOAL_MB else 'NOT met'})")

    base = dependency_closure(())
    with_extras = dependency_closure(extras)
    added = sorted(set(with_extras) - set(base))
    print(f"installed dependencies         : {installed_mb(base):6.1f} MB in {len(base)} distributions")
    print(f"  with [{','.join(extras)}]{' ' * max(0, 22 - len(','.join(extras)))}: "
          f"{installed_mb(with_extras):6.1f} MB (adds {', '.join(added) or 'nothing'})")
    heavy = sorted(base.items(), key=lambda kv: -installed_mb({kv[0]: kv[1]}))[:6]
    print("  largest: " + ", ".join(f"{name} {installed_mb({name: d}):.0f} MB" for name, d in heavy))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the benchmarks share: a free port, a demo store process to wait for, this
process's memory, another process's CPU time and memory, percentiles and offscreen
screens for Qt.

Benchmarks run as scripts (`python bench/bench_x.py`), so their folder is on
sys.path and they import this module as `bench_kit`.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

SCREEN_W, SCREEN_H = 1920, 1080


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float = 300) -> None:
    """Until the demo store started as `process` answers its health check at `url`."""
    import httpx

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


def rss_mb() -> float:
    """This process's resident memory now."""
    return process_rss_mb(os.getpid())


def peak_rss_mb() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) that process `pid` has used so far, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()  # after "(comm)", which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def process_rss_mb(pid: int) -> float:
    """Resident memory of process `pid` now."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of `values`, linearly interpolated."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def offscreen_screens(directory: Path, count: int, *, use: bool = True) -> Path:
    """`count` 1920×1080 offscreen screens side by side, written to a Qt config file;
    with `use`, this process's Qt (not started yet) is pointed at it."""
    config = directory / f"screens-{count}.json"
    screens = [{"name": f"W{i}", "x": i * SCREEN_W, "y": 0, "width": SCREEN_W, "height": SCREEN_H,
                "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1} for i in range(count)]
    config.write_text(json.dumps({"screens": screens}))
    if use:
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    return config


def wall_memory(bridge: Any, controller: Any) -> Any:
    """A MemoryKeeper wired as the wall's own start wires it (wall/app.py): allocator settings,
    a trim every 30 s, the garbage collector settled on complete data and after a layout switch.
    The controller (a QObject) is its parent, so it lives as long as the wall."""
    from cmwall.wall.idle import MemoryKeeper

    memory = MemoryKeeper(parent=controller)
    memory.follow(bridge.snapshot_applied, controller.layout_changed)
    memory.start()
    return memory

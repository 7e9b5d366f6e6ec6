"""Benchmark: the wall at rest against the same wall built as a Chromium + ECharts kiosk.

Issue 12 asks that the four screens of the shipped layout (layouts/cm_residence.toml),
at rest with 2 s polls, take at least 4× less CPU and at least 4× less memory (PSS)
than the same wall built the way a web team would: four Chromium app windows, software
rendering, ECharts, polling the same store. This runs both, one after the other, on
this machine, and prints their figures, the ratios and the goals side by side.

- The store: the demo store (Gujarat) with its clock stopped at start, so after the first
  poll every poll of either wall is answered 304 ("at rest"); `--moving` lets its clock
  run. It also serves the browser wall's files (bench/browser_wall/serve.py), so the
  browser needs no proxy and no disabled security. It is measured by neither side.
- Our wall: `main.py` with the layout, offscreen Qt on four 1920×1080 screens (or on the
  X display with `--ours-on-x`), observations and ranking polled every 2 s, from a data
  directory filled once beforehand by `main.py sync`. Offscreen, each window's 1920×1080
  picture (its backing store) is private memory of our process; on a display it is shared
  with the display server. `--ours-on-x` is not the same wall, though: Xvfb's one screen
  of 7680×1080 is one monitor to Qt, so the wall shows one window with the four screens
  in turn (smaller PSS, less on screen) — compare offscreen.
- The browser wall: Debian's `chromium` (one browser, four `--app` windows of 1920×1080
  placed side by side with xdotool) on an Xvfb display of 7680×1080, `--disable-gpu`
  (software raster and compositing), each window polling the store every 2 s.
- Each side runs `--warmup` seconds unmeasured, then `--minutes` measured: CPU seconds
  per minute (utime + stime, and reaped children's, of every process in its tree, from
  /proc) and PSS (the sum of /proc/PID/smaps_rollup `Pss` over the tree, sampled every
  second, mean). The sides alternate for `--rounds` rounds (ABAB…). Xvfb's CPU while the
  browser runs is printed apart (the display server; not counted for either side).

Needs: apt-get install -y chromium xvfb xdotool.

    .venv/bin/python bench/bench_browser_compare.py [--rounds 2] [--minutes 1] [--warmup 30]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "bench" / "browser_wall"
PYTHON = sys.executable
SCREENS = ("overview", "map", "service", "trends")  # the layout's screens, left to right
WIDTH, HEIGHT = 1920, 1080
GOAL = 4.0  # issue 12: at least 4× less CPU and 4× less PSS than the browser wall
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_S = 1.0  # a page turn holds two screen pictures per screen for about a second: sampled often, it counts as long as it lasts


# --- /proc ---------------------------------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree(root: int) -> list[int]:
    """`root` and every descendant alive now."""
    kids, found, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(kids.get(pid, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of each process, plus its reaped children's (cutime + cstime)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / CLOCK_TICKS


def pss_mb(pids: list[int], field: str = "Pss:") -> float:
    """The sum of one smaps_rollup field over `pids`: all of PSS, or its anonymous part ("Pss_Anon:")."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith(field):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
    return total / 1024


# --- the sides -----------------------------------------------------------------------------------

@dataclass
class Measured:
    side: str
    round: int
    cpu_per_min: float
    pss_mb: float
    pss_max_mb: float
    anon_mb: float  # the anonymous part of PSS, mean of the samples (heap, pictures, backing stores): the
    # side's own memory; the rest (file pages: libraries, fonts) is shared with any other process mapping them
    processes: int
    display_cpu_per_min: float  # Xvfb's, not counted


class Side:
    name = ""

    def start(self) -> int:
        raise NotImplementedError

    def processes(self, root: int) -> list[int]:
        """Every process of this side: `root`'s tree (a side adds any that left it)."""
        return tree(root)

    def stop(self) -> None:
        raise NotImplementedError


def _stop(proc: subprocess.Popen[bytes] | None, wait: float = 10.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class OurWall(Side):
    name = "Qt wall"

    def __init__(self, store: str, work: Path, layout: str, display: str | None) -> None:
        self.store, self.work, self.layout, self.display = store, work, layout, display
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> int:
        env = dict(os.environ)
        if self.display:  # on the X display, like the browser
            env.update(DISPLAY=self.display, QT_QPA_PLATFORM="xcb")
        else:
            config = self.work / "screens.json"
            config.write_text(json.dumps({"screens": [
                {"name": f"W{i + 1}", "x": i * WIDTH, "y": 0, "width": WIDTH, "height": HEIGHT,
                 "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1} for i in range(len(SCREENS))]}))
            env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
        self.proc = subprocess.Popen(
            [PYTHON, str(ROOT / "main.py"), "--store", self.store, "--data-dir", str(self.work / "data"),
             "--layout", self.layout, "--poll-observations", "2", "--poll-ranking", "2"],
            env=env, stdout=subprocess.DEVNULL, stderr=open(self.work / "ours.log", "ab"))
        return self.proc.pid

    def stop(self) -> None:
        _stop(self.proc)


class BrowserWall(Side):
    name = "Chromium + ECharts"

    def __init__(self, store: str, work: Path, display: str, chromium: str) -> None:
        self.store, self.work, self.display, self.chromium = store, work, display, chromium
        self.proc: subprocess.Popen[bytes] | None = None

    def _command(self, screen: str, x: int) -> list[str]:
        return [self.chromium, "--no-sandbox", f"--user-data-dir={self.work / 'chromium-profile'}",
                "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--password-store=basic", "--noerrdialogs", "--disable-infobars",
                f"--window-position={x},0", f"--window-size={WIDTH},{HEIGHT}",
                f"--app={self.store}/index.html?screen={screen}"]

    def start(self) -> int:
        env = dict(os.environ, DISPLAY=self.display)
        log = open(self.work / "browser.log", "ab")
        self.proc = subprocess.Popen(self._command(SCREENS[0], 0), env=env, stdout=log, stderr=log)
        _wait_for_window(self.display, SCREENS[0])
        for i, screen in enumerate(SCREENS[1:], start=1):  # handed to the running browser: new windows
            subprocess.run(self._command(screen, i * WIDTH), env=env, stdout=log, stderr=log, timeout=60, check=False)
            _wait_for_window(self.display, screen)
        for i, screen in enumerate(SCREENS):  # no window manager: place them ourselves
            window = _wait_for_window(self.display, screen)
            subprocess.run(["xdotool", "windowmove", window, str(i * WIDTH), "0"], env=env, check=True)
        return self.proc.pid

    def stop(self) -> None:
        _stop(self.proc, wait=20)

    def processes(self, root: int) -> list[int]:
        """The browser's tree, and any process of its profile that left it (a helper that
        daemonised itself would otherwise go uncounted)."""
        found = set(tree(root))
        marker = f"--user-data-dir={self.work / 'chromium-profile'}".encode()
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if marker in Path(f"/proc/{entry}/cmdline").read_bytes():
                        found.add(int(entry))
                except OSError:
                    continue
        return sorted(found)


def _wait_for_window(display: str, screen: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--name", f"CM Wall · {screen}$"], env=dict(os.environ, DISPLAY=display),
                               capture_output=True, text=True, check=False).stdout.split()
        if found:
            return found[0]
        time.sleep(0.5)
    raise SystemExit(f"bench: the browser window of screen {screen!r} did not appear in {timeout:.0f} s")


DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def drop_page_cache() -> None:
    """Empty the kernel's page cache (root only), so each side starts as after a boot.

    PSS counts the library pages a process has mapped, and on each page fault the kernel
    also maps the neighbouring pages that happen to be cached (fault-around). Right after
    an install every file of the fresh .venv is cached, and the same wall then measures
    ~13 MB more PSS than once the cache has settled (155 → 168–170 MB at 4 × 1080p): the
    machine's recent history, not the wall. Pages mapped by running processes (the store)
    stay, for both sides alike."""
    os.sync()
    try:
        DROP_CACHES.write_text("1\n")
    except OSError as err:
        raise SystemExit(f"bench: --cold needs to write {DROP_CACHES} (run as root): {err.strerror}") from None


def measure(side: Side, rnd: int, warmup: float, minutes: float, xvfb_pid: int, *, cold: bool = False) -> Measured:
    if cold:
        drop_page_cache()
    root = side.start()
    try:
        time.sleep(warmup)
        pids = side.processes(root)
        cpu0, x0, t0 = cpu_seconds(pids), cpu_seconds([xvfb_pid]), time.monotonic()
        samples, anon = [], []
        end = t0 + minutes * 60
        while time.monotonic() < end:
            pids = side.processes(root)
            samples.append(pss_mb(pids))
            anon.append(pss_mb(pids, "Pss_Anon:"))
            time.sleep(min(SAMPLE_S, max(0.0, end - time.monotonic())))
        pids = side.processes(root)
        elapsed = (time.monotonic() - t0) / 60
        cpu = (cpu_seconds(pids) - cpu0) / elapsed
        display = (cpu_seconds([xvfb_pid]) - x0) / elapsed
        samples.append(pss_mb(pids))
        anon.append(pss_mb(pids, "Pss_Anon:"))
        return Measured(side.name, rnd, cpu, statistics.fmean(samples), max(samples), statistics.fmean(anon),
                        len(pids), display)
    finally:
        side.stop()


# --- set-up --------------------------------------------------------------------------------------

def start_store(work: Path, moving: bool) -> tuple[subprocess.Popen[bytes], str]:
    site = work / "site"
    shutil.copytree(STATIC, site, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    command = [PYTHON, str(STATIC / "serve.py"), "--static", str(site), "--port", "0"] + ([] if moving else ["--at-rest"])
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=open(work / "store.log", "ab"))
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()
    if not line.startswith("READY "):
        raise SystemExit(f"bench: the store did not start (see {work / 'store.log'})")
    return proc, line.split()[1]


def start_xvfb(work: Path) -> tuple[subprocess.Popen[bytes], str]:
    for number in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    display = f":{number}"
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{WIDTH * len(SCREENS)}x{HEIGHT}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=open(work / "xvfb.log", "ab"))
    deadline = time.monotonic() + 20
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit("bench: Xvfb did not start")
        time.sleep(0.2)
    return proc, display


def prepare(store: str, work: Path, layout: Path) -> None:
    """The browser's config.js (layout, outlines) and our wall's data directory, before any measuring."""
    subprocess.run([PYTHON, str(STATIC / "make_config.py"), "--store", store, "--layout", str(layout),
                    "--out", str(work / "site" / "config.js")], check=True)
    subprocess.run([PYTHON, str(ROOT / "main.py"), "sync", "--store", store, "--data-dir", str(work / "data")],
                   check=True, stdout=subprocess.DEVNULL)


def report(results: list[Measured], args: argparse.Namespace, display: str) -> None:
    print(f"\n{'side':<20} {'round':>5} {'CPU s/min':>10} {'PSS MB':>8} {'max PSS':>8} {'anon':>6} {'procs':>6} "
          f"{'Xvfb CPU s/min':>15}")
    for m in results:
        print(f"{m.side:<20} {m.round:>5} {m.cpu_per_min:>10.2f} {m.pss_mb:>8.0f} {m.pss_max_mb:>8.0f} {m.anon_mb:>6.0f} "
              f"{m.processes:>6} {m.display_cpu_per_min:>15.2f}")
    ours = [m for m in results if m.side == OurWall.name]
    browser = [m for m in results if m.side == BrowserWall.name]
    cpu_o, cpu_b = statistics.median(m.cpu_per_min for m in ours), statistics.median(m.cpu_per_min for m in browser)
    pss_o, pss_b = statistics.median(m.pss_mb for m in ours), statistics.median(m.pss_mb for m in browser)
    cpu_ratio = cpu_b / cpu_o if cpu_o > 0 else float("inf")
    pss_ratio = pss_b / pss_o if pss_o > 0 else float("inf")
    print(f"\n{'median':<20} {'Qt wall':>10} {'browser':>10} {'browser/ours':>13} {'goal':>7}  met")
    print(f"{'CPU s per minute':<20} {cpu_o:>10.2f} {cpu_b:>10.2f} {cpu_ratio:>12.1f}× {GOAL:>6.0f}×  {'yes' if cpu_ratio >= GOAL else 'NO'}")
    print(f"{'PSS MB':<20} {pss_o:>10.0f} {pss_b:>10.0f} {pss_ratio:>12.1f}× {GOAL:>6.0f}×  {'yes' if pss_ratio >= GOAL else 'NO'}")
    print(f"{'(CPU goal for ours)':<20} {cpu_b / GOAL:>10.2f} s/min at most; PSS {pss_b / GOAL:.0f} MB at most")
    where = f"X display {display} (xcb)" if args.ours_on_x else "offscreen Qt (4 × 1920×1080)"
    print(f"\nQt wall: {where}; browser: Chromium on Xvfb {display} ({WIDTH * len(SCREENS)}×{HEIGHT}), --disable-gpu, "
          f"4 app windows; store {'moving' if args.moving else 'at rest (clock stopped: 304s)'}; "
          f"{args.rounds} rounds × {args.minutes} min each after {args.warmup:.0f} s warm-up; page cache "
          f"{'emptied before each start (--cold)' if args.cold else 'as it was (a fresh install measures more PSS; see --cold)'}")
    self_cpu = resource.getrusage(resource.RUSAGE_SELF)
    print(f"bench's own CPU: {self_cpu.ru_utime + self_cpu.ru_stime:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the two walls (default 2)")
    parser.add_argument("--minutes", type=float, default=1.0, help="measured minutes per wall and round (default 1)")
    parser.add_argument("--warmup", type=float, default=30.0, help="unmeasured seconds after each start (default 30)")
    parser.add_argument("--layout", type=Path, default=ROOT / "layouts" / "cm_residence.toml")
    parser.add_argument("--moving", action="store_true", help="let the store's clock run (new data arrives)")
    parser.add_argument("--ours-on-x", action="store_true",
                        help="run our wall on the Xvfb display (xcb) too: one monitor there, so screens in turn")
    parser.add_argument("--only", choices=("ours", "browser"), help="measure one side only")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--cold", action="store_true",
                        help="empty the page cache before each start (root): both sides start as after a boot")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            raise SystemExit(f"bench: {tool} is missing (apt-get install -y chromium xvfb xdotool)")
    if chromium is None:
        raise SystemExit("bench: chromium is missing (apt-get install -y chromium xvfb xdotool)")
    work = Path(tempfile.mkdtemp(prefix="cmwall-browser-bench-"))
    store_proc = xvfb = None
    try:
        store_proc, store = start_store(work, args.moving)
        prepare(store, work, args.layout)
        xvfb, display = start_xvfb(work)
        ours = OurWall(store, work, str(args.layout), display if args.ours_on_x else None)
        browser = BrowserWall(store, work, display, chromium)
        sides: list[Side] = [ours, browser] if args.only is None else [ours if args.only == "ours" else browser]
        results = []
        for rnd in range(1, args.rounds + 1):
            for side in sides:
                print(f"round {rnd}: {side.name} …", file=sys.stderr, flush=True)
                results.append(measure(side, rnd, args.warmup, args.minutes, xvfb.pid, cold=args.cold))
        if args.only is None:
            report(results, args, display)
        else:
            for m in results:
                print(m)
    finally:
        _stop(xvfb)
        _stop(store_proc)
        if args.keep:
            print(f"work directory: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

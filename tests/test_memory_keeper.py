"""The wall gives back what it frees (wall/idle.py MemoryKeeper).

A wall that runs for weeks grabs screen-sized pictures at every page turn and builds
new arrays at every poll; what it frees must leave the process, not stay behind as
heap fragments. Checked on the resident size of a fresh process (the test run's own
heap already holds free pages that new blocks would reuse), with a fragmenting
pattern: big blocks, each followed by a small one that stays alive.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FRAGMENTING_PROCESS = r"""
import json, os, sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QTimer
from cmwall.wall.idle import MemoryKeeper

PAGE = os.sysconf("SC_PAGE_SIZE")
def resident_mb():
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE / 2**20

app = QCoreApplication(sys.argv)
picture = bytearray(8 * 2**20)
del picture  # with glibc's defaults, freeing it sends every later block under 8 MB to the heap
keeper = MemoryKeeper(every_ms=50)
before = resident_mb()
big, pins = [], []
for _ in range(64):
    big.append(bytearray(os.urandom(16)) * (2**20 // 16))  # 1 MB, every page touched
    pins.append(bytearray(64))  # a small block after it, kept: the heap cannot just shrink from its top
peak = resident_mb()
del big
keeper.start()
waited = QTimer()
waited.timeout.connect(lambda: app.quit() if keeper.trims >= 1 else None)
waited.start(20)
QTimer.singleShot(20_000, app.quit)  # a keeper that never trims fails below, it does not hang
app.exec()
keeper.stop()
print(json.dumps({"active": keeper.active, "trims": keeper.trims, "before": before, "peak": peak,
                  "after": resident_mb(), "pins": len(pins)}))
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc")
def test_memory_freed_by_the_wall_leaves_the_process() -> None:
    done = subprocess.run([sys.executable, "-c", FRAGMENTING_PROCESS], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    if not measured["active"]:
        pytest.skip("not glibc")
    assert measured["trims"] >= 1, measured
    assert measured["peak"] - measured["before"] >= 48, measured  # the blocks really were resident
    assert measured["after"] - measured["before"] < 16, measured  # and the trim gave them back
    assert measured["pins"] == 64


SETTLING_PROCESS = r"""
import gc, json, sys
from types import SimpleNamespace
from PySide6.QtCore import QCoreApplication
from cmwall.wall.idle import MemoryKeeper

app = QCoreApplication(sys.argv)
keeper = MemoryKeeper()
seen = []
def shown(snapshot):
    keeper.snapshot_shown(snapshot)
    app.processEvents()
    seen.append((keeper.settled, gc.get_freeze_count(), keeper.trims))

class Cycle:
    def __init__(self): self.me = self
import weakref
garbage = Cycle(); gone = weakref.ref(garbage); del garbage  # cyclic garbage made before settling
shown(SimpleNamespace(partial=True))   # a first sync still under way: not yet
shown(SimpleNamespace(partial=False))  # complete data: settles
shown(SimpleNamespace(partial=False))  # once only
keeper.settle_again()                  # another layout's tiles (a crisis switches while a snapshot is applied)
shown(SimpleNamespace(partial=False))  # the snapshot of the switch: not yet
shown(SimpleNamespace(partial=False))  # the next poll's: settles again
print(json.dumps({"seen": seen, "garbage_collected": gone() is None}))
"""


def test_long_lived_objects_are_set_apart_from_the_collector_once_data_is_complete() -> None:
    done = subprocess.run([sys.executable, "-c", SETTLING_PROCESS], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    settled = [n for n, _frozen, _trims in measured["seen"]]
    assert settled == [0, 1, 1, 1, 2]  # not on partial data, once per complete wall, again a poll after a layout switch
    assert measured["seen"][0][1] == 0 and all(frozen > 10_000 for _n, frozen, _t in measured["seen"][1:])
    if sys.platform.startswith("linux"):  # glibc: what getting there freed goes back at once, each time it settles
        assert [trims for _n, _f, trims in measured["seen"]] == [0, 1, 1, 1, 2]
    assert measured["garbage_collected"]  # what was garbage before settling is collected, not frozen

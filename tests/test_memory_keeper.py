"""The wall gives back what it frees (wall/idle.py MemoryKeeper).

A wall that runs for weeks grabs screen-sized pictures at every page turn and builds
new arrays at every poll; what it frees must leave the process, not stay behind as
heap fragments. Checked on the process's resident size, with a fragmenting pattern:
big blocks, each followed by a small one that stays alive.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cmwall.wall.idle import MemoryKeeper
from pytestqt.qtbot import QtBot

PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE / 2**20


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc")
def test_memory_freed_by_the_wall_leaves_the_process(qtbot: QtBot) -> None:
    picture = bytearray(8 * 2**20)
    del picture  # with glibc's defaults, freeing it sends every later block under 8 MB to the heap
    keeper = MemoryKeeper(every_ms=50)
    if not keeper.active:
        pytest.skip("not glibc")
    before = resident_mb()
    big, pins = [], []
    for _ in range(64):
        big.append(bytearray(os.urandom(16)) * (2**20 // 16))  # 1 MB, every page touched
        pins.append(bytearray(64))  # a small block after it, kept: the heap cannot just shrink from its top
    peak = resident_mb()
    assert peak - before >= 48
    del big
    keeper.start()
    qtbot.waitUntil(lambda: keeper.trims >= 1)
    keeper.stop()
    assert resident_mb() - before < 16, (before, peak, resident_mb())
    assert len(pins) == 64

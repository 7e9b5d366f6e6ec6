"""A wall runs unattended for weeks: repainting must not wear anything down.

PySide6 6.12.0 released a reference to None on every void-returning QPainter call;
on Python 3.11 (where None is not immortal) None's count drained with every repaint
until the interpreter aborted with "none_dealloc" — hours into a run. This repaints
every tile type and checks None's reference count does not fall.
"""

from __future__ import annotations

import gc
import sys

import pytest
from cmwall.sync.snapshot import Snapshot
from cmwall.widgets.base import TileContext
from cmwall.widgets.registry import registered
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from .derived import show
from .tile_examples import EXAMPLE_OPTIONS

REPAINTS = 40


@pytest.mark.parametrize("name", sorted(registered()))
def test_repainting_a_tile_does_not_drain_references_to_none(qtbot: QtBot, name: str, demo_snapshot: Snapshot, tile_context: TileContext) -> None:
    cls = registered()[name]
    tile = cls(cls.options_model(**EXAMPLE_OPTIONS[name]), tile_context)
    qtbot.addWidget(tile)
    tile.resize(960, 540)
    tile.show()
    show(tile, demo_snapshot)
    tile.grab()
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(REPAINTS):
        tile.repaint()
        QApplication.processEvents()
    gc.collect()
    drained = before - sys.getrefcount(None)
    assert drained < REPAINTS, f"{name}: None lost {drained} references over {REPAINTS} repaints"
    tile.cleanup()

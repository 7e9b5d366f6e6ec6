"""Approved images of each tile type, rendered from the demo store at a fixed time.

A change in layout, colour or figures shows up as a pixel difference; re-approve
with CMWALL_APPROVE=1 after looking at tests/received/<name>.png. (The map has its
own approved images in test_tiles_map.py, one per colouring.)
"""

from __future__ import annotations

import pytest
from cmwall.sync.snapshot import Snapshot
from cmwall.widgets.base import TileContext
from cmwall.widgets.registry import registered
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from .derived import show
from .imaging import assert_matches_approved
from .tile_examples import EXAMPLE_OPTIONS

APPROVED = [(name, (960, 540)) for name in ("kpi", "ranking", "trend", "breakdown", "attention", "clock", "banner")]
APPROVED += [(name, (1280, 720)) for name in ("capacity", "alerts", "freshness", "grievance")]


@pytest.mark.parametrize(("name", "size"), APPROVED, ids=[name for name, _ in APPROVED])
def test_tile_matches_approved_image(qtbot: QtBot, name: str, size: tuple[int, int], demo_snapshot: Snapshot, tile_context: TileContext) -> None:
    cls = registered()[name]
    tile = cls(cls.options_model(**EXAMPLE_OPTIONS[name]), tile_context)
    qtbot.addWidget(tile)
    tile.resize(*size)
    tile.show()
    show(tile, demo_snapshot)
    QApplication.processEvents()
    assert_matches_approved(tile.grab().toImage(), f"tile_{name}_{size[0]}x{size[1]}")
    tile.cleanup()

"""Approved images of the KPI, ranking, trend, breakdown, attention, clock and banner
tiles at 960×540, rendered from the demo store at a fixed time.

A change in layout, colour or figures shows up as a pixel difference; re-approve
with CMWALL_APPROVE=1 after looking at tests/received/<name>.png.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from cmwall.widgets.registry import registered

from .imaging import assert_matches_approved
from .tile_examples import EXAMPLE_OPTIONS

MINE = ("kpi", "ranking", "trend", "breakdown", "attention", "clock", "banner")


@pytest.mark.parametrize("name", MINE)
def test_tile_matches_approved_image(qtbot, name, demo_snapshot, tile_context) -> None:  # type: ignore[no-untyped-def]
    cls = registered()[name]
    tile = cls(cls.options_model(**EXAMPLE_OPTIONS[name]), tile_context)
    qtbot.addWidget(tile)
    tile.resize(960, 540)
    tile.show()
    tile.apply(demo_snapshot)
    QApplication.processEvents()
    assert_matches_approved(tile.grab().toImage(), f"tile_{name}_960x540")
    tile.cleanup()

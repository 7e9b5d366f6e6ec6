"""Approved images of the capacity, alerts, freshness and grievance tiles at 1280×720,
rendered from the demo store at a fixed time (tests/conftest.py).

Re-approve with CMWALL_APPROVE=1 after looking at tests/received/<name>.png.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from cmwall.widgets.registry import registered

from .imaging import assert_matches_approved
from .tile_examples import EXAMPLE_OPTIONS


@pytest.mark.parametrize("name", ("capacity", "alerts", "freshness", "grievance"))
def test_tile_matches_approved_image(qtbot, name, demo_snapshot, tile_context) -> None:  # type: ignore[no-untyped-def]
    cls = registered()[name]
    tile = cls(cls.options_model(**EXAMPLE_OPTIONS[name]), tile_context)
    qtbot.addWidget(tile)
    tile.resize(1280, 720)
    tile.show()
    tile.apply(demo_snapshot)
    QApplication.processEvents()
    assert_matches_approved(tile.grab().toImage(), f"tile_{name}_1280x720")
    tile.cleanup()

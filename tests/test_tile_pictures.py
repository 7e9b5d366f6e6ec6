"""On a wall a tile is painted once per model into a picture, and windows copy the picture.

widgets/painted_tile.py: the model stage paints a tile's picture inside its time budget
when it applies the model, so a window's paint event only copies pictures. What the wall
shows must not change by it: a tile copied from its picture is the tile painted directly,
pixel for pixel (up to the rounding of an antialiased edge blended in two steps), for
every tile type; a picture is copied only for the model and size it was painted for,
and let go once copied; a page turn paints each incoming tile once, not again when the
fade ends.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from cmwall.sync.snapshot import Snapshot
from cmwall.widgets.base import TileContext
from cmwall.widgets.painted_tile import PaintedTile, TileMessage
from cmwall.widgets.registry import registered
from cmwall.widgets.view_models import ModelStage
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from .derived import show
from .imaging import image_array
from .test_at_rest_painting import window_with_data
from .tile_examples import EXAMPLE_OPTIONS

TYPES = sorted(name for name in EXAMPLE_OPTIONS if issubclass(registered()[name], PaintedTile))


def _on_wall_background(tile: QWidget) -> QImage:
    return tile.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def _held(tile: PaintedTile) -> QImage | None:
    """The picture the tile holds, if any (a function: each call reads it anew)."""
    return tile._picture


def _painted_directly(tile: PaintedTile) -> QImage:
    context = tile.context
    tile.context = replace(context, models=None)
    try:
        return tile.grab().toImage()
    finally:
        tile.context = context


@pytest.mark.parametrize("name", TYPES)
def test_a_tile_copied_from_its_picture_is_the_tile_painted(qtbot: QtBot, name: str, demo_snapshot: Snapshot,
                                                            tile_context: TileContext) -> None:
    cls = registered()[name]
    tile = cls(cls.options_model(**EXAMPLE_OPTIONS[name]), tile_context)
    assert isinstance(tile, PaintedTile)
    qtbot.addWidget(tile)
    tile.resize(640, 400)
    tile.show()
    show(tile, demo_snapshot)  # no model stage: built and painted at once, directly
    QApplication.processEvents()
    painted = _on_wall_background(tile)
    stage = ModelStage()
    try:
        tile.context = replace(tile_context, models=stage)  # as on a wall: painted into a picture, then copied
        model = tile.model
        tile.show_model(None)
        tile.show_model(model)  # applied anew, as the stage applies a model
        tile.prepare_picture()
        assert tile.picture_renders == 1
        copied = _on_wall_background(tile)
        assert tile.picture_renders == 1  # the paint copied the picture prepared
        assert _held(tile) is None  # and let it go
        delta = np.abs(image_array(copied).astype(np.int16) - image_array(painted).astype(np.int16))
        # the same texts and shapes; an antialiased edge blended in two steps may round one level apart
        assert int(delta.max()) <= 1, (int(delta.max()), int((delta.max(axis=2) > 0).sum()))
    finally:
        stage.close()
        tile.cleanup()


def test_a_picture_is_copied_only_for_its_own_model_and_size(qtbot: QtBot, demo_snapshot: Snapshot, newer_demo_snapshots: tuple[Snapshot, ...],
                                                    tile_context: TileContext) -> None:
    cls = registered()["kpi"]
    stage = ModelStage()
    try:
        tile = cls(cls.options_model(**EXAMPLE_OPTIONS["kpi"]), replace(tile_context, models=stage))
        assert isinstance(tile, PaintedTile)
        qtbot.addWidget(tile)
        tile.resize(400, 260)
        tile.show()
        show(tile, demo_snapshot)
        qtbot.waitUntil(lambda: tile.model is not None and stage.pending() == 0, timeout=10_000)
        renders = tile.picture_renders
        assert renders >= 1  # prepared when the stage applied the model
        tile.grab()
        tile.prepare_picture()
        assert tile.picture_renders == renders  # nothing new to show: no picture
        tile.show_model(TileMessage("Heading", "another model"))
        tile.prepare_picture()
        assert tile.picture_renders == renders + 1 and _held(tile) is not None
        tile.resize(420, 260)  # the picture is of the old size: painted directly, and let go
        resized = tile.grab().toImage()
        assert _held(tile) is None and resized.width() == 420 and resized == _painted_directly(tile)
        tile.show_model(TileMessage("Heading", "a third model"))
        tile.prepare_picture()
        tile.show_model(TileMessage("Heading", "a fourth model"))  # the picture prepared is of the one before
        assert tile.grab().toImage() == _painted_directly(tile)
        tile.show_model(TileMessage("Heading", "a fifth model"))
        tile.prepare_picture()
        tile.hide()
        assert _held(tile) is None  # a hidden tile holds no picture
    finally:
        stage.close()


def test_a_page_turn_paints_the_incoming_tiles_once(qtbot: QtBot, tmp_path: Path) -> None:
    stage = ModelStage()
    try:
        window = window_with_data(qtbot, tmp_path, fade_ms=300, models=stage)
        window.show_page(1, animate=False)  # the second page's models built and shown too
        window.show_page(0, animate=False)
        assert stage.flush()
        QApplication.processEvents()
        incoming = [t for t in window.pages[1] if isinstance(t, PaintedTile)]
        assert incoming and all(t.model is not None for t in incoming)
        renders = [t.picture_renders for t in incoming]
        window.show_page(1)
        assert window.area.fade.isVisible()
        qtbot.waitUntil(lambda: not window.area.fade.isVisible(), timeout=5000)
        qtbot.waitUntil(lambda: all(_held(t) is None for t in incoming), timeout=5000)  # shown, then let go
        # painted once into its picture for the fade's grab; the page shown when the fade ended copied it
        assert [t.picture_renders - r for t, r in zip(incoming, renders)] == [1] * len(incoming)
        assert not any(t.hold_picture for t in incoming)
    finally:
        stage.close()


def test_a_page_turn_does_not_repaint_the_pinned_tiles_over_it(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_with_data(qtbot, tmp_path, fade_ms=600)
    QApplication.processEvents()
    pinned = [t for t in window.pinned if isinstance(t, PaintedTile)]
    assert pinned
    before = [t.paint_count for t in pinned]
    window.show_page(1)
    assert window.area.fade.isVisible()
    qtbot.waitUntil(lambda: not window.area.fade.isVisible(), timeout=5000)
    QApplication.processEvents()
    # the fade's frames blend only the page area beside them (some 18 frames; a few paints at its start and end)
    assert all(t.paint_count - b <= 3 for t, b in zip(pinned, before)), [t.paint_count - b for t, b in zip(pinned, before)]

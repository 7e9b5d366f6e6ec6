"""On a wall a tile is painted once per model into a picture, and windows copy the picture.

widgets/painted_tile.py: the model stage paints a tile's picture inside its time budget
when it applies the model, so a window's paint event only copies pictures. What the wall
shows must not change by it: a tile copied from its picture is the tile painted directly,
pixel for pixel (up to the rounding of an antialiased edge
blended in two steps), for every tile type; and the picture follows the model and the size.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from cmwall.sync.snapshot import Snapshot
from cmwall.widgets.base import TileContext
from cmwall.widgets.painted_tile import PaintedTile
from cmwall.widgets.registry import registered
from cmwall.widgets.view_models import ModelStage
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from .derived import show
from .imaging import image_array
from .tile_examples import EXAMPLE_OPTIONS

TYPES = sorted(name for name in EXAMPLE_OPTIONS if issubclass(registered()[name], PaintedTile))


def _on_wall_background(tile: QWidget) -> QImage:
    return tile.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


@pytest.mark.parametrize("name", TYPES)
def test_a_tile_copied_from_its_picture_is_the_tile_painted(qtbot: QtBot, name: str, demo_snapshot: Snapshot,
                                                            tile_context: TileContext) -> None:
    cls = registered()[name]
    tile = cls(cls.options_model(**EXAMPLE_OPTIONS[name]), tile_context)
    qtbot.addWidget(tile)
    tile.resize(640, 400)
    tile.show()
    show(tile, demo_snapshot)  # no model stage: built and painted at once, directly
    QApplication.processEvents()
    painted = _on_wall_background(tile)
    stage = ModelStage()
    try:
        tile.context = replace(tile_context, models=stage)  # as on a wall: painted into a picture, then copied
        tile.prepare_picture()
        assert tile.picture_renders == 1
        copied = _on_wall_background(tile)
        assert tile.picture_renders == 1  # the paint copied the picture prepared
        delta = np.abs(image_array(copied).astype(np.int16) - image_array(painted).astype(np.int16))
        # the same texts and shapes; an antialiased edge blended in two steps may round one level apart
        assert int(delta.max()) <= 1, (int(delta.max()), int((delta.max(axis=2) > 0).sum()))
    finally:
        stage.close()
        tile.cleanup()


def test_the_picture_follows_the_model_and_the_size(qtbot: QtBot, demo_snapshot: Snapshot, newer_demo_snapshots: tuple[Snapshot, ...],
                                                    tile_context: TileContext) -> None:
    cls = registered()["kpi"]
    stage = ModelStage()
    try:
        tile = cls(cls.options_model(**EXAMPLE_OPTIONS["kpi"]), replace(tile_context, models=stage))
        qtbot.addWidget(tile)
        tile.resize(400, 260)
        tile.show()
        show(tile, demo_snapshot)
        qtbot.waitUntil(lambda: tile.model is not None and stage.pending() == 0, timeout=10_000)
        renders = tile.picture_renders
        assert renders >= 1  # prepared when the stage applied the model
        tile.grab()
        assert tile.picture_renders == renders  # copied, not painted again
        tile.resize(420, 260)
        tile.grab()
        assert tile.picture_renders == renders + 1
        tile.hide()
        tile.show()
        tile.grab()
        assert tile.picture_renders == renders + 2  # a hidden tile let its picture go
    finally:
        stage.close()

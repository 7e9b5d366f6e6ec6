"""The map tile paints its map (areas, outlines, labels, markers) into a picture kept per
size and model, and blits it on every other paint: at state scale its labels alone took
40–90 ms a paint, and a tile is painted again for reasons other than new figures (its
data age, the screen exposed, a screenshot)."""

from __future__ import annotations

from cmwall.sync.snapshot import Snapshot
from cmwall.widgets import paint_kit
from pytestqt.qtbot import QtBot

from .derived import show
from .test_tiles_map import map_on_screen


def test_the_map_is_painted_again_only_for_a_new_model_or_size(qtbot: QtBot,
                                                                newer_demo_snapshots: tuple[Snapshot, ...]) -> None:
    first, _, later = newer_demo_snapshots
    tile = map_on_screen(qtbot, first, colour_by="kpi", kpi="CMHL.REV.PEND300", facility_kpi="HFW.O2.STOCK_HOURS")
    tile.grab()
    assert tile.map_renders == 1  # painted again: blitted (test_tiles_map's approved images are of the blit)
    previous = paint_kit.set_text_recorder(lambda *_args: None)  # a screenshot's audit reads texts as painted
    try:
        tile.grab()
    finally:
        paint_kit.set_text_recorder(previous)
    assert tile.map_renders == 1  # painted on the tile itself, the picture kept as it was
    show(tile, later)
    tile.grab()
    assert tile.map_renders == 2
    tile.resize(900, 600)
    tile.grab()
    assert tile.map_renders == 3


def test_the_outlines_are_stroked_once_per_size_not_for_every_new_model(
        qtbot: QtBot, newer_demo_snapshots: tuple[Snapshot, ...]) -> None:
    first, _, later = newer_demo_snapshots
    tile = map_on_screen(qtbot, first, colour_by="kpi", kpi="CMHL.REV.PEND300")
    assert (tile.map_renders, tile.outline_strokes) == (1, 1)
    show(tile, later)
    tile.grab()
    assert (tile.map_renders, tile.outline_strokes) == (2, 1)  # a new model: painted again on the same outlines
    _origin, layer = tile._outlines[1:] if tile._outlines is not None else (None, None)
    assert layer is not None and layer.depth() == 8  # one byte a pixel, not a full-colour picture
    assert layer.width() < tile.width()  # the map's area only, not the legend beside it
    tile.resize(900, 600)
    tile.grab()
    assert (tile.map_renders, tile.outline_strokes) == (3, 2)

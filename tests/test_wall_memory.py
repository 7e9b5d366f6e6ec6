"""A wall at rest holds only what it shows (issue 12's memory goal against a browser wall):
the map lets go of its pictures when its page is turned away (and when unused for a
while), Python's cache of source lines is emptied on the keeper's trim, and RapidFuzz
is not needed to set aside a boundary file's other states."""

from __future__ import annotations

import linecache

import pytest
from cmwall.layouts.tile_options import MapOptions
from cmwall.sync.snapshot import Snapshot
from cmwall.wall.idle import MemoryKeeper
from cmwall.widgets.base import TileContext
from cmwall.widgets.boundaries import _same_name
from cmwall.widgets.tiles.map_tile import MapTile
from PySide6.QtWidgets import QStackedWidget, QWidget
from pytestqt.qtbot import QtBot
from rapidfuzz import fuzz

from .conftest import DEMO_NOW
from .derived import show


def held_pictures(tile: MapTile) -> tuple[bool, bool]:
    """Whether the map holds its cached picture and its painter paths (with its outlines'
    one-byte coverage layer: kept with the paths, let go with them)."""
    return tile._map_cache is not None, bool(tile._paths) and tile._outlines is not None


def test_the_map_lets_go_of_its_pictures_off_screen_and_paints_the_same_again(
        qtbot: QtBot, newer_demo_snapshots: tuple[Snapshot, ...]) -> None:
    pages = QStackedWidget()
    qtbot.addWidget(pages)
    tile = MapTile(MapOptions(colour_by="kpi", kpi="CMHL.REV.PEND300"), TileContext(now=lambda: DEMO_NOW))
    pages.addWidget(tile)
    pages.addWidget(QWidget())
    pages.resize(800, 600)
    pages.show()
    show(tile, newer_demo_snapshots[0])
    before = tile.grab().toImage()
    assert held_pictures(tile) == (True, True)
    pages.setCurrentIndex(1)  # the page turned away
    assert held_pictures(tile) == (False, False)
    pages.setCurrentIndex(0)
    after = tile.grab().toImage()
    assert tile.map_renders == 2  # painted again, from the same outlines and model
    differ = sum(after.pixel(x, y) != before.pixel(x, y) for y in range(0, 600, 2) for x in range(0, 800, 2))
    # the same map: anti-aliased edges and text may differ by a shade (1.2 % once in a full suite run), so the
    # approved images' 3 % tolerance; a map not painted again, or painted blank, differs in far more
    assert differ < 0.03 * 400 * 300


def test_the_keepers_trim_empties_the_cache_of_source_lines() -> None:
    assert linecache.getline(__file__, 1)
    assert __file__ in linecache.cache
    MemoryKeeper().trim()
    assert __file__ not in linecache.cache


@pytest.mark.parametrize(("a", "b"), [
    ("Gujarat", "GUJARAT"), ("Gujrat", "Gujarat"), ("Gujarat", "Haryana"), ("Odisha", "Orissa"),
    ("Tamil Nadu", "Tamilnadu"), ("Dadra & Nagar Haveli", "Dadra and Nagar Haveli"), ("Goa", "Gao"), ("", "Goa"),
])
def test_state_names_compare_as_rapidfuzz_would(a: str, b: str) -> None:
    from cmwall.widgets.district_matching import FUZZY_CUTOFF
    from cmwall.widgets.district_names import name_key

    ka, kb = name_key(a), name_key(b)
    expected = bool(ka) and (ka == kb or fuzz.ratio(ka, kb) >= FUZZY_CUTOFF)
    assert _same_name(a, b) is expected


def test_the_map_lets_go_of_its_pictures_when_unused_and_paints_the_same_again(
        qtbot: QtBot, newer_demo_snapshots: tuple[Snapshot, ...]) -> None:
    tile = MapTile(MapOptions(colour_by="kpi", kpi="CMHL.REV.PEND300"), TileContext(now=lambda: DEMO_NOW))
    qtbot.addWidget(tile)
    tile.resize(800, 600)
    tile.show()
    show(tile, newer_demo_snapshots[0])
    before = tile.grab().toImage()
    renders = tile.map_renders
    assert held_pictures(tile)[0]
    tile.grab()
    assert tile.map_renders == renders  # used again soon after: blitted, and kept longer
    tile._map_kept.setInterval(50)  # the wall keeps it MAP_PICTURE_KEPT_MS
    tile._map_kept.start()
    assert tile._halos  # its labels' shapes, stroked once
    qtbot.waitUntil(lambda: held_pictures(tile) == (False, False), timeout=5000)  # paths and outlines too
    assert not tile._halos  # and its labels' shapes
    after = tile.grab().toImage()
    assert tile.map_renders == renders + 1
    differ = sum(after.pixel(x, y) != before.pixel(x, y) for y in range(0, 600, 2) for x in range(0, 800, 2))
    assert differ < 0.03 * 400 * 300  # as above: the same map, painted again

"""Drill-down: a generated page per place, reached by keys (Actions) and left again.

The pages come from the catalog's `parent` links only: a district's page lists its
talukas and hospitals, explains its rank (the layout names it, so the sync thread
derives it), and the wall stops rotating until the operator goes back, another layout
is shown, or the drill-down is left idle.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cmwall.layouts.loader import Layout, load_layout
from cmwall.layouts.tile_options import ChildrenOptions
from cmwall.sync.contract import Catalog
from cmwall.sync.snapshot import Snapshot
from cmwall.wall.control_panel import drill_state
from cmwall.wall.controller import WallController
from cmwall.wall.entity_page import entity_layout, trail
from cmwall.wall.keys import Action
from cmwall.wall.peer_protocol import aspects_of
from cmwall.widgets.base import TileContext
from cmwall.widgets.tiles.children_tile import ChildrenModel, ChildrenTile
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from .synthetic import CATALOG, NOW
from .synthetic import snapshot as synthetic_snapshot
from .test_wall_controller import LAYOUT, Clock, FakeScreen

MAIN = Path(__file__).resolve().parents[1] / "main.py"
FULL_HD = {"screens": [{"name": "W", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpiX": 96,
                        "logicalDpiY": 96, "dpr": 1}]}


def drill_catalog() -> dict[str, Any]:
    """The synthetic catalog with two talukas (one without a point) and a hospital under Ahmadabad."""
    extra = [
        {"code": "3782", "name": "Daskroi", "level": "taluka", "parent": "438", "lat": 22.95, "lon": 72.61},
        {"code": "6512", "name": "Asarva", "level": "taluka", "parent": "438"},
        {"code": "F-0001", "name": "Civil Hospital, Asarwa", "level": "facility", "parent": "438",
         "lat": 23.05, "lon": 72.6},
    ]
    named: dict[str, dict[str, str]] = {"24": {"gu": "ગુજરાત", "hi": "गुजरात"}, "438": {"gu": "અમદાવાદ"}}
    base: dict[str, Any] = dict(CATALOG)
    entities = [{**e, "names": named[e["code"]]} if e["code"] in named else e for e in base["entities"]]
    return {**base, "state": {**base["state"], "names": named["24"]}, "entities": [*entities, *extra]}


def drill_snapshot() -> Snapshot:
    return replace(synthetic_snapshot(), catalog=Catalog.model_validate(drill_catalog()))


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    path = tmp_path / "test_wall.toml"
    path.write_text(LAYOUT, encoding="utf-8")
    return load_layout(path)


@pytest.fixture
def wall(qtbot: QtBot, layout: Layout, tmp_path: Path) -> Iterator[WallController]:
    screens = [FakeScreen("WALL-1", 0), FakeScreen("WALL-2", 1280)]
    controller = WallController(layout, clock=Clock(), screenshot_dir=tmp_path / "shots", fade_ms=0,
                                screens=lambda: screens)
    controller.start()
    controller.apply_snapshot(drill_snapshot())
    yield controller
    controller.shutdown()


# Keys change these between asserts; read through a call so the type checker does not hold
# on to what an earlier assert found.
def drilled(wall: WallController) -> bool:
    return wall.drill.active


def rotating(wall: WallController) -> bool:
    return wall.pages.rotation.enabled


def picked(wall: WallController) -> str | None:
    return wall.drill.selected


def first_screen_tiles(layout: Layout) -> dict[str, Any]:  # options by tile type
    return {t.type: t.options for t in layout.spec.screens[0].pages[0].tiles}


def test_a_district_page_explains_its_rank_and_lists_its_children(layout: Layout) -> None:
    snapshot = drill_snapshot()
    assert snapshot.catalog is not None
    page = entity_layout(layout, snapshot.catalog, snapshot, "438", selected="6512")
    tiles = first_screen_tiles(page)
    assert tiles["breakdown"].entity == "438"  # of the ranked level: why it ranks where it does
    assert "438" in page.spec.wants().explain  # so the sync thread derives that explanation
    assert tiles["children"].entity == "438" and tiles["children"].selected == "6512"
    kpi_tiles: list[Any] = [t.options for t in page.spec.screens[0].pages[0].tiles if t.type == "kpi"]
    assert kpi_tiles and all(o.entity == "438" for o in kpi_tiles)
    assert page.spec.rotation is False and page.path == layout.path  # same layout file for the peers
    assert page.spec.screens[0].id == layout.spec.screens[0].id and page.spec.screens[1] == layout.spec.screens[1]
    assert page.spec.screens[0].title == "Gujarat › Ahmadabad"
    assert page.spec.screens[0].title_local == {"gu": "ગુજરાત › અમદાવાદ", "hi": "गुजरात › Ahmadabad"}  # never a third script


def test_a_taluka_page_has_no_rank_to_explain_but_its_figures_and_trend(layout: Layout) -> None:
    snapshot = drill_snapshot()
    assert snapshot.catalog is not None
    assert trail(snapshot.catalog, "3782") == ["24", "438", "3782"]
    page = entity_layout(layout, snapshot.catalog, snapshot, "3782")
    tiles = first_screen_tiles(page)
    assert "breakdown" not in tiles and "children" not in tiles  # nothing under it: no empty table
    lower = [t for t in page.spec.screens[0].pages[0].tiles if t.row == 1]
    assert sum(t.col_span for t in lower) == 8 and lower[-1].type == "map"  # the rest widen over its room
    state_tiles = first_screen_tiles(entity_layout(layout, snapshot.catalog, snapshot, "24"))
    assert "ranking" in state_tiles and state_tiles["children"].entity is None


def test_keys_drill_down_pick_go_up_and_home_and_rotation_pauses_meanwhile(wall: WallController, qtbot: QtBot,
                                                                         layout: Layout) -> None:
    home = wall.layout
    window = wall.screen_windows()[0]
    QTest.keyClick(window, Qt.Key.Key_Return)  # from the rotation: the state's page
    assert wall.drill.path == ["24"] and not rotating(wall)
    assert wall.screen_windows()[0].screen_spec.title == "Gujarat"  # type: ignore[union-attr]
    QTest.keyClick(wall.screen_windows()[0], Qt.Key.Key_Down)
    assert picked(wall) == "438"  # the first district by name
    QTest.keyClick(wall.screen_windows()[0], Qt.Key.Key_Return)
    assert wall.drill.path == ["24", "438"]
    assert wall.drill.child_codes() == ["6512", "3782", "F-0001"]  # talukas by name first, then the hospital
    wall.perform(Action.DRILL_PREVIOUS_CHILD)
    assert picked(wall) == "F-0001"
    QTest.keyClick(wall.screen_windows()[0], Qt.Key.Key_Backspace)
    assert wall.drill.path == ["24"] and picked(wall) == "438"  # where we came from stays picked
    QTest.keyClick(wall.screen_windows()[0], Qt.Key.Key_Home)
    assert not drilled(wall) and wall.layout is home and rotating(wall)
    assert wall.screen_windows()[0].screen_spec == home.spec.screens[0]


def test_another_layout_ends_the_drill_down(wall: WallController) -> None:
    wall.perform(Action.DRILL_INTO)
    assert drilled(wall)
    wall.perform(Action.NEXT_LAYOUT)
    assert not drilled(wall) and wall.drill.home is None


def test_an_idle_drill_down_goes_back_to_the_rotation(wall: WallController, qtbot: QtBot) -> None:
    home = wall.layout
    wall.drill._idle.setInterval(50)  # the operator went home: ten minutes in the wall's life
    wall.drill.open("3782")  # any place opens with the way down to it
    assert wall.drill.path == ["24", "438", "3782"]
    qtbot.waitUntil(lambda: not drilled(wall), timeout=3000)
    assert wall.layout is home and rotating(wall)


def test_an_unknown_place_is_not_opened(wall: WallController) -> None:
    assert wall.drill.open("NOPE") is False and not drilled(wall)


def test_the_children_table_counts_places_not_on_the_map_and_shows_unknown_as_unknown(qtbot: QtBot) -> None:
    snapshot = drill_snapshot()
    context = TileContext(language="en", now=lambda: NOW)
    tile = ChildrenTile(ChildrenOptions(entity="438", kpis=("PMJAY.CARDS",), selected="6512"), context)
    qtbot.addWidget(tile)
    model = tile.build_model(snapshot)
    assert isinstance(model, ChildrenModel)
    assert [r.code for r in model.rows] == ["6512", "3782", "F-0001"]
    assert [r.selected for r in model.rows] == [True, False, False]
    assert all(r.figures == ("–",) for r in model.rows)  # the synthetic feed has no taluka figures
    assert "1 not on map" in model.footer and "3 places" in model.footer
    state = ChildrenTile(ChildrenOptions(kpis=("PMJAY.CARDS",)), context)
    qtbot.addWidget(state)
    districts = state.build_model(snapshot)
    assert isinstance(districts, ChildrenModel)
    assert len(districts.rows) == 8 and all(r.rank and r.grade for r in districts.rows)
    assert all(r.figures[0] != "–" for r in districts.rows)


def test_the_control_page_lists_the_places_and_a_tap_opens_that_place(wall: WallController) -> None:
    listed = drill_state(wall)
    assert listed is not None and listed["active"] is False and listed["name"] == "Gujarat"
    assert [c["code"] for c in listed["children"]][:2] == ["438", "439"]
    given: list[tuple[Action, dict[str, Any]]] = []
    wall.command_given.connect(lambda action, state: given.append((action, state)))
    wall.open_place("439")
    assert wall.drill.path == ["24", "439"]
    assert [(a, s["drill"]) for a, s in given] == [(Action.DRILL_INTO, {"path": ["24", "439"], "selected": None})]
    assert aspects_of(Action.DRILL_INTO, given[0][1]) == {"drill": {"path": ["24", "439"], "selected": None}}


def test_another_pc_shows_the_place_sent_as_data_and_follows_up_and_home(qtbot: QtBot, layout: Layout) -> None:
    walls = [WallController(layout, clock=Clock(), fade_ms=0, screens=lambda: [FakeScreen("W", 0)]) for _ in "ab"]
    a, b = walls
    for controller in walls:
        controller.start()
        controller.apply_snapshot(drill_snapshot())
    home = b.layout
    b.perform(Action.DRILL_INTO)  # b had wandered elsewhere: its own list position must not matter
    b.perform(Action.DRILL_NEXT_CHILD)
    # what peers.py does with a command given on a: its aspects travel, b adopts them
    a.command_given.connect(lambda action, state: b.adopt_shared(aspects_of(action, state)))
    try:
        a.open_place("3782")  # a taluka, straight from the rotation
        assert b.drill.path == a.drill.path == ["24", "438", "3782"]
        assert b.screen_windows()[0].screen_spec == a.screen_windows()[0].screen_spec
        QTest.keyClick(a.screen_windows()[0], Qt.Key.Key_Backspace)
        assert b.drill.path == ["24", "438"] and picked(b) == "3782"
        QTest.keyClick(a.screen_windows()[0], Qt.Key.Key_Home)
        assert not drilled(b) and b.layout is home and rotating(b)
        b.adopt_shared({"drill": {"path": ["24", "NOPE"], "selected": None}})  # not a place here: nothing opened
        assert not drilled(b)
    finally:
        for controller in walls:
            controller.shutdown()


def test_the_idle_time_comes_from_the_configuration(layout: Layout, qtbot: QtBot) -> None:
    controller = WallController(layout, clock=Clock(), fade_ms=0, screens=lambda: [FakeScreen("W", 0)],
                                drill_idle_seconds=90.0)
    controller.start()
    try:
        assert controller.drill._idle.interval() == 90_000
    finally:
        controller.shutdown()

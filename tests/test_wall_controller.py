"""The running wall: windows per screen, clock-driven pages, operator keys, language, hot-plug."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cmwall.layouts.loader import Layout, load_layout
from cmwall.sync.period_time import IST
from cmwall.wall import tile_factory
from cmwall.wall.controller import WallController
from cmwall.wall.placeholder import PlaceholderTile
from cmwall.wall.screen_window import ScreenWindow
from cmwall.widgets import registry
from cmwall.widgets.base import Tile
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from .synthetic import snapshot as synthetic_snapshot

START = datetime(2026, 11, 22, 10, 0, 0, tzinfo=IST)  # a multiple of every cycle below

LAYOUT = """schema_version = 1
name = "Test wall"
language = "en"
rotation = true

[[screens]]
id = "left"
title = "State overview"
rows = 2
cols = 2
  [[screens.pinned]]
  type = "kpi"
  row = 0
  col = 0
  options = { kpi = "PMJAY.CARDS" }
  [[screens.pages]]
  title = "Health and welfare"
  dwell = 10
    [[screens.pages.tiles]]
    type = "kpi"
    row = 1
    col = 0
    col_span = 2
    options = { kpi = "MCH.INST" }
  [[screens.pages]]
  title = "Tap water"
  dwell = 20
    [[screens.pages.tiles]]
    type = "kpi"
    row = 1
    col = 0
    options = { kpi = "SSA.ATT" }

[[screens]]
id = "right"
rows = 1
cols = 1
  [[screens.pages]]
  dwell = 30
    [[screens.pages.tiles]]
    type = "kpi"
    row = 0
    col = 0
    options = { kpi = "KISAN.PAID" }
"""


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FakeScreen:
    """Stands in for a QScreen: a connector name and a geometry."""

    def __init__(self, name: str, x: int, width: int = 1280, height: int = 720) -> None:
        self._name, self._rect = name, QRect(x, 0, width, height)

    def name(self) -> str:
        return self._name

    def geometry(self) -> QRect:
        return self._rect


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    path = tmp_path / "test_wall.toml"
    path.write_text(LAYOUT, encoding="utf-8")
    return load_layout(path)


Wall = tuple[WallController, Clock, list[FakeScreen], list[int]]


@pytest.fixture
def wall(qtbot: QtBot, layout: Layout, tmp_path: Path) -> Iterator[Wall]:
    clock = Clock()
    screens = [FakeScreen("WALL-1", 0), FakeScreen("WALL-2", 1280)]
    refreshes: list[int] = []
    controller = WallController(layout, clock=clock, refresh=lambda: refreshes.append(1),
                                screenshot_dir=tmp_path / "shots", fade_ms=0, screens=lambda: screens)
    controller.start()
    yield controller, clock, screens, refreshes
    controller.shutdown()


def key(qtbot: QtBot, controller: WallController, which: Qt.Key) -> None:
    QTest.keyClick(controller.screen_windows()[0], which)


def spec_id(window: ScreenWindow) -> str:
    """The id of the layout screen a window shows; a spare output's idle window fails the test."""
    assert window.screen_spec is not None, "an idle window where a layout screen was expected"
    return window.screen_spec.id


# Keys change these flags between asserts; reading them through a call keeps the type
# checker from holding on to what an earlier assert found.
def is_paused(controller: WallController) -> bool:
    return controller.pages.paused


def is_quit_pending(controller: WallController) -> bool:
    return controller.commands.quit_pending


def test_one_window_per_screen_with_tiles_from_the_layout(wall: Wall) -> None:
    controller, *_ = wall
    left, right = controller.screen_windows()
    assert (spec_id(left), spec_id(right)) == ("left", "right")
    assert len(left.pinned) == 1 and [len(p) for p in left.pages] == [1, 1]
    assert left.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert left.title.text() == "State overview  ·  Health and welfare"
    assert left.page_marks.text() == "● ○"


def test_snapshots_reach_visible_tiles_and_hidden_pages_catch_up(wall: Wall) -> None:
    controller, clock, *_ = wall
    left = controller.screen_windows()[0]
    controller.apply_snapshot(synthetic_snapshot(snapshot_id=1))
    pinned, first, second = left.pinned[0], left.pages[0][0], left.pages[1][0]
    assert (pinned.apply_count, first.apply_count, second.apply_count) == (1, 1, 0)
    clock.advance(10)
    controller.pages.tick()
    assert left.current_page == 1 and second.apply_count == 1
    assert "Alerts" in " ".join(left.strip.texts()) or "No active alerts" in " ".join(left.strip.texts())


def test_pages_follow_the_injected_clock(wall: Wall) -> None:
    controller, clock, *_ = wall
    left = controller.screen_windows()[0]
    seen = []
    for _ in range(7):  # 0, 5, … 30 s into a 10 + 20 s cycle
        controller.pages.tick()
        seen.append(left.current_page)
        clock.advance(5)
    assert seen == [0, 0, 1, 1, 1, 1, 0]
    assert left.area.stack.currentIndex() == left.current_page


def test_next_previous_and_pause_keys(qtbot: QtBot, wall: Wall) -> None:
    controller, clock, *_ = wall
    left = controller.screen_windows()[0]
    key(qtbot, controller, Qt.Key.Key_Right)
    assert left.current_page == 1
    key(qtbot, controller, Qt.Key.Key_Left)
    assert left.current_page == 0
    key(qtbot, controller, Qt.Key.Key_Space)
    assert is_paused(controller) and "Rotation paused" in left.paused_label.text()
    clock.advance(12)
    controller.pages.tick()
    assert left.current_page == 0  # paused: the clock does not turn the page
    key(qtbot, controller, Qt.Key.Key_PageDown)
    assert left.current_page == 1
    key(qtbot, controller, Qt.Key.Key_Space)
    assert not is_paused(controller) and left.paused_label.text() == ""
    assert left.current_page == 1  # 12 s into the cycle: the clock says page 1


def test_language_key_cycles_and_retranslates(qtbot: QtBot, wall: Wall) -> None:
    controller, *_ = wall
    controller.apply_snapshot(synthetic_snapshot())
    left = controller.screen_windows()[0]
    tile = left.pages[0][0]
    languages = []
    for _ in range(3):
        key(qtbot, controller, Qt.Key.Key_L)
        languages.append((controller.language, tile.context.language))
    assert languages == [("hi", "hi"), ("gu", "gu"), ("en", "en")]
    key(qtbot, controller, Qt.Key.Key_L)
    key(qtbot, controller, Qt.Key.Key_L)
    assert left.title.text() == "રાજ્યનું વિહંગાવલોકન  ·  આરોગ્ય અને કલ્યાણ"
    assert any("કેન્દ્રીય સ્ટોર" in t for t in left.strip.texts())


def test_crisis_key_switches_layout_and_back(qtbot: QtBot, wall: Wall) -> None:
    controller, *_ = wall
    controller.apply_snapshot(synthetic_snapshot())
    key(qtbot, controller, Qt.Key.Key_C)
    assert controller.layout.path.stem == "crisis"
    # two monitors: the crisis layout's plan puts totals and hospitals on one, map and trends on the other
    assert [spec_id(w) for w in controller.screen_windows()] == ["totals+hospitals", "map+trends"]
    types = {type(t).type_name for w in controller.screen_windows() for t in w.tiles()}
    assert "capacity" in types or "placeholder" in types
    assert all(t.snapshot is not None for t in controller.screen_windows()[0].visible_tiles())
    key(qtbot, controller, Qt.Key.Key_C)
    assert controller.layout.name == "Test wall"
    key(qtbot, controller, Qt.Key.Key_V)
    assert controller.layout.path.stem == "cm_residence"


def test_refresh_screenshot_and_help_keys(qtbot: QtBot, wall: Wall, tmp_path: Path) -> None:
    controller, _, _, refreshes = wall
    key(qtbot, controller, Qt.Key.Key_R)
    key(qtbot, controller, Qt.Key.Key_F5)
    assert refreshes == [1, 1]
    left = controller.screen_windows()[0]
    assert any("Refreshing data" in t for t in left.strip.texts())
    with qtbot.waitSignal(controller.screenshots_saved) as saved:
        key(qtbot, controller, Qt.Key.Key_S)
    paths = saved.args[0]
    assert [p.name for p in paths] == ["screen0-WALL-1-left.png", "screen1-WALL-2-right.png"]
    assert all(p.stat().st_size > 1000 for p in paths)
    key(qtbot, controller, Qt.Key.Key_F1)
    assert left.help.isVisible()
    assert "Pause / resume rotation" in left.help.texts()
    key(qtbot, controller, Qt.Key.Key_Escape)  # closes help, does not ask to quit
    assert not left.help.isVisible() and not controller.commands.quit_pending


def test_quit_asks_for_confirmation(qtbot: QtBot, wall: Wall) -> None:
    controller, *_ = wall
    left = controller.screen_windows()[0]
    key(qtbot, controller, Qt.Key.Key_Q)
    assert is_quit_pending(controller) and left.confirm.isVisible()
    key(qtbot, controller, Qt.Key.Key_N)  # any other key cancels
    assert not is_quit_pending(controller) and not left.confirm.isVisible()
    key(qtbot, controller, Qt.Key.Key_Escape)
    with qtbot.waitSignal(controller.quit_confirmed, timeout=1000):
        key(qtbot, controller, Qt.Key.Key_Y)


def test_screens_plugged_in_and_out_while_running(wall: Wall) -> None:
    controller, _, screens, _ = wall
    unplugged = screens.pop()
    controller.screens.reassign()
    [alone] = controller.screen_windows()
    assert spec_id(alone) == "left+right" and alone.page_count == 3  # right's page joins left's rotation
    assert any("2 screens on 1 monitor: 'right' shown in turn" in t for t in alone.strip.texts())
    screens.append(unplugged)
    screens.append(FakeScreen("WALL-3", 2560))
    controller.screens.reassign()
    # the spare output takes the second of left's pages: no idle window, no blank one
    assert [(spec_id(w), w.page_count) for w in controller.screen_windows()] == [("left", 1), ("left", 1), ("right", 1)]
    assert len(controller.screens.windows) == 3
    assert not any("shown in turn" in t for t in controller.screen_windows()[0].strip.texts())


def test_panels_of_a_split_surface_get_exact_geometry(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "split.toml"
    path.write_text(LAYOUT.replace('[[screens]]\nid = "left"', '[[surfaces]]\nid = "wall"\nrows = 1\ncols = 2\n'
                                   'bezel_px = [40, 0]\n\n[[screens]]\nid = "left"\nsurface = "wall"\npanel = 0')
                    .replace('[[screens]]\nid = "right"', '[[screens]]\nid = "right"\nsurface = "wall"\npanel = 1'),
                    encoding="utf-8")
    controller = WallController(load_layout(path), clock=Clock(), fade_ms=0,
                                screens=lambda: [FakeScreen("BIG", 0, 3840, 1080)])
    controller.start()
    try:
        left, right = controller.screen_windows()
        assert left.geometry() == QRect(0, 0, 1900, 1080)
        assert right.geometry() == QRect(1940, 0, 1900, 1080)
    finally:
        controller.shutdown()


def test_an_unregistered_tile_type_becomes_a_placeholder(qtbot: QtBot, layout: Layout, monkeypatch: pytest.MonkeyPatch) -> None:
    real = registry.tile_class

    def without_kpi(name: str) -> type[Tile]:
        if name == "kpi":
            raise KeyError(name)
        return real(name)

    monkeypatch.setattr(tile_factory, "tile_class", without_kpi)
    controller = WallController(layout, clock=Clock(), fade_ms=0, screens=lambda: [FakeScreen("A", 0)])
    controller.start()
    try:
        tile = controller.screen_windows()[0].pages[0][0]  # one monitor: left's pinned kpi heads each of its pages
        assert isinstance(tile, PlaceholderTile)
        assert tile.title.text() == "Tile not available: kpi"
        controller.apply_snapshot(synthetic_snapshot())  # never crashes on data
        controller.set_language("gu")
        assert tile.title.text() == "ટાઇલ ઉપલબ્ધ નથી: kpi"
    finally:
        controller.shutdown()


def test_long_notices_never_widen_a_window_past_its_screen(wall: Wall) -> None:
    controller, *_ = wall
    controller.notify("a very long notice " * 40)
    assert controller.screen_windows()[0].minimumSizeHint().width() < 1280


def test_idle_cursor_hides_and_returns_on_movement(qtbot: QtBot) -> None:
    from cmwall.wall.idle import CursorHider
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QCursor, QGuiApplication

    hider = CursorHider(idle_ms=50, check_ms=10)
    try:
        qtbot.waitUntil(lambda: hider.hidden, timeout=2000)
        cursor = QGuiApplication.overrideCursor()
        assert cursor is not None and cursor.shape() == Qt.CursorShape.BlankCursor
        QCursor.setPos(QCursor.pos() + QPoint(7, 3))  # the operator moves the mouse
        qtbot.waitUntil(lambda: not hider.hidden, timeout=2000)
        assert QGuiApplication.overrideCursor() is None
        qtbot.waitUntil(lambda: hider.hidden, timeout=2000)  # still again: hidden again
    finally:
        hider.stop()
    assert QGuiApplication.overrideCursor() is None  # stopped: the pointer is the operator's again

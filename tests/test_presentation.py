"""Presentation mode for a delegation (wall/presentation.py, key F): the data on screen is
held while snapshots keep arriving, tiles marked `sensitive` are hidden with their place
filled, every strip carries a quiet mark, and one action returns to live with the newest
snapshot at once. A crisis rule that fires breaks through; a critical alert is never held."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from cmwall.layouts.loader import Layout, load_layout
from cmwall.sync.crisis_watch import CrisisState, Firing
from cmwall.sync.snapshot import Snapshot
from cmwall.wall.controller import WallController
from cmwall.wall.grid_panel import Cell, GridPanel
from cmwall.wall.keys import Action
from cmwall.wall.peer_protocol import aspects_of
from cmwall.wall.presentation import NeutralPanel, data_time_text
from cmwall.wall.screen_window import ScreenWindow
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from .derived import for_wall
from .synthetic import NOW
from .synthetic import snapshot as synthetic_snapshot
from .test_wall_controller import Clock, FakeScreen

LAYOUT = """schema_version = 2
name = "Tour"
[[screens]]
id = "tour"
rows = 2
cols = 3
  [[screens.pages]]
  title = "At a glance"
  dwell = 10
    [[screens.pages.tiles]]
    type = "kpi"
    row = 0
    col = 0
    options = { kpi = "PMJAY.CARDS" }
    [[screens.pages.tiles]]
    type = "kpi"
    row = 0
    col = 1
    options = { kpi = "MCH.INST" }
    [[screens.pages.tiles]]
    type = "kpi"
    row = 0
    col = 2
    sensitive = true
    options = { kpi = "SSA.ATT" }
    [[screens.pages.tiles]]
    type = "ranking"
    row = 1
    col = 0
    col_span = 3
    options = { mode = "top", count = 5 }
  [[screens.pages]]
  title = "For review meetings"
  dwell = 10
    [[screens.pages.tiles]]
    type = "attention"
    row = 0
    col = 0
    row_span = 2
    col_span = 3
    sensitive = true
"""


@pytest.fixture
def wall(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[WallController, Clock]]:
    path = tmp_path / "tour.toml"
    path.write_text(LAYOUT, encoding="utf-8")
    layout: Layout = load_layout(path)
    clock = Clock()
    screens = [FakeScreen("WALL-1", 0)]
    controller = WallController(layout, clock=clock, screenshot_dir=tmp_path / "shots", fade_ms=0,
                                screens=lambda: screens)
    controller.start()
    yield controller, clock
    controller.shutdown()


def press(controller: WallController, key: Qt.Key) -> None:
    QTest.keyClick(controller.screen_windows()[0], key)


def shown_ids(window: ScreenWindow) -> set[int]:
    """The snapshot ids the visible tiles of `window` show."""
    return {t.snapshot.id for t in window.visible_tiles() if t.snapshot is not None}


def on_strip(window: ScreenWindow, text: str) -> bool:
    """`text` is an item of the strip (after its tone symbol)."""
    return any(item.endswith(text) for item in window.strip.texts())


def presenting(controller: WallController) -> bool:
    return controller.presentation.active


def crisis(snapshot: Snapshot) -> Snapshot:
    firing = Firing("ICU beds full", 0, "438", 97.0, 95.0, 90.0, "above", NOW - timedelta(minutes=3),
                    "HFW.ICU.USED", occupancy=True)
    return replace(snapshot, crisis=CrisisState(rules=1, firings=(firing,), judged=8, newest_firing=firing.since))


def test_presentation_holds_the_data_hides_sensitive_tiles_and_returns_to_live(wall: tuple[WallController, Clock]) -> None:
    controller, clock = wall
    window = controller.screen_windows()[0]
    held = synthetic_snapshot(snapshot_id=1)
    controller.apply_snapshot(held)
    grid = window.area.stack.widget(0)
    assert isinstance(grid, GridPanel)
    kpi, neighbour, sensitive, ranking = window.pages[0]
    narrow = neighbour.width()

    press(controller, Qt.Key.Key_F)
    assert presenting(controller)
    assert sensitive.isHidden() and grid.cells[neighbour] == Cell(0, 1, 1, 2)  # the neighbour widens over it
    assert neighbour.width() > narrow and not [w for w in grid.cells if isinstance(w, NeutralPanel)]
    mark = window.strip.mark.text()
    assert mark == f"Presentation · data as of {data_time_text(held.data_as_of, clock(), 'en')}"
    assert not window.strip.mark.isHidden() and mark in window.strip.texts()

    live = synthetic_snapshot(snapshot_id=2, reachable=False, drop_last_month=True)
    controller.apply_snapshot(live)  # polling goes on: stored, not shown
    assert controller.presentation.latest is live and shown_ids(window) == {1}
    strip = " ".join(window.strip.texts())
    assert "unreachable" in strip  # the link is live: the strip never says a stale "reachable"

    press(controller, Qt.Key.Key_F)
    assert not presenting(controller)
    assert shown_ids(window) == {2}  # the newest at once, no wait for the next poll
    assert not sensitive.isHidden() and grid.cells[neighbour] == Cell(0, 1) and grid.cells[sensitive] == Cell(0, 2)
    assert window.strip.mark.isHidden() and not any("Presentation" in t for t in window.strip.texts())
    assert {t.snapshot.id for t in (kpi, ranking) if t.snapshot is not None} == {2}


def test_a_page_of_sensitive_tiles_shows_one_plain_panel_with_the_state_name(wall: tuple[WallController, Clock]) -> None:
    controller, _ = wall
    window = controller.screen_windows()[0]
    controller.apply_snapshot(synthetic_snapshot())
    controller.perform(Action.NEXT_PAGE)
    controller.perform(Action.TOGGLE_PRESENTATION)
    grid = window.area.stack.widget(1)
    assert isinstance(grid, GridPanel)
    [attention] = window.pages[1]
    panels = [w for w in grid.cells if isinstance(w, NeutralPanel)]
    assert attention.isHidden() and len(panels) == 1 and grid.cells[panels[0]] == Cell(0, 0, 2, 3)
    assert panels[0].label.text() == "Gujarat" and not panels[0].isHidden()
    controller.perform(Action.NEXT_LANGUAGE)  # Hindi: the catalog has no Hindi name, so English, never Gujarati
    assert panels[0].label.text() == "Gujarat" and "प्रस्तुति" in window.strip.mark.text()
    controller.perform(Action.TOGGLE_PRESENTATION)
    assert not attention.isHidden() and not [w for w in grid.cells if isinstance(w, NeutralPanel)]


def test_a_crisis_rule_that_fires_ends_presentation_and_presentation_waits_for_the_crisis_to_end(
        wall: tuple[WallController, Clock]) -> None:
    controller, _ = wall
    window = controller.screen_windows()[0]
    controller.apply_snapshot(synthetic_snapshot(snapshot_id=1))
    controller.perform(Action.TOGGLE_PRESENTATION)
    assert presenting(controller)
    controller.apply_snapshot(crisis(synthetic_snapshot(snapshot_id=2)))
    assert not presenting(controller) and shown_ids(window) == {2}
    assert on_strip(window, "Presentation ended: a crisis rule fired")
    assert "ICU beds full" in window.banner.text()
    controller.perform(Action.TOGGLE_PRESENTATION)  # refused while the crisis lasts
    assert not presenting(controller)
    assert on_strip(window, "Presentation mode is not available during a crisis")
    controller.apply_snapshot(synthetic_snapshot(snapshot_id=3))
    controller.perform(Action.TOGGLE_PRESENTATION)
    assert presenting(controller)


def test_a_critical_alert_arriving_while_presenting_is_on_the_banner_at_once(wall: tuple[WallController, Clock]) -> None:
    controller, _ = wall
    window = controller.screen_windows()[0]
    controller.apply_snapshot(synthetic_snapshot(snapshot_id=1))
    controller.perform(Action.TOGGLE_PRESENTATION)
    assert "Critical" not in window.banner.text()
    controller.apply_snapshot(for_wall(synthetic_snapshot(snapshot_id=2)))  # alerts judged: Amreli's cards critical
    assert presenting(controller) and shown_ids(window) == {1}
    assert "Critical" in window.banner.text() and "Amreli" in window.banner.text()


def test_without_data_presentation_does_not_start(wall: tuple[WallController, Clock]) -> None:
    controller, _ = wall
    controller.perform(Action.TOGGLE_PRESENTATION)
    assert not presenting(controller)
    assert on_strip(controller.screen_windows()[0], "Presentation mode: no data to present yet")


def test_windows_made_while_presenting_keep_the_held_data_and_hide_sensitive_tiles(
        wall: tuple[WallController, Clock]) -> None:
    controller, _ = wall
    controller.apply_snapshot(synthetic_snapshot(snapshot_id=1))
    controller.perform(Action.TOGGLE_PRESENTATION)
    controller.apply_snapshot(synthetic_snapshot(snapshot_id=2))
    assert controller.switch_layout(controller.layout.path.as_posix())  # every window made again
    [window] = controller.screen_windows()
    assert shown_ids(window) == {1} and window.pages[0][2].isHidden() and window.strip.mark.text()
    controller.perform(Action.TOGGLE_PRESENTATION)
    assert shown_ids(window) == {2} and not window.pages[0][2].isHidden()


def test_the_audit_record_leaves_hidden_tiles_out_and_carries_the_mark(wall: tuple[WallController, Clock],
                                                                       tmp_path: Path) -> None:
    controller, _ = wall
    controller.apply_snapshot(synthetic_snapshot())
    controller.perform(Action.TOGGLE_PRESENTATION)
    [png] = controller.save_screenshots(tmp_path / "shots")
    record = json.loads(png.with_suffix(".json").read_text(encoding="utf-8"))
    assert [t["type"] for t in record["tiles"]] == ["kpi", "kpi", "ranking"]
    assert any(text.startswith("Presentation · data as of ") for text in record["status_strip"])


def test_presentation_is_shared_state_between_the_pcs_of_a_wall(wall: tuple[WallController, Clock]) -> None:
    controller, _ = wall
    controller.apply_snapshot(synthetic_snapshot())
    given: list[tuple[Action, dict[str, object]]] = []
    controller.command_given.connect(lambda action, state: given.append((action, state)))
    controller.perform(Action.TOGGLE_PRESENTATION)
    [(action, state)] = given
    assert action is Action.TOGGLE_PRESENTATION and aspects_of(action, state) == {"presentation": True}
    # another PC ended it (or a restarted PC learns it from a peer's status): the value, not a toggle
    controller.adopt_shared({"presentation": False})
    assert not presenting(controller)
    controller.adopt_shared({"presentation": False})
    assert not presenting(controller)
    controller.adopt_shared({"presentation": True})
    assert presenting(controller) and controller.shared_state()["presentation"] is True


def test_the_crisis_layout_is_never_shown_on_held_data(wall: tuple[WallController, Clock]) -> None:
    controller, _ = wall
    controller.apply_snapshot(synthetic_snapshot(snapshot_id=1))
    controller.perform(Action.TOGGLE_PRESENTATION)
    controller.apply_snapshot(synthetic_snapshot(snapshot_id=2))
    controller.perform(Action.TOGGLE_CRISIS)  # the operator (or a peer) turns to the crisis layout by hand
    assert controller.layouts.in_crisis and not presenting(controller)
    assert {shown_ids(w) == {2} for w in controller.screen_windows()} == {True}
    assert not any(w.strip.mark.text() for w in controller.screen_windows())

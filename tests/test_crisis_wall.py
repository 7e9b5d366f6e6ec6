"""Crisis mode on the wall (wall/crisis_mode.py): a firing rule switches every window to
the crisis layout with a banner on each, acknowledging stops the flashing but keeps the
layout, clearing returns home (not after a switch by hand), a critical alert is on
every window whatever page shows, and the alerts read unknown before data and on data
too old to judge."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cmwall.layouts.loader import Layout, load_layout
from cmwall.sync.contract import Catalog
from cmwall.sync.crisis_watch import CrisisState, Firing
from cmwall.sync.derive import derive
from cmwall.sync.snapshot import Snapshot
from cmwall.wall.controller import WallController
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from .hand_snapshots import NOW, at, catalog, snapshot

OXYGEN = {"code": "HFW.O2.STOCK_HOURS", "name": "Oxygen stock", "scheme": "HOSP", "unit": "hours", "better": "higher",
          "level": "facility", "frequency": "PT15M", "aggregate": "min", "alert": {"warn": 24, "critical": 12}}
BEDS = {"code": "HFW.BEDS.GEN.OCC", "name": "Beds occupied", "scheme": "HOSP", "unit": "beds", "better": "lower",
        "level": "facility", "frequency": "PT15M", "aggregate": "sum"}

RULES = """
[crisis]
layout = "emergency.toml"
  [[crisis.rules]]
  name = "Oxygen running out"
  name_local = { gu = "ઓક્સિજન ખૂટે છે" }
  kpi = "HFW.O2.STOCK_HOURS"
  level = "facility"
  enter = 6
  exit = 12
"""


def screen(screen_id: str, tile: str, options: str) -> str:
    return f"""
[[screens]]
id = "{screen_id}"
rows = 1
cols = 2
  [[screens.pages]]
  title = "Beds"
    [[screens.pages.tiles]]
    type = "{tile}"
    row = 0
    col = 0
    options = {options}
  [[screens.pages]]
  title = "More beds"
    [[screens.pages.tiles]]
    type = "kpi"
    row = 0
    col = 1
    options = {{ kpi = "HFW.BEDS.GEN.OCC" }}
"""


HOME = 'schema_version = 2\nname = "Home wall"\n' + screen("left", "kpi", '{ kpi = "HFW.BEDS.GEN.OCC" }') \
    + screen("right", "kpi", '{ kpi = "HFW.BEDS.GEN.OCC" }') + RULES
EMERGENCY = 'schema_version = 2\nname = "Emergency"\n' + screen("one", "alerts", "{ count = 5 }") \
    + screen("two", "kpi", '{ kpi = "HFW.O2.STOCK_HOURS" }')


class FakeScreen:
    def __init__(self, name: str, x: int) -> None:
        self._name, self._rect = name, QRect(x, 0, 1280, 720)

    def name(self) -> str:
        return self._name

    def geometry(self) -> QRect:
        return self._rect


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def home(tmp_path: Path) -> Layout:
    (tmp_path / "emergency.toml").write_text(EMERGENCY, encoding="utf-8")
    path = tmp_path / "home.toml"
    path.write_text(HOME, encoding="utf-8")
    return load_layout(path)


Wall = tuple[WallController, Clock, list[tuple[object, ...]], list[int]]


@pytest.fixture
def wall(qtbot: QtBot, home: Layout, tmp_path: Path) -> Iterator[Wall]:
    clock = Clock()
    screens = [FakeScreen("W-1", 0), FakeScreen("W-2", 1280)]
    controller = WallController(home, clock=clock, fade_ms=0, screens=lambda: screens,
                                screenshot_dir=tmp_path / "shots")
    recorded: list[tuple[object, ...]] = []
    acks: list[int] = []
    controller.crisis_recorded.connect(recorded.append)
    controller.crisis_acknowledged.connect(lambda: acks.append(1))
    controller.start()
    yield controller, clock, recorded, acks
    controller.shutdown()


def city() -> Catalog:
    return catalog([dict(OXYGEN), dict(BEDS)], facilities=3)


def data(oxygen: float = 30.0, hours_ago: float = 0.05) -> Snapshot:
    rows = [("HFW.O2.STOCK_HOURS", "F-0001", "2026-11-22T10:55", oxygen, at(hours_ago)),
            ("HFW.BEDS.GEN.OCC", "F-0001", "2026-11-22T10:55", 40.0, at(hours_ago))]
    return snapshot(city(), rows)


def firing(value: float = 3.0) -> Firing:
    return Firing("Oxygen running out", 0, "F-0001", value, 6.0, 12.0, "below", NOW - timedelta(minutes=5),
                  "HFW.O2.STOCK_HOURS")


def shown(controller: WallController, snap: Snapshot) -> Snapshot:
    """`snap` as the sync thread would deliver it to the layout on show."""
    delivered = derive(snap, controller.layout.spec.wants())
    controller.apply_snapshot(delivered)
    return delivered


def firing_state(acknowledged: bool = False) -> CrisisState:
    f = firing()
    return CrisisState(rules=1, firings=(f,), acknowledged=acknowledged, judged=3, newest_firing=f.since)


def banners(controller: WallController) -> list[str]:
    return [w.banner.text() for w in controller.screens.windows.values()]


def test_a_firing_rule_switches_every_window_and_bannners_each(qtbot: QtBot, wall: Wall) -> None:
    controller, _, recorded, _ = wall
    shown(controller, replace(data(3.0), crisis=CrisisState(rules=1, judged=3)))
    assert controller.layout.name == "Home wall"
    shown(controller, replace(data(3.0), crisis=firing_state()))
    assert controller.layout.name == "Emergency"
    assert [w.screen_spec.id for w in controller.screen_windows() if w.screen_spec] == ["one", "two"]
    texts = banners(controller)
    assert len(texts) == 2 and all("CRISIS: Oxygen running out — Hospital 1: 3 hours (threshold 6 hours)" in t
                                   for t in texts)
    assert all("Press A to acknowledge" in t for t in texts)
    assert controller.crisis.flashing()
    qtbot.waitUntil(lambda: not controller.crisis.flash_on, timeout=3000)  # it flashes
    assert [e.detail for (e,) in recorded] == ["to emergency (automatic)"]  # type: ignore[attr-defined]


def test_acknowledging_stops_flashing_but_keeps_the_crisis_layout(qtbot: QtBot, wall: Wall) -> None:
    controller, _, _, acks = wall
    shown(controller, replace(data(3.0), crisis=firing_state()))
    QTest.keyClick(controller.screen_windows()[1], Qt.Key.Key_A)
    assert acks == [1] and not controller.crisis.flashing()
    assert all("Acknowledged" in t for t in banners(controller))
    shown(controller, replace(data(3.0), crisis=firing_state(acknowledged=True)))  # the sync thread recorded it
    assert controller.layout.name == "Emergency" and not controller.crisis.flashing()
    assert all("CRISIS" in t for t in banners(controller))
    later = replace(firing(2.0), place="F-0002", since=NOW)  # a new place fires: it flashes again
    state = CrisisState(rules=1, firings=(firing(), later), judged=3, newest_firing=NOW)
    shown(controller, replace(data(3.0), crisis=state))
    assert controller.crisis.flashing()


def test_clearing_returns_home(wall: Wall) -> None:
    controller, _, recorded, _ = wall
    shown(controller, replace(data(3.0), crisis=firing_state()))
    shown(controller, replace(data(20.0), crisis=CrisisState(rules=1, judged=3)))
    assert controller.layout.name == "Home wall"
    assert not any(banners(controller))
    assert [e.detail for (e,) in recorded][-1] == "to home (automatic: every rule cleared)"  # type: ignore[attr-defined]


def test_a_switch_by_hand_during_the_crisis_stands_when_it_clears(qtbot: QtBot, wall: Wall) -> None:
    controller, _, recorded, _ = wall
    shown(controller, replace(data(3.0), crisis=firing_state()))
    QTest.keyClick(controller.screen_windows()[0], Qt.Key.Key_C)  # the operator leaves the crisis layout
    assert controller.layout.name == "Home wall"
    shown(controller, replace(data(3.0), crisis=firing_state()))  # still firing: no switching back by itself
    assert controller.layout.name == "Home wall"
    assert all("CRISIS" in t for t in banners(controller))  # the banner stays on every window
    QTest.keyClick(controller.screen_windows()[0], Qt.Key.Key_C)
    shown(controller, replace(data(20.0), crisis=CrisisState(rules=1, judged=3)))
    assert controller.layout.name == "Emergency"  # C went back to the crisis layout by hand; cleared: it stays
    assert "by hand" in [e.detail for (e,) in recorded][1]  # type: ignore[attr-defined]


def test_a_critical_alert_is_on_every_window_on_any_page(wall: Wall) -> None:
    controller, *_ = wall
    shown(controller, data(4.0))  # below the catalog's critical 12 hours; the pages show beds only
    texts = banners(controller)
    assert all(t.startswith("‼ Critical: Oxygen stock — Hospital 1: 4 hours (threshold 12 hours)") for t in texts)
    controller.perform(__import__("cmwall.wall.keys", fromlist=["Action"]).Action.NEXT_PAGE)
    assert banners(controller) == texts
    shown(controller, data(30.0))
    assert not any(banners(controller))


def test_the_banner_in_gujarati_names_the_rule_in_gujarati(wall: Wall) -> None:
    controller, *_ = wall
    controller.set_language("gu")
    shown(controller, replace(data(3.0), crisis=firing_state()))
    assert all("કટોકટી: ઓક્સિજન ખૂટે છે" in t for t in banners(controller))


def test_alerts_read_unknown_before_data_and_when_too_old(wall: Wall) -> None:
    controller, clock, *_ = wall
    strip = controller.screen_windows()[0].strip
    controller.status.refresh()
    assert not any("No active alerts" in t for t in strip.texts())
    assert any("Alerts: waiting for data" in t for t in strip.texts())
    shown(controller, data(30.0))
    assert any("No active alerts" in t for t in strip.texts())
    clock.now = NOW + timedelta(minutes=34)  # 15-minute KPIs silent for more than two periods
    controller.status.refresh()
    assert any("Alerts: unknown" in t for t in strip.texts())
    assert not any("No active alerts" in t for t in strip.texts())


def test_crisis_rules_that_cannot_be_judged_say_so(wall: Wall) -> None:
    controller, *_ = wall
    shown(controller, replace(data(30.0), crisis=CrisisState(rules=1, judged=0, unknown=3)))
    assert all("Crisis rules cannot be judged" in t for t in banners(controller))


def test_alerts_found_stay_shown_however_old(wall: Wall) -> None:
    controller, clock, *_ = wall
    strip = controller.screen_windows()[0].strip
    shown(controller, data(4.0))
    clock.now = NOW + timedelta(hours=2)  # too old to say "no alerts", not too old to show what was found
    controller.status.refresh()
    assert any("Alerts: 1 (1 critical)" in t for t in strip.texts())
    assert all("Critical: Oxygen stock" in t for t in banners(controller))


def test_a_peers_older_layout_never_takes_an_automatic_crisis_off_the_wall(wall: Wall, home: Layout) -> None:
    """A PC restarted during a crisis hears its peers' last operator layout: it keeps the crisis."""
    controller, _, _, _ = wall
    shown(controller, replace(data(3.0), crisis=firing_state()))
    assert controller.layout.name == "Emergency"
    controller.adopt_shared({"layout": str(home.path), "language": "hi"})
    assert controller.layout.name == "Emergency" and controller.language == "hi"  # the rest is shared
    shown(controller, replace(data(30.0), crisis=CrisisState(rules=1, judged=3)))  # every rule cleared
    assert controller.layout.name == "Home wall"
    controller.adopt_shared({"layout": str(home.path.parent / "emergency.toml")})  # no crisis here: adopted
    assert controller.layout.name == "Emergency"

"""The audit record beside every screenshot: what each tile showed, as data.

A wall with a KPI tile, a tile whose title is far too long for it and a tile naming a
KPI the catalog lacks is given the demo snapshot; its screenshots' JSON must name the
layout, screen and page, say each tile's type, title and state, hold the texts each
tile painted in reading order (the KPI value among them) and list the cut title
under "elided".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cmwall.layouts.loader import load_layout
from cmwall.sync.snapshot import Snapshot
from cmwall.wall.audit import PaintedText, reading_order
from cmwall.wall.controller import WallController
from cmwall.widgets import paint_kit
from cmwall.widgets.tiles.kpi_tile import KpiTile
from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from .conftest import DEMO_NOW

LONG_TITLE = " ".join(["Ayushman cards issued to every eligible family in the district"] * 4)

LAYOUT = f"""schema_version = 1
name = "Audit wall"
language = "en"
rotation = false

[[screens]]
id = "main"
title = "Audit"
rows = 2
cols = 4
  [[screens.pinned]]
  type = "kpi"
  row = 0
  col = 0
  col_span = 2
  options = {{ kpi = "PMJAY.CARDS" }}
  [[screens.pages]]
  title = "First page"
  dwell = 30
    [[screens.pages.tiles]]
    type = "kpi"
    row = 0
    col = 2
    options = {{ kpi = "PMJAY.CARDS", title = "{LONG_TITLE}" }}
    [[screens.pages.tiles]]
    type = "kpi"
    row = 0
    col = 3
    options = {{ kpi = "NO.SUCH.KPI" }}
    [[screens.pages.tiles]]
    type = "ranking"
    row = 1
    col = 0
    col_span = 4
"""


class FakeScreen:
    def __init__(self) -> None:
        self._rect = QRect(0, 0, 1600, 900)

    def name(self) -> str:
        return "AUDIT-1"

    def geometry(self) -> QRect:
        return self._rect


def started_wall(tmp_path: Path) -> WallController:
    """The audit layout on one stand-in screen, started, before any data."""
    path = tmp_path / "audit_wall.toml"
    path.write_text(LAYOUT, encoding="utf-8")
    screen = FakeScreen()
    controller = WallController(load_layout(path), clock=lambda: DEMO_NOW, fade_ms=0, screens=lambda: [screen],
                                windowed=True)
    controller.start()
    return controller


@pytest.fixture
def wall(qtbot: QtBot, tmp_path: Path, demo_snapshot: Snapshot) -> Iterator[WallController]:
    controller = started_wall(tmp_path)
    controller.apply_snapshot(demo_snapshot)
    yield controller
    controller.shutdown()


def audit(controller: WallController, directory: Path) -> dict[str, Any]:
    [png] = controller.save_screenshots(directory)
    record_path = png.with_suffix(".json")
    assert record_path.is_file() and png.is_file()
    record: dict[str, Any] = json.loads(record_path.read_text(encoding="utf-8"))
    return record


def test_record_names_the_screen_and_says_what_each_tile_showed(wall: WallController, tmp_path: Path) -> None:
    record = audit(wall, tmp_path / "shots")
    assert record["layout"] == "audit_wall" and record["layout_name"] == "Audit wall"
    assert (record["screen"], record["page"], record["page_title"], record["language"]) == ("main", 0, "First page", "en")
    assert record["mode"] == "live" and record["as_of"] is None
    assert record["shown_at"] == "2026-11-22T11:00:00+05:30"
    assert record["header"][0] == "Audit  ·  First page"
    assert any("Ranking" in text for text in record["status_strip"]) and record["status_strip_clipped"] == []
    pinned, long_title, unknown, ranking = record["tiles"]
    assert [t["type"] for t in record["tiles"]] == ["kpi", "kpi", "kpi", "ranking"]
    assert [(t["row"], t["col"]) for t in record["tiles"]] == [(0, 0), (0, 2), (0, 3), (1, 0)]
    # The KPI tile's own figures are in its texts, in reading order: title first.
    kpi = wall.screen_windows()[0].pinned[0]
    assert isinstance(kpi, KpiTile)
    assert pinned["state"] == "ok" and pinned["title"] == kpi.model.title
    assert pinned["texts"][0] == kpi.model.title
    for figure in (kpi.model.value, kpi.model.subtitle):
        assert figure in pinned["texts"]
    assert pinned["freshness"] == {"state": kpi.model.age.state, "text": kpi.model.age.text}
    assert unknown["state"] == "error" and "NO.SUCH.KPI" in unknown["message"]
    assert ranking["state"] == "ok" and len(ranking["texts"]) > 20  # every row's name, score and grade
    assert long_title["state"] == "ok"


def test_a_cut_text_is_reported_as_elided(wall: WallController, tmp_path: Path) -> None:
    tiles = audit(wall, tmp_path / "shots")["tiles"]
    long_title = tiles[1]
    assert LONG_TITLE in long_title["elided"]
    [painted] = [p for p in long_title["painted"] if p.get("full_text") == LONG_TITLE]
    assert painted["text"].endswith("…") and painted["text"] in long_title["texts"]
    assert LONG_TITLE not in tiles[0]["elided"]  # the pinned tile's own name fits


def test_the_recorder_is_installed_only_while_a_screen_is_grabbed(wall: WallController, tmp_path: Path) -> None:
    assert paint_kit._text_recorder is None
    audit(wall, tmp_path / "shots")
    assert paint_kit._text_recorder is None


def test_waiting_tiles_say_so_before_the_first_data(qtbot: QtBot, tmp_path: Path) -> None:
    controller = started_wall(tmp_path)
    try:
        record = audit(controller, tmp_path / "shots")
    finally:
        controller.shutdown()
    assert {t["state"] for t in record["tiles"]} == {"waiting"}
    assert all("waiting for first data" in t["texts"] for t in record["tiles"])


def test_reading_order_is_top_to_bottom_then_left_to_right() -> None:
    def text(label: str, x: float, y: float, height: float = 20) -> PaintedText:
        return PaintedText(label, label, x, y, 40, height, 12, 12)

    shuffled = [text("right", 300, 12), text("below", 0, 60), text("value", 0, 0, 44), text("left", 100, 10)]
    assert [t.shown for t in reading_order(shuffled)] == ["value", "left", "right", "below"]


def test_the_strip_makes_room_for_the_clock_set_after_its_items(qtbot: QtBot) -> None:
    """The controller sets the items, then the clock: the clock's width must count too,
    or every item is cut (the audit lists cut strip texts under status_strip_clipped)."""
    from cmwall.wall.status_strip import StatusStrip
    from cmwall.wall.status_text import clock_text, status_items

    strip = StatusStrip()
    qtbot.addWidget(strip)
    strip.resize(1024, 30)
    strip.show()
    qtbot.waitExposed(strip)
    strip.set_items(status_items(None, DEMO_NOW, "en"))
    strip.set_clock(clock_text(DEMO_NOW, "en"))
    qtbot.waitUntil(lambda: strip.clipped_texts() == [])

"""The running-out tile on hand-made snapshots: what runs out first is on top, and nothing is guessed.

Five hospitals with oxygen stock and ICU beds whose hours left can be read off the
rows; the tile sorts them soonest first, lists the ones it cannot project last and
says so, shows a stale report as stale, and keeps every name and figure whole at the
sizes a 1080p and a 4K wall give it, in English, Hindi and Gujarati.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from types import MappingProxyType
from typing import Any

import pytest
from cmwall.layouts.tile_options import RunningOutOptions
from cmwall.sync.feed_quality import FeedQuality
from cmwall.sync.snapshot import Snapshot
from cmwall.wall.audit import recording, tile_record
from cmwall.widgets.base import TileContext
from cmwall.widgets.painted_tile import TileMessage
from cmwall.widgets.tiles.running_out_tile import RunningOutModel, RunningOutTile
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from .conftest import DEMO_NOW
from .derived import show
from .hand_snapshots import NOW, at, catalog, snapshot
from .imaging import assert_matches_approved
from .tile_examples import EXAMPLE_OPTIONS

KPIS: list[dict[str, Any]] = [
    {"code": "O2", "name": "Oxygen stock", "scheme": "CRISIS", "unit": "t", "level": "facility", "frequency": "PT2H",
     "aggregate": "sum", "names": {"hi": "ऑक्सीजन भंडार", "gu": "ઓક્સિજન જથ્થો"}},
    {"code": "ICU.CAP", "name": "ICU beds: capacity", "scheme": "CRISIS", "unit": "beds", "level": "facility",
     "frequency": "P1D", "aggregate": "sum"},
    {"code": "ICU.USED", "name": "ICU beds: in use", "scheme": "CRISIS", "unit": "beds", "level": "facility",
     "frequency": "PT2H", "aggregate": "sum", "capacity_of": "ICU.CAP"},
]
OPTIONS: dict[str, Any] = {"stock": [{"kpi": "O2", "label": "Oxygen"}], "pairs": [{"used": "ICU.USED", "total": "ICU.CAP", "label": "ICU beds"}]}
SIZES = {"1080p": (640, 500), "1080p-wide": (1280, 500), "4K": (1280, 1000), "4K-wide": (2560, 1000)}


def instant(hours_ago: float) -> str:
    return (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def readings(code: str, entity: str, values: dict[float, float]) -> list[tuple[str, str, str, float | None, float]]:
    return [(code, entity, instant(h), v, at(h) + 60) for h, v in values.items()]


def hospitals() -> Snapshot:
    """Hospital 1: oxygen 2 t an hour from 20 t (10 h); ICU 40 beds filling 5 an hour, 10 free (2 h).
    Hospital 2: oxygen 1 t an hour from 3 t (3 h). Hospital 3: oxygen rising. Hospital 4: one reading
    only. Hospital 5: falling, but its newest report is 3 h old (the KPI's frequency is 2 h)."""
    rows = readings("O2", "F-0001", {4: 28, 3: 26, 2: 24, 1: 22, 0: 20})
    rows.append(("ICU.CAP", "F-0001", instant(10), 40, at(10)))
    rows += readings("ICU.USED", "F-0001", {4: 10, 3: 15, 2: 20, 1: 25, 0: 30})
    rows += readings("O2", "F-0002", {3: 6, 2: 5, 1: 4, 0: 3})
    rows += readings("O2", "F-0003", {3: 10, 2: 11, 1: 12, 0: 13})
    rows += readings("O2", "F-0004", {0: 9})
    rows += readings("O2", "F-0005", {6: 9, 5: 8, 4: 7, 3: 6})
    return snapshot(catalog([dict(k) for k in KPIS], facilities=5), rows)


def tile_for(qtbot: QtBot, language: str = "en", size: tuple[int, int] = (1280, 1000), **extra: Any) -> RunningOutTile:
    tile = RunningOutTile(RunningOutOptions(**{**OPTIONS, **extra}), TileContext(language=language, now=lambda: NOW))
    qtbot.addWidget(tile)
    tile.resize(*size)
    tile.show()
    return tile


def painted(tile: RunningOutTile) -> dict[str, Any]:
    QApplication.processEvents()
    with recording() as rec:
        tile.grab()
    return tile_record(tile, rec, None)


def test_soonest_first_not_falling_next_unknown_and_stale_last(qtbot: QtBot) -> None:
    tile = tile_for(qtbot)
    show(tile, hospitals())
    model = tile.model
    assert isinstance(model, RunningOutModel)
    assert [r.name for r in model.rows] == ["Hospital 1", "Hospital 2", "Hospital 3", "Hospital 4", "Hospital 5"]
    first, second, rising, single, stale = model.rows
    assert [c.level for c in first.cells] == ["20 t", "10 free / 40"]
    assert first.cells[0].outlook == "! ≈ 10 h left" and first.cells[1].outlook == "‼ ≈ 2 h left"
    assert first.urgency == "critical"
    assert second.cells[0].outlook == "‼ ≈ 3 h left" and second.cells[1].outlook == "unknown"
    assert rising.cells[0].outlook == "not falling" and rising.urgency == "calm"
    assert single.cells[0].outlook == "unknown" and single.cells[0].level == "9 t"
    assert stale.cells[0].outlook == "◐ stale" and stale.cells[0].level == "6 t"
    assert "2 not projected (too few or stale readings), listed last" in model.summary
    assert model.summary.startswith("‼ 2 under 6 h · ! 0 under 24 h · 5 facilities")


def test_the_countdown_follows_the_wall_clock_and_a_stale_report_stops_it(qtbot: QtBot) -> None:
    """Ninety minutes later hospital 1's ICU has < 1 h left and hospital 2's oxygen 1.5 h; two hours
    later every report is stale."""
    snap = hospitals()
    later = tile_for(qtbot)
    later.context.now = lambda: NOW + timedelta(minutes=90)
    show(later, snap)
    assert isinstance(later.model, RunningOutModel)
    first, second = later.model.rows[:2]
    assert first.name == "Hospital 1" and first.cells[1].outlook == "‼ < 1 h left"
    assert second.name == "Hospital 2" and second.cells[0].outlook == "‼ ≈ 1 h left"  # 1.5 h, rounded down
    much_later = tile_for(qtbot)
    much_later.context.now = lambda: NOW + timedelta(hours=2, minutes=5)
    show(much_later, snap)
    assert isinstance(much_later.model, RunningOutModel)
    assert all(c.outlook == "◐ stale" for r in much_later.model.rows for c in r.cells if c.level != "—")


def test_sorted_by_name_on_request(qtbot: QtBot) -> None:
    tile = tile_for(qtbot, sort="name")
    show(tile, hospitals())
    assert isinstance(tile.model, RunningOutModel)
    assert [r.name for r in tile.model.rows] == sorted(r.name for r in tile.model.rows)


def test_without_projections_the_tile_says_unknown_never_plenty(qtbot: QtBot) -> None:
    tile = tile_for(qtbot)
    tile.apply(hospitals())  # nobody derived this snapshot
    assert isinstance(tile.model, TileMessage) and "unknown" in tile.model.text
    record = painted(tile)
    assert not [t for t in record["texts"] if "≈" in t or "not falling" in t]


def test_store_text_is_painted_as_plain_text(qtbot: QtBot) -> None:
    snap = hospitals()
    assert snap.catalog is not None
    entities = [e.model_copy(update={"name": "<b>Hospital</b> 1"}) if e.code == "F-0001" else e for e in snap.catalog.entities]
    cat = snap.catalog.model_copy(update={"entities": tuple(entities)})
    cat.__dict__.pop("entities_by_code", None)
    tile = tile_for(qtbot)
    show(tile, Snapshot(**{**snap.__dict__, "catalog": cat}))
    assert "<b>Hospital</b> 1" in painted(tile)["texts"]


@pytest.mark.parametrize("language", ["en", "hi", "gu"])
@pytest.mark.parametrize("size", sorted(SIZES))
def test_nothing_is_cut_at_1080p_or_4k(qtbot: QtBot, language: str, size: str) -> None:
    tile = tile_for(qtbot, language, SIZES[size])
    show(tile, hospitals())
    record = painted(tile)
    assert record["state"] == "ok", record.get("message")
    assert not record["elided"], f"cut at {size} in {language}: {record['elided']}"
    names = [t for t in record["texts"] if t.startswith("Hospital ")]
    assert len(names) == 5, record["texts"]
    if language != "en":  # the wall's own words are translated
        assert not [t for t in record["texts"] if t.endswith(("left", "not falling", "stale", "unknown"))], record["texts"]


# On the demo store at its fixed moment: a third of a 1080p screen's width at full height
# (the crisis layout's hospitals screen), and the same share of a 4K screen.
APPROVED_SIZES = {"1080p": (640, 990), "4K": (1280, 1980)}


@pytest.mark.parametrize("size", sorted(APPROVED_SIZES))
def test_demo_hospitals_match_their_approved_images(qtbot: QtBot, demo_snapshot: Snapshot, size: str) -> None:
    width, height = APPROVED_SIZES[size]
    tile = RunningOutTile(RunningOutOptions(**{**EXAMPLE_OPTIONS["running_out"], "count": 20}),
                          TileContext(language="en", now=lambda: DEMO_NOW))
    qtbot.addWidget(tile)
    tile.resize(width, height)
    tile.show()
    show(tile, demo_snapshot)
    record = painted(tile)
    assert record["state"] == "ok" and not record["elided"], record["elided"]
    assert sum(1 for t in record["texts"] if t.endswith(("h left", "days left", "not falling"))) >= 20
    assert_matches_approved(tile.grab().toImage(), f"tile_running_out_{width}x{height}")


def test_a_questioned_level_carries_the_mark(qtbot: QtBot) -> None:
    """Hospital 2's newest oxygen reading is one the wall questions: its level is marked "?"."""
    snap = hospitals()
    quality = FeedQuality(implausible=MappingProxyType({("O2", "F-0002", instant(0)): "far outside this KPI's history"}),
                          judged=True)
    tile = tile_for(qtbot)
    show(tile, replace(snap, feed_quality=quality))
    assert isinstance(tile.model, RunningOutModel)
    marks = {r.name: [c.questioned for c in r.cells] for r in tile.model.rows}
    assert marks["Hospital 2"] == [True, False] and not any(marks["Hospital 1"])
    assert "?" in painted(tile)["texts"]

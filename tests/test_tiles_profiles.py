"""Every registered tile against both demo profiles, at the sizes a 1080p and a 4K wall give it.

The wall must work for any state's store, not only the Gujarat demo it grew up on.
The second profile (`city-crisis`: a city's hospitals parented straight to another
state, irregular hourly snapshots, its own codes, ten long grade names, no published
ranking) shares nothing with Gujarat. For each tile type, profile and size, the audit
record of what the tile painted (wall/audit.py, the same record `--screenshot` writes)
must show data, not an error, and no figure or grade name may be cut to "…".
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Protocol

import pytest
from cmwall.sync.snapshot import Snapshot
from cmwall.wall.audit import recording, tile_record
from cmwall.widgets.base import Tile, TileContext
from cmwall.widgets.registry import registered
from PySide6.QtWidgets import QApplication
from pytestqt.logging import Record
from pytestqt.qtbot import QtBot

from .conftest import DEMO_NOW
from .derived import show
from .hand_snapshots import feed_quality_for
from .tile_examples import CITY_EXAMPLE_OPTIONS, EXAMPLE_OPTIONS

TILE_TYPES = sorted(registered())
PROFILES: dict[str, tuple[str, dict[str, dict[str, Any]]]] = {
    "gujarat": ("demo_snapshot", EXAMPLE_OPTIONS),
    "city-crisis": ("city_snapshot", CITY_EXAMPLE_OPTIONS),
}
# A cell of a 2 × 3 grid and a two-cell-wide tile, on a 1920×1080 and a 3840×2160 screen.
SIZES = {"1080p": (640, 500), "1080p-wide": (1280, 500), "4K": (1280, 1000), "4K-wide": (2560, 1000)}
DIGIT = re.compile(r"\d")
# Qt's own note when a font lacks OpenType tables for a script it still renders correctly.
HARMLESS_QT = ("OpenType support missing",)


def catalog_names(snapshot: Snapshot) -> list[str]:
    """Every name the catalog may put on screen, longest first (names may hold digits)."""
    catalog = snapshot.catalog
    if catalog is None:
        return []
    items = [catalog.state, *catalog.entities, *catalog.sectors, *catalog.departments, *catalog.schemes, *catalog.kpis]
    names = {n for item in items for n in (item.name, item.local_name, *item.names.values()) if n}
    return sorted(names, key=len, reverse=True)


def lost_figures(full: str, shown: str, names: list[str]) -> list[str]:
    """The figures of `full` (words with a digit: a count, rank, percentage, date or
    threshold, outside the catalog's names) that are not whole in `shown`. A long KPI
    name holding "15 days" may be shortened in a narrow column; a figure may not."""
    for name in names:
        if name in full:
            full = full.replace(name, " ")
    return [word for word in full.split() if DIGIT.search(word) and word not in shown.split()]


def render(qtbot: Any, name: str, options: dict[str, Any], snapshot: Snapshot, size: tuple[int, int]) -> dict[str, Any]:
    cls = registered()[name]
    tile: Tile = cls(cls.options_model(**options), TileContext(language="en", now=lambda: DEMO_NOW))
    qtbot.addWidget(tile)
    tile.resize(*size)
    tile.show()
    show(tile, snapshot)
    QApplication.processEvents()
    with recording() as rec:
        tile.grab()
    record = tile_record(tile, rec, None)
    tile.cleanup()
    return record


class CapturedQtLog(Protocol):
    """What the pytest-qt `qtlog` fixture gives (its class is private)."""

    records: list[Record]


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("name", TILE_TYPES)
def test_tile_shows_data_whole_on_any_profile(qtbot: QtBot, qtlog: CapturedQtLog, request: pytest.FixtureRequest, name: str, profile: str, size: str) -> None:
    fixture, examples = PROFILES[profile]
    assert name in examples, f"add example options for {name!r} on the {profile} profile to tests/tile_examples.py"
    snapshot = request.getfixturevalue(fixture)
    if name == "feed_quality" and snapshot.catalog is not None:  # rejected, late and questioned rows to show
        snapshot = replace(snapshot, feed_quality=feed_quality_for(snapshot.catalog))
    record = render(qtbot, name, examples[name], snapshot, SIZES[size])
    assert record["state"] == "ok", f"{name} on {profile}: {record['state']}: {record.get('message')}"
    assert record["texts"], f"{name} on {profile} painted no text"
    names = catalog_names(snapshot)
    cut_figures = [t["full_text"] for t in record["painted"] if "full_text" in t and lost_figures(t["full_text"], t["text"], names)]
    assert not cut_figures, f"{name} on {profile} at {size}: figures cut short: {cut_figures}"
    grades = {g for g, _ in snapshot.catalog.ranking.grades} if snapshot.catalog else set()
    cut_grades = [t for t in record["elided"] if t in grades]
    assert not cut_grades, f"{name} on {profile} at {size}: grade names cut short: {cut_grades}"
    warnings = [r.message for r in qtlog.records if r.type.name in ("QtWarningMsg", "QtCriticalMsg")
                and not r.message.startswith(HARMLESS_QT)]
    assert not warnings, f"{name} on {profile}: Qt warnings {warnings}"


def test_ranking_names_take_the_room_flags_do_not_need(qtbot: QtBot, city_snapshot: Snapshot) -> None:
    """A city's 300 hospitals on half a 1080p screen (as in layouts/city_crisis.toml), ten long grade names in wide chips:
    names shrink to one size that fits rather than all becoming "Saraswati Hospi…", and a
    flag keeps its count whole ("⚠ 1 not reported")."""
    record = render(qtbot, "ranking", {**CITY_EXAMPLE_OPTIONS["ranking"], "mode": "all", "count": 300}, city_snapshot, (950, 960))
    assert city_snapshot.catalog is not None
    names = {e.name for e in city_snapshot.catalog.entities}
    painted = [t for t in record["painted"] if t.get("full_text", t["text"]) in names]
    cut = [t for t in painted if t["text"] != t.get("full_text", t["text"])]
    assert len(painted) >= 10 and len(cut) <= len(painted) // 5, f"{len(cut)} of {len(painted)} names cut: {cut[:3]}"
    assert len({t["size"] for t in painted}) == 1, "every name in the column at one size"
    assert not [t for t in record["elided"] if "not reported" in t]


def test_attention_stacks_its_lists_in_a_tall_narrow_tile(qtbot: QtBot, demo_snapshot: Snapshot) -> None:
    """A third of a 1080p screen, full height (layouts/cm_residence.toml): side by side the
    two lists cut every KPI name ("Village land records …") above an empty half tile;
    stacked at full width they are whole."""
    record = render(qtbot, "attention", EXAMPLE_OPTIONS["attention"], demo_snapshot, (620, 960))
    assert record["state"] == "ok" and len(record["texts"]) > 10
    # only the longest ("Vanbandhu Kalyan Yojana expenditure against allocation (%)") may still give way
    assert len(record["elided"]) <= 1, record["elided"]
    wide = render(qtbot, "attention", EXAMPLE_OPTIONS["attention"], demo_snapshot, SIZES["4K-wide"])

    def heading_tops(rec: dict[str, Any]) -> list[float]:
        return [t["rect"][1] for t in rec["painted"] if t["text"].startswith(("Biggest falls", "Bottom quarter", "Lowest quarter"))]

    assert len(set(heading_tops(record))) == 2, "stacked: one list's heading below the other's"
    assert len(set(heading_tops(wide))) == 1, "a wide tile keeps them side by side"


def test_freshness_gives_on_time_departments_the_room_of_the_overdue_column(qtbot: QtBot, demo_snapshot: Snapshot) -> None:
    """A third of a 1080p screen (layouts/cm_residence.toml): "overdue since 24 Oct" sets the
    width of the status column, but an on-time row's short "on time" leaves its name the
    room, so "Agriculture, Farmers Welfare & Co-operation" is whole, not "Agriculture, Far…"."""
    record = render(qtbot, "freshness", EXAMPLE_OPTIONS["freshness"], demo_snapshot, (620, 960))
    assert demo_snapshot.catalog is not None
    departments = {d.name for d in demo_snapshot.catalog.departments}

    def middle(t: dict[str, Any]) -> float:
        return float(t["rect"][1] + t["rect"][3] / 2)

    names = [t for t in record["painted"] if t.get("full_text", t["text"]) in departments]
    on_time_rows = [middle(t) for t in record["painted"] if t["text"] == "on time"]
    on_time_names = [n for n in names if any(abs(middle(n) - y) < 4 for y in on_time_rows)]
    assert len(on_time_names) >= 5, record["texts"]
    cut = [n["full_text"] for n in on_time_names if n["text"] != n.get("full_text", n["text"])]
    assert not cut, cut
    assert len({n["size"] for n in on_time_names}) == 1, "on-time names at one size"


@pytest.mark.parametrize("name", ["kpi", "trend"])
def test_a_long_kpi_name_shrinks_before_it_is_cut(qtbot: QtBot, demo_snapshot: Snapshot, name: str) -> None:
    """Four KPI tiles across a 1080p screen (layouts/cm_residence.toml): "PMAY-G houses
    completed against target (%)" is drawn a little smaller, whole, not "…agains…"."""
    title = "PMAY-G houses completed against target (%)"
    record = render(qtbot, name, {**EXAMPLE_OPTIONS[name], "kpi": "PMAYG.COMPL"}, demo_snapshot, (470, 320))
    assert title in record["texts"] and title not in record["elided"], record["texts"][:3]

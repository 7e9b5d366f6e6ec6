"""Feed quality on screen: the feed quality tile, and questioned values marked where shown.

Feed quality values are made by hand (tests/hand_snapshots.py) on the small synthetic
snapshot (tests/synthetic.py), so each answer can be read off the test. Assertions are
on the texts each tile painted (the audit record `--screenshot` writes), not pixels.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from cmwall.sync.feed_quality import FeedQuality, QualityCount, RejectedRow
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.thresholds import Thresholds
from cmwall.wall.audit import recording, tile_record
from cmwall.widgets.base import TileContext
from cmwall.widgets.painted_tile import PaintedTile, TileMessage
from cmwall.widgets.questioned import MARK
from cmwall.widgets.tiles.alerts_tile import AlertsModel, AlertsTile
from cmwall.widgets.tiles.attention_tile import AttentionModel, AttentionTile
from cmwall.widgets.tiles.breakdown_tile import BreakdownTile
from cmwall.widgets.tiles.capacity_tile import CapacityModel, CapacityTile
from cmwall.widgets.tiles.feed_quality_tile import FeedQualityModel, FeedQualityTile
from cmwall.widgets.tiles.grievance_tile import GrievanceModel, GrievanceTile
from cmwall.widgets.tiles.kpi_tile import KpiModel, KpiTile
from cmwall.widgets.tiles.map_tile import MapModel, MapTile
from cmwall.widgets.tiles.trend_tile import TrendModel, TrendTile, ringed_points
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from . import synthetic
from .derived import for_tile
from .hand_snapshots import feed_quality_for
from .hand_snapshots import snapshot as hand_snapshot
from .synthetic import NOW
from .test_tiles_crisis import GRIEVANCE_OPTIONS, OCCUPANCY_90, city_catalog, city_rows, grievance_snapshot

AMRELI = "439"  # its Ayushman cards collapsed in October: the KPI costing it most marks


def context(language: str = "en") -> TileContext:
    return TileContext(language=language, now=lambda: NOW, layout_dir=Path(__file__).parent)


def as_the_wall_gives_it(tile: PaintedTile, snapshot: Snapshot) -> Snapshot:
    """`snapshot` with the facts the sync thread derives for `tile` (alerts, explanations)."""
    return for_tile(tile, snapshot)


def painted(qtbot: QtBot, cls: type[PaintedTile], snapshot: Snapshot, size: tuple[int, int] = (960, 700),
            language: str = "en", thresholds: Thresholds | None = None, **options: Any) -> tuple[PaintedTile, list[str]]:
    """The tile built on `snapshot` and every text it painted, as shown."""
    ctx = context(language)
    if thresholds is not None:
        ctx.thresholds = thresholds
    tile = cls(cls.options_model(**options), ctx)
    qtbot.addWidget(tile)
    tile.resize(*size)
    tile.show()
    tile.apply(as_the_wall_gives_it(tile, snapshot))
    QApplication.processEvents()
    with recording() as rec:
        tile.grab()
    record = tile_record(tile, rec, None)
    assert not [t for t in record["elided"] if any(c.isdigit() for c in t) and len(t) <= 14], record["elided"]
    return tile, list(record["texts"])


def with_quality(quality: FeedQuality) -> Snapshot:
    return replace(synthetic.snapshot(), feed_quality=quality)


def judged(catalog_snapshot: Snapshot, **changes: Any) -> FeedQuality:
    assert catalog_snapshot.catalog is not None
    return replace(feed_quality_for(catalog_snapshot.catalog), **changes)


def questioned(kpi: str, entity: str, period: str) -> FeedQuality:
    return FeedQuality(implausible=MappingProxyType({(kpi, entity, period): "percentage outside 0–100"}), judged=True)


# --- the feed quality tile ----------------------------------------------------------------


def test_before_the_feed_is_judged_the_tile_says_unknown_never_all_clear(qtbot: QtBot) -> None:
    tile, texts = painted(qtbot, FeedQualityTile, synthetic.snapshot())  # NO_FEED_QUALITY: judged False
    assert isinstance(tile.model, TileMessage)
    assert any("not yet judged" in t for t in texts), texts
    assert not any("no rejected" in t for t in texts)
    assert not any(t.startswith(("✕", "◐")) for t in texts), "no counts shown for a feed not judged"


def test_a_judged_clean_feed_says_so_neutrally(qtbot: QtBot) -> None:
    tile, texts = painted(qtbot, FeedQualityTile, with_quality(FeedQuality(judged=True)))
    assert isinstance(tile.model, FeedQualityModel)
    assert "no rejected, late or implausible rows" in texts
    assert {"✕ 0", "◐ 0", f"{MARK} 0"} <= set(texts), texts
    assert tile.model.groups == () and tile.model.rejections == ()


@pytest.mark.parametrize(("by", "heading", "names"), [
    ("department", "Worst departments", ["Health & Family Welfare", "Agriculture", "Education"]),
    ("entity", "Worst districts", ["Banas Kantha", "Ahmadabad", "Bhavnagar"]),  # places of one level: named by it
    ("kpi", "Worst KPIs", ["Ayushman cards issued (% of eligible)", "PM-KISAN instalments paid", "Institutional deliveries"]),
])
def test_totals_and_the_worst_groups_are_shown(qtbot: QtBot, by: str, heading: str, names: list[str]) -> None:
    snapshot = synthetic.snapshot()
    tile, texts = painted(qtbot, FeedQualityTile, replace(snapshot, feed_quality=judged(snapshot)), by=by)
    assert {"✕ 3", "◐ 17", f"{MARK} 1", "rejected", "late", "implausible", heading} <= set(texts), texts
    # worst first: 2 rejected + 14 late + 1 implausible, then 3 late, then 1 rejected
    shown = [t for t in texts if t in names]
    assert shown == names, texts
    assert isinstance(tile.model, FeedQualityModel)
    assert [g.counts for g in tile.model.groups] == [(2, 14, 1), (0, 3, 0), (1, 0, 0)]
    assert "14" in texts


def test_groups_in_hindi_use_the_catalog_names_and_the_walls_words(qtbot: QtBot) -> None:
    snapshot = synthetic.snapshot()
    _, texts = painted(qtbot, FeedQualityTile, replace(snapshot, feed_quality=judged(snapshot)), language="hi", by="entity")
    assert "अस्वीकृत" in texts, texts  # "rejected"
    assert "Banas Kantha" in texts  # no Hindi name in the catalog: English, never another script


def test_rejection_reasons_are_plain_text(qtbot: QtBot) -> None:
    snapshot = synthetic.snapshot()
    quality = judged(snapshot, recent_rejections=(
        RejectedRow(NOW, "value: '<b>x</b>' is not a number", kpi="PMJAY.CARDS", entity=AMRELI, period="2026-10"),
        RejectedRow(NOW, "entity: 'X\u202eYZ' is not in the catalog"),
    ))
    tile, texts = painted(qtbot, FeedQualityTile, replace(snapshot, feed_quality=quality))
    assert "value: '<b>x</b>' is not a number" in texts, texts
    assert not any("\u202e" in t for t in texts), "a right-to-left override never reaches the screen"
    assert any(t.startswith("entity: 'X") and t.endswith("YZ' is not in the catalog") for t in texts), texts
    assert any("Amreli" in t and "Ayushman cards issued" in t for t in texts), texts


def test_more_groups_than_shown_are_counted(qtbot: QtBot) -> None:
    many = MappingProxyType({code: QualityCount(late=i + 1) for i, (code, _, _) in enumerate(synthetic.DISTRICTS)})
    quality = FeedQuality(total=QualityCount(late=36), by_entity=many, judged=True)
    tile, texts = painted(qtbot, FeedQualityTile, with_quality(quality), by="entity", count=3)
    assert isinstance(tile.model, FeedQualityModel)
    assert [g.name for g in tile.model.groups] == ["Kachchh", "Dohad", "Bhavnagar"]  # the most late first
    assert "+5 more" in texts


def test_an_unchanged_feed_quality_does_not_repaint(qtbot: QtBot) -> None:
    snapshot = synthetic.snapshot()
    quality = judged(snapshot)
    tile, _ = painted(qtbot, FeedQualityTile, replace(snapshot, feed_quality=quality))
    model = tile.model
    tile.apply(as_the_wall_gives_it(tile, replace(snapshot, id=2, feed_quality=judged(snapshot))))  # equal, not the same
    assert tile.model is model
    tile.apply(as_the_wall_gives_it(tile, replace(snapshot, id=3, feed_quality=replace(quality, total=QualityCount(rejected=4)))))
    assert tile.model is not model


# --- questioned values where they are shown ----------------------------------------------


def test_kpi_tile_marks_a_questioned_value_and_says_so(qtbot: QtBot) -> None:
    flagged = with_quality(questioned("PMJAY.CARDS", AMRELI, "2026-10"))
    tile, texts = painted(qtbot, KpiTile, flagged, size=(640, 500), kpi="PMJAY.CARDS", entity=AMRELI)
    assert isinstance(tile.model, KpiModel) and tile.model.questioned == 1
    assert MARK in texts
    assert any(t.endswith(f"{MARK} 1 questioned value") or f"{MARK} 1 questioned value" in t for t in texts), texts
    # the previous month's value is not the one shown: no mark
    earlier = with_quality(questioned("PMJAY.CARDS", AMRELI, "2026-09"))
    tile, texts = painted(qtbot, KpiTile, earlier, size=(640, 500), kpi="PMJAY.CARDS", entity=AMRELI)
    assert isinstance(tile.model, KpiModel) and tile.model.questioned == 0
    assert MARK not in texts and not any("questioned" in t for t in texts)


def test_kpi_tile_counts_questioned_values_inside_a_rolled_up_figure(qtbot: QtBot) -> None:
    quality = FeedQuality(implausible=MappingProxyType({
        ("PMJAY.CARDS", AMRELI, "2026-10"): "percentage outside 0–100",
        ("PMJAY.CARDS", "438", "2026-10"): "far outside this KPI's history",
        ("MCH.IMR", "438", "2026-10"): "negative count",  # another KPI: not in this figure
    }), judged=True)
    tile, texts = painted(qtbot, KpiTile, with_quality(quality), size=(640, 500), kpi="PMJAY.CARDS")  # the state: a mean
    assert isinstance(tile.model, KpiModel) and tile.model.questioned == 2
    assert any(f"{MARK} 2 questioned values" in t for t in texts), texts


def test_kpi_tile_mark_appears_and_disappears_with_the_flag(qtbot: QtBot) -> None:
    tile, _ = painted(qtbot, KpiTile, synthetic.snapshot(), size=(640, 500), kpi="PMJAY.CARDS", entity=AMRELI)
    assert isinstance(tile.model, KpiModel) and tile.model.questioned == 0
    tile.apply(with_quality(questioned("PMJAY.CARDS", AMRELI, "2026-10")))
    assert isinstance(tile.model, KpiModel) and tile.model.questioned == 1
    tile.apply(with_quality(FeedQuality(judged=True)))
    assert isinstance(tile.model, KpiModel) and tile.model.questioned == 0


def test_breakdown_marks_the_marks_made_from_a_questioned_value(qtbot: QtBot) -> None:
    flagged = with_quality(questioned("PMJAY.CARDS", AMRELI, "2026-10"))
    tile, texts = painted(qtbot, BreakdownTile, flagged, entity=AMRELI)
    rows = {c.name: c for c in tile.model.costs}
    assert rows["Ayushman cards issued (% of eligible)"].questioned
    assert not any(c.questioned for name, c in rows.items() if name != "Ayushman cards issued (% of eligible)")
    assert MARK in texts
    assert any(f"{MARK} 1 questioned value" in t for t in texts), texts
    tile, texts = painted(qtbot, BreakdownTile, synthetic.snapshot(), entity=AMRELI)
    assert not any(c.questioned for c in tile.model.costs)
    assert MARK not in texts and not any("questioned" in t for t in texts)


def city_with(quality: FeedQuality) -> Snapshot:
    return replace(hand_snapshot(city_catalog(), city_rows()), feed_quality=quality)


def test_capacity_rows_mark_a_questioned_count(qtbot: QtBot) -> None:
    # Hospital 1 says 48 of its 50 ICU beds are in use, a figure the wall questions.
    flagged = city_with(questioned("TOWN.BED.ICU.USED", "H1", "2026-11-22T10:40"))
    tile, texts = painted(qtbot, CapacityTile, flagged, thresholds=OCCUPANCY_90)
    assert isinstance(tile.model, CapacityModel)
    marked = [(row.name, i) for row in tile.model.rows for i, cell in enumerate(row.cells) if cell.questioned]
    assert marked == [("City Hospital 1", 0)]
    assert MARK in texts
    tile, texts = painted(qtbot, CapacityTile, city_with(FeedQuality(judged=True)), thresholds=OCCUPANCY_90)
    assert isinstance(tile.model, CapacityModel)
    assert not any(cell.questioned for row in tile.model.rows for cell in row.cells) and MARK not in texts


def test_capacity_state_row_is_marked_when_a_hospital_in_it_is_questioned(qtbot: QtBot) -> None:
    flagged = city_with(questioned("TOWN.BED.ICU.CAP", "H2", "2026-11-22T10:40"))
    tile, _ = painted(qtbot, CapacityTile, flagged, thresholds=OCCUPANCY_90, level="state")
    assert isinstance(tile.model, CapacityModel)
    assert [cell.questioned for cell in tile.model.rows[0].cells] == [True, False]  # ICU: the sum includes H2's


def test_alerts_mark_a_questioned_value(qtbot: QtBot) -> None:
    flagged = city_with(questioned("TOWN.BED.ICU.USED", "H1", "2026-11-22T10:40"))
    tile, texts = painted(qtbot, AlertsTile, flagged, thresholds=OCCUPANCY_90)
    assert isinstance(tile.model, AlertsModel)
    assert [(r.place.split(" · ")[0], r.questioned) for r in tile.model.rows] == [
        ("City Hospital 1", True), ("City Hospital 2", False)]
    assert MARK in texts
    tile, texts = painted(qtbot, AlertsTile, city_with(FeedQuality(judged=True)), thresholds=OCCUPANCY_90)
    assert isinstance(tile.model, AlertsModel)
    assert not any(r.questioned for r in tile.model.rows) and MARK not in texts


def test_trend_marks_a_line_whose_latest_point_is_questioned(qtbot: QtBot) -> None:
    flagged = with_quality(questioned("PMJAY.CARDS", AMRELI, "2026-10"))
    tile, texts = painted(qtbot, TrendTile, flagged, kpi="PMJAY.CARDS", entities=[AMRELI, "438"])
    assert isinstance(tile, TrendTile) and isinstance(tile.model, TrendModel)
    assert [(line.name, line.questioned) for line in tile.model.lines] == [
        (f"Gujarat (mean of 8 districts) {MARK}", True), (f"Amreli {MARK}", True), ("Ahmadabad", False)]
    assert f"Amreli {MARK}" in texts
    assert len(ringed_points(tile.model)) == 2  # the state's mean and Amreli's own point
    tile.apply(with_quality(FeedQuality(judged=True)))
    assert not any(line.questioned for line in tile.model.lines)
    assert ringed_points(tile.model) == []


def test_map_label_of_a_questioned_district_value_is_marked(qtbot: QtBot) -> None:
    flagged = with_quality(questioned("PMJAY.CARDS", AMRELI, "2026-10"))
    tile, texts = painted(qtbot, MapTile, flagged, size=(1280, 1000), colour_by="kpi", kpi="PMJAY.CARDS")
    assert isinstance(tile.model, MapModel)
    labels = {area.name: area.text for area in tile.model.areas}
    assert labels["Amreli"].endswith(f" {MARK}") and not labels["Ahmadabad"].endswith(MARK), labels
    tile, _ = painted(qtbot, MapTile, with_quality(FeedQuality(judged=True)), size=(1280, 1000), colour_by="kpi",
                      kpi="PMJAY.CARDS")
    assert isinstance(tile.model, MapModel)
    assert not any(area.text.endswith(MARK) for area in tile.model.areas)


def test_grievance_figure_rolled_up_from_a_questioned_district_is_marked(qtbot: QtBot) -> None:
    # Amreli's 20 Revenue complaints pending over 30 days count in the state's sum, and are questioned.
    flagged = replace(grievance_snapshot(with_state=False), feed_quality=questioned("GRV.REV.OVER30D", AMRELI, "2026-11"))
    tile, texts = painted(qtbot, GrievanceTile, flagged, **GRIEVANCE_OPTIONS.model_dump())
    assert isinstance(tile.model, GrievanceModel)
    marks = {row.department: [v.questioned for v in row.pending] for row in tile.model.rows}
    assert marks == {"Revenue": [True, False, False], "Education": [False, False, False]}
    assert MARK in texts
    clean = replace(grievance_snapshot(with_state=False), feed_quality=FeedQuality(judged=True))
    tile, texts = painted(qtbot, GrievanceTile, clean, **GRIEVANCE_OPTIONS.model_dump())
    assert isinstance(tile.model, GrievanceModel)
    assert not any(v.questioned for row in tile.model.rows for v in row.pending) and MARK not in texts


def test_attention_marks_a_districts_marks_made_from_a_questioned_value(qtbot: QtBot) -> None:
    flagged = with_quality(questioned("PMJAY.CARDS", AMRELI, "2026-10"))
    tile, texts = painted(qtbot, AttentionTile, flagged, entity=AMRELI)
    assert isinstance(tile.model, AttentionModel)
    rows = [*tile.model.falls, *tile.model.bottom]
    assert {r.name for r in rows if r.questioned} == {"Ayushman cards issued (% of eligible)"}, rows
    assert MARK in texts
    tile, texts = painted(qtbot, AttentionTile, with_quality(FeedQuality(judged=True)), entity=AMRELI)
    assert isinstance(tile.model, AttentionModel)
    assert not any(r.questioned for r in (*tile.model.falls, *tile.model.bottom)) and MARK not in texts

"""Capacity, alerts, freshness and grievance figures and tiles on hand-made snapshots.

The crisis tiles are tested on a city's store with its own codes (no districts,
hospitals parented to the state, `capacity_of` pairs, no alert thresholds in the
catalog): what the tiles show comes from the catalog and the layout, never from the
demo store's codes.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from types import MappingProxyType
from typing import Any

import pytest
from cmwall.layouts.tile_options import AlertsOptions, CapacityOptions, FreshnessOptions, GrievanceOptions
from cmwall.sync.contract import Catalog
from cmwall.sync.ranking.result import RankedEntity, RankingResult
from cmwall.sync.snapshot import Snapshot, SyncStatus
from cmwall.sync.thresholds import Band, Thresholds
from cmwall.widgets import paint_kit
from cmwall.widgets.base import TileContext
from cmwall.widgets.capacity_figures import StockSpec, capacity_rows, catalog_pair_specs, pair_label
from cmwall.widgets.feeding import department_feeding
from cmwall.widgets.grievance_figures import department_grievances, grievance_lines
from cmwall.widgets.painted_tile import PaintedTile, TileMessage
from cmwall.widgets.tiles import capacity_tile as capacity_module
from cmwall.widgets.tiles.alerts_tile import AlertsTile
from cmwall.widgets.tiles.capacity_tile import CapacityTile
from cmwall.widgets.tiles.freshness_tile import FreshnessTile
from cmwall.widgets.tiles.grievance_tile import GrievanceTile
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from .derived import for_wall, show
from .hand_snapshots import NOW, at, catalog, kpi_of, snapshot

# --- a city's bed feed: its own codes, hospitals under the state, no thresholds -----------------

CITY_BEDS = (("ICU", "ICU beds"), ("GEN", "General beds"))
OCCUPANCY_90 = Thresholds(occupancy=Band(warn=80.0, critical=90.0))  # the layout's: ≥ 90 % is critical


def city_catalog(*, extra_kpis: list[dict[str, Any]] | None = None, pairs: bool = True) -> Catalog:
    kpis: list[dict[str, Any]] = []
    for part, name in CITY_BEDS:
        cap = f"TOWN.BED.{part}.CAP"
        kpis.append({"code": cap, "name": f"{name}: capacity", "scheme": "BEDS", "unit": "beds", "level": "facility",
                     "frequency": "P1D", "aggregate": "sum"})
        used: dict[str, Any] = {"code": f"TOWN.BED.{part}.USED", "name": f"{name}: in use", "scheme": "BEDS",
                                "unit": "beds", "better": "lower", "level": "facility", "frequency": "PT1H",
                                "aggregate": "sum"}
        if pairs:
            used["capacity_of"] = cap
        kpis.append(used)
    return Catalog.model_validate({
        "revision": "city-1",
        "state": {"code": "9", "name": "Uttar Pradesh"},
        "entities": [{"code": f"H{i}", "name": f"City Hospital {i}", "level": "facility", "parent": "9"} for i in (1, 2, 3)],
        "sectors": [{"code": "HEALTH", "name": "Public health"}],
        "departments": [{"code": "CMO", "name": "Chief Medical Officer", "sector": "HEALTH"}],
        "schemes": [{"code": "BEDS", "name": "Beds", "department": "CMO"}],
        "kpis": kpis + (extra_kpis or []),
    })


def city_rows() -> list[tuple[str, str, str, float | None, float]]:
    now = "2026-11-22T10:40"
    return [
        # H1: ICU 48 of 50 (96 %): critical since 09:00 (46 of 50 = 92 %); at 08:00 only 80 %.
        ("TOWN.BED.ICU.CAP", "H1", "2026-11-22T07:00", 50, at(4)),
        ("TOWN.BED.ICU.USED", "H1", "2026-11-22T08:00", 40, at(3)),
        ("TOWN.BED.ICU.USED", "H1", "2026-11-22T09:00", 46, at(2)),
        ("TOWN.BED.ICU.USED", "H1", now, 48, at(0.3)),
        ("TOWN.BED.GEN.CAP", "H1", now, 200, at(0.3)),
        ("TOWN.BED.GEN.USED", "H1", now, 50, at(0.3)),
        # H2: ICU 17 of 20 (85 %: a warning); general beds not reported at all.
        ("TOWN.BED.ICU.CAP", "H2", now, 20, at(0.3)),
        ("TOWN.BED.ICU.USED", "H2", now, 17, at(0.3)),
        # H3: a big hospital: 1,640 general beds free of 2,000.
        ("TOWN.BED.ICU.CAP", "H3", now, 20, at(0.3)),
        ("TOWN.BED.ICU.USED", "H3", now, 5, at(0.3)),
        ("TOWN.BED.GEN.CAP", "H3", now, 2000, at(0.3)),
        ("TOWN.BED.GEN.USED", "H3", now, 360, at(0.3)),
    ]


@pytest.fixture
def town_snapshot() -> Snapshot:
    return snapshot(city_catalog(), city_rows())


def test_pair_labels_are_what_the_two_names_share() -> None:
    assert pair_label("ICU beds: in use", "ICU beds: capacity") == "ICU beds"
    assert pair_label("Occupied ICU beds", "Total ICU beds") == "ICU beds"
    assert pair_label("Oxygen cylinders empty, awaiting refill", "Oxygen cylinders held") == "Oxygen cylinders"
    assert pair_label("Occupancy", "Capacity") == "Occupancy"  # nothing shared: the used KPI's name


def test_capacity_pairs_from_capacity_of_judged_by_the_layout(town_snapshot: Snapshot) -> None:
    cat = town_snapshot.catalog
    assert cat is not None
    pairs = catalog_pair_specs(cat)
    assert [(p.used.code, p.total.code) for p in pairs] == [("TOWN.BED.ICU.USED", "TOWN.BED.ICU.CAP"),
                                                            ("TOWN.BED.GEN.USED", "TOWN.BED.GEN.CAP")]
    rows = capacity_rows(cat, town_snapshot.series, pairs, level="facility", thresholds=OCCUPANCY_90, moment=NOW)
    assert [(r.entity, r.level) for r in rows] == [("H1", "critical"), ("H2", "warn"), ("H3", None)]
    icu = rows[0].pairs[0]
    assert (icu.used, icu.total, icu.free, icu.occupancy, icu.level) == (48, 50, 2, 96.0, "critical")
    general_h2 = rows[1].pairs[1]
    assert (general_h2.used, general_h2.total, general_h2.free, general_h2.occupancy) == (None, None, None, None)
    assert rows[0].stocks == ()  # no oxygen stock KPI in this store: nothing asked, nothing missing


def test_capacity_state_row_adds_up_hospitals_parented_to_the_state(town_snapshot: Snapshot) -> None:
    cat = town_snapshot.catalog
    assert cat is not None
    (state,) = capacity_rows(cat, town_snapshot.series, catalog_pair_specs(cat), level="state",
                             thresholds=OCCUPANCY_90, moment=NOW)
    icu, general = state.pairs
    assert (state.entity, icu.used, icu.total) == ("9", 70, 90)
    assert (general.used, general.total, general.free, general.uneven) == (410, 2200, 1790, False)
    assert capacity_rows(cat, town_snapshot.series, catalog_pair_specs(cat), level="district",
                         thresholds=OCCUPANCY_90, moment=NOW) == []  # a city has no districts


def test_capacity_by_district_sums_beds_and_takes_the_lowest_stock() -> None:
    kpis: list[dict[str, Any]] = []
    for part in ("ICU", "GEN"):
        kpis.append({"code": f"B.{part}.TOT", "name": f"{part} total", "scheme": "H", "unit": "beds", "level": "facility",
                     "frequency": "PT15M", "aggregate": "sum"})
        kpis.append({"code": f"B.{part}.OCC", "name": f"{part} occupied", "scheme": "H", "unit": "beds",
                     "level": "facility", "frequency": "PT1M", "aggregate": "sum", "capacity_of": f"B.{part}.TOT"})
    kpis.append({"code": "O2.HRS", "name": "Oxygen stock", "scheme": "H", "unit": "hours", "level": "facility",
                 "frequency": "PT1M", "aggregate": "min", "alert": {"warn": 24, "critical": 12}})
    cat = catalog(kpis, facilities=4)  # F-0001..4 in 438, 439, 440, 438
    t, p = at(0.1), "2026-11-22T10:50"
    rows = [("B.GEN.TOT", "F-0001", p, 100, t), ("B.GEN.OCC", "F-0001", p, 50, t), ("O2.HRS", "F-0001", p, 30, t),
            ("B.GEN.TOT", "F-0004", p, 100, t), ("B.GEN.OCC", "F-0004", p, 90, t), ("O2.HRS", "F-0004", p, 20, t),
            ("B.ICU.TOT", "F-0004", p, 10, t), ("B.ICU.OCC", "F-0004", p, 4, t),
            ("B.GEN.TOT", "F-0003", p, 50, t), ("B.GEN.OCC", "F-0003", p, 10, t), ("O2.HRS", "F-0003", p, 8, t)]
    snap = snapshot(cat, rows)
    stocks = [StockSpec(kpi_of(cat, "O2.HRS"))]
    by_district = {r.entity: r for r in capacity_rows(cat, snap.series, catalog_pair_specs(cat), stocks, level="district",
                                                        thresholds=Thresholds(), moment=NOW)}
    ahmadabad = by_district["438"]  # F-0001 and F-0004
    icu, general = ahmadabad.pairs
    assert (general.total, general.used, general.free, general.uneven) == (200, 140, 60, False)
    assert (icu.total, icu.used, icu.uneven) == (10, 4, False)  # only F-0004 has an ICU: both sides add up one place
    assert ahmadabad.stocks[0].value == 20 and ahmadabad.stocks[0].level == "warn"  # the catalog's oxygen alert
    assert list(by_district) == ["440", "438"]  # F-0003's 8 h of oxygen: critical first; Amreli reported nothing


def test_capacity_tile_takes_the_catalogs_pairs_and_says_unknown_is_unknown(qtbot: QtBot, town_snapshot: Snapshot) -> None:
    tile = CapacityTile(CapacityOptions(), TileContext(now=lambda: NOW, thresholds=OCCUPANCY_90))
    qtbot.addWidget(tile)
    show(tile, town_snapshot)
    model = tile.model
    assert model.columns == ("ICU beds", "General beds") and model.place_heading == "Facility"
    assert [(r.name, r.level) for r in model.rows] == [
        ("City Hospital 1", "critical"), ("City Hospital 2", "warn"), ("City Hospital 3", None)]
    icu = model.rows[0].cells[0]
    assert (icu.text, icu.total, icu.level) == ("‼ 2", "/ 50", "critical")
    assert model.rows[1].cells[1].text == "—"  # H2 sends no general beds: unknown, not 0
    assert (model.rows[2].cells[1].text, model.rows[2].cells[1].total) == ("1,640", "/ 2,000")
    assert model.summary.startswith("‼ 1 critical · ! 1 warning · 3 facilities") and "unknown" not in model.summary
    assert model.age.state == "fresh"


def test_capacity_tile_pairs_and_stock_from_the_layout(qtbot: QtBot, town_snapshot: Snapshot) -> None:
    options = CapacityOptions.model_validate({
        "level": "state", "pairs": [{"used": "TOWN.BED.ICU.USED", "total": "TOWN.BED.ICU.CAP", "label": "ICU",
                                     "label_local": {"hi": "आईसीयू"}}],
        "stock": ["TOWN.O2.HOURS"]})
    tile = CapacityTile(options, TileContext(now=lambda: NOW, thresholds=OCCUPANCY_90))
    qtbot.addWidget(tile)
    show(tile, town_snapshot)
    assert tile.model.columns == ("ICU",) and "unknown KPI TOWN.O2.HOURS" in tile.model.summary
    assert [r.name for r in tile.model.rows] == ["Uttar Pradesh"]
    tile.context.language = "hi"
    tile.retranslate()
    assert tile.model.columns == ("आईसीयू",)
    bare = CapacityTile(CapacityOptions(), TileContext(now=lambda: NOW))
    qtbot.addWidget(bare)
    show(bare, snapshot(city_catalog(pairs=False), city_rows()))
    assert isinstance(bare.model, TileMessage) and "capacity_of" in bare.model.text


def test_capacity_figures_are_never_cut(qtbot: QtBot, town_snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[str] = []

    def recording(painter: QPainter, rect: QRectF, text: str, pixel_size: int, **kw: Any) -> float:
        drawn.append(paint_kit.fitted_text(text, pixel_size, rect.width(), kw.get("bold", False))[0])
        return paint_kit.draw_text(painter, rect, text, pixel_size, **kw)

    monkeypatch.setattr(capacity_module, "draw_text", recording)
    tile = CapacityTile(CapacityOptions(), TileContext(now=lambda: NOW, thresholds=OCCUPANCY_90))
    qtbot.addWidget(tile)
    tile.resize(420, 300)  # a narrow tile: figures shrink, names give way
    tile.show()
    show(tile, town_snapshot)
    tile.grab()
    assert "1,640" in drawn and "/ 2,000" in drawn and "‼ 2" in drawn


# --- alerts -----------------------------------------------------------------------------------


def test_alerts_tile_names_the_pair_place_fullness_and_free_beds(qtbot: QtBot, town_snapshot: Snapshot) -> None:
    tile = AlertsTile(AlertsOptions(), TileContext(now=lambda: NOW, thresholds=OCCUPANCY_90))
    qtbot.addWidget(tile)
    show(tile, town_snapshot)
    model = tile.model
    assert (model.critical, model.warn, model.judged) == (1, 1, "alerts")
    first = model.rows[0]
    assert (first.level, first.kpi, first.place) == ("critical", "ICU beds", "City Hospital 1")
    assert (first.value, first.threshold, first.since) == ("‼ 96% full", "2 free · critical ≥ 90%", "for 1 h")  # first reading past it to the latest one (1 h 42 min)


def test_alerts_tile_never_says_all_clear_for_what_it_cannot_judge(qtbot: QtBot, town_snapshot: Snapshot) -> None:
    unjudged = Thresholds(occupancy=Band(None, None))  # a layout without thresholds; the catalog has none either
    cases = [
        (snapshot(city_catalog(), city_rows()), unjudged, "no_thresholds"),
        (snapshot(city_catalog(), []), OCCUPANCY_90, "no_reports"),
        (snapshot(city_catalog(), city_rows()), Thresholds(occupancy=Band(None, 99.0)), "clear"),
    ]
    for snap, thresholds, judged in cases:
        tile = AlertsTile(AlertsOptions(), TileContext(now=lambda: NOW, thresholds=thresholds))
        qtbot.addWidget(tile)
        tile.resize(640, 480)
        tile.show()
        show(tile, snap)
        assert (tile.model.judged, tile.model.rows) == (judged, ())
        tile.grab()  # paints the calm message
    assert tile.model.figures == 5  # the all-clear says how much was judged


def test_alerts_tile_lists_critical_first_with_since(qtbot: QtBot) -> None:
    cat = catalog([{"code": "STK.O2", "name": "Oxygen stock", "scheme": "HOSP", "unit": "hours",
                    "level": "facility", "frequency": "PT1M", "alert": {"warn": 24, "critical": 12}}], facilities=2)
    rows = [("STK.O2", "F-0001", f"2026-11-22T{h:02d}:00", v, at(10.5 - h)) for h, v in ((7, 30), (8, 11), (9, 10), (10, 9))]
    rows += [("STK.O2", "F-0002", "2026-11-22T10:00", 20, at(0.5))]
    tile = AlertsTile(AlertsOptions(), TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    show(tile, snapshot(cat, rows))
    model = tile.model
    assert (model.critical, model.warn) == (1, 1)
    first = model.rows[0]
    assert (first.level, first.place, first.value, first.since) == (
        "critical", "Hospital 1 · Ahmadabad · Health & Family Welfare", "‼ 9 h", "for 2 h")
    tile.options = AlertsOptions(minimum="critical")
    show(tile, snapshot(cat, rows))
    assert [r.level for r in tile.model.rows] == ["critical"]


def test_alerts_tile_can_be_limited_to_crisis_kpis(qtbot: QtBot) -> None:
    cat = catalog([
        {"code": "STK.O2", "name": "Oxygen stock", "scheme": "HOSP", "unit": "hours",
         "level": "facility", "frequency": "PT1M", "alert": {"warn": 24, "critical": 12}},
        {"code": "GRV.REV.OLD", "name": "Pending over 300 days", "scheme": "HOSP", "unit": "count",
         "better": "lower", "level": "facility", "frequency": "P1D", "alert": {"warn": 25, "critical": 45}},
    ], facilities=1)
    rows = [("STK.O2", "F-0001", "2026-11-22T10:00", 9, at(0.5)),
            ("GRV.REV.OLD", "F-0001", "2026-11-22", 60, at(0.5))]
    every = AlertsTile(AlertsOptions(), TileContext(now=lambda: NOW))
    crisis = AlertsTile(AlertsOptions(kpis=("BED.", "STK.")), TileContext(now=lambda: NOW))
    for tile in (every, crisis):
        qtbot.addWidget(tile)
        show(tile, snapshot(cat, rows))
    assert every.model.critical == 2
    assert crisis.model.critical == 1 and crisis.model.rows[0].value.endswith("9 h")


# --- freshness --------------------------------------------------------------------------------


def feeding_catalog() -> Catalog:
    kpis = [
        {"code": "A.MONTHLY", "name": "Monthly figure", "scheme": "SA", "_dept": "AGR", "frequency": "P1M"},
        {"code": "A.DAILY", "name": "Daily figure", "scheme": "SA", "_dept": "AGR", "frequency": "P1D"},
        {"code": "E.MONTHLY", "name": "School figure", "scheme": "SE", "_dept": "EDN", "frequency": "P1M"},
        {"code": "R.NEVER", "name": "Never fed", "scheme": "SR", "_dept": "REV", "frequency": "P1M"},
        {"code": "R.DAILY", "name": "Revenue daily", "scheme": "SR", "_dept": "REV", "frequency": "P1D"},
    ]
    return catalog(kpis, departments=[("AGR", "Agriculture"), ("EDN", "Education"), ("REV", "Revenue")])


def test_feeding_overdue_since_and_worst_first() -> None:
    cat = feeding_catalog()
    rows = [
        ("A.MONTHLY", "438", "2026-09", 1, (NOW - timedelta(days=50)).timestamp()),  # overdue since 50 - 30/31 days ago
        ("A.MONTHLY", "439", "2026-10", 1, (NOW - timedelta(days=40)).timestamp()),  # newest report counts
        ("A.DAILY", "438", "2026-11-21", 1, (NOW - timedelta(hours=3)).timestamp()),  # on time
        ("E.MONTHLY", "438", "2026-10", 1, (NOW - timedelta(days=5)).timestamp()),  # on time
        ("R.DAILY", "438", "2026-11-20", 1, (NOW - timedelta(days=2)).timestamp()),  # overdue since yesterday
    ]
    feeds = department_feeding(cat, for_wall(snapshot(cat, rows)).derived.reports, NOW)
    assert [f.department for f in feeds] == ["REV", "AGR", "EDN"]
    rev, agr, edn = feeds
    assert [k.kpi for k in rev.overdue] == ["R.DAILY", "R.NEVER"] and rev.overdue[1].never_fed
    assert rev.overdue[0].overdue_since == (NOW - timedelta(days=1)).astimezone(UTC)
    last = (NOW - timedelta(days=40)).astimezone(UTC)
    assert agr.oldest is not None
    assert agr.oldest.kpi == "A.MONTHLY" and agr.oldest.overdue_since == last.replace(month=last.month + 1)
    assert edn.on_time and sum(f.on_time for f in feeds) == 1


def test_freshness_tile_counts_departments_on_time(qtbot: QtBot) -> None:
    cat = feeding_catalog()
    rows = [("E.MONTHLY", "438", "2026-10", 1, (NOW - timedelta(days=5)).timestamp()),
            ("A.MONTHLY", "438", "2026-10", 1, (NOW - timedelta(days=40)).timestamp())]
    tile = FreshnessTile(FreshnessOptions(), TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    show(tile, snapshot(cat, rows))
    assert (tile.model.on_time, tile.model.departments) == (1, 3)
    states = {r.department: (r.state, r.since) for r in tile.model.rows}
    assert states["Agriculture"][0] == "late"  # the oldest overdue KPI leads; A.DAILY (never fed) counts too
    assert states["Revenue"] == ("not_fed", "not fed")
    assert states["Education"] == ("fresh", "on time")
    show(tile, snapshot(cat, rows, reachable=False))
    assert tile.model.age.state == "cached"


# --- grievances: codes named by the layout -------------------------------------------------------

GRIEVANCE_OPTIONS = GrievanceOptions(
    pending=("GRV.{department}.OVER30D", "GRV.{department}.OVER90D", "GRV.{department}.OVER1Y"),
    pending_labels=("30 days", "90 days", "a year"), satisfaction="GRV.{department}.HAPPY")


def grievance_snapshot(with_state: bool) -> Snapshot:
    kpis: list[dict[str, Any]] = []
    for dept in ("REV", "EDN"):
        for m, unit, better, alert in (("OVER30D", "count", "lower", None), ("OVER90D", "count", "lower", None),
                                       ("OVER1Y", "count", "lower", (3, 10)), ("HAPPY", "%", "higher", (70, 50))):
            k: dict[str, Any] = {"code": f"GRV.{dept}.{m}", "name": f"Pending {m}", "scheme": f"GRV.{dept}", "_dept": dept, "unit": unit,
                 "better": better, "level": "district", "frequency": "P1D", "aggregate": "mean" if unit == "%" else "sum"}
            if alert:
                k["alert"] = {"warn": alert[0], "critical": alert[1]}
            kpis.append(k)
    cat = catalog(kpis, departments=[("REV", "Revenue"), ("EDN", "Education"), ("AGR", "Agriculture")])
    t = at(2)
    rows: list[tuple[str, str, str, float | None, float]] = []
    for i, d in enumerate(("438", "439", "440")):
        rows += [("GRV.REV.OVER30D", d, "2026-11", 10 * (i + 1), t), ("GRV.REV.OVER90D", d, "2026-11", 4 * (i + 1), t),
                 ("GRV.REV.OVER1Y", d, "2026-11", i + 1, t), ("GRV.REV.HAPPY", d, "2026-11", 60 + 10 * i, t),
                 ("GRV.EDN.OVER30D", d, "2026-11", 5, t), ("GRV.EDN.OVER90D", d, "2026-11", 2, t),
                 ("GRV.EDN.OVER1Y", d, "2026-11", 0, t), ("GRV.EDN.HAPPY", d, "2026-11", 40, t)]
    if with_state:
        rows.append(("GRV.REV.OVER1Y", "24", "2026-11", 99, t))
    ranking = RankingResult(
        period="2026-11", source="central", computed_at=NOW,
        rows=tuple(RankedEntity(d, 7.0, i + 1, "B", by=MappingProxyType({"department": MappingProxyType({"REV": s, "EDN": 3.0})}))
                   for i, (d, s) in enumerate((("438", 9.0), ("439", 8.0), ("440", 7.6)))),
    )
    return snapshot(cat, rows, ranking=ranking)


def test_grievance_figures_roll_up_districts_and_grade_the_department_score() -> None:
    snap = grievance_snapshot(with_state=False)
    assert snap.catalog is not None
    lines = grievance_lines(snap.catalog, GRIEVANCE_OPTIONS)
    assert [line.department for line in lines] == ["REV", "EDN"]  # Agriculture has none of the codes
    kw: dict[str, Any] = {"entity": "24", "thresholds": Thresholds(), "moment": NOW}
    rev, edn = department_grievances(snap.catalog, snap.series, snap.ranking, lines, **kw)
    assert (rev.department, *(p.value for p in rev.pending)) == ("REV", 60, 24, 6)
    assert rev.pending[2].level is None  # a state sum is not judged by a district's threshold
    assert rev.satisfied.value == pytest.approx(70.0) and rev.satisfied.level is None
    assert rev.score == pytest.approx((9.0 + 8.0 + 7.6) / 3) and rev.grade == "A"
    assert (edn.pending[2].value, edn.satisfied.level, edn.grade) == (0, "critical", "D")  # a mean share is judged
    snap = grievance_snapshot(with_state=True)
    assert snap.catalog is not None
    assert department_grievances(snap.catalog, snap.series, snap.ranking, lines, **kw)[0].pending[2].value == 99  # own report


def test_grievance_tile_rows_from_patterns_and_from_explicit_rows(qtbot: QtBot) -> None:
    tile = GrievanceTile(GRIEVANCE_OPTIONS, TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    show(tile, grievance_snapshot(with_state=False))
    model = tile.model
    assert model.pending_labels == ("30 days", "90 days", "a year") and model.satisfaction_label == "closed satisfied"
    assert [r.department for r in model.rows] == ["Revenue", "Education"]
    assert tuple(v.text for v in model.rows[0].pending) == ("60", "24", "6") and model.rows[0].grade == "A"
    assert (model.rows[1].satisfied.text, model.rows[1].satisfied.level) == ("‼ 40%", "critical")
    explicit = GrievanceTile(GrievanceOptions.model_validate({"rows": [
        {"label": "Land records", "pending": ["GRV.REV.OVER30D", "GRV.REV.MISSING"]}]}), TileContext(now=lambda: NOW))
    qtbot.addWidget(explicit)
    show(explicit, grievance_snapshot(with_state=False))
    (row,) = explicit.model.rows
    assert (row.department, tuple(v.text for v in row.pending), row.satisfied, row.grade) == (
        "Land records", ("60", "—"), None, None)
    assert explicit.model.grades is None and explicit.model.satisfaction_label is None


def test_grievance_tile_without_codes_says_what_the_layout_must_name(qtbot: QtBot) -> None:
    for options, text in ((GrievanceOptions(), "set pending and satisfaction in the layout"),
                          (GrievanceOptions(pending=("NOPE.{department}.X",)), "none of the layout's grievance KPIs")):
        tile = GrievanceTile(options, TileContext(now=lambda: NOW))
        qtbot.addWidget(tile)
        show(tile, grievance_snapshot(with_state=False))
        assert isinstance(tile.model, TileMessage) and text in tile.model.text


def test_waiting_for_first_data(qtbot: QtBot) -> None:
    empty = Snapshot(id=0, created_at=NOW, status=SyncStatus("http://test"))
    tiles: list[PaintedTile] = [
        CapacityTile(CapacityOptions(), TileContext(now=lambda: NOW)), AlertsTile(AlertsOptions(), TileContext(now=lambda: NOW)),
        FreshnessTile(FreshnessOptions(), TileContext(now=lambda: NOW)), GrievanceTile(GRIEVANCE_OPTIONS, TileContext(now=lambda: NOW))]
    for tile in tiles:
        qtbot.addWidget(tile)
        show(tile, empty)
        assert isinstance(tile.model, TileMessage) and tile.model.text == "waiting for first data"
        QApplication.processEvents()



def test_alerts_tile_says_how_long_in_the_walls_language_and_never_for_0_min(qtbot: QtBot) -> None:
    cat = catalog([{"code": "STK.O2", "name": "Oxygen stock", "scheme": "HOSP", "unit": "hours",
                    "level": "facility", "frequency": "PT1M", "alert": {"warn": 24, "critical": 12}}], facilities=2)
    rows = [("STK.O2", "F-0001", f"2026-11-22T{h:02d}:00", v, at(10.5 - h)) for h, v in ((7, 30), (8, 11), (9, 10), (10, 9))]
    rows += [("STK.O2", "F-0002", "2026-11-22T10:30", 20, at(0.0))]
    since: dict[str, list[str]] = {}
    for language in ("en", "hi", "gu"):
        tile = AlertsTile(AlertsOptions(), TileContext(language=language, now=lambda: NOW))
        qtbot.addWidget(tile)
        show(tile, snapshot(cat, rows))
        since[language] = [r.since for r in tile.model.rows]
    assert since["en"][0] == "for 2 h"
    assert since["hi"][0] == "2 घंटे से" and since["gu"][0] == "2 કલાકથી"
    # an alert that began this minute (F-0002's only report, received now) is not "for 0 min"
    assert since["en"][1] == "for under a minute" and since["hi"][1] == "एक मिनट से कम से"
    assert not any("for" in s for language in ("hi", "gu") for s in since[language])


def test_alerts_tile_counts_the_rest_in_the_walls_language(qtbot: QtBot) -> None:
    from cmwall.wall.audit import recording, tile_record

    cat = catalog([{"code": "STK.O2", "name": "Oxygen stock", "scheme": "HOSP", "unit": "hours",
                    "level": "facility", "frequency": "PT1M", "alert": {"warn": 24, "critical": 12}}], facilities=3)
    rows = [("STK.O2", f"F-000{i}", "2026-11-22T10:00", 9, at(0.5)) for i in (1, 2, 3)]
    tile = AlertsTile(AlertsOptions(count=1), TileContext(language="hi", now=lambda: NOW))
    qtbot.addWidget(tile)
    tile.resize(640, 480)
    tile.show()
    show(tile, snapshot(cat, rows))
    with recording() as painted:
        tile.grab()
    texts = tile_record(tile, painted, None)["texts"]
    assert "+2 और" in texts and not any("more" in t for t in texts)

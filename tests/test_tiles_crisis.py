"""Capacity, alerts, freshness and grievance figures and tiles on hand-made snapshots."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import MappingProxyType

import pytest
from PySide6.QtWidgets import QApplication

from cmwall.layouts.tile_options import AlertsOptions, CapacityOptions, FreshnessOptions, GrievanceOptions
from cmwall.sync.ranking.result import RankedEntity, RankingResult
from cmwall.widgets.base import TileContext
from cmwall.widgets.capacity_figures import capacity_rows
from cmwall.widgets.feeding import department_feeding
from cmwall.widgets.grievance_figures import department_grievances
from cmwall.widgets.painted_tile import TileMessage
from cmwall.widgets.tiles.alerts_tile import AlertsTile
from cmwall.widgets.tiles.capacity_tile import CapacityTile
from cmwall.widgets.tiles.freshness_tile import FreshnessTile
from cmwall.widgets.tiles.grievance_tile import GrievanceTile

from .hand_snapshots import NOW, at, catalog, snapshot

KINDS = (("GEN", "General"), ("O2", "Oxygen"), ("ICU", "ICU"), ("VENT", "Ventilator"))


def crisis_kpis() -> list[dict]:
    kpis = []
    for kind, name in KINDS:
        kpis.append({"code": f"HFW.BEDS.{kind}.TOTAL", "name": f"{name} total", "scheme": "HOSP", "unit": "beds", "level": "facility", "frequency": "PT15M"})
        kpis.append({"code": f"HFW.BEDS.{kind}.OCC", "name": f"{name} occupied", "scheme": "HOSP", "unit": "beds", "better": "lower", "level": "facility", "frequency": "PT1M"})
    kpis.append({"code": "HFW.O2.STOCK_HOURS", "name": "Oxygen stock", "scheme": "HOSP", "unit": "hours", "level": "facility",
                 "frequency": "PT1M", "alert": {"warn": 24, "critical": 12}})
    return kpis


def beds_rows(facility: str, beds: dict[str, tuple[float, float]], oxygen: float | None) -> list:
    period, t = "2026-11-22T10:00", at(0.01)  # 36 s ago: fresh even for per-minute KPIs
    rows = []
    for kind, _ in KINDS:
        total, occ = beds.get(kind, (100, 50))
        rows += [(f"HFW.BEDS.{kind}.TOTAL", facility, period, total, t), (f"HFW.BEDS.{kind}.OCC", facility, period, occ, t)]
    if oxygen is not None:
        rows.append(("HFW.O2.STOCK_HOURS", facility, period, oxygen, t))
    return rows


@pytest.fixture
def crisis_snapshot():  # type: ignore[no-untyped-def]
    cat = catalog(crisis_kpis(), facilities=4)  # F-0001..4 in 438, 439, 440, 438
    rows = (beds_rows("F-0001", {}, 30)                      # ok
            + beds_rows("F-0002", {"ICU": (20, 20)}, 40)     # ICU full: critical by occupancy
            + beds_rows("F-0003", {}, 8)                     # oxygen critical
            + beds_rows("F-0004", {"GEN": (100, 90)}, 20))   # oxygen warning, general 90 %: warning
    return snapshot(cat, rows)


def test_capacity_most_critical_first(crisis_snapshot) -> None:  # type: ignore[no-untyped-def]
    rows = capacity_rows(crisis_snapshot.catalog, crisis_snapshot.series)
    assert [(r.entity, r.level) for r in rows] == [
        ("F-0003", "critical"), ("F-0002", "critical"), ("F-0004", "warn"), ("F-0001", None)]
    icu = next(b for b in rows[1].beds if b.kind == "icu")
    assert (icu.total, icu.occupied, icu.vacant, icu.occupancy, icu.level) == (20, 20, 0, 100.0, "critical")
    assert rows[0].oxygen_hours == 8 and rows[0].oxygen_level == "critical"


def test_capacity_by_district_sums_beds_and_takes_the_lowest_oxygen(crisis_snapshot) -> None:  # type: ignore[no-untyped-def]
    rows = {r.entity: r for r in capacity_rows(crisis_snapshot.catalog, crisis_snapshot.series, level="district")}
    ahmadabad = rows["438"]  # F-0001 and F-0004
    general = next(b for b in ahmadabad.beds if b.kind == "general")
    assert (general.total, general.occupied, general.vacant) == (200, 140, 60)
    assert ahmadabad.oxygen_hours == 20 and ahmadabad.level == "warn"
    assert list(rows)[0] == "440"  # F-0003's oxygen: critical first


def test_capacity_tile_orders_rows_and_says_unknown_kpis(qtbot, crisis_snapshot) -> None:  # type: ignore[no-untyped-def]
    ctx = TileContext(now=lambda: NOW)
    tile = CapacityTile(CapacityOptions(count=3), ctx)
    qtbot.addWidget(tile)
    tile.apply(crisis_snapshot)
    assert [r.name for r in tile.model.rows] == ["Hospital 3", "Hospital 2", "Hospital 4"]
    assert tile.model.rows[0].oxygen == "‼ 8 h" and tile.model.age.state == "fresh"
    bare = snapshot(catalog([]), [])
    tile.apply(bare)
    assert isinstance(tile.model, TileMessage) and "unknown KPI" in tile.model.text


def test_alerts_tile_lists_critical_first_with_since(qtbot) -> None:  # type: ignore[no-untyped-def]
    cat = catalog([{"code": "HFW.O2.STOCK_HOURS", "name": "Oxygen stock", "scheme": "HOSP", "unit": "hours",
                    "level": "facility", "frequency": "PT1M", "alert": {"warn": 24, "critical": 12}}], facilities=2)
    rows = [("HFW.O2.STOCK_HOURS", "F-0001", f"2026-11-22T{h:02d}:00", v, at(10.5 - h))
            for h, v in ((7, 30), (8, 11), (9, 10), (10, 9))]
    rows += [("HFW.O2.STOCK_HOURS", "F-0002", "2026-11-22T10:00", 20, at(0.5))]
    tile = AlertsTile(AlertsOptions(), TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    tile.apply(snapshot(cat, rows))
    model = tile.model
    assert (model.critical, model.warn) == (1, 1)
    first = model.rows[0]
    assert (first.level, first.place, first.value, first.since) == ("critical", "Hospital 1 · Health & Family Welfare", "‼ 9 h", "for 2 h")
    tile.options = AlertsOptions(minimum="critical")
    tile.apply(snapshot(cat, rows))
    assert [r.level for r in tile.model.rows] == ["critical"]


def feeding_catalog():  # type: ignore[no-untyped-def]
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
    feeds = department_feeding(cat, snapshot(cat, rows).series, NOW)
    assert [f.department for f in feeds] == ["REV", "AGR", "EDN"]
    rev, agr, edn = feeds
    assert [k.kpi for k in rev.overdue] == ["R.DAILY", "R.NEVER"] and rev.overdue[1].never_fed
    assert rev.overdue[0].overdue_since == (NOW - timedelta(days=1)).astimezone(timezone.utc)
    last = (NOW - timedelta(days=40)).astimezone(timezone.utc)
    assert agr.oldest.kpi == "A.MONTHLY" and agr.oldest.overdue_since == last.replace(month=last.month + 1)
    assert edn.on_time and sum(f.on_time for f in feeds) == 1


def test_freshness_tile_counts_departments_on_time(qtbot) -> None:  # type: ignore[no-untyped-def]
    cat = feeding_catalog()
    rows = [("E.MONTHLY", "438", "2026-10", 1, (NOW - timedelta(days=5)).timestamp()),
            ("A.MONTHLY", "438", "2026-10", 1, (NOW - timedelta(days=40)).timestamp())]
    tile = FreshnessTile(FreshnessOptions(), TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    tile.apply(snapshot(cat, rows))
    assert (tile.model.on_time, tile.model.departments) == (1, 3)
    states = {r.department: (r.state, r.since) for r in tile.model.rows}
    assert states["Agriculture"][0] == "late"  # the oldest overdue KPI leads; A.DAILY (never fed) counts too
    assert states["Revenue"] == ("not_fed", "not fed")
    assert states["Education"] == ("fresh", "on time")
    tile.apply(snapshot(cat, rows, reachable=False))
    assert tile.model.age.state == "cached"


def grievance_snapshot(with_state: bool):  # type: ignore[no-untyped-def]
    kpis = []
    for dept in ("REV", "EDN"):
        for m, unit, better, alert in (("PEND50", "count", "lower", None), ("PEND100", "count", "lower", None),
                                       ("PEND300", "count", "lower", (3, 10)), ("SATISFIED", "%", "higher", (70, 50))):
            k = {"code": f"CMHL.{dept}.{m}", "name": m, "scheme": f"CMHL.{dept}", "_dept": dept, "unit": unit,
                 "better": better, "level": "district", "frequency": "P1D"}
            if alert:
                k["alert"] = {"warn": alert[0], "critical": alert[1]}
            kpis.append(k)
    cat = catalog(kpis, departments=[("REV", "Revenue"), ("EDN", "Education")])
    t = at(2)
    rows = []
    for i, d in enumerate(("438", "439", "440")):
        rows += [("CMHL.REV.PEND50", d, "2026-11", 10 * (i + 1), t), ("CMHL.REV.PEND100", d, "2026-11", 4 * (i + 1), t),
                 ("CMHL.REV.PEND300", d, "2026-11", i + 1, t), ("CMHL.REV.SATISFIED", d, "2026-11", 60 + 10 * i, t),
                 ("CMHL.EDN.PEND50", d, "2026-11", 5, t), ("CMHL.EDN.PEND100", d, "2026-11", 2, t),
                 ("CMHL.EDN.PEND300", d, "2026-11", 0, t), ("CMHL.EDN.SATISFIED", d, "2026-11", 40, t)]
    if with_state:
        rows.append(("CMHL.REV.PEND300", "24", "2026-11", 99, t))
    ranking = RankingResult(
        period="2026-11", source="central", computed_at=NOW,
        rows=tuple(RankedEntity(d, 7.0, i + 1, "B", by=MappingProxyType({"department": MappingProxyType({"REV": s, "EDN": 3.0})}))
                   for i, (d, s) in enumerate((("438", 9.0), ("439", 8.0), ("440", 7.6)))),
    )
    return snapshot(cat, rows, ranking=ranking)


def test_grievance_figures_sum_districts_and_grade_the_department_score() -> None:
    snap = grievance_snapshot(with_state=False)
    rev, edn = department_grievances(snap.catalog, snap.series, snap.ranking)
    assert (rev.department, rev.pending_50, rev.pending_100, rev.pending_300) == ("REV", 60, 24, 6)
    assert rev.satisfied == pytest.approx(70.0)
    assert rev.score == pytest.approx((9.0 + 8.0 + 7.6) / 3) and rev.grade == "A"
    assert (edn.pending_300, edn.grade) == (0, "D")
    snap = grievance_snapshot(with_state=True)
    assert department_grievances(snap.catalog, snap.series, snap.ranking)[0].pending_300 == 99  # the state's own report


def test_grievance_tile_rows(qtbot) -> None:  # type: ignore[no-untyped-def]
    tile = GrievanceTile(GrievanceOptions(), TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    tile.apply(grievance_snapshot(with_state=False))
    rows = tile.model.rows
    assert [r.department for r in rows] == ["Revenue", "Education"]
    assert rows[0].pending == ("60", "24", "6") and rows[0].grade == "A"
    assert (rows[1].satisfied, rows[1].satisfied_level) == ("‼ 40%", "critical")


def test_waiting_for_first_data(qtbot) -> None:  # type: ignore[no-untyped-def]
    from cmwall.sync.snapshot import Snapshot, SyncStatus

    empty = Snapshot(id=0, created_at=NOW, status=SyncStatus("http://test"))
    for cls, opts in ((CapacityTile, CapacityOptions()), (AlertsTile, AlertsOptions()),
                      (FreshnessTile, FreshnessOptions()), (GrievanceTile, GrievanceOptions())):
        tile = cls(opts, TileContext(now=lambda: NOW))
        qtbot.addWidget(tile)
        tile.apply(empty)
        assert isinstance(tile.model, TileMessage) and tile.model.text == "waiting for first data"
        QApplication.processEvents()


def test_alerts_tile_can_be_limited_to_crisis_kpis(qtbot) -> None:  # type: ignore[no-untyped-def]
    cat = catalog([
        {"code": "HFW.O2.STOCK_HOURS", "name": "Oxygen stock", "scheme": "HOSP", "unit": "hours",
         "level": "facility", "frequency": "PT1M", "alert": {"warn": 24, "critical": 12}},
        {"code": "CMHL.REV.PEND300", "name": "Pending over 300 days", "scheme": "HOSP", "unit": "count",
         "better": "lower", "level": "facility", "frequency": "P1D", "alert": {"warn": 25, "critical": 45}},
    ], facilities=1)
    rows = [("HFW.O2.STOCK_HOURS", "F-0001", "2026-11-22T10:00", 9, at(0.5)),
            ("CMHL.REV.PEND300", "F-0001", "2026-11-22", 60, at(0.5))]
    every = AlertsTile(AlertsOptions(), TileContext(now=lambda: NOW))
    crisis = AlertsTile(AlertsOptions(kpis=("HFW.BEDS.", "HFW.O2.")), TileContext(now=lambda: NOW))
    for tile in (every, crisis):
        qtbot.addWidget(tile)
        tile.apply(snapshot(cat, rows))
    assert every.model.critical == 2
    assert crisis.model.critical == 1 and crisis.model.rows[0].value.endswith("9 h")

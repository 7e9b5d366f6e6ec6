"""sync/alerts.py on hand-made snapshots: thresholds both ways, the catalog's and the
layout's, occupancy of used/total pairs, since when, order, and nothing judged."""

from __future__ import annotations

from datetime import UTC, datetime

from cmwall.sync.alerts import active_alerts, alert_level, count_by_level, judge
from cmwall.sync.thresholds import Band, Thresholds
from cmwall.wall.status_text import alerts_item

from .hand_snapshots import at, catalog, kpi_of, snapshot
from .test_tiles_crisis import OCCUPANCY_90, city_catalog, city_rows

HIGHER = {"code": "PMJAY.CARDS", "name": "Cards", "scheme": "PMJAY", "unit": "%", "better": "higher",
          "level": "district", "alert": {"warn": 60, "critical": 40}}
LOWER = {"code": "CMHL.REV.PEND300", "name": "Pending > 300 d", "scheme": "CMHL.REV", "unit": "count", "better": "lower",
         "level": "district", "frequency": "P1D", "alert": {"warn": 3, "critical": 10}}
OXYGEN = {"code": "HFW.O2.STOCK_HOURS", "name": "Oxygen", "scheme": "HOSP", "unit": "hours", "better": "higher",
          "level": "facility", "frequency": "PT1M", "alert": {"warn": 24, "critical": 12}}


def test_levels_follow_better_and_thresholds_are_not_past_when_equal() -> None:
    cat = catalog([dict(HIGHER), dict(LOWER)])
    higher, lower = kpi_of(cat, "PMJAY.CARDS"), kpi_of(cat, "CMHL.REV.PEND300")
    assert [alert_level(higher, v) for v in (30, 40, 50, 60, 70)] == ["critical", "warn", "warn", None, None]
    assert [alert_level(lower, v) for v in (11, 10, 5, 3, 0)] == ["critical", "warn", "warn", None, None]
    assert alert_level(higher, None) is None


def test_since_is_the_start_of_the_run_at_least_as_bad() -> None:
    cat = catalog([dict(HIGHER)])
    months = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    # 438: critical now (39), critical since Sep (38); Aug was only a warning.
    # 439: warning now (50); Jul was critical, still "at least as bad": warning since Jun (55).
    # 440: critical, with a null report in between that neither breaks nor extends the run.
    values: dict[str, list[float | None]] = {"438": [70, 35, 30, 50, 38, 39], "439": [70, 55, 30, 58, 59, 50], "440": [80, 80, 80, 35, None, 30]}
    rows = [("PMJAY.CARDS", e, m, v, at(24 * (6 - i))) for e, vs in values.items() for i, (m, v) in enumerate(zip(months, vs))]
    alerts = {a.entity: a for a in active_alerts(snapshot(cat, rows))}
    assert (alerts["438"].level, alerts["438"].since_period) == ("critical", "2026-09")
    assert (alerts["439"].level, alerts["439"].since_period) == ("warn", "2026-06")
    assert (alerts["440"].level, alerts["440"].since_period) == ("critical", "2026-08")
    assert alerts["438"].since == datetime.fromtimestamp(at(24 * 2), UTC)
    assert alerts["438"].value == 39 and alerts["438"].threshold == 40


def test_latest_null_or_within_bounds_raises_nothing() -> None:
    cat = catalog([dict(HIGHER)])
    rows = [("PMJAY.CARDS", "438", "2026-09", 20, at(48)), ("PMJAY.CARDS", "438", "2026-10", None, at(24)),
            ("PMJAY.CARDS", "439", "2026-09", 20, at(48)), ("PMJAY.CARDS", "439", "2026-10", 75, at(24))]
    assert active_alerts(snapshot(cat, rows)) == []


def test_only_the_kpis_own_level_is_judged() -> None:
    cat = catalog([dict(LOWER)])
    rows = [("CMHL.REV.PEND300", "24", "2026-10", 240, at(1)), ("CMHL.REV.PEND300", "438", "2026-10", 2, at(1))]
    assert active_alerts(snapshot(cat, rows)) == []  # the state's sum is not a district figure


def test_critical_first_then_fast_reported_then_furthest() -> None:
    cat = catalog([dict(LOWER), dict(OXYGEN), dict(HIGHER)], facilities=2)
    rows = [
        ("CMHL.REV.PEND300", "438", "2026-10", 200, at(5)),  # critical, 1900 % past, daily
        ("HFW.O2.STOCK_HOURS", "F-0001", "2026-11-22T10:00", 11.5, at(0.1)),  # critical, barely, every minute
        ("HFW.O2.STOCK_HOURS", "F-0002", "2026-11-22T10:00", 20, at(0.1)),  # warning
        ("PMJAY.CARDS", "439", "2026-10", 39, at(5)),  # critical, monthly
        ("PMJAY.CARDS", "440", "2026-10", 55, at(5)),  # warning
    ]
    alerts = active_alerts(snapshot(cat, rows))
    assert [(a.kpi, a.entity) for a in alerts] == [
        ("HFW.O2.STOCK_HOURS", "F-0001"), ("CMHL.REV.PEND300", "438"), ("PMJAY.CARDS", "439"),
        ("HFW.O2.STOCK_HOURS", "F-0002"), ("PMJAY.CARDS", "440"),
    ]
    assert count_by_level(alerts) == {"critical": 3, "warn": 2}


# --- thresholds from the layout, occupancy of used/total pairs, nothing judged -------------------

UNJUDGED = {"code": "PMJAY.CARDS", "name": "Cards", "scheme": "PMJAY", "unit": "%", "better": "higher", "level": "district"}


def test_the_layout_judges_what_the_catalog_leaves_unjudged_and_the_catalog_wins() -> None:
    cat = catalog([dict(UNJUDGED), dict(HIGHER, code="OTHER")])
    rows = [("PMJAY.CARDS", "438", "2026-10", 45, at(5)), ("OTHER", "438", "2026-10", 45, at(5))]
    assert [a.kpi for a in active_alerts(snapshot(cat, rows))] == ["OTHER"]  # only the catalog's alert
    layout = Thresholds(kpis={"PMJAY.CARDS": Band(warn=50, critical=46), "OTHER": Band(warn=10, critical=5)})
    alerts = {a.kpi: a for a in active_alerts(snapshot(cat, rows), layout)}
    assert (alerts["PMJAY.CARDS"].level, alerts["PMJAY.CARDS"].threshold, alerts["PMJAY.CARDS"].source) == ("critical", 46, "layout")
    assert (alerts["OTHER"].level, alerts["OTHER"].threshold, alerts["OTHER"].source) == ("warn", 60, "catalog")


def test_occupancy_of_every_pair_is_judged_at_or_above_the_layouts_threshold() -> None:
    snap = snapshot(city_catalog(), city_rows())  # hospitals parented to the state, no thresholds in the catalog
    judgement = judge(snap, OCCUPANCY_90)
    assert (judgement.measures, judgement.figures) == (2, 5)
    critical, warn = judgement.alerts
    assert (critical.entity, critical.kpi, critical.total_kpi, critical.level) == ("H1", "TOWN.BED.ICU.USED", "TOWN.BED.ICU.CAP", "critical")
    assert (critical.value, critical.threshold, critical.used, critical.total, critical.free) == (96.0, 90.0, 48, 50, 2)
    assert critical.since_period == "2026-11-22T09:00"  # 46 of 50 then: 92 %; at 08:00, 80 % was only a warning
    assert (warn.entity, warn.level, warn.value) == ("H2", "warn", 85.0)
    exactly = judge(snap, Thresholds(occupancy=Band(warn=None, critical=96.0))).alerts
    assert [(a.entity, a.level) for a in exactly] == [("H1", "critical")]  # 96 % at a threshold of 96 % is past it


def test_pairs_declared_by_the_layout_are_judged_when_the_catalog_declares_none() -> None:
    snap = snapshot(city_catalog(pairs=False), city_rows())
    assert judge(snap, OCCUPANCY_90).measures == 0
    layout = Thresholds(occupancy=OCCUPANCY_90.occupancy, pairs=(("TOWN.BED.ICU.USED", "TOWN.BED.ICU.CAP"),))
    assert [(a.entity, a.level) for a in judge(snap, layout).alerts] == [("H1", "critical"), ("H2", "warn")]


def test_nothing_judged_is_not_all_clear_on_the_status_strip() -> None:
    bare = snapshot(city_catalog(pairs=False), city_rows())
    judgement = judge(bare, Thresholds())
    assert (judgement.measures, judgement.figures, judgement.alerts) == (0, 0, ())
    assert (alerts_item(0, 0, "en", 0, bare).text, alerts_item(0, 0, "en", 0, bare).tone) == ("Alerts: nothing judged", "dim")
    assert alerts_item(0, 0, "en", None, None).text == "Alerts: waiting for data"
    assert (alerts_item(0, 0, "en", 5, bare).text, alerts_item(0, 0, "en", 5, bare).tone) == ("No active alerts", "ok")
    assert alerts_item(1, 2, "en", 5, bare).tone == "critical"


def test_one_snapshot_is_judged_once_for_the_strip_and_every_alerts_tile() -> None:
    snap = snapshot(city_catalog(), city_rows())
    everything = judge(snap, OCCUPANCY_90)
    general_only = judge(snap, OCCUPANCY_90, lambda *codes: any(".GEN." in c for c in codes))
    assert judge(snap, OCCUPANCY_90).alerts == everything.alerts
    assert everything.alerts and not general_only.alerts  # both alerts are ICU: filtered, not re-judged
    assert (general_only.measures, everything.measures) == (1, 2)
    # the same rows judged in another snapshot object, or by other thresholds, are judged afresh
    calmer = judge(snapshot(city_catalog(), city_rows()), Thresholds(occupancy=Band(None, 99.0)))
    assert not calmer.alerts and everything.alerts

"""Alerts judged poll after poll, only for the KPIs a poll changed, are the alerts a full
judgement of the same data finds: sync/alerts.py `measure_all` (vectorised, each KPI's
judgement kept with its immutable series) and sync/derive.py `derive(previous=...)` (the
last snapshot's judgements and report times kept where the series did not change) against
tests/alerts_reference.py (the one-call-per-figure rule it replaced), alert for alert,
over random polls."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import Any

from cmwall.sync.alerts import measure_all
from cmwall.sync.derive import derive
from cmwall.sync.derived_facts import Wants
from cmwall.sync.series import Row, apply_rows, frozen
from cmwall.sync.thresholds import Band, Thresholds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .alerts_reference import reference_measure_all
from .hand_snapshots import at, catalog, snapshot

KPIS: list[dict[str, Any]] = [
    {"code": "K.HIGH", "name": "High", "scheme": "S", "unit": "%", "better": "higher", "level": "district",
     "alert": {"warn": 60, "critical": 40}},
    {"code": "K.LOW", "name": "Low", "scheme": "S", "unit": "count", "better": "lower", "level": "district",
     "frequency": "P1D", "alert": {"warn": 3, "critical": 10}},
    {"code": "K.WARN", "name": "Warn only", "scheme": "S", "better": "lower", "alert": {"warn": 50}},
    {"code": "K.LAYOUT", "name": "Layout's band", "scheme": "S", "better": "higher", "level": "district"},
    {"code": "K.O2", "name": "Oxygen", "scheme": "H", "unit": "hours", "better": "higher", "level": "facility",
     "frequency": "PT1M", "alert": {"warn": 24, "critical": 12}},
    {"code": "K.BEDS", "name": "Beds in use", "scheme": "H", "level": "facility", "capacity_of": "K.BEDS_ALL"},
    {"code": "K.BEDS_ALL", "name": "Beds", "scheme": "H", "level": "facility"},
]
THRESHOLDS = (
    Thresholds(),
    Thresholds(occupancy=Band(warn=80.0, critical=90.0), kpis=MappingProxyType({"K.LAYOUT": Band(50.0, 20.0)})),
    Thresholds(occupancy=Band(critical=70.0),  # the catalog's band wins over K.HIGH's
               kpis=MappingProxyType({"K.HIGH": Band(warn=1.0), "K.LAYOUT": Band(warn=70.0)})),
)
PLACES = ("24", "438", "439", "440", "F-0001", "F-0002", "F-0003")
PERIODS = ("2026-08", "2026-09", "2026-10", "2026-10-02", "2026-10-03", "2026-11-22T10:05", "2026-11-22T10:40",
           "2026-11-22T11:10")

rows = st.tuples(
    st.sampled_from([k["code"] for k in KPIS]), st.sampled_from(PLACES), st.sampled_from(PERIODS),
    st.one_of(st.none(), st.sampled_from([0.0, 2.0, 3.0, 5.0, 11.0, 12.0, 20.0, 24.0, 39.0, 40.0, 55.0, 60.0, 75.0, 95.0]),
              st.floats(-10, 150, allow_nan=False)),
    st.floats(0, 2000),
)
polls = st.lists(st.lists(rows, min_size=1, max_size=12), min_size=1, max_size=8)


def _sorted_by_kpi(batch: list[tuple[str, str, str, float | None, float]]) -> list[Row]:
    return [(k, e, p, v, at(h)) for k, e, p, v, h in sorted(batch, key=lambda r: r[0])]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(polls)
def test_judging_poll_by_poll_finds_what_judging_everything_finds(batches: list[list[Any]]) -> None:
    cat = catalog([dict(k) for k in KPIS], facilities=3)
    snap = snapshot(cat, _sorted_by_kpi(batches[0]))
    wants = Wants(THRESHOLDS)
    derived = derive(snap, wants)
    for batch in [*batches[1:], []]:
        for thresholds in THRESHOLDS:
            expected = reference_measure_all(snap, cat, thresholds)
            assert measure_all(snap, cat, thresholds) == expected
            assert derived.derived.measures_for(thresholds) == expected  # derived from the snapshot before
        assert derived.derived.reports == derive(snap, wants).derived.reports
        if batch:
            snap = replace(snap, series=frozen(apply_rows(snap.series, _sorted_by_kpi(batch))))
            derived = derive(snap, wants, previous=derived)


def test_a_poll_rejudges_what_it_changed_and_keeps_the_rest() -> None:
    cat = catalog([dict(k) for k in KPIS], facilities=3)
    snap = snapshot(cat, [("K.HIGH", "438", "2026-10", 70.0, at(5)), ("K.LOW", "438", "2026-10", 1.0, at(5))])
    before = dict((codes, found) for codes, _judged, found in measure_all(snap, cat, Thresholds()))
    assert before[("K.HIGH",)] == () and before[("K.LOW",)] == ()
    changed = replace(snap, series=frozen(apply_rows(snap.series, [("K.HIGH", "438", "2026-11", 35.0, at(1))])))
    after = dict((codes, found) for codes, _judged, found in measure_all(changed, cat, Thresholds()))
    assert [(a.level, a.period, a.since_period) for a in after[("K.HIGH",)]] == [("critical", "2026-11", "2026-11")]
    assert after[("K.LOW",)] is before[("K.LOW",)]  # the same series: its judgement kept, not redone
    # Another catalog places entities anew: nothing judged under the old one is reused.
    other = catalog([dict(k, level="state") if k["code"] == "K.HIGH" else dict(k) for k in KPIS], facilities=3)
    assert dict((c, f) for c, _j, f in measure_all(changed, other, Thresholds()))[("K.HIGH",)] == ()

"""Freshness facts are worked out once on the sync side and carried by the snapshot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from cmwall.sync.contract import Kpi
from cmwall.sync.derive import derive
from cmwall.sync.derived_facts import Wants
from cmwall.sync.freshness import overdue_since
from cmwall.sync.report_times import NO_REPORTS, kpi_reports, overdue_seconds
from cmwall.widgets.data_age import kpi_age

from .hand_snapshots import NOW, at, catalog, kpi_of, snapshot

KPIS = [
    {"code": "O2", "name": "Oxygen", "scheme": "CRISIS", "unit": "t", "frequency": "PT15M"},
    {"code": "OPD", "name": "OPD visits", "scheme": "OPD", "unit": "count", "frequency": "P1M"},
]


def stamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def test_each_place_counts_the_report_of_its_newest_period() -> None:
    cat = catalog([dict(k) for k in KPIS])
    # 438's newest period was reported 1 h ago; a correction of its older period came 10 min ago.
    rows = [("O2", "438", "2026-11-22T09:00", 5.0, at(1.0)), ("O2", "438", "2026-11-22T08:00", 4.0, at(1 / 6)),
            ("O2", "439", "2026-11-22T10:00", None, at(0.5))]
    snap = snapshot(cat, rows)
    reports = kpi_reports(kpi_of(cat, "O2"), snap.series["O2"])
    assert reports.latest == {"438": at(1.0), "439": at(0.5)}  # a null report is a report
    assert reports.due["438"] == stamp(at(1.0)) + timedelta(minutes=15)
    assert reports.newest == at(1 / 6) and reports.newest_due == stamp(at(1 / 6)) + timedelta(minutes=15)
    assert reports.newest_among(["438", "440"]) == (at(1.0), "438")
    assert kpi_reports(kpi_of(cat, "O2"), snap.series["O2"]) is reports  # worked out once per series


def test_monthly_kpis_fall_due_a_calendar_month_later() -> None:
    cat = catalog([dict(k) for k in KPIS])
    jan31 = datetime(2026, 1, 31, 12, tzinfo=UTC).timestamp()
    snap = snapshot(cat, [("OPD", "438", "2026-01", 10.0, jan31)])
    reports = kpi_reports(kpi_of(cat, "OPD"), snap.series["OPD"])
    assert reports.due["438"] == datetime(2026, 2, 28, 12, tzinfo=UTC)
    assert kpi_reports(kpi_of(cat, "OPD"), None) is NO_REPORTS


def test_the_snapshot_carries_them_and_the_screens_only_compare_with_their_clock() -> None:
    cat = catalog([dict(k) for k in KPIS])
    raw = snapshot(cat, [("O2", "438", "2026-11-22T10:00", 5.0, at(1.0))])
    derived = derive(raw, Wants())
    o2 = kpi_of(cat, "O2")
    assert derived.derived.reports_of("O2") == kpi_reports(o2, raw.series["O2"])
    assert derived.derived.reports_of("OPD") == NO_REPORTS
    late = kpi_age(derived, o2, ["438"], NOW, str)
    assert (late.state, late.text) == ("late", "overdue since 22 Nov 10:15")
    fresh = kpi_age(derived, o2, ["438"], NOW - timedelta(minutes=50), str)
    assert (fresh.state, fresh.text) == ("fresh", "updated 10 min ago")
    # A snapshot nobody derived: unknown, never "fresh" nor "not fed" by a guess on the GUI thread.
    assert kpi_age(raw, o2, ["438"], NOW, str).text == "freshness unknown"
    assert kpi_age(derived, kpi_of(cat, "OPD"), ["438"], NOW, str).text == "not fed yet"


def test_overdue_moments_as_arrays_agree_with_overdue_since_to_the_second() -> None:
    moments = [datetime(2024, 1, 31, 12, 30, 15, tzinfo=UTC), datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC),
               datetime(2025, 12, 31, 0, 0, tzinfo=UTC), datetime(2026, 3, 15, 6, 0, tzinfo=UTC),
               datetime(1999, 11, 30, 1, 2, 3, tzinfo=UTC)]
    times = np.array([m.timestamp() for m in moments] + [moments[0].timestamp() + 0.25, np.nan])
    base = dict(KPIS[1])
    for frequency in ("P1M", "P3M", "P1Y", "P1Y2M3DT4H5M6S", "PT15M", "P7D", "P2W", "nonsense", ""):
        kpi = Kpi.model_validate({**base, "frequency": frequency})
        due = overdue_seconds(frequency, times)
        for reported, got in zip(times[:-1], due[:-1]):
            assert got == overdue_since(kpi, stamp(float(reported))).timestamp(), (frequency, stamp(float(reported)))
        assert np.isnan(due[-1])  # no report: no deadline

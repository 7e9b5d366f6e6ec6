"""Each entity's newest report time is worked out once per series and kept with it: what
report times and feed quality read is exactly what `KpiSeries.latest` says, per entity."""

from __future__ import annotations

import numpy as np
from cmwall.sync.contract import Kpi
from cmwall.sync.report_times import kpi_reports
from cmwall.sync.series import KpiSeries, apply_rows

KPI = Kpi.model_validate({"code": "K", "name": "K", "scheme": "S"})


def test_latest_reported_is_latest_per_entity_once_per_series() -> None:
    series = apply_rows({}, [("K", "A", "2026-09", 1.0, 10.0), ("K", "A", "2026-10", None, 30.0),
                             ("K", "B", "2026-09", 2.0, 20.0), ("K", "C", "2026-08-03", 3.0, 20.0),
                             ("K", "D", "2026-11-02T10:15", 4.0, 5.0)])["K"]
    latest = series.latest_reported
    want = [None if (got := series.latest(e)) is None else got[2] for e in series.entities]
    assert [None if np.isnan(t) else float(t) for t in latest] == want == [30.0, 20.0, 20.0, 5.0]
    assert series.latest_reported is latest and not latest.flags.writeable
    assert series.latest_reported_distinct.tolist() == [5.0, 20.0, 30.0]
    held, distinct = series.latest_reported, series.latest_reported_distinct
    assert held is latest and distinct is series.latest_reported_distinct
    reports = kpi_reports(KPI, series)
    assert reports.newest == 30.0 and dict(reports.latest) == {"A": 30.0, "B": 20.0, "C": 20.0, "D": 5.0}


def test_a_series_without_reports_has_none() -> None:
    empty = KpiSeries("K", ("A", "B"), ("2026-09",), np.full((2, 1), np.nan), np.full((2, 1), np.nan))
    assert np.isnan(empty.latest_reported).all() and empty.latest_reported_distinct.size == 0
    assert kpi_reports(KPI, empty).newest is None and dict(kpi_reports(KPI, empty).latest) == {}
    no_columns = KpiSeries("K", ("A",), (), np.empty((1, 0)), np.empty((1, 0)))
    assert np.isnan(no_columns.latest_reported).all()

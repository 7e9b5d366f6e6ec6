"""sync/alerts.py's judging as it was before it was vectorised and kept per series: one
Python call per entity and per past observation. The property test
(tests/test_alerts_incremental.py) holds the fast path to it, alert for alert."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping

import numpy as np
from cmwall.sync.alerts import ActiveAlert, Measure, _utc
from cmwall.sync.contract import Catalog, Kpi
from cmwall.sync.series import KpiSeries
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.thresholds import (
    SEVERITY,
    AlertLevel,
    Band,
    Thresholds,
    capacity_pairs,
    kpi_band,
    level_in_band,
    occupancy_level,
)


def reference_measure_all(snapshot: Snapshot, catalog: Catalog, thresholds: Thresholds) -> tuple[Measure, ...]:
    """The judgement of every KPI with a band and every used/total pair under `thresholds`.
    The costly part of judging: the sync thread does it once per snapshot (sync/derive.py)."""
    measures: list[Measure] = []
    for kpi in catalog.kpis:
        band, source = kpi_band(kpi, thresholds)
        if band is not None:
            judged, found = _judge_kpi(catalog, snapshot.series.get(kpi.code), kpi, band, source)
            measures.append(((kpi.code,), judged, tuple(found)))
    if thresholds.judges_occupancy:
        for used, total in capacity_pairs(catalog, thresholds):
            judged, found = _judge_pair(catalog, snapshot.series, used, total, thresholds)
            measures.append(((used.code, total.code), judged, tuple(found)))
    return tuple(measures)


def _judged_entities(catalog: Catalog, kpi: Kpi, series: KpiSeries) -> list[str]:
    """The entities of `kpi`'s own level (all, when the KPI names no level)."""
    if kpi.level is None:
        return list(series.entities)
    return [e for e in series.entities if catalog.level_of(e) in (kpi.level, None)]


def _judge_kpi(catalog: Catalog, series: KpiSeries | None, kpi: Kpi, band: Band, source: str) -> tuple[int, list[ActiveAlert]]:
    if series is None:
        return 0, []
    judged, alerts = 0, []
    for entity in _judged_entities(catalog, kpi, series):
        latest = series.latest(entity)
        if latest is None:
            continue
        period, value, reported_at = latest
        if value is None:
            continue
        judged += 1
        level = level_in_band(value, band, kpi.better)
        if level is None:
            continue
        threshold = band.critical if level == "critical" else band.warn
        assert threshold is not None
        since_period, since_at = run_start(series, entity, level, lambda v, _: level_in_band(v, band, kpi.better))
        alerts.append(ActiveAlert(
            kpi=kpi.code, entity=entity, level=level, value=value, threshold=threshold, period=period,
            reported_at=_utc(reported_at), since_period=since_period, since=_utc(since_at),
            severity=abs(value - threshold) / (abs(threshold) or 1.0), source=source,
        ))
    return judged, alerts


def _judge_pair(catalog: Catalog, series: Mapping[str, KpiSeries], used: Kpi, total: Kpi,
                thresholds: Thresholds) -> tuple[int, list[ActiveAlert]]:
    used_series = series.get(used.code)
    total_series = series.get(total.code)
    if used_series is None or total_series is None:
        return 0, []
    judged, alerts = 0, []
    for entity in _judged_entities(catalog, used, used_series):
        latest, capacity = used_series.latest(entity), total_series.latest(entity)
        if latest is None or capacity is None:
            continue
        period, value, reported_at = latest
        total_value = capacity[1]
        if value is None or total_value is None or total_value <= 0:
            continue  # occupancy unknown: a total of 0 or none says nothing about how full a place is
        share = 100.0 * value / total_value
        judged += 1
        level = occupancy_level(share, thresholds)
        if level is None:
            continue
        threshold = thresholds.occupancy.critical if level == "critical" else thresholds.occupancy.warn
        assert threshold is not None
        totals = _carried(total_series, entity)
        since_period, since_at = run_start(used_series, entity, level,
                                           _occupancy_judge(used_series, entity, totals, thresholds))
        alerts.append(ActiveAlert(
            kpi=used.code, entity=entity, level=level, value=share, threshold=threshold, period=period,
            reported_at=_utc(reported_at), since_period=since_period, since=_utc(since_at),
            severity=abs(share - threshold) / (abs(threshold) or 1.0), source="layout",
            total_kpi=total.code, used=value, total=total_value,
        ))
    return judged, alerts


def _occupancy_judge(used_series: KpiSeries, entity: str, totals: tuple[list[str], list[float]],
                     thresholds: Thresholds) -> Callable[[float, int], AlertLevel | None]:
    """How full `entity` was at one past used observation (value, column), for `run_start`."""
    def level_of(value: float, column: int) -> AlertLevel | None:
        return occupancy_level(_share(value, totals, used_series, entity, column), thresholds)
    return level_of


def _carried(series: KpiSeries, entity: str) -> tuple[list[str], list[float]]:
    """An entity's reported (period, value) of `series`, ascending, nulls left out."""
    row = series.row_of(entity)
    if row is None:
        return [], []
    periods, values = [], []
    for col in np.flatnonzero(~np.isnan(series.reported_at[row])):
        value = float(series.values[row, col])
        if not np.isnan(value):
            periods.append(series.period_at(row, int(col)))
            values.append(value)
    return periods, values


def _share(used: float, totals: tuple[list[str], list[float]], series: KpiSeries, entity: str, col: int) -> float | None:
    """Occupancy of a past used observation against the total known at its period."""
    row = series.row_of(entity)
    assert row is not None
    periods, values = totals
    at = bisect.bisect_right(periods, series.period_at(row, col))
    if at == 0 or values[at - 1] <= 0:
        return None
    return 100.0 * used / values[at - 1]


def run_start(series: KpiSeries, entity: str, level: AlertLevel,
              level_of: Callable[[float, int], AlertLevel | None]) -> tuple[str, float]:
    """(period, reported_at) of the first observation of the trailing run at `level` or worse;
    `level_of(value, column)` judges one past observation."""
    row = series.row_of(entity)
    assert row is not None
    seen = np.flatnonzero(~np.isnan(series.reported_at[row]))
    first = int(seen[-1])
    for col in seen[::-1]:
        value = float(series.values[row, col])
        if np.isnan(value):
            continue  # reported as not available: neither extends nor breaks the run
        if SEVERITY[level_of(value, int(col))] < SEVERITY[level]:
            break
        first = int(col)
    return series.period_at(row, first), float(series.reported_at[row, first])

"""sync/alerts.py's judging of single KPIs as it was before it was vectorised and kept per
series: one Python call per entity and per past observation. The property test
(tests/test_alerts_incremental.py) holds the fast path to it, alert for alert. Used/total
pairs are still judged that way in sync/alerts.py, so their judging (and `run_start`,
the walk back through past observations) is taken from there rather than copied."""

from __future__ import annotations

from cmwall.sync.alerts import ActiveAlert, Measure, _judge_pair, _utc, run_start
from cmwall.sync.contract import Catalog, Kpi
from cmwall.sync.series import KpiSeries
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.thresholds import (
    Band,
    Thresholds,
    capacity_pairs,
    kpi_band,
    level_in_band,
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

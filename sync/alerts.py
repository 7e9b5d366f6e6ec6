"""Which KPI values are past their catalog alert thresholds right now.

The status strip counts them and the alerts tile lists them, so the rule lives in
one Qt-free place: for every KPI with an `alert` in the catalog, the latest
observation of each entity is compared with `warn` and `critical`, in the direction
of the KPI's `better` (for `lower`, a value above `critical` is critical). A value
reported as null is not an alert (it is a freshness problem, shown elsewhere).

Only entities of the KPI's own `level` are judged (a state total of a district
KPI, e.g. the sum of pending complaints, is not compared with district thresholds).
Order: critical first; then the KPIs reported most often (an oxygen stock reported
every minute needs action now, a monthly backlog is a review matter); then the
furthest past its threshold.

How long it has been so: `since` is the first observation of the unbroken run of
observations, up to the latest, that were at least as bad as the current level
(observations reported as null are skipped: they neither extend nor break the run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

import numpy as np

from .contract import Kpi
from .freshness import add_duration
from .series import KpiSeries
from .snapshot import Snapshot

AlertLevel = Literal["warn", "critical"]


@dataclass(frozen=True)
class ActiveAlert:
    kpi: str
    entity: str
    level: AlertLevel
    value: float
    threshold: float  # the threshold that was crossed
    period: str
    reported_at: datetime
    since_period: str | None = None  # period of the first observation of the run
    since: datetime | None = None  # reported_at of the first observation of the run
    severity: float = 0.0  # how far past the threshold, relative to it (0.25 = 25 % past)

    @property
    def is_critical(self) -> bool:
        return self.level == "critical"


def alert_level(kpi: Kpi, value: float | None) -> AlertLevel | None:
    """'critical', 'warn' or None for `value` of `kpi` (thresholds follow `better`)."""
    if value is None or kpi.alert is None:
        return None
    lower_is_better = kpi.better == "lower"

    def past(threshold: float | None) -> bool:
        if threshold is None:
            return False
        return value > threshold if lower_is_better else value < threshold

    if past(kpi.alert.critical):
        return "critical"
    if past(kpi.alert.warn):
        return "warn"
    return None


def active_alerts(snapshot: Snapshot) -> list[ActiveAlert]:
    """Every alert of `snapshot`, critical first, then the furthest past its threshold."""
    catalog = snapshot.catalog
    if catalog is None:
        return []
    alerts: list[tuple[float, ActiveAlert]] = []
    for kpi in catalog.kpis:
        if kpi.alert is None:
            continue
        series = snapshot.series.get(kpi.code)
        if series is None:
            continue
        for entity in series.entities:
            known = catalog.entity(entity)
            if kpi.level is not None and known is not None and known.level != kpi.level:
                continue
            latest = series.latest(entity)
            if latest is None:
                continue
            period, value, reported_at = latest
            level = alert_level(kpi, value)
            if level is None or value is None:
                continue
            threshold = kpi.alert.critical if level == "critical" else kpi.alert.warn
            assert threshold is not None
            scale = abs(threshold) or 1.0
            severity = abs(value - threshold) / scale
            since_period, since_at = run_start(kpi, series, entity, level)
            alert = ActiveAlert(
                kpi=kpi.code,
                entity=entity,
                level=level,
                value=value,
                threshold=threshold,
                period=period,
                reported_at=datetime.fromtimestamp(reported_at, timezone.utc),
                since_period=since_period,
                since=datetime.fromtimestamp(since_at, timezone.utc),
                severity=severity,
            )
            alerts.append((severity, alert))
    cadence = {k.code: _cadence_seconds(k.frequency) for k in catalog.kpis}
    alerts.sort(key=lambda pair: (not pair[1].is_critical, cadence[pair[1].kpi], -pair[0], pair[1].kpi, pair[1].entity))
    return [alert for _, alert in alerts]


_SEVERITY = {None: 0, "warn": 1, "critical": 2}
_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def _cadence_seconds(frequency: str) -> float:
    """How often a KPI is expected, in seconds (unparseable: as monthly)."""
    try:
        return (add_duration(_EPOCH, frequency) - _EPOCH).total_seconds()
    except ValueError:
        return 31 * 86400.0


def run_start(kpi: Kpi, series: KpiSeries, entity: str, level: AlertLevel) -> tuple[str, float]:
    """(period, reported_at) of the first observation of the trailing run at `level` or worse."""
    row = series.row_of(entity)
    assert row is not None
    seen = np.flatnonzero(~np.isnan(series.reported_at[row]))
    first = int(seen[-1])
    for col in seen[::-1]:
        value = float(series.values[row, col])
        if np.isnan(value):
            continue  # reported as not available: neither extends nor breaks the run
        if _SEVERITY[alert_level(kpi, value)] < _SEVERITY[level]:
            break
        first = int(col)
    return series.period_at(row, first), float(series.reported_at[row, first])


def count_by_level(alerts: list[ActiveAlert]) -> dict[str, int]:
    """{'critical': n, 'warn': m}, both keys always present."""
    return {
        "critical": sum(1 for a in alerts if a.level == "critical"),
        "warn": sum(1 for a in alerts if a.level == "warn"),
    }

"""Which KPI values are past their catalog alert thresholds right now.

The status strip counts them and the alerts tile lists them, so the rule lives in
one Qt-free place: for every KPI with an `alert` in the catalog, the latest
observation of each entity is compared with `warn` and `critical`, in the direction
of the KPI's `better` (for `lower`, a value above `critical` is critical). A value
reported as null is not an alert (it is a freshness problem, shown elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

from .contract import Kpi
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
            alert = ActiveAlert(
                kpi=kpi.code,
                entity=entity,
                level=level,
                value=value,
                threshold=threshold,
                period=period,
                reported_at=datetime.fromtimestamp(reported_at, timezone.utc),
            )
            alerts.append((severity, alert))
    alerts.sort(key=lambda pair: (not pair[1].is_critical, -pair[0], pair[1].kpi, pair[1].entity))
    return [alert for _, alert in alerts]

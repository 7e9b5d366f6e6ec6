"""How fresh a figure is: fresh, late, not fed, or cached while the store is away.

Every tile shows one of these four states, and the status strip the age of the data,
so the rules live in one Qt-free place. A KPI is *late* when its last report is
older than its `frequency` (an ISO-8601 duration), *not fed* when there is no
report for the current period, and *cached* whenever the store is unreachable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Literal

from .contract import Kpi
from .series import KpiSeries

Freshness = Literal["fresh", "late", "not_fed", "cached"]

_DURATION = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


def add_duration(start: datetime, duration: str) -> datetime:
    """`start` + an ISO-8601 duration; years and months are calendar steps."""
    m = _DURATION.match(duration or "")
    if not m or duration in ("P", "PT"):
        raise ValueError(f"not an ISO-8601 duration: {duration!r}")
    parts = {k: float(v) if v else 0.0 for k, v in m.groupdict().items()}
    months = int(parts["years"]) * 12 + int(parts["months"])
    if months:
        month_index = start.month - 1 + months
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, _days_in_month(year, month))
        start = start.replace(year=year, month=month, day=day)
    return start + timedelta(
        weeks=parts["weeks"], days=parts["days"], hours=parts["hours"], minutes=parts["minutes"], seconds=parts["seconds"]
    )


def _days_in_month(year: int, month: int) -> int:
    nxt = datetime(year + (month == 12), month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def overdue_since(kpi: Kpi, last_report: datetime) -> datetime:
    """When a KPI last reported at `last_report` becomes overdue."""
    try:
        return add_duration(last_report, kpi.frequency)
    except ValueError:
        return add_duration(last_report, "P1M")


def freshness(
    kpi: Kpi,
    series: KpiSeries | None,
    entity: str,
    now: datetime,
    *,
    store_reachable: bool | None = True,
) -> Freshness:
    """The state of `kpi` for `entity` as of `now`."""
    if store_reachable is False:
        return "cached"
    latest = series.latest(entity) if series else None
    if latest is None:
        return "not_fed"
    _, _, reported_at = latest
    reported = datetime.fromtimestamp(reported_at, timezone.utc)
    return "late" if overdue_since(kpi, reported) <= now else "fresh"


def age_text(then: datetime | None, now: datetime, translate: Callable[[str], str] = str) -> str:
    """'updated 12 min ago', as the wall's vocabulary says, in the caller's language:
    `translate` maps the English template ('updated {n} min ago') to the shown one."""
    if then is None:
        return translate("no data yet")
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return translate("updated just now")
    for limit, unit, template in ((3600, 60, "updated {n} min ago"), (86400, 3600, "updated {n} h ago")):
        if seconds < limit:
            return translate(template).format(n=seconds // unit)
    return translate("updated {n} d ago").format(n=seconds // 86400)

"""When each KPI was last reported, per place, and when it falls overdue: freshness facts.

Every data tile says how fresh its figures are ("updated 12 min ago", "overdue since
3 Nov"); finding each place's newest report in the series and adding the KPI's
`frequency` to it is the costly part, and it only changes when the data does. So the
sync thread works it out once per KPI series (series are immutable: a poll rebuilds
only the KPIs it touched, and the answer is kept while the series lives) and the
snapshot carries it; the screens only compare the moments with their clock.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

import numpy as np

from .contract import Catalog, Kpi
from .freshness import duration_parts, overdue_since
from .series import KpiSeries


@dataclass(frozen=True)
class KpiReports:
    """One KPI's reports: the newest of all, and each place's newest (a report of null counts:
    the place reported, it had no figure)."""

    newest: float | None = None  # POSIX seconds of the newest report of any place
    newest_due: datetime | None = None  # when that newest report falls overdue (by the KPI's frequency)
    # place -> POSIX seconds of the report of its newest period (as KpiSeries.latest)
    latest: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    due: Mapping[str, datetime] = field(default_factory=lambda: MappingProxyType({}))  # place -> when its newest report falls overdue

    def newest_among(self, places: Iterable[str]) -> tuple[float, str] | None:
        """(reported_at, place) of the newest report among `places`."""
        best: tuple[float, str] | None = None
        latest = self.latest
        for place in places:
            at = latest.get(place)
            if at is not None and (best is None or at > best[0]):
                best = (at, place)
        return best


NO_REPORTS = KpiReports()

_KEPT: weakref.WeakKeyDictionary[KpiSeries, tuple[str, KpiReports]] = weakref.WeakKeyDictionary()


def _stamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def kpi_reports(kpi: Kpi, series: KpiSeries | None) -> KpiReports:
    """`kpi`'s reports in `series`; worked out once per (series, frequency)."""
    if series is None or not series.entities:
        return NO_REPORTS
    held = _KEPT.get(series)
    if held is not None and held[0] == kpi.frequency:
        return held[1]
    times = series.reported_at
    seen = ~np.isnan(times)
    reported = seen.any(axis=1)
    last_column = seen.shape[1] - 1 - np.argmax(seen[:, ::-1], axis=1)  # of each place's newest period
    latest: dict[str, float] = {}
    due: dict[str, datetime] = {}
    parts = duration_parts(kpi.frequency)
    fixed_seconds = parts[1] if parts is not None and parts[0] == 0 else None  # no calendar months to add
    for row in np.flatnonzero(reported):
        place, at = series.entities[int(row)], float(times[row, last_column[row]])
        latest[place] = at
        due[place] = _stamp(at + fixed_seconds) if fixed_seconds is not None else overdue_since(kpi, _stamp(at))
    newest = float(np.nanmax(times)) if latest else None  # of any report, as freshness.newest_report
    reports = KpiReports(
        newest=newest,
        newest_due=overdue_since(kpi, _stamp(newest)) if newest is not None else None,
        latest=MappingProxyType(latest),
        due=MappingProxyType(due),
    )
    _KEPT[series] = (kpi.frequency, reports)
    return reports


def all_reports(catalog: Catalog, series: Mapping[str, KpiSeries]) -> Mapping[str, KpiReports]:
    """Every catalog KPI's reports (a KPI without data has `NO_REPORTS`)."""
    return MappingProxyType({kpi.code: kpi_reports(kpi, series.get(kpi.code)) for kpi in catalog.kpis})

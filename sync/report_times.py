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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

import numpy as np

from .contract import Catalog, Kpi
from .freshness import duration_parts, overdue_since
from .series import KpiSeries


class PlaceSeconds(Mapping[str, float]):
    """place -> POSIX seconds, read from one float per row of a series (NaN: the place has
    none). A state's 3,400 KPIs × their places as dicts of floats and datetimes were tens of
    megabytes a snapshot carried; this is an array per KPI and the series' own row index."""

    __slots__ = ("_rows", "_seconds")

    def __init__(self, rows: Mapping[str, int], seconds: np.ndarray) -> None:
        self._rows = rows  # the series' entity -> row (shared, never copied)
        self._seconds = seconds
        seconds.flags.writeable = False

    def seconds(self, place: str) -> float | None:
        row = self._rows.get(place)
        if row is None:
            return None
        at = float(self._seconds[row])
        return None if at != at else at  # NaN: no report

    def __getitem__(self, place: str) -> float:
        at = self.seconds(place)
        if at is None:
            raise KeyError(place)
        return at

    def __contains__(self, place: object) -> bool:
        return isinstance(place, str) and self.seconds(place) is not None

    def __iter__(self) -> Iterator[str]:
        seconds = self._seconds
        return (place for place, row in self._rows.items() if not np.isnan(seconds[row]))

    def __len__(self) -> int:
        return int(np.count_nonzero(~np.isnan(self._seconds)))


class PlaceMoments(Mapping[str, datetime]):
    """`PlaceSeconds` read as UTC datetimes (when each place's report falls overdue)."""

    __slots__ = ("_seconds",)

    def __init__(self, seconds: PlaceSeconds) -> None:
        self._seconds = seconds

    def __getitem__(self, place: str) -> datetime:
        return _stamp(self._seconds[place])

    def __contains__(self, place: object) -> bool:
        return place in self._seconds

    def __iter__(self) -> Iterator[str]:
        return iter(self._seconds)

    def __len__(self) -> int:
        return len(self._seconds)


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


def overdue_seconds(frequency: str, reported: np.ndarray) -> np.ndarray:
    """`freshness.overdue_since` of every report time in `reported` (POSIX seconds, NaN
    kept), as array operations: calendar months first (the day kept, or the month's last
    day), then the fixed part. An unreadable frequency counts as a month, as there."""
    months, fixed = duration_parts(frequency) or (1.0, 0.0)
    if not months:
        return np.asarray(reported + fixed, dtype=np.float64)
    whole = np.floor(np.nan_to_num(reported))
    instant = whole.astype("datetime64[s]")
    month = instant.astype("datetime64[M]")
    day = instant.astype("datetime64[D]")
    target = month + int(months)
    month_days = (target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")
    day_of_month = np.minimum(day - month.astype("datetime64[D]"), month_days - np.timedelta64(1, "D"))
    moved = (target.astype("datetime64[D]") + day_of_month).astype("datetime64[s]") + (instant - day)
    due: np.ndarray = moved.astype(np.int64).astype(np.float64) + (reported - whole) + fixed
    due[np.isnan(reported)] = np.nan
    return due


def kpi_reports(kpi: Kpi, series: KpiSeries | None) -> KpiReports:
    """`kpi`'s reports in `series`; worked out once per (series, frequency)."""
    if series is None or not series.entities:
        return NO_REPORTS
    held = _KEPT.get(series)
    if held is not None and held[0] == kpi.frequency:
        return held[1]
    times = series.reported_at
    if times.size == 0:
        return NO_REPORTS
    latest = series.latest_reported  # of each place's newest period; NaN: the place never reported
    newest = float(np.nanmax(times)) if not np.isnan(latest).all() else None  # of any report, as freshness.newest_report
    reports = KpiReports(
        newest=newest,
        newest_due=overdue_since(kpi, _stamp(newest)) if newest is not None else None,
        latest=PlaceSeconds(series.row_index, latest),
        due=PlaceMoments(PlaceSeconds(series.row_index, overdue_seconds(kpi.frequency, latest))),
    )
    _KEPT[series] = (kpi.frequency, reports)
    return reports


def all_reports(catalog: Catalog, series: Mapping[str, KpiSeries],
                previous: tuple[Mapping[str, KpiSeries], Mapping[str, KpiReports]] | None = None
                ) -> Mapping[str, KpiReports]:
    """Every catalog KPI's reports (a KPI without data has `NO_REPORTS`). `previous`: the
    series and the reports worked out from them under the same catalog; only the KPIs
    whose series is not the same object are looked at again."""
    if previous is None:
        return MappingProxyType({kpi.code: kpi_reports(kpi, series.get(kpi.code)) for kpi in catalog.kpis})
    before, reports = previous
    updated = dict(reports)
    changed = [code for code, held in series.items() if before.get(code) is not held]
    changed += before.keys() - series.keys()  # gone: NO_REPORTS now
    for code in changed:
        kpi = catalog.kpi(code)
        if kpi is not None:
            updated[code] = kpi_reports(kpi, series.get(code))
    return MappingProxyType(updated)

"""Per-KPI history held in memory, bounded, and shared immutably with the GUI.

The local database keeps everything; the wall's screens only need recent history.
A `KpiSeries` is a small read-only (entity × period) matrix for one KPI. A poll
rebuilds only the series of the KPIs it touched, and a snapshot is just a new
mapping to mostly the same series objects — cheap to hand over every few seconds,
safe to read from the GUI thread, and constant in memory over weeks: each KPI keeps
its last `RECENT_PERIODS` periods plus the last period of each of the last
`MONTHS_KEPT` months (what monthly ranking and month-on-month change need).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .observations import ObservationTable

RECENT_PERIODS = 96
MONTHS_KEPT = 25

Row = tuple[str, str, str, float | None, float]  # kpi, entity, period, value, reported_at


@dataclass(frozen=True, eq=False)
class KpiSeries:
    kpi: str
    entities: tuple[str, ...]
    periods: tuple[str, ...]  # ascending
    values: np.ndarray  # (entities, periods) float64; NaN = no value (missing or null)
    reported_at: np.ndarray  # (entities, periods) float64 POSIX seconds; NaN = no observation

    def __post_init__(self) -> None:
        self.values.flags.writeable = False
        self.reported_at.flags.writeable = False

    def row_of(self, entity: str) -> int | None:
        try:
            return self.entities.index(entity)
        except ValueError:
            return None

    def latest(self, entity: str) -> tuple[str, float | None, float] | None:
        """(period, value or None if reported null, reported_at) of the newest observation."""
        row = self.row_of(entity)
        if row is None:
            return None
        seen = np.flatnonzero(~np.isnan(self.reported_at[row]))
        if seen.size == 0:
            return None
        col = int(seen[-1])
        value = self.values[row, col]
        return self.periods[col], (None if np.isnan(value) else float(value)), float(self.reported_at[row, col])

    def history(self, entity: str, count: int) -> tuple[tuple[str, ...], np.ndarray]:
        """The last `count` periods with an observation for `entity`, and their values."""
        row = self.row_of(entity)
        if row is None:
            return (), np.empty(0)
        seen = np.flatnonzero(~np.isnan(self.reported_at[row]))[-count:]
        return tuple(self.periods[c] for c in seen), self.values[row, seen].copy()

    def rows(self) -> Iterable[Row]:
        for r, entity in enumerate(self.entities):
            for c, period in enumerate(self.periods):
                t = self.reported_at[r, c]
                if not np.isnan(t):
                    v = self.values[r, c]
                    yield self.kpi, entity, period, (None if np.isnan(v) else float(v)), float(t)


def _kept_periods(periods: list[str]) -> list[str]:
    """Bound history: the last RECENT_PERIODS, plus each month's last period."""
    if len(periods) <= RECENT_PERIODS:
        return periods
    keep = set(periods[-RECENT_PERIODS:])
    last_of_month: dict[str, str] = {}
    for p in periods:
        last_of_month[p[:7]] = p
    months = sorted(last_of_month)[-MONTHS_KEPT:]
    keep.update(last_of_month[m] for m in months)
    return [p for p in periods if p in keep]


def merge(series: KpiSeries | None, kpi: str, rows: Iterable[Row]) -> KpiSeries:
    """A new series with `rows` applied over `series` (later rows are corrections)."""
    cells: dict[tuple[str, str], tuple[float | None, float]] = {}
    if series is not None:
        for _, entity, period, value, t in series.rows():
            cells[(entity, period)] = (value, t)
    for _, entity, period, value, t in rows:
        cells[(entity, period)] = (value, t)
    entities = sorted({e for e, _ in cells})
    periods = _kept_periods(sorted({p for _, p in cells}))
    e_index = {e: i for i, e in enumerate(entities)}
    p_index = {p: i for i, p in enumerate(periods)}
    values = np.full((len(entities), len(periods)), np.nan)
    times = np.full((len(entities), len(periods)), np.nan)
    for (entity, period), (value, t) in cells.items():
        col = p_index.get(period)
        if col is None:
            continue
        row = e_index[entity]
        values[row, col] = np.nan if value is None else value
        times[row, col] = t
    return KpiSeries(kpi, tuple(entities), tuple(periods), values, times)


def apply_rows(current: Mapping[str, KpiSeries], rows: Iterable[Row]) -> dict[str, KpiSeries]:
    """A new KPI → series mapping; only the KPIs present in `rows` are rebuilt."""
    by_kpi: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_kpi[row[0]].append(row)
    updated = dict(current)
    for kpi, kpi_rows in by_kpi.items():
        updated[kpi] = merge(current.get(kpi), kpi, kpi_rows)
    return updated


def frozen(mapping: dict[str, KpiSeries]) -> Mapping[str, KpiSeries]:
    return MappingProxyType(mapping)


def table_for_months(series: Mapping[str, KpiSeries], months: Iterable[str], kpis: Iterable[str]) -> ObservationTable:
    """The observations of `kpis` within `months`, as the ranking engine's input."""
    wanted = set(months)
    parts: list[tuple[np.ndarray, ...]] = []
    for kpi in kpis:
        s = series.get(kpi)
        if s is None:
            continue
        cols = [c for c, p in enumerate(s.periods) if p[:7] in wanted]
        if not cols:
            continue
        t = s.reported_at[:, cols]
        r, c = np.nonzero(~np.isnan(t))
        if r.size == 0:
            continue
        ent = np.array(s.entities, dtype=object)[r]
        per = np.array([s.periods[cols[i]] for i in c], dtype=object)
        parts.append((np.full(r.size, kpi, dtype=object), ent, per, s.values[:, cols][r, c], t[r, c]))
    if not parts:
        return ObservationTable.empty()
    return ObservationTable(*(np.concatenate([p[i] for p in parts]) for i in range(5)))

"""Per-KPI history held in memory, bounded, and shared immutably with the GUI.

The local database keeps everything; the wall's screens only need recent history.
A `KpiSeries` is a small read-only (entity × period) matrix for one KPI. A poll
rebuilds only the series of the KPIs it touched, and a snapshot is just a new
mapping to mostly the same series objects — cheap to hand over every few seconds,
safe to read from the GUI thread, and constant in memory over weeks: each KPI keeps
its last `RECENT_PERIODS` columns plus the last column of each of the last
`MONTHS_KEPT` months (what monthly ranking and month-on-month change need), and
every entity's latest observation however old it is (a figure on screen is never
lost to the bound).

Months and days are columns of their own. Instants (`2026-11-22T10:15`) are not:
hospitals report snapshots at irregular instants, and a column per distinct instant
would leave each column nearly empty and the bound would cover minutes. Instants
are grouped into one column per hour (`2026-11-22T10:00`), each cell keeping its
entity's last observation of that hour with its exact period (`period_at`), so the
latest value of every entity is exact and history keeps one point per hour.

The sync worker applies pages through `SeriesIngest`: a KPI that a page only gives
new months or days grows in place and its series is made when the series are read
(a snapshot, a ranking), not once per page — the same series `apply_rows` makes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from operator import itemgetter
from types import MappingProxyType
from typing import Any

import numpy as np

from .observations import ObservationTable
from .period_time import period_seconds
from .sorted_distinct import sorted_distinct

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
    # Exact period of each cell where it differs from its column (hourly columns of
    # instants); None when every cell's period is its column's.
    cell_periods: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.values.flags.writeable = False
        self.reported_at.flags.writeable = False
        if self.cell_periods is not None:
            self.cell_periods.flags.writeable = False

    @cached_property
    def column_seconds(self) -> np.ndarray:
        """POSIX seconds of each column's start (time-proportional axes)."""
        return np.array([period_seconds(p) for p in self.periods], dtype=np.float64)

    @cached_property
    def cell_seconds(self) -> np.ndarray:
        """(entities, periods) POSIX seconds of each cell's exact period start; NaN where empty."""
        seconds = np.where(np.isnan(self.reported_at), np.nan, self.column_seconds[None, :])
        if self.cell_periods is not None:
            for r, c in zip(*np.nonzero(self.cell_periods != None)):  # noqa: E711 (elementwise)
                seconds[r, c] = period_seconds(str(self.cell_periods[r, c]))
        seconds.flags.writeable = False
        return seconds

    @cached_property
    def latest_reported(self) -> np.ndarray:
        """Each entity's newest report time — of the observation of its latest period, as
        `latest` reads it — NaN where it never reported; read-only. Report times and feed
        quality both read it: kept once, with the series (no copy per reader)."""
        times = self.reported_at
        if times.size == 0:
            latest = np.full(len(self.entities), np.nan)
        else:
            last_column = times.shape[1] - 1 - np.argmax(~np.isnan(times[:, ::-1]), axis=1)
            latest = times[np.arange(times.shape[0]), last_column]
        latest.flags.writeable = False
        return latest

    @cached_property
    def latest_reported_distinct(self) -> np.ndarray:
        """The distinct times in `latest_reported`, ascending (no NaN); read-only."""
        latest = self.latest_reported
        distinct = sorted_distinct(latest[~np.isnan(latest)])
        distinct.flags.writeable = False
        return distinct

    def period_at(self, row: int, col: int) -> str:
        """The exact period of the observation in cell (row, col)."""
        if self.cell_periods is not None:
            exact = self.cell_periods[row, col]
            if exact is not None:
                return str(exact)
        return self.periods[col]

    @cached_property
    def _rows(self) -> dict[str, int]:
        return {entity: row for row, entity in enumerate(self.entities)}

    def row_of(self, entity: str) -> int | None:
        return self._rows.get(entity)

    @property
    def row_index(self) -> Mapping[str, int]:
        """entity -> its row (worked out once per series; read-only by convention)."""
        return self._rows

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
        return self.period_at(row, col), (None if np.isnan(value) else float(value)), float(self.reported_at[row, col])

    def history(self, entity: str, count: int) -> tuple[tuple[str, ...], np.ndarray]:
        """The last `count` periods with an observation for `entity`, and their values."""
        row = self.row_of(entity)
        if row is None:
            return (), np.empty(0)
        seen = np.flatnonzero(~np.isnan(self.reported_at[row]))[-count:]
        return tuple(self.period_at(row, int(c)) for c in seen), self.values[row, seen].copy()

    def rows(self) -> Iterable[Row]:
        for r, entity in enumerate(self.entities):
            for c in range(len(self.periods)):
                t = self.reported_at[r, c]
                if not np.isnan(t):
                    v = self.values[r, c]
                    yield self.kpi, entity, self.period_at(r, c), (None if np.isnan(v) else float(v)), float(t)


def column_of(period: str) -> str:
    """The column a period belongs to: itself for months and days, its hour for instants."""
    return period if len(period) <= 10 else period[:13] + ":00"


def _kept_columns(columns: list[str], latest: Iterable[str]) -> list[str]:
    """Bound history: the last RECENT_PERIODS, each month's last column, and the
    columns holding some entity's latest observation."""
    if len(columns) <= RECENT_PERIODS:
        return columns
    keep = set(columns[-RECENT_PERIODS:])
    keep.update(latest)
    last_of_month: dict[str, str] = {}
    for p in columns:
        last_of_month[p[:7]] = p
    months = sorted(last_of_month)[-MONTHS_KEPT:]
    keep.update(last_of_month[m] for m in months)
    return [p for p in columns if p in keep]


Cell = tuple[str, float | None, float]  # exact period, value, reported_at


def _put(cells: dict[tuple[str, str], Cell], entity: str, period: str, value: float | None, t: float) -> None:
    """A later observation replaces the cell unless it is for an older period of the same
    hour (a correction of a snapshot that a newer one of that hour already superseded)."""
    key = (entity, column_of(period))
    held = cells.get(key)
    if held is None or held[0] <= period:
        cells[key] = (period, value, t)


def merge(series: KpiSeries | None, kpi: str, rows: Iterable[Row]) -> KpiSeries:
    """A new series with `rows` applied over `series` (later rows are corrections)."""
    rows = list(rows)
    if series is not None:
        updated = _merge_into_cells(series, rows)
        if updated is not None:
            return updated
    return _rebuild(series, kpi, rows)


_SHARED_ROWS_KEPT = 64
_shared: dict[tuple[str, ...], tuple[tuple[str, ...], dict[str, int]]] = {}


def _shared_rows(entities: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, int]]:
    """The entities (interned) and their row index, one pair for every series with the same
    entities: thousands of KPIs are reported for the same districts, and a tuple and a
    dict per KPI cost megabytes at state scale. Both are read-only by convention. Only
    the last few sets are remembered (hospitals come and go)."""
    held = _shared.get(entities)
    if held is None:
        if len(_shared) >= _SHARED_ROWS_KEPT:
            _shared.clear()
        interned = tuple(sys.intern(e) for e in entities)
        held = _shared[interned] = (interned, {e: i for i, e in enumerate(interned)})
    return held


def _rebuild(series: KpiSeries | None, kpi: str, rows: list[Row]) -> KpiSeries:
    """`merge` from every cell, with array operations: the rows' cells (`_put` decides
    between rows of one cell, and between a row and the cell the series holds) laid over
    the series' cells, then the bound. A cold sync applies a million rows page by page,
    so this runs once per KPI a page touches: only the page's rows are walked in Python."""
    _, row_entities, row_periods, row_values, row_times = zip(*rows)  # columns, at C speed
    periods = set(row_periods)
    instants = any(len(p) > 10 for p in periods)
    cells: dict[tuple[str, str], Cell] = {}
    if instants:
        for _, entity, period, value, t in rows:
            _put(cells, entity, period, value, t)
    old_rows = series._rows if series is not None else {}
    old_periods = series.periods if series is not None else ()
    old_columns = {c: i for i, c in enumerate(old_periods)}
    if series is not None and instants:  # only an instant can lose to the one a cell holds
        for key, (period, _value, _t) in list(cells.items()):
            entity, column = key
            row, col = old_rows.get(entity), old_columns.get(column)
            if (row is not None and col is not None and not np.isnan(series.reported_at[row, col])
                    and series.period_at(row, col) > period):
                del cells[key]  # an older instant of the hour than the one the series holds
    # A cold sync mostly adds a later month to the districts a series has: no sorting, no
    # index arrays, the old matrix copied as one block.
    cell_entities: tuple[str, ...] | list[str]
    cell_columns: tuple[str, ...] | list[str]
    cell_values: tuple[float | None, ...] | list[float | None]
    cell_times: tuple[float, ...] | list[float]
    cell_exact: list[str | None] | None = None  # each cell's exact period where not its column's
    if instants:
        cell_entities, cell_columns = zip(*cells) if cells else ((), ())
        cell_exact = [None if p == col else p for (_, col), (p, _, _) in cells.items()]
        _, cell_values, cell_times = zip(*cells.values()) if cells else ((), (), ())
    else:  # months and days are their own columns: the later row of a cell wins
        cell_entities, cell_columns, cell_values, cell_times = row_entities, row_periods, row_values, row_times
        last = dict(zip(zip(row_entities, row_periods), range(len(rows))))
        if len(last) < len(rows):
            keep = list(last.values())
            cell_entities, cell_columns = [row_entities[i] for i in keep], [row_periods[i] for i in keep]
            cell_values, cell_times = [row_values[i] for i in keep], [row_times[i] for i in keep]
    new_entities = set(cell_entities).difference(old_rows)
    new_columns = [sys.intern(c) for c in sorted((periods if not instants else set(cell_columns)).difference(old_columns))]
    entities: tuple[str, ...]
    if new_entities:
        entities, e_index = _shared_rows(tuple(sorted(old_rows.keys() | new_entities)))
    else:
        entities, e_index = (series.entities if series is not None else ()), old_rows
    appended = not old_periods or not new_columns or new_columns[0] > old_periods[-1]
    columns = list(old_periods) + new_columns if appended else sorted(old_periods + tuple(new_columns))
    c_index = old_columns if not new_columns else {c: i for i, c in enumerate(columns)}
    shape = (len(entities), len(columns))
    values, times = np.full(shape, np.nan), np.full(shape, np.nan)
    exact = np.full(shape, None, dtype=object) if instants or (series is not None and series.cell_periods is not None) \
        else None
    if series is not None:
        at: tuple[Any, ...]
        if not new_entities and appended:
            at = (slice(None), slice(0, len(old_periods)))
        else:
            at = np.ix_([e_index[e] for e in series.entities], [c_index[c] for c in old_periods])
        values[at], times[at] = series.values, series.reported_at
        if exact is not None and series.cell_periods is not None:
            exact[at] = series.cell_periods
    if cell_entities:
        n = len(cell_entities)
        r = np.fromiter(map(e_index.__getitem__, cell_entities), dtype=np.intp, count=n)
        c: Any = c_index[cell_columns[0]] if len(periods) == 1 else \
            np.fromiter(map(c_index.__getitem__, cell_columns), dtype=np.intp, count=n)
        values[r, c] = np.array(cell_values, dtype=np.float64)  # None (reported as not available) → NaN
        times[r, c] = np.array(cell_times, dtype=np.float64)
        if exact is not None:
            exact[r, c] = np.array(cell_exact, dtype=object) if cell_exact is not None else None
    kept = columns
    if len(columns) > RECENT_PERIODS:  # the bound keeps each entity's latest column
        seen = ~np.isnan(times)
        last = shape[1] - 1 - np.argmax(seen[:, ::-1], axis=1)
        kept = _kept_columns(columns, {columns[i] for i in last[seen.any(axis=1)].tolist()})
        if len(kept) < len(columns):
            chosen = [c_index[c] for c in kept]
            values, times = values[:, chosen], times[:, chosen]
            exact = exact[:, chosen] if exact is not None else None
    if exact is not None and not any(p is not None for p in exact.flat):
        exact = None
    rebuilt = KpiSeries(kpi, entities, tuple(kept), values, times, exact)
    rebuilt.__dict__["_rows"] = e_index  # worked out already: the next page's merge needs it
    return rebuilt


def _merge_into_cells(series: KpiSeries, rows: list[Row]) -> KpiSeries | None:
    """`merge`'s fast path, for a poll of a few rows against a large series: when every
    row falls in a row and column the series already has and the bound keeps every
    column, only those cells change — copied arrays, no rebuild from every cell (a
    crisis poll must reach the screen in well under a second). The result is exactly
    `merge`'s; None when the fast path does not apply."""
    if len(rows) > max(64, series.values.size // 8):
        return None
    columns = {c: i for i, c in enumerate(series.periods)}
    if any(column_of(row[2]) not in columns for row in rows):  # a new column: a rebuild (a cold sync's pages)
        return None
    values, times = series.values.copy(), series.reported_at.copy()
    exact = None if series.cell_periods is None else series.cell_periods.copy()
    changed: list[tuple[int, int, str]] = []
    for _, entity, period, value, t in rows:
        row, col = series.row_of(entity), columns.get(column_of(period))
        if row is None or col is None:
            return None
        column = series.periods[col]
        if not np.isnan(times[row, col]):
            held = exact[row, col] if exact is not None and exact[row, col] is not None else column
            if str(held) > period:  # a correction of an older instant of the hour: superseded
                continue
        values[row, col] = np.nan if value is None else value
        times[row, col] = t
        if period != column:
            if exact is None:
                exact = np.full(values.shape, None, dtype=object)
            exact[row, col] = period
        elif exact is not None:
            exact[row, col] = None
        changed.append((row, col, period))
    if len(series.periods) > RECENT_PERIODS:  # pruned: the bound must keep the same columns
        seen = ~np.isnan(times)
        last = seen.shape[1] - 1 - np.argmax(seen[:, ::-1], axis=1)
        latest = [series.periods[c] for c in last[seen.any(axis=1)].tolist()]
        if _kept_columns(list(series.periods), latest) != list(series.periods):
            return None
    if exact is not None and not any(p is not None for p in exact.flat):
        exact = None
    merged = KpiSeries(series.kpi, series.entities, series.periods, values, times, exact)
    known = series.__dict__  # what the old series already worked out still holds for the new one
    for name in ("_rows", "column_seconds"):
        if name in known:
            merged.__dict__[name] = known[name]
    if "cell_seconds" in known:
        seconds = known["cell_seconds"].copy()
        for row, col, period in changed:
            seconds[row, col] = period_seconds(period)
        seconds.flags.writeable = False
        merged.__dict__["cell_seconds"] = seconds
    return merged


def apply_rows(current: Mapping[str, KpiSeries], rows: Iterable[Row]) -> dict[str, KpiSeries]:
    """A new KPI → series mapping; only the KPIs present in `rows` are rebuilt."""
    updated = dict(current)
    for kpi, kpi_rows in _by_kpi(rows).items():
        updated[kpi] = merge(current.get(kpi), kpi, kpi_rows)
    return updated


SPARE_COLUMNS = 2  # room a growing series keeps for the next months (few: slack is memory kept)


class _GrowingSeries:
    """One KPI's series while pages bring it whole new columns: written in place into
    matrices with a few spare columns, made a `KpiSeries` only when the series is read.

    A cold sync's feed carries a month or so of each KPI per page, so each KPI is touched
    on every few pages; a new series each time (new matrices, the old copied) cost more
    than the rest of the sync's own work. Only what `_rebuild` would make the same way is
    taken here: months or days later than every column held, each (entity, period) once,
    for entities the series already has, under the bound; `start` and `append` decline
    anything else, and the caller merges."""

    __slots__ = ("kpi", "entities", "index", "periods", "values", "times")

    def __init__(self, kpi: str, entities: tuple[str, ...], index: dict[str, int], periods: list[str],
                 values: np.ndarray, times: np.ndarray) -> None:
        self.kpi, self.entities, self.index, self.periods = kpi, entities, index, periods
        self.values, self.times = values, times

    @classmethod
    def start(cls, held: KpiSeries | None, kpi: str, rows: list[Row]) -> _GrowingSeries | None:
        """A growing series from `held` (None: from nothing) with `rows` appended; None when
        the rows are not only new months or days for it."""
        if held is None:
            if not rows or len(rows[0][2]) > 10:
                return None
            entities, index = _shared_rows(tuple(sorted({row[1] for row in rows})))
            empty = np.empty((len(entities), 0))
            growing = cls(kpi, entities, index, [], empty, empty)
        elif held.cell_periods is None and held.periods and rows[0][2] > held.periods[-1]:
            growing = cls(kpi, held.entities, held._rows, list(held.periods), held.values, held.reported_at)
        else:
            return None
        return growing if growing.append(rows) else None

    def append(self, rows: list[Row]) -> bool:
        """The rows as new last columns; False (nothing changed) when `_rebuild` is needed."""
        _, entities, periods, values, times = zip(*rows)
        width, first = len(self.periods), periods[0]
        single = periods.count(first) == len(periods)
        new = [first] if single else sorted(set(periods))
        if (width + len(new) > RECENT_PERIODS or any(len(p) > 10 for p in new)
                or (width and new[0] <= self.periods[-1])):
            return False
        r: slice | np.ndarray = slice(None)
        if not single or entities != self.entities:  # not simply every entity in order (the usual page)
            if len(set(zip(entities, periods) if not single else entities)) != len(entities):
                return False  # a correction within the rows: `_rebuild` lets the later one win
            try:
                r = np.fromiter(map(self.index.__getitem__, entities), dtype=np.intp, count=len(entities))
            except KeyError:  # an entity new to the series: rows re-sorted by `_rebuild`
                return False
        c: int | np.ndarray = width
        if not single:
            at = {p: width + i for i, p in enumerate(new)}
            c = np.fromiter(map(at.__getitem__, periods), dtype=np.intp, count=len(periods))
        if width + len(new) > self.values.shape[1]:
            self.values, self.times = self._room(self.values, len(new)), self._room(self.times, len(new))
        self.values[r, c] = np.array(values, dtype=np.float64)  # None (reported as not available) → NaN
        self.times[r, c] = np.array(times, dtype=np.float64)
        self.periods.extend(map(sys.intern, new))
        return True

    def _room(self, held: np.ndarray, more: int) -> np.ndarray:
        width = len(self.periods)
        grown = np.full((held.shape[0], min(width + more + SPARE_COLUMNS, RECENT_PERIODS)), np.nan)
        grown[:, :width] = held[:, :width]
        return grown

    def series(self) -> KpiSeries:
        """The series as it stands, in matrices of its own (exactly what `merge` makes)."""
        width = len(self.periods)
        made = KpiSeries(self.kpi, self.entities, tuple(self.periods), self.values[:, :width].copy(),
                         self.times[:, :width].copy())
        made.__dict__["_rows"] = self.index
        return made


class SeriesIngest:
    """Pages of rows applied to the KPI series as they come, each KPI's series made once
    per read of them instead of once per page (`merge` over every page gives the same).

    `add` takes a page; `series()` is the KPI → series mapping as of every row added so
    far, a new read-only mapping whenever something changed (a snapshot keeps the one it
    was given). A KPI that gets a whole new month or day grows in place (`_GrowingSeries`)
    until the series is read; anything else is merged at once, as `apply_rows` does."""

    def __init__(self, series: Mapping[str, KpiSeries] | None = None) -> None:
        self._series: dict[str, KpiSeries] = dict(series or {})
        self._growing: dict[str, _GrowingSeries] = {}
        self._read: Mapping[str, KpiSeries] = frozen(dict(self._series))
        self._changed = False

    def add(self, rows: Iterable[Row]) -> None:
        for kpi, kpi_rows in _by_kpi(rows).items():
            growing = self._growing.get(kpi)
            if growing is not None:
                if growing.append(kpi_rows):
                    continue
                del self._growing[kpi]
                held: KpiSeries | None = growing.series()
            else:
                held = self._series.get(kpi)
                growing = _GrowingSeries.start(held, kpi, kpi_rows)
                if growing is not None:
                    self._growing[kpi] = growing
                    continue
            self._series[kpi] = merge(held, kpi, kpi_rows)
            self._changed = True

    def series(self) -> Mapping[str, KpiSeries]:
        if self._growing:
            for kpi in list(self._growing):  # one at a time: each growing matrix let go once copied
                self._series[kpi] = self._growing.pop(kpi).series()
            self._changed = True
        if self._changed:
            self._read, self._changed = frozen(dict(self._series)), False
        return self._read


def _by_kpi(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """The rows of each KPI, in order (a page's rows come in runs of one KPI)."""
    by_kpi: dict[str, list[Row]] = {}
    for kpi, run in groupby(rows, key=itemgetter(0)):
        held = by_kpi.get(kpi)
        if held is None:
            by_kpi[kpi] = list(run)
        else:
            held.extend(run)
    return by_kpi


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
        if s.cell_periods is None:
            per = np.array([s.periods[cols[i]] for i in c], dtype=object)
        else:
            per = np.array([s.period_at(int(row), cols[i]) for row, i in zip(r, c)], dtype=object)
        parts.append((np.full(r.size, kpi, dtype=object), ent, per, s.values[:, cols][r, c], t[r, c]))
    if not parts:
        return ObservationTable.empty()
    return ObservationTable(*(np.concatenate([p[i] for p in parts]) for i in range(5)))

"""The (ranked KPI × ranked entity) cells of one month, read straight from the series.

The wall already holds every KPI's history as a small matrix (sync/series.py). A
re-rank used to turn those matrices into a long table of text codes and map the
codes back to indices (periods.py) — most of the time of a re-rank. Here each
ranked KPI's series is read with integer indices instead: the month's columns are
a contiguous range of the series' sorted periods, and per entity row the cell used
is the last filled one in that range, which is the observation with the greatest
period of the month (columns sort as their periods do, and a cell holds the latest
period of its column). That is exactly periods.py's choice on the table the series
would make, so the ranking is exactly the same.

A `MonthReader` keeps what it read per KPI row and the series object it read it
from. A poll rebuilds only the series it touched, so the next read looks again at
those KPIs only and gives back the *same* `MonthCells` object when the month's
cells did not change — the caller keeps that month's ranking instead of re-ranking
it. With a `cutoff`, only observations reported at or before it are used (the
audit of a central ranking computed at that moment, audit.py).
"""

from __future__ import annotations

import weakref
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..series import KpiSeries
from .plan import CatalogPlan

# Sorts after every character of an ISO-8601 period, so `month + _AFTER` bounds the
# month's periods from above.
_AFTER = "~"


def month_range(periods: tuple[str, ...], month: str) -> tuple[int, int]:
    """[lo, hi) of the columns of sorted `periods` that lie in `month` (``YYYY-MM``)."""
    return bisect_left(periods, month), bisect_left(periods, month + _AFTER)


@dataclass(frozen=True, eq=False)
class MonthCells:
    """The observation each (ranked KPI, ranked entity) uses for a month; read-only."""

    plan: CatalogPlan
    month: str
    values: np.ndarray  # (K × E) NaN where not reported (no observation, or null)
    later_reports: bool  # with a cutoff: some cell of the month was reported after it
    # The newest report time in the month's columns of the ranked KPIs' series, every
    # entity included (-inf: none). Read without a cutoff, these cells are also the cells
    # up to any cutoff at or after it (audit.py uses them then).
    newest: float = -np.inf
    # The newest report time among the observations used (nulls included); None: no ranked
    # KPI has an observation for a ranked entity in the month. (The cells' report times are
    # the reader's own: only this is read of them, and a copy per read cost ~1 MB a month.)
    data_as_of: float | None = None

    @property
    def empty(self) -> bool:
        """No ranked KPI has an observation for a ranked entity in the month."""
        return self.data_as_of is None


def _newest_report(times: np.ndarray) -> float | None:
    return None if np.isnan(times).all() else float(np.nanmax(times))


class MonthReader:
    """Reads one month (optionally up to a report-time cutoff) from series, incrementally."""

    def __init__(self, plan: CatalogPlan, month: str, cutoff: float | None = None) -> None:
        self.plan, self.month, self.cutoff = plan, month, cutoff
        shape = (plan.n_kpis, plan.n_entities)
        self._sources: list[KpiSeries | None] = [None] * plan.n_kpis
        self._later = np.zeros(plan.n_kpis, dtype=bool)
        self._newest = np.full(plan.n_kpis, -np.inf)
        self._columns: dict[tuple[str, ...], np.ndarray] = {}
        self._times = np.full(shape, np.nan)  # (K × E) report time of each cell used; NaN: none
        nan = np.full(shape, np.nan)
        nan.flags.writeable = False
        self.cells = MonthCells(plan, month, nan, False, -np.inf)
        # The cells before the last read that changed them, and the KPI rows whose values
        # changed then (scores of those cells can be updated instead of computed afresh). Held
        # weakly: only a caller that kept those cells (and their scores) can use the change,
        # and a reader must not keep a month's values twice (an audit's reader never asks).
        self.last_change: tuple[weakref.ref[MonthCells], np.ndarray] | None = None

    def read(self, series: Mapping[str, KpiSeries]) -> MonthCells:
        """The month's cells in `series`: the previous result itself when they did not change."""
        changed = [(k, s) for k, (code, held) in enumerate(zip(self.plan.kpi_codes, self._sources))
                   if (s := series.get(code)) is not held]
        if not changed:
            return self.cells
        values, times = self.cells.values, self._times
        copied = times_changed = later_changed = False
        changed_values = np.zeros(self.plan.n_kpis, dtype=bool)
        for k, s in changed:
            self._sources[k] = s
            row_values, row_times, later, newest = self._read_row(s)
            if later != self._later[k] or newest != self._newest[k]:
                self._later[k], self._newest[k], later_changed = later, newest, True
            if not _same_row(values[k], row_values):
                if not copied:
                    values, copied = values.copy(), True
                values[k], changed_values[k] = row_values, True
            if not _same_row(times[k], row_times):
                times[k], times_changed = row_times, True  # the reader's own: changed in place
        if copied or times_changed or later_changed:
            values.flags.writeable = False
            newest = float(self._newest.max()) if self.plan.n_kpis else -np.inf
            self.last_change = (weakref.ref(self.cells), changed_values)
            self.cells = MonthCells(self.plan, self.month, values, bool(self._later.any()), newest,
                                    _newest_report(times))
        return self.cells

    def _entity_columns(self, entities: tuple[str, ...]) -> np.ndarray:
        """Plan column of each series row (-1: not a ranked entity)."""
        columns = self._columns.get(entities)
        if columns is None:
            index = self.plan.entity_index
            columns = np.array([index.get(e, -1) for e in entities], dtype=np.intp)
            if len(self._columns) > 64:  # series of a store share a few entity lists
                self._columns.clear()
            self._columns[entities] = columns
        return columns

    def _read_row(self, s: KpiSeries | None) -> tuple[np.ndarray, np.ndarray, bool, float]:
        """(values, reported_at, later reports, newest report) of one KPI over the plan's entities."""
        n = self.plan.n_entities
        out_values, out_times = np.full(n, np.nan), np.full(n, np.nan)
        if s is None:
            return out_values, out_times, False, -np.inf
        lo, hi = month_range(s.periods, self.month)
        if lo == hi:
            return out_values, out_times, False, -np.inf
        times = s.reported_at[:, lo:hi]
        filled = times[~np.isnan(times)]
        newest = float(filled.max()) if filled.size else -np.inf
        cutoff = self.cutoff
        later = False
        if cutoff is None:
            usable = ~np.isnan(times)
        else:
            usable = times <= cutoff
            later = bool((times > cutoff).any())
        if hi - lo == 1:
            chosen_values = np.where(usable[:, 0], s.values[:, lo], np.nan)
            chosen_times = np.where(usable[:, 0], times[:, 0], np.nan)
        else:
            rows = np.arange(times.shape[0])
            last = (hi - lo - 1) - np.argmax(usable[:, ::-1], axis=1)  # last usable column per row
            has = usable[rows, last]
            chosen_values = np.where(has, s.values[rows, lo + last], np.nan)
            chosen_times = np.where(has, times[rows, last], np.nan)
        columns = self._entity_columns(s.entities)
        ranked = columns >= 0
        out_values[columns[ranked]] = chosen_values[ranked]
        out_times[columns[ranked]] = chosen_times[ranked]
        return out_values, out_times, later, newest


def _same_row(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(a, b, equal_nan=True))


def read_month(plan: CatalogPlan, series: Mapping[str, KpiSeries], month: str,
               cutoff: float | None = None) -> MonthCells:
    """One month's cells, read once (no reader kept)."""
    return MonthReader(plan, month, cutoff).read(series)

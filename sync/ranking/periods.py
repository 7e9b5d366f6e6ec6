"""Which observations a monthly ranking uses.

Rankings are for one month, ``YYYY-MM``. Observation periods are ISO-8601 date
prefixes: a month (``2026-11``), a day (``2026-11-22``) or an instant
(``2026-11-22T10:15``). A KPI reported more often than monthly counts with its
latest observation inside the month, "latest" meaning the greatest period string.
ISO prefixes of one granularity sort chronologically as strings; across
granularities a period sorts before the finer periods it contains (``2026-11`` <
``2026-11-01`` < ``2026-11-01T00:00``), so a finer report within the month wins
over a coarser one. The latest observation is taken even when its value is null:
a null is a report that the figure is not available, and it supersedes earlier
figures (the KPI then counts as not reported for that entity and month).

Only observations of ranked KPIs for ranked entities (catalog entities of the
ranking level) are considered, also when choosing the default month.

Mapping the table's string columns to matrix indices is the costly part of ranking
a table; it is done once per (table, catalog) and cached weakly against the table.
The sync worker does not rank tables: it reads the same choice straight from its
series matrices (month_cells.py); tables are for the command line and tests.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from ..observations import ObservationTable
from .plan import CatalogPlan

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_month(period: str) -> str:
    """`period` if it is a month ``YYYY-MM``, else ValueError with a readable message."""
    if not isinstance(period, str) or not MONTH_RE.match(period):
        raise ValueError(f"period must be a month written YYYY-MM (e.g. 2026-10), not {period!r}")
    return period


def previous_month(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


@dataclass(frozen=True, eq=False)
class TableIndex:
    """The rows of a table that matter for a plan, as integer codes."""

    rows: np.ndarray  # table row numbers of observations of ranked KPIs for ranked entities
    kpi: np.ndarray  # (len(rows),) KPI row index
    entity: np.ndarray  # (len(rows),) entity column index
    period_id: np.ndarray  # (len(rows),) index into `periods`
    periods: tuple[str, ...]  # distinct periods, sorted (so the id order is the period order)
    months: tuple[str, ...]  # month of each period


def _codes(column: np.ndarray, index: dict[str, int]) -> np.ndarray:
    """Integer code of every string of `column` (-1 where absent); one C-level pass."""
    return np.fromiter(map(index.get, column, repeat(-1)), dtype=np.intp, count=len(column))


def build_index(table: ObservationTable, plan: CatalogPlan) -> TableIndex:
    kpi = _codes(table.kpi, plan.kpi_index)
    entity = _codes(table.entity, plan.entity_index)
    rows = np.flatnonzero((kpi >= 0) & (entity >= 0))
    if len(rows) < len(kpi):
        kpi, entity = kpi[rows], entity[rows]
    period_column = table.period[rows] if len(rows) < len(table) else table.period
    periods = sorted(set(period_column))  # few distinct strings; ids follow period order
    if len(periods) == 1:
        period_id = np.zeros(len(rows), dtype=np.intp)
    else:
        period_id = _codes(period_column, {p: i for i, p in enumerate(periods)})
    return TableIndex(rows, kpi, entity, period_id, tuple(periods), tuple(p[:7] for p in periods))


_indexes: dict[tuple[int, int], tuple[weakref.ref[ObservationTable], CatalogPlan, TableIndex]] = {}
_lock = threading.Lock()
_MAX_INDEXES = 8


def index_for(table: ObservationTable, plan: CatalogPlan) -> TableIndex:
    """The cached index of this table object for this plan."""
    key = (id(table), id(plan))
    with _lock:
        entry = _indexes.get(key)
        if entry is not None and entry[0]() is table and entry[1] is plan:
            return entry[2]
    index = build_index(table, plan)

    def forget(_ref: object, key: tuple[int, int] = key) -> None:
        _indexes.pop(key, None)

    with _lock:
        if len(_indexes) >= _MAX_INDEXES:
            _indexes.pop(next(iter(_indexes)))
        _indexes[key] = (weakref.ref(table, forget), plan, index)
    return index


def latest_month(index: TableIndex) -> str | None:
    """The latest month with an observation of a ranked KPI (None: there is none)."""
    if len(index.rows) == 0:
        return None
    return index.months[int(index.period_id.max())]


@dataclass(frozen=True, eq=False)
class MonthRows:
    """The one observation per (KPI, entity) that a month's ranking uses."""

    kpi: np.ndarray
    entity: np.ndarray
    table_rows: np.ndarray

    def __len__(self) -> int:
        return len(self.table_rows)


def select_month(index: TableIndex, month: str) -> MonthRows:
    in_month = np.array([m == month for m in index.months], dtype=bool)
    if not in_month.any():
        empty = np.empty(0, dtype=np.intp)
        return MonthRows(empty, empty, empty)
    if in_month.all():  # the table holds this month only: no filtering needed
        kpi, entity, period_id, rows = index.kpi, index.entity, index.period_id, index.rows
    else:
        mask = in_month[index.period_id]
        kpi, entity, period_id, rows = index.kpi[mask], index.entity[mask], index.period_id[mask], index.rows[mask]
    if int(in_month.sum()) > 1:
        # Several periods in the month (finer-grained KPIs): keep, per (KPI, entity)
        # cell, the row with the greatest period id (ids follow period order). A
        # table has one row per (kpi, entity, period), so exactly one row per cell
        # matches its cell's maximum. O(rows), no sort.
        cell = kpi * (int(entity.max()) + 1) + entity
        latest = np.full(int(cell.max()) + 1, -1, dtype=np.intp)
        np.maximum.at(latest, cell, period_id)
        keep = period_id == latest[cell]
        kpi, entity, rows = kpi[keep], entity[keep], rows[keep]
    return MonthRows(kpi, entity, rows)

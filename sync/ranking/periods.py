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

Mapping the table's string columns to matrix indices is the costly part of a
re-rank; it is done once per (table, catalog) and cached weakly against the table.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass

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


def _codes(column: np.ndarray, index: dict[str, int] | object) -> np.ndarray:
    get = index.get  # type: ignore[attr-defined]
    return np.fromiter(map(lambda c: get(c, -1), column), dtype=np.intp, count=len(column))


def build_index(table: ObservationTable, plan: CatalogPlan) -> TableIndex:
    kpi = _codes(table.kpi, plan.kpi_index)
    entity = _codes(table.entity, plan.entity_index)
    rows = np.flatnonzero((kpi >= 0) & (entity >= 0))
    kpi, entity = kpi[rows], entity[rows]
    ids: dict[str, int] = {}
    setdefault = ids.setdefault
    raw = np.fromiter((setdefault(p, len(ids)) for p in table.period[rows]), dtype=np.intp, count=len(rows))
    periods = sorted(ids)
    remap = np.empty(len(ids), dtype=np.intp)
    for new, p in enumerate(periods):
        remap[ids[p]] = new
    return TableIndex(rows, kpi, entity, remap[raw], tuple(periods), tuple(p[:7] for p in periods))


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
    with _lock:
        if len(_indexes) >= _MAX_INDEXES:
            _indexes.pop(next(iter(_indexes)))
        _indexes[key] = (weakref.ref(table, lambda _r, key=key: _indexes.pop(key, None)), plan, index)
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
    mask = in_month[index.period_id]
    kpi, entity, period_id, rows = index.kpi[mask], index.entity[mask], index.period_id[mask], index.rows[mask]
    if int(in_month.sum()) > 1:
        # Several periods in the month (finer-grained KPIs): keep, per (KPI, entity)
        # cell, the row with the greatest period id (ids follow period order).
        cell = kpi * (int(entity.max()) + 1) + entity
        order = np.lexsort((period_id, cell))
        cell_sorted = cell[order]
        last = np.ones(len(order), dtype=bool)
        last[:-1] = cell_sorted[1:] != cell_sorted[:-1]
        keep = order[last]
        kpi, entity, rows = kpi[keep], entity[keep], rows[keep]
    return MonthRows(kpi, entity, rows)

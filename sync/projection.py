"""What is running out, and when: hours left of a stock or of free capacity, from its recent trend.

In a flood or an epidemic the room must see which hospital runs out of oxygen or
beds first. For each place a layout asks about (its `running_out` tiles, through
`TileOptions.projects()` and `Wants.projections`), the sync thread fits the recent
trend of a stock KPI — or of the free count `total − used` of a used/total pair —
and the snapshot carries the answer; the tiles only look it up and compare the
moments with their clock (sync/derive.py). The rule, documented here once:

- **Readings.** The place's own reports, or, for a place without reports of its own
  (a district over its hospitals, the state), its children's rolled up by the KPI's
  `aggregate` at each moment one of them reported (sync/rollup.py `history`: the same
  points a trend tile draws). A reading's moment is its period's: an instant's own
  time, the start of a day or month. A free count is the total at or before each
  reading of the used KPI minus that reading.
- **Window.** The readings within `window_hours` (default 6) before the place's
  newest reading; at least 3 of them, spanning at least an hour. Fewer: **unknown**.
- **Trend.** The least-squares slope of level against time, per hour. Falling (the
  fall exceeds twice the slope's standard error): hours left = the newest level ÷ the
  rate of fall, counted from the newest reading (so the moment it empties is fixed,
  and a tile counts down to it with its own clock). Flat within its noise (a stock
  wobbling about a level, a refill inside the window) or rising: **not falling** — no
  number. A newest level at or below zero: **none
  left**, whatever the trend.
- **Never from stale data.** The newest report falls stale when it is older than the
  KPI's `frequency` (the moment the wall's freshness facts call it overdue, sync/
  report_times.py; for a rolled-up place, the newest report of the places it is made
  of); the projection carries that moment (`stale_at`) and a tile shows a stale place
  as stale, never projected. A place whose newest reading is older than
  the window has no recent trend at all: unknown.
- Stocks whose unit already is time (hours or days of consumption) still project by
  their own trend: "32 hours of oxygen at today's use" says nothing of how fast the
  stock itself falls when use rises.
- **Order.** Places with a number first, the soonest empty first (none left before
  all), then those not falling (lowest level first), then unknown ones.

Qt-free and pure; one request's answers are worked out once per snapshot.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Literal

import numpy as np

from .contract import Catalog, Kpi
from .freshness import overdue_since
from .report_times import kpi_reports
from .rollup import History, history
from .series import KpiSeries

MIN_READINGS = 3
MIN_SPAN_HOURS = 1.0
SIGNIFICANT = 2.0  # a fall counts when it exceeds this many standard errors of the slope
HISTORY_POINTS = 400  # points read back before the window cut (hourly columns: weeks)

ProjectionKind = Literal["stock", "free"]
Outlook = Literal["falling", "none_left", "not_falling", "unknown"]


@dataclass(frozen=True)
class ProjectionRequest:
    """One column of a running-out tile: a stock KPI (`codes = (stock,)`) or a used/total
    pair (`codes = (used, total)`, projecting the free count), for every place of `level`."""

    kind: ProjectionKind
    codes: tuple[str, ...]
    level: str
    window_hours: float = 6.0


@dataclass(frozen=True)
class Projection:
    """One place's outlook for one request."""

    entity: str
    outlook: Outlook
    level: float | None = None  # newest level: the stock, or the free count
    total: float | None = None  # a pair's total at the newest reading
    reading_at: datetime | None = None  # the newest reading's moment
    stale_at: datetime | None = None  # when the newest report falls older than the KPI's frequency
    hours_left: float | None = None  # falling: from `reading_at`; none left: 0
    rate_per_hour: float | None = None  # falling: how much the level falls per hour
    readings: int = 0  # readings in the window

    @property
    def empties_at(self) -> datetime | None:
        """When the level reaches zero at the current rate (falling or none left)."""
        if self.hours_left is None or self.reading_at is None:
            return None
        return self.reading_at + timedelta(hours=self.hours_left)


Projections = tuple[Projection, ...]  # one request's places, in order (see the module's docstring)


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def fall_rate(hours: np.ndarray, levels: np.ndarray) -> tuple[float, float]:
    """The least-squares slope of `levels` against `hours`, negated (how much they fall per
    hour), and its standard error."""
    x = hours - hours.mean()
    sxx = float((x * x).sum())
    slope = float((x * (levels - levels.mean())).sum() / sxx)
    residuals = levels - levels.mean() - slope * x
    dof = max(1, levels.size - 2)
    return -slope, math.sqrt(float((residuals * residuals).sum()) / dof / sxx)


def outlook_of(seconds: np.ndarray, levels: np.ndarray, window_hours: float) -> tuple[Outlook, float | None, float | None, int]:
    """(outlook, hours left from the newest reading, rate of fall per hour, readings used)
    of readings at `seconds` (ascending POSIX seconds) with `levels`."""
    known = ~np.isnan(levels) & ~np.isnan(seconds)
    seconds, levels = seconds[known], levels[known]
    if seconds.size == 0:
        return "unknown", None, None, 0
    newest = float(seconds[-1])
    inside = seconds >= newest - window_hours * 3600.0
    seconds, levels = seconds[inside], levels[inside]
    current = float(levels[-1])
    if current <= 0:
        return "none_left", 0.0, None, int(seconds.size)
    hours = (seconds - newest) / 3600.0
    if seconds.size < MIN_READINGS or float(-hours[0]) < MIN_SPAN_HOURS:
        return "unknown", None, None, int(seconds.size)
    rate, error = fall_rate(hours, levels)
    if not math.isfinite(rate) or rate <= SIGNIFICANT * error:  # flat within its noise, or rising
        return "not_falling", None, None, int(seconds.size)
    return "falling", current / rate, rate, int(seconds.size)


def _free_history(used: History, total: History) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(seconds, free, total) at each reading of `used`, with the total at or before it."""
    u_sec, u_val = np.array(used.seconds, dtype=np.float64), np.array(used.values, dtype=np.float64)
    t_sec, t_val = np.array(total.seconds, dtype=np.float64), np.array(total.values, dtype=np.float64)
    keep = ~np.isnan(t_val)
    t_sec, t_val = t_sec[keep], t_val[keep]
    if t_sec.size == 0 or u_sec.size == 0:
        return np.empty(0), np.empty(0), np.empty(0)
    index = np.searchsorted(t_sec, u_sec, side="right") - 1
    has_total = index >= 0
    totals = np.where(has_total, t_val[np.maximum(index, 0)], np.nan)
    return u_sec[has_total], (totals - u_val)[has_total], totals[has_total]


def _reporting_places(catalog: Catalog, series: KpiSeries, entity: str) -> list[str]:
    """`entity` itself when it reports, else every place below it that does."""
    if series.row_of(entity) is not None:
        return [entity]
    found: list[str] = []
    pending = [entity]
    while pending:  # the catalog's tree has no cycles (contract.Catalog.children_by_parent)
        for child in catalog.children_of(pending.pop()):
            (found if series.row_of(child.code) is not None else pending).append(child.code)
    return found


def _stale_at(kpi: Kpi, catalog: Catalog, series: KpiSeries, entity: str) -> datetime | None:
    """When the place's newest report (its own, or the newest of the places it is made
    of) falls overdue, as the wall's freshness facts judge it (sync/report_times.py)."""
    newest = kpi_reports(kpi, series).newest_among(_reporting_places(catalog, series, entity))
    return overdue_since(kpi, _moment(newest[0])) if newest is not None else None


def project(catalog: Catalog, series: Mapping[str, KpiSeries], request: ProjectionRequest, entity: str,
            moment: datetime) -> Projection:
    """`entity`'s outlook for `request` from the readings at or before `moment`."""
    kpis = [catalog.kpi(code) for code in request.codes]
    held = [series.get(code) for code in request.codes]
    if any(k is None for k in kpis) or held[0] is None:
        return Projection(entity, "unknown")
    first = kpis[0]
    assert first is not None and held[0] is not None
    if request.kind == "free":
        total_kpi, total_series = kpis[1], held[1]
        if total_kpi is None or total_series is None:
            return Projection(entity, "unknown")
        used = history(catalog, held[0], first, entity, moment, HISTORY_POINTS)
        totals = history(catalog, total_series, total_kpi, entity, moment, HISTORY_POINTS)
        seconds, levels, total_values = _free_history(used, totals)
    else:
        points = history(catalog, held[0], first, entity, moment, HISTORY_POINTS)
        seconds, levels = np.array(points.seconds, dtype=np.float64), np.array(points.values, dtype=np.float64)
        total_values = None
    known = np.flatnonzero(~np.isnan(levels))
    if known.size == 0:
        return Projection(entity, "unknown")
    newest = int(known[-1])
    outlook, hours_left, rate, readings = outlook_of(seconds, levels, request.window_hours)
    return Projection(
        entity=entity,
        outlook=outlook,
        level=float(levels[newest]),
        total=float(total_values[newest]) if total_values is not None else None,
        reading_at=_moment(float(seconds[newest])),
        stale_at=_stale_at(first, catalog, held[0], entity),
        hours_left=hours_left,
        rate_per_hour=rate,
        readings=readings,
    )


def places_of(catalog: Catalog, level: str) -> list[str]:
    """The codes of every place of `level` (the state's own code for "state")."""
    if level == "state":
        return [catalog.state.code]
    return [e.code for e in catalog.entities_of_level(level)]


OUTLOOK_ORDER = {"none_left": 0, "falling": 0, "not_falling": 1, "unknown": 2}


def order_key(p: Projection) -> tuple[int, float, float, str]:
    """Soonest empty first; then not falling, lowest level first; unknown last."""
    empties = p.empties_at.timestamp() if p.empties_at is not None else math.inf
    return OUTLOOK_ORDER[p.outlook], empties, p.level if p.level is not None else math.inf, p.entity


def project_all(catalog: Catalog, series: Mapping[str, KpiSeries], request: ProjectionRequest,
                moment: datetime) -> Projections:
    """Every place of the request's level, in order; a place that never reported is left out."""
    found = (project(catalog, series, request, code, moment) for code in places_of(catalog, request.level))
    return tuple(sorted((p for p in found if p.level is not None), key=order_key))


def projections_for(catalog: Catalog, series: Mapping[str, KpiSeries], requests: frozenset[ProjectionRequest],
                    moment: datetime) -> Mapping[ProjectionRequest, Projections]:
    """Each request's projections (what a snapshot carries)."""
    return MappingProxyType({r: project_all(catalog, series, r, moment) for r in sorted(requests, key=repr)})

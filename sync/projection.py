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


Outcome = tuple[Outlook, float | None, float | None, int]  # outlook, hours left, rate of fall, readings used


def outlook_of(seconds: np.ndarray, levels: np.ndarray, window_hours: float) -> Outcome:
    """(outlook, hours left from the newest reading, rate of fall per hour, readings used)
    of readings at `seconds` (ascending POSIX seconds) with `levels`."""
    return outlooks_of([(seconds, levels)], window_hours)[0]


def outlooks_of(places: list[tuple[np.ndarray, np.ndarray]], window_hours: float) -> list[Outcome]:
    """`outlook_of` for many places at once: their readings padded into one matrix and
    fitted together (hundreds of hospitals every poll cost one pass, not hundreds)."""
    if not places:
        return []
    width = max(1, max(levels.size for _, levels in places))
    seconds = np.full((len(places), width), np.nan)
    levels = np.full((len(places), width), np.nan)
    for row, (sec, lev) in enumerate(places):  # right-aligned: each place's newest reading in the last column
        if lev.size:
            seconds[row, width - lev.size:], levels[row, width - lev.size:] = sec, lev
    known = ~np.isnan(levels) & ~np.isnan(seconds)
    any_known = known.any(axis=1)
    last = width - 1 - np.argmax(known[:, ::-1], axis=1)
    rows = np.arange(len(places))
    newest = np.where(any_known, seconds[rows, last], np.nan)
    current = np.where(any_known, levels[rows, last], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        inside = known & (seconds >= (newest - window_hours * 3600.0)[:, None])
        count = inside.sum(axis=1)
        hours = np.where(inside, (seconds - newest[:, None]) / 3600.0, 0.0)
        y = np.where(inside, levels, 0.0)
        mean_x = hours.sum(axis=1) / count
        mean_y = y.sum(axis=1) / count
        dx = np.where(inside, hours - mean_x[:, None], 0.0)
        dy = np.where(inside, y - mean_y[:, None], 0.0)
        sxx = (dx * dx).sum(axis=1)
        slope = (dx * dy).sum(axis=1) / sxx
        residuals = np.where(inside, dy - slope[:, None] * dx, 0.0)
        error = np.sqrt((residuals * residuals).sum(axis=1) / np.maximum(1, count - 2) / sxx)
        span = -np.where(inside, hours, 0.0).min(axis=1)
    out: list[Outcome] = []
    for i in range(len(places)):
        n = int(count[i])
        if not any_known[i]:
            out.append(("unknown", None, None, 0))
        elif current[i] <= 0:
            out.append(("none_left", 0.0, None, n))
        elif n < MIN_READINGS or span[i] < MIN_SPAN_HOURS:
            out.append(("unknown", None, None, n))
        elif not math.isfinite(slope[i]) or -slope[i] <= SIGNIFICANT * error[i]:  # flat within its noise, or rising
            out.append(("not_falling", None, None, n))
        else:
            out.append(("falling", float(current[i] / -slope[i]), float(-slope[i]), n))
    return out


Readings = tuple[np.ndarray, np.ndarray]  # POSIX seconds (ascending), levels


def _readings(catalog: Catalog, series: KpiSeries, kpi: Kpi, entity: str, moment: datetime) -> Readings:
    """The place's readings at or before `moment`: its own (read straight from the series:
    one row of thousands, every poll), else its children's rolled up (sync/rollup.py)."""
    row = series.row_of(entity)
    if row is not None:
        seconds = series.cell_seconds[row]
        with np.errstate(invalid="ignore"):
            keep = ~np.isnan(seconds) & (seconds <= moment.timestamp())
        return seconds[keep], series.values[row, keep]
    points: History = history(catalog, series, kpi, entity, moment, HISTORY_POINTS)
    return np.array(points.seconds, dtype=np.float64), np.array(points.values, dtype=np.float64)


def _free_history(used: Readings, total: Readings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(seconds, free, total) at each reading of `used`, with the total at or before it."""
    u_sec, u_val = used
    t_sec, t_val = total
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
    reports = kpi_reports(kpi, series)  # worked out once per series
    if entity in reports.due:
        return reports.due[entity]
    newest = reports.newest_among(_reporting_places(catalog, series, entity))
    return overdue_since(kpi, _moment(newest[0])) if newest is not None else None


PlaceReadings = tuple[np.ndarray, np.ndarray, np.ndarray | None]  # seconds, levels, a pair's totals


def _place_readings(catalog: Catalog, series: Mapping[str, KpiSeries], request: ProjectionRequest, entity: str,
                    moment: datetime) -> PlaceReadings | None:
    """The levels the request projects for `entity` (a stock, or a pair's free count), or
    None when the catalog or the store has nothing for it."""
    kpis = [catalog.kpi(code) for code in request.codes]
    held = [series.get(code) for code in request.codes]
    first = kpis[0]
    if first is None or held[0] is None:
        return None
    if request.kind == "stock":
        return (*_readings(catalog, held[0], first, entity, moment), None)
    total_kpi, total_series = kpis[1], held[1]
    if total_kpi is None or total_series is None:
        return None
    used = _readings(catalog, held[0], first, entity, moment)
    return _free_history(used, _readings(catalog, total_series, total_kpi, entity, moment))


def _projected(catalog: Catalog, series: Mapping[str, KpiSeries], request: ProjectionRequest,
               found: list[tuple[str, PlaceReadings]]) -> list[Projection]:
    """Projections of places whose readings were gathered (each with a known level)."""
    if not found:
        return []
    kpi, held = catalog.kpi(request.codes[0]), series.get(request.codes[0])
    assert kpi is not None and held is not None  # a place has readings only then
    outcomes = outlooks_of([(seconds, levels) for _, (seconds, levels, _) in found], request.window_hours)
    out = []
    for (entity, (seconds, levels, totals)), (outlook, hours_left, rate, readings) in zip(found, outcomes):
        newest = int(np.flatnonzero(~np.isnan(levels))[-1])
        out.append(Projection(
            entity=entity,
            outlook=outlook,
            level=float(levels[newest]),
            total=float(totals[newest]) if totals is not None else None,
            reading_at=_moment(float(seconds[newest])),
            stale_at=_stale_at(kpi, catalog, held, entity),
            hours_left=hours_left,
            rate_per_hour=rate,
            readings=readings,
        ))
    return out


def _gathered(catalog: Catalog, series: Mapping[str, KpiSeries], request: ProjectionRequest, entities: list[str],
              moment: datetime) -> list[tuple[str, PlaceReadings]]:
    found = []
    for entity in entities:
        readings = _place_readings(catalog, series, request, entity, moment)
        if readings is not None and (~np.isnan(readings[1])).any():
            found.append((entity, readings))
    return found


def project(catalog: Catalog, series: Mapping[str, KpiSeries], request: ProjectionRequest, entity: str,
            moment: datetime) -> Projection:
    """`entity`'s outlook for `request` from the readings at or before `moment`."""
    found = _gathered(catalog, series, request, [entity], moment)
    return _projected(catalog, series, request, found)[0] if found else Projection(entity, "unknown")


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
    found = _gathered(catalog, series, request, places_of(catalog, request.level), moment)
    return tuple(sorted(_projected(catalog, series, request, found), key=order_key))


def projections_for(catalog: Catalog, series: Mapping[str, KpiSeries], requests: frozenset[ProjectionRequest],
                    moment: datetime) -> Mapping[ProjectionRequest, Projections]:
    """Each request's projections (what a snapshot carries)."""
    return MappingProxyType({r: project_all(catalog, series, r, moment) for r in sorted(requests, key=repr)})

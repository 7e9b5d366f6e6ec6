"""An entity's value of a KPI: its own report, or its children's rolled up.

A store sends some figures for every place (a district's vaccination rate) and
others only at the bottom (each hospital's beds). When an entity has no report of
its own, its value is made from its children's by the KPI's `aggregate` (`sum`,
`mean`, `min`, `max`; DESIGN.md "Optional catalog fields"): each child counts with
its latest value at or before the moment shown — a hospital that reported at 09:10
and one that reported at 11:40 add up at 12:00 — recursively (hospitals → district →
state, or hospitals straight to the state when that is their parent). The result
says how it was made: how many reporting places it includes, how many of them are
older than the KPI's frequency, how many said nothing, so a tile can say "sum of 224
hospitals · 12 older than 1 h" and never present a partial sum as a whole one.

A KPI whose `aggregate` this wall does not know gives no rolled-up value at all
(unknown, not guessed). Qt-free and pure; the same rules give the latest figure and
the history a sparkline or trend draws.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from .contract import Catalog, Kpi
from .freshness import add_duration, overdue_since
from .period_time import period_start
from .series import KpiSeries

LEVEL_DEPTH = {"state": 0, "zone": 1, "district": 2, "taluka": 3, "village": 4, "facility": 5}


@dataclass(frozen=True)
class Figure:
    """A KPI's value for one entity at one moment, and how it was made."""

    value: float | None  # None: unknown
    method: str | None  # None: the entity's own report; else the aggregate used
    places: int  # reporting places it includes (1 for an own report)
    stale: int  # of them, how many are older than the KPI's frequency at the moment
    missing: int  # places expected to report (of the KPI's level) with no value
    period: str | None  # the own report's period, or the newest among the places
    reported_at: float | None  # POSIX seconds: newest report used
    oldest_reported_at: float | None  # POSIX seconds: oldest report used
    place_level: str | None = None  # the catalog level of every place included; None if mixed
    oldest_period: str | None = None  # the oldest period among the places (= period for an own report)

    @property
    def rolled_up(self) -> bool:
        return self.method is not None


NO_FIGURE = Figure(None, None, 0, 0, 0, None, None, None)

# column-wise reductions that skip NaN, for the aggregates other than "mean"
_NAN_REDUCERS: dict[str, Callable[..., np.ndarray]] = {"sum": np.nansum, "min": np.nanmin, "max": np.nanmax}


def _combine(method: str, values: list[float], places: list[int]) -> float | None:
    """Children's values made one. A mean is over the reporting places themselves, each
    child's value weighted by how many places it stands for, so "mean of 10 facilities"
    is the mean of those ten, not of two districts' means."""
    if not values:
        return None
    if method == "sum":
        return math.fsum(values)
    if method == "mean":
        weights = [max(1, n) for n in places]
        return math.fsum(v * w for v, w in zip(values, weights)) / sum(weights)
    if method == "min":
        return min(values)
    if method == "max":
        return max(values)
    return None


def _expected(kpi: Kpi, catalog: Catalog, code: str, series: KpiSeries | None = None) -> bool:
    """Whether an entity is one the KPI is reported for (counts as missing if silent).

    A place of the KPI's level is expected to report it — except one side of a used/total
    pair that the place has never reported: a hospital without ventilators sends no
    ventilator figures and is not "not reporting" them."""
    if kpi.level is None or catalog.level_of(code) != kpi.level:
        return False
    if kpi.code in _paired_codes(catalog):
        return series is not None and series.row_of(code) is not None
    return True


def _paired_codes(catalog: Catalog) -> frozenset[str]:
    return frozenset(code for used, total in catalog.capacity_pairs for code in (used.code, total.code))


def figure(catalog: Catalog, series: KpiSeries | None, kpi: Kpi, entity: str, moment: datetime) -> Figure:
    """The value of `kpi` for `entity` (the state's code for the state) at `moment`."""
    latest = _latest_columns(series, moment.timestamp()) if series is not None else None
    return _figure(catalog, series, latest, kpi, entity, moment, _stale_before(kpi, moment))


def _latest_columns(series: KpiSeries, limit: float) -> np.ndarray:
    """Per entity row, the column of its latest observation at or before `limit` (POSIX
    seconds of the moment shown); -1 where it has none. A cell's exact period counts,
    so an hour's column holding a snapshot taken after the moment is not yet seen."""
    seconds = series.cell_seconds
    if seconds.size == 0:
        return np.full(len(series.entities), -1)
    with np.errstate(invalid="ignore"):
        seen = seconds <= limit  # NaN (no observation) compares False
    last = seconds.shape[1] - 1 - seen[:, ::-1].argmax(axis=1)
    return np.where(seen.any(axis=1), last, -1)


def _stale_before(kpi: Kpi, moment: datetime) -> float | None:
    """Reports at or before this POSIX second are older than the KPI's frequency at
    `moment`; None when the frequency has calendar months (judged report by report)."""
    if "M" in (kpi.frequency or "").split("T")[0] or "Y" in (kpi.frequency or ""):
        return None
    try:
        return moment.timestamp() - (add_duration(moment, kpi.frequency) - moment).total_seconds()
    except ValueError:
        return None


def _figure(catalog: Catalog, series: KpiSeries | None, latest: np.ndarray | None, kpi: Kpi, entity: str,
            moment: datetime, stale_before: float | None) -> Figure:
    expected = _expected(kpi, catalog, entity, series)
    own = _own(series, latest, kpi, entity, moment, stale_before)
    if own is not None:
        own = replace(own, place_level=catalog.level_of(entity), oldest_period=own.period)
        return own if own.value is not None or not expected else replace(own, missing=1)
    if expected or kpi.aggregate_method is None:
        return replace(NO_FIGURE, missing=1 if expected else 0)
    parts: list[Figure] = []
    missing = 0
    for child in catalog.children_of(entity):
        if kpi.level is not None and LEVEL_DEPTH.get(child.level, 9) > LEVEL_DEPTH.get(kpi.level, 9):
            continue  # below the KPI's level: not reported for this KPI
        part = _figure(catalog, series, latest, kpi, child.code, moment, stale_before)
        missing += part.missing
        if part.value is not None:
            parts.append(part)
    return _made_from(kpi, parts, missing)


def _made_from(kpi: Kpi, parts: list[Figure], missing: int) -> Figure:
    """The figure `parts` (children's figures with a value) make by the KPI's aggregate."""
    value = _combine(kpi.aggregate_method or "", [p.value for p in parts if p.value is not None],
                     [p.places for p in parts if p.value is not None])
    if value is None:
        return Figure(None, kpi.aggregate_method, 0, 0, missing, None, None, None)
    periods = [p.period for p in parts if p.period]
    levels = {p.place_level for p in parts}
    return Figure(
        value=value,
        method=kpi.aggregate_method,
        places=sum(p.places for p in parts),
        stale=sum(p.stale for p in parts),
        missing=missing,
        period=max(periods, key=period_start) if periods else None,
        reported_at=max(p.reported_at for p in parts if p.reported_at is not None),
        oldest_reported_at=min(p.oldest_reported_at for p in parts if p.oldest_reported_at is not None),
        place_level=levels.pop() if len(levels) == 1 else None,
        oldest_period=min((p.oldest_period for p in parts if p.oldest_period), key=period_start, default=None),
    )


def columns_by(series: KpiSeries, moment: datetime) -> int:
    """How many leading columns of `series` have begun at `moment`."""
    count = len(series.periods)
    while count and period_start(series.periods[count - 1]) > moment:
        count -= 1
    return count


def _own(series: KpiSeries | None, latest: np.ndarray | None, kpi: Kpi, entity: str, moment: datetime,
         stale_before: float | None) -> Figure | None:
    """The entity's own latest report at or before `moment`; value None if reported null."""
    row = series.row_of(entity) if series is not None else None
    if series is None or latest is None or row is None or latest[row] < 0:
        return None
    col = int(latest[row])
    value = float(series.values[row, col])
    period = series.period_at(row, col)
    reported = float(series.reported_at[row, col])
    if len(period) > 10:  # a reading taken at an instant is as old as that instant, however late it was sent
        reported = min(reported, float(series.cell_seconds[row, col]))
    if math.isnan(value):  # reported as not available: the latest word is "unknown"
        return Figure(None, None, 0, 0, 0, period, reported, reported)
    if stale_before is not None:
        stale = 1 if reported <= stale_before else 0
    else:
        stale = 1 if overdue_since(kpi, datetime.fromtimestamp(reported, moment.tzinfo)) <= moment else 0
    return Figure(value, None, 1, stale, 0, period, reported, reported)


def figures(catalog: Catalog, series: Mapping[str, KpiSeries], kpi: Kpi, entities: list[str], moment: datetime) -> dict[str, Figure]:
    """`figure` for several entities of one KPI (latest columns and stale cut-off found once)."""
    one = series.get(kpi.code)
    latest = _latest_columns(one, moment.timestamp()) if one is not None else None
    stale_before = _stale_before(kpi, moment)
    return {code: _figure(catalog, one, latest, kpi, code, moment, stale_before) for code in entities}


def pair_figures(catalog: Catalog, series: Mapping[str, KpiSeries], used: Kpi, total: Kpi, entities: list[str],
                 moment: datetime) -> dict[str, tuple[Figure, Figure]]:
    """(used, total) of a capacity pair for each entity. Made from children, both sides
    add up only the places that report both: a hospital that sends its total but not its
    occupied beds must not make a district look emptier than it is."""
    one_used, one_total = series.get(used.code), series.get(total.code)
    limit = moment.timestamp()
    latest_used = _latest_columns(one_used, limit) if one_used is not None else None
    latest_total = _latest_columns(one_total, limit) if one_total is not None else None
    stale_used, stale_total = _stale_before(used, moment), _stale_before(total, moment)

    def both(code: str) -> tuple[Figure, Figure]:
        u = _figure(catalog, one_used, latest_used, used, code, moment, stale_used)
        t = _figure(catalog, one_total, latest_total, total, code, moment, stale_total)
        if not (u.rolled_up and t.rolled_up):
            return u, t  # the place's own reports (or one side own: shown as they are)
        matched: list[tuple[Figure, Figure]] = []
        missing_used = missing_total = 0
        for child in catalog.children_of(code):
            if used.level is not None and LEVEL_DEPTH.get(child.level, 9) > LEVEL_DEPTH.get(used.level, 9):
                continue
            cu, ct = both(child.code)
            missing_used, missing_total = missing_used + cu.missing, missing_total + ct.missing
            if cu.value is not None and ct.value is not None:
                matched.append((cu, ct))
        return (_made_from(used, [m[0] for m in matched], missing_used),
                _made_from(total, [m[1] for m in matched], missing_total))

    return {code: both(code) for code in entities}


@dataclass(frozen=True)
class History:
    """A KPI's values for one entity over time: own reports, or the roll-up at each
    moment some place reported (each place counting with its latest value then)."""

    periods: tuple[str, ...]  # exact period of each point (own), or its column (rolled up)
    seconds: tuple[float, ...]  # POSIX seconds of each point: x of a time-proportional axis
    values: tuple[float, ...]  # NaN where unknown
    method: str | None  # None: the entity's own reports

    @property
    def latest(self) -> float | None:
        for v in reversed(self.values):
            if not math.isnan(v):
                return v
        return None


EMPTY_HISTORY = History((), (), (), None)


def history(catalog: Catalog, series: KpiSeries | None, kpi: Kpi, entity: str, moment: datetime, count: int) -> History:
    """The last `count` points of `kpi` for `entity` at or before `moment`."""
    if series is None:
        return EMPTY_HISTORY
    ncols = columns_by(series, moment)
    limit = moment.timestamp()
    row = series.row_of(entity)
    if row is not None:
        seconds = series.cell_seconds[row, :ncols]
        cols = np.flatnonzero(~np.isnan(seconds) & (seconds <= limit))[-count:]
        return History(
            tuple(series.period_at(row, int(c)) for c in cols),
            tuple(float(x) for x in seconds[cols]),
            tuple(float(v) for v in series.values[row, cols]),
            None,
        )
    if _expected(kpi, catalog, entity, series) or kpi.aggregate_method is None:
        return EMPTY_HISTORY
    combined = _rolled(catalog, series, kpi, entity, ncols, limit)
    if combined is None:
        return EMPTY_HISTORY
    values, newest, updated, places = combined
    shown = updated
    if kpi.aggregate_method == "sum" and updated.any():
        # A sum over fewer places is not comparable: at the start of the kept history only
        # the places that reported in its first hours are known, and a steady total would
        # climb as the others appear. The points before the sum first includes (nearly)
        # every place the history knows are left out; a place that joins later does not
        # cut the history short.
        complete = np.flatnonzero(updated & (places >= 0.98 * places[updated].max()))
        shown = updated & (np.arange(updated.size) >= complete[0])
    cols = np.flatnonzero(shown)[-count:]
    return History(
        tuple(series.periods[int(c)] for c in cols),
        tuple(float(x) for x in newest[cols]),
        tuple(float(v) for v in values[cols]),
        kpi.aggregate_method,
    )


Track = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # values, newest seconds, updated mask, places


def _track(series: KpiSeries, rows: list[int], ncols: int, limit: float) -> Track:
    """Entities' own reports carried forward: at each column, each one's latest value so
    far (one row per entity in `rows`)."""
    seconds = series.cell_seconds[rows, :ncols]
    with np.errstate(invalid="ignore"):
        observed = ~np.isnan(seconds) & (seconds <= limit)
    index = np.maximum.accumulate(np.where(observed, np.arange(ncols), -1), axis=1)
    known = index >= 0
    safe = np.where(known, index, 0)
    values = np.where(known, np.take_along_axis(series.values[rows, :ncols], safe, axis=1), np.nan)
    newest = np.where(known, np.take_along_axis(seconds, safe, axis=1), np.nan)
    return values, newest, observed, (~np.isnan(values)).astype(np.float64)


def _rolled(catalog: Catalog, series: KpiSeries, kpi: Kpi, entity: str, ncols: int, limit: float) -> Track | None:
    tracks: list[Track] = []
    rows: list[int] = []
    for child in catalog.children_of(entity):
        if kpi.level is not None and LEVEL_DEPTH.get(child.level, 9) > LEVEL_DEPTH.get(kpi.level, 9):
            continue
        row = series.row_of(child.code)
        if row is not None:
            rows.append(row)
        elif not _expected(kpi, catalog, child.code, series):
            sub = _rolled(catalog, series, kpi, child.code, ncols, limit)
            if sub is not None:
                sub_values, sub_newest, sub_updated, sub_places = sub
                tracks.append((sub_values[None, :], sub_newest[None, :], sub_updated[None, :], sub_places[None, :]))
    if rows:
        tracks.append(_track(series, rows, ncols, limit))
    if not tracks:
        return None
    values = np.vstack([t[0] for t in tracks])
    newest = np.vstack([t[1] for t in tracks])
    updated = np.vstack([t[2] for t in tracks]).any(axis=0)
    places = np.vstack([t[3] for t in tracks])  # how many places each child's value stands for
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns are handled below
        method = kpi.aggregate_method or "mean"
        if method == "mean":  # over the places themselves, as `_combine`
            weights = np.where(np.isnan(values), 0.0, np.maximum(places, 1.0))
            combined = np.nansum(values * weights, axis=0) / weights.sum(axis=0)
        else:
            combined = _NAN_REDUCERS[method](values, axis=0)
        any_value = ~np.isnan(values).all(axis=0)
        combined = np.where(any_value, combined, np.nan)
        latest = np.where(any_value, np.nanmax(np.where(np.isnan(newest), -np.inf, newest), axis=0), np.nan)
    counted = np.where(np.isnan(values), 0.0, places).sum(axis=0)
    return combined, latest, updated & any_value, counted

"""Which figures are past a warn or critical threshold right now, and what was judged.

The status strip counts them and the alerts tile lists them, so the rule lives in
one Qt-free place, and the thresholds come from sync/thresholds.py:

- every KPI with a band — the catalog's `alert`, else the layout's
  `[thresholds.kpi."CODE"]` — is judged on the latest observation of each entity,
  in the direction of the KPI's `better` (for `lower`, a value above `critical` is
  critical);
- every used/total pair (the catalog's `capacity_of`, and pairs the layout's tiles
  declare) is judged on its occupancy, used ÷ total of the same entity, against the
  layout's `[thresholds.occupancy]` (at or above a threshold is past it).

A value reported as null is not an alert (it is a freshness problem, shown
elsewhere). Only entities of the KPI's own `level` are judged (a state total of a
district KPI, e.g. the sum of pending complaints, is not compared with district
thresholds); facilities are judged whatever their parent (a district or the state).

Nothing judged is not "all clear": `Judgement` says how many KPIs and pairs had a
threshold and how many figures were compared, so a wall whose catalog and layout
give no thresholds says so instead of showing a green tick.

Order: critical first; then the KPIs reported most often (an oxygen stock reported
every minute needs action now, a monthly backlog is a review matter); then the
furthest past its threshold. How long it has been so: `since` is the first
observation of the unbroken run of observations, up to the latest, that were at
least as bad as the current level (observations reported as null are skipped: they
neither extend nor break the run).
"""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from .contract import Catalog, Kpi
from .crisis_watch import too_old
from .freshness import add_duration
from .series import KpiSeries
from .snapshot import Snapshot
from .thresholds import (
    DEFAULT_THRESHOLDS,
    SEVERITY,
    AlertLevel,
    Band,
    Thresholds,
    capacity_pairs,
    kpi_band,
    kpi_level,
    occupancy_level,
)

__all__ = ["ActiveAlert", "AlertLevel", "Judgement", "Measure", "active_alerts", "alert_level", "count_by_level", "judge",
           "judgement_of", "measure_all", "shown_judgement", "too_old_to_judge"]


@dataclass(frozen=True, slots=True)
class ActiveAlert:
    kpi: str  # the KPI judged; for an occupancy alert, the used KPI of the pair
    entity: str
    level: AlertLevel
    value: float  # the KPI's value; for occupancy, the percent used
    threshold: float  # the threshold that was crossed (percent, for occupancy)
    period: str
    reported_at: datetime
    since_period: str | None = None  # period of the first observation of the run
    since: datetime | None = None  # reported_at of the first observation of the run
    severity: float = 0.0  # how far past the threshold, relative to it (0.25 = 25 % past)
    source: str = "catalog"  # where the threshold comes from: "catalog" or "layout"
    total_kpi: str | None = None  # occupancy: the pair's total KPI
    used: float | None = None  # occupancy: the used count
    total: float | None = None  # occupancy: the total count

    @property
    def is_critical(self) -> bool:
        return self.level == "critical"

    @property
    def is_occupancy(self) -> bool:
        return self.total_kpi is not None

    @property
    def free(self) -> float | None:
        if self.used is None or self.total is None:
            return None
        return max(0.0, self.total - self.used)


@dataclass(frozen=True)
class Judgement:
    """The alerts, and how much was judged to find them."""

    alerts: tuple[ActiveAlert, ...]
    measures: int  # KPIs and used/total pairs that have a threshold
    figures: int  # latest values compared with a threshold


NOTHING_JUDGED = Judgement((), 0, 0)

Select = Callable[..., bool]  # select(*kpi_codes) -> whether alerts on these KPIs are wanted


def alert_level(kpi: Kpi, value: float | None, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> AlertLevel | None:
    """'critical', 'warn' or None for `value` of `kpi`: the catalog's alert, else the layout's band."""
    return kpi_level(kpi, value, thresholds)


def active_alerts(snapshot: Snapshot, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[ActiveAlert]:
    """Every alert of `snapshot`, critical first, then the furthest past its threshold."""
    return list(judge(snapshot, thresholds).alerts)


Measure = tuple[tuple[str, ...], int, tuple[ActiveAlert, ...]]  # KPI codes judged, figures compared, alerts found


def measure_all(snapshot: Snapshot, catalog: Catalog, thresholds: Thresholds,
                previous: tuple[Mapping[str, KpiSeries], tuple[Measure, ...]] | None = None) -> tuple[Measure, ...]:
    """The judgement of every KPI with a band and every used/total pair under `thresholds`.
    The costly part of judging: the sync thread does it once per snapshot (sync/derive.py).
    Judging reads only the data (never the clock), and series are immutable, so each
    KPI's judgement is kept with its series and a poll judges only the KPIs it changed.
    `previous`: series and what `measure_all` found in them under the same catalog and
    thresholds; a KPI (a pair) whose series are the same objects keeps its measure."""
    measures: list[Measure] = []
    series = snapshot.series
    before, kept = (previous[0], {m[0]: m for m in previous[1]}) if previous is not None else ({}, {})
    for kpi, band, source in _banded(catalog, thresholds):
        code = kpi.code
        held = series.get(code)
        measure = kept.get((code,)) if held is not None and before.get(code) is held else None
        if measure is None:
            judged, found = _judge_kpi(catalog, held, kpi, band, source)
            measure = ((code,), judged, found)
        measures.append(measure)
    if thresholds.judges_occupancy:
        for used, total in capacity_pairs(catalog, thresholds):
            codes = (used.code, total.code)
            same = all(series.get(c) is not None and before.get(c) is series.get(c) for c in codes)
            measure = kept.get(codes) if same else None
            if measure is None:
                judged, found = _judge_pair_kept(catalog, series, used, total, thresholds)
                measure = (codes, judged, found)
            measures.append(measure)
    return tuple(measures)


_BANDED: list[tuple[Catalog, Thresholds, tuple[tuple[Kpi, Band, str], ...]]] = []


def _banded(catalog: Catalog, thresholds: Thresholds) -> tuple[tuple[Kpi, Band, str], ...]:
    """(KPI, band, source) of every catalog KPI with a band under `thresholds`, in catalog
    order; the last few (catalog, thresholds) asked are kept (the live and history workers)."""
    for held_catalog, held_thresholds, banded in _BANDED:
        if held_catalog is catalog and held_thresholds == thresholds:
            return banded
    found = []
    for kpi in catalog.kpis:
        band, source = kpi_band(kpi, thresholds)
        if band is not None:
            found.append((kpi, band, source))
    banded = tuple(found)
    _BANDED.insert(0, (catalog, thresholds, banded))
    del _BANDED[4:]
    return banded


def judgement_of(measures: tuple[Measure, ...], catalog: Catalog, select: Select | None = None) -> Judgement:
    """The alerts of the `measures` that `select` accepts, critical first, in the order above."""
    wanted = select or (lambda *codes: True)
    alerts: list[ActiveAlert] = []
    count = figures = 0
    for codes, judged, found in measures:
        if not wanted(*codes):
            continue
        count += 1
        figures += judged
        alerts += found
    cadence = {k.code: _cadence_seconds(k.frequency) for k in catalog.kpis}
    alerts.sort(key=lambda a: (not a.is_critical, cadence.get(a.kpi, 0.0), -a.severity, a.kpi, a.entity))
    return Judgement(tuple(alerts), count, figures)


def shown_judgement(snapshot: Snapshot, thresholds: Thresholds, select: Select | None = None,
                    now: datetime | None = None) -> Judgement | None:
    """The judgement `snapshot` carries for `thresholds` (derived on the sync thread), or
    None when it carries none: for the screens, which must not judge while painting.
    Given the moment shown (`now`), also None when no alert was found in data too old
    to judge (`too_old_to_judge`): unknown, never "no alerts". Alerts found are shown
    however old (each says since when)."""
    if snapshot.catalog is None:
        return NOTHING_JUDGED
    measures = snapshot.derived.measures_for(thresholds)
    if measures is None:
        return None
    judgement = judgement_of(measures, snapshot.catalog, select)
    if not judgement.alerts and now is not None and too_old_to_judge(snapshot, measures, now, select):
        return None  # no alert found, in data too old to say so
    return judgement


def too_old_to_judge(snapshot: Snapshot, measures: tuple[Measure, ...], now: datetime,
                     select: Select | None = None) -> bool:
    """Whether every KPI judged (those `select` accepts; for a pair, its used KPI) was last
    reported, by any place, too long ago to judge at `now` (overdue by more than another
    period: sync/crisis_watch.py `too_old`) — the store silent or unreachable that long.
    The screens then say the alerts are unknown. Only compares report times the sync
    thread derived (sync/report_times.py) with the clock; a KPI never reported does not
    count either way."""
    catalog = snapshot.catalog
    if catalog is None:
        return False
    wanted = select or (lambda *codes: True)
    reported = False
    for codes, _judged, _found in measures:
        if not wanted(*codes):
            continue
        reports, kpi = snapshot.derived.reports_of(codes[0]), catalog.kpi(codes[0])
        if reports is None or reports.newest is None or kpi is None:
            continue
        reported = True
        if not too_old(reports.newest, kpi.frequency, now.timestamp()):
            return False
    return reported


def judge(snapshot: Snapshot, thresholds: Thresholds = DEFAULT_THRESHOLDS, select: Select | None = None) -> Judgement:
    """Judge every KPI with a band and every used/total pair (those `select` accepts),
    from what the snapshot carries or, off the screens, from its data."""
    catalog = snapshot.catalog
    if catalog is None:
        return NOTHING_JUDGED
    measures = snapshot.derived.measures_for(thresholds)
    if measures is None:
        measures = measure_all(snapshot, catalog, thresholds)
    return judgement_of(measures, catalog, select)


def _judged_entities(catalog: Catalog, kpi: Kpi, series: KpiSeries) -> list[str]:
    """The entities of `kpi`'s own level (all, when the KPI names no level)."""
    if kpi.level is None:
        return list(series.entities)
    return [e for e in series.entities if catalog.level_of(e) in (kpi.level, None)]


Judged = tuple[int, tuple[ActiveAlert, ...]]  # figures compared, alerts found

# series -> (catalog, {(KPI, band, source): its judgement}); a series is immutable, so its
# judgement holds for as long as it lives (and the catalog that placed its entities).
_KEPT: weakref.WeakKeyDictionary[KpiSeries, tuple[Catalog, dict[tuple[str, str, str | None, Band, str], Judged]]] = (
    weakref.WeakKeyDictionary())


def _judge_kpi(catalog: Catalog, series: KpiSeries | None, kpi: Kpi, band: Band, source: str) -> Judged:
    """`kpi`'s judgement in `series`, worked out once per series."""
    if series is None:
        return 0, ()
    held = _KEPT.get(series)
    if held is None or held[0] is not catalog:
        held = (catalog, {})
        _KEPT[series] = held
    key = (kpi.code, kpi.better, kpi.level, band, source)
    judged = held[1].get(key)
    if judged is None:
        judged = held[1][key] = _judge_series(catalog, series, kpi, band, source)
    return judged


def _past(values: np.ndarray, threshold: float | None, better: str) -> np.ndarray:
    """`thresholds.level_in_band`'s comparison for a row of values (NaN is never past)."""
    if threshold is None:
        return np.zeros(values.shape, dtype=bool)
    return values > threshold if better == "lower" else values < threshold


def _severities(values: np.ndarray, band: Band, better: str) -> np.ndarray:
    """SEVERITY of `level_in_band` of each value, as array operations."""
    critical = _past(values, band.critical, better)
    return np.where(critical, SEVERITY["critical"], np.where(_past(values, band.warn, better), SEVERITY["warn"], 0))


def _judge_series(catalog: Catalog, series: KpiSeries, kpi: Kpi, band: Band, source: str) -> Judged:
    """Each judged entity's latest observation (as `KpiSeries.latest`) against `band`,
    and since when each alert holds (as `run_start`), without a Python call per entity."""
    times = series.reported_at
    if times.size == 0:
        return 0, ()
    rows = (np.arange(len(series.entities)) if kpi.level is None else
            np.array([r for r, e in enumerate(series.entities) if catalog.level_of(e) in (kpi.level, None)],
                     dtype=np.intp))
    if rows.size == 0:
        return 0, ()
    seen = ~np.isnan(times[rows])
    last = seen.shape[1] - 1 - np.argmax(seen[:, ::-1], axis=1)  # each row's newest observation
    values = series.values[rows, last]
    known = seen.any(axis=1) & ~np.isnan(values)  # reported, and not as null
    severity = np.where(known, _severities(values, band, kpi.better), 0)
    alerts = []
    for i in np.flatnonzero(severity).tolist():
        row, col = int(rows[i]), int(last[i])
        level: AlertLevel = "critical" if severity[i] == SEVERITY["critical"] else "warn"
        threshold = band.critical if level == "critical" else band.warn
        assert threshold is not None
        value = float(values[i])
        first = _band_run_start(series, row, int(severity[i]), band, kpi.better)
        reported_at = _utc(float(times[row, col]))
        alerts.append(ActiveAlert(
            kpi=kpi.code, entity=series.entities[row], level=level, value=value, threshold=threshold,
            period=series.period_at(row, col), reported_at=reported_at, since_period=series.period_at(row, first),
            since=reported_at if first == col else _utc(float(times[row, first])),  # a run of one: one datetime
            severity=abs(value - threshold) / (abs(threshold) or 1.0), source=source,
        ))
    return int(np.count_nonzero(known)), tuple(alerts)


def _band_run_start(series: KpiSeries, row: int, severity: int, band: Band, better: str) -> int:
    """The column of `run_start` for a band: the first observation of the trailing run at
    `severity` or worse, observations reported as null skipped."""
    seen = np.flatnonzero(~np.isnan(series.reported_at[row]))
    values = series.values[row, seen]
    valid = ~np.isnan(values)
    broken = np.flatnonzero(valid & (_severities(values, band, better) < severity))
    after = broken[-1] + 1 if broken.size else 0
    return int(seen[after + int(np.argmax(valid[after:]))])  # the latest is valid and in the run


def _judge_pair_kept(catalog: Catalog, series: Mapping[str, KpiSeries], used: Kpi, total: Kpi,
                     thresholds: Thresholds) -> Judged:
    """`_judge_pair`, kept with the used series while the total series and the rule stay."""
    used_series, total_series = series.get(used.code), series.get(total.code)
    if used_series is None or total_series is None:
        return 0, ()
    held = _KEPT_PAIRS.get(used_series)
    key = (catalog, total_series, used, total, thresholds.occupancy)
    if held is not None and all(a is b for a, b in zip(held[0][:4], key[:4])) and held[0][4] == key[4]:
        return held[1]
    judged, found = _judge_pair(catalog, series, used, total, thresholds)
    _KEPT_PAIRS[used_series] = (key, (judged, tuple(found)))
    return judged, tuple(found)


_KEPT_PAIRS: weakref.WeakKeyDictionary[KpiSeries, tuple[tuple[Catalog, KpiSeries, Kpi, Kpi, Band], Judged]] = (
    weakref.WeakKeyDictionary())


def _judge_pair(catalog: Catalog, series: Mapping[str, KpiSeries], used: Kpi, total: Kpi,
                thresholds: Thresholds) -> tuple[int, list[ActiveAlert]]:
    used_series = series.get(used.code)
    total_series = series.get(total.code)
    if used_series is None or total_series is None:
        return 0, []
    judged, alerts = 0, []
    for entity in _judged_entities(catalog, used, used_series):
        latest, capacity = used_series.latest(entity), total_series.latest(entity)
        if latest is None or capacity is None:
            continue
        period, value, reported_at = latest
        total_value = capacity[1]
        if value is None or total_value is None or total_value <= 0:
            continue  # occupancy unknown: a total of 0 or none says nothing about how full a place is
        share = 100.0 * value / total_value
        judged += 1
        level = occupancy_level(share, thresholds)
        if level is None:
            continue
        threshold = thresholds.occupancy.critical if level == "critical" else thresholds.occupancy.warn
        assert threshold is not None
        totals = _carried(total_series, entity)
        since_period, since_at = run_start(used_series, entity, level,
                                           _occupancy_judge(used_series, entity, totals, thresholds))
        alerts.append(ActiveAlert(
            kpi=used.code, entity=entity, level=level, value=share, threshold=threshold, period=period,
            reported_at=_utc(reported_at), since_period=since_period, since=_utc(since_at),
            severity=abs(share - threshold) / (abs(threshold) or 1.0), source="layout",
            total_kpi=total.code, used=value, total=total_value,
        ))
    return judged, alerts


def _occupancy_judge(used_series: KpiSeries, entity: str, totals: tuple[list[str], list[float]],
                     thresholds: Thresholds) -> Callable[[float, int], AlertLevel | None]:
    """How full `entity` was at one past used observation (value, column), for `run_start`."""
    def level_of(value: float, column: int) -> AlertLevel | None:
        return occupancy_level(_share(value, totals, used_series, entity, column), thresholds)
    return level_of


def _carried(series: KpiSeries, entity: str) -> tuple[list[str], list[float]]:
    """An entity's reported (period, value) of `series`, ascending, nulls left out."""
    row = series.row_of(entity)
    if row is None:
        return [], []
    periods, values = [], []
    for col in np.flatnonzero(~np.isnan(series.reported_at[row])):
        value = float(series.values[row, col])
        if not np.isnan(value):
            periods.append(series.period_at(row, int(col)))
            values.append(value)
    return periods, values


def _share(used: float, totals: tuple[list[str], list[float]], series: KpiSeries, entity: str, col: int) -> float | None:
    """Occupancy of a past used observation against the total known at its period."""
    row = series.row_of(entity)
    assert row is not None
    periods, values = totals
    at = bisect.bisect_right(periods, series.period_at(row, col))
    if at == 0 or values[at - 1] <= 0:
        return None
    return 100.0 * used / values[at - 1]


def run_start(series: KpiSeries, entity: str, level: AlertLevel,
              level_of: Callable[[float, int], AlertLevel | None]) -> tuple[str, float]:
    """(period, reported_at) of the first observation of the trailing run at `level` or worse;
    `level_of(value, column)` judges one past observation."""
    row = series.row_of(entity)
    assert row is not None
    seen = np.flatnonzero(~np.isnan(series.reported_at[row]))
    first = int(seen[-1])
    for col in seen[::-1]:
        value = float(series.values[row, col])
        if np.isnan(value):
            continue  # reported as not available: neither extends nor breaks the run
        if SEVERITY[level_of(value, int(col))] < SEVERITY[level]:
            break
        first = int(col)
    return series.period_at(row, first), float(series.reported_at[row, first])


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _cadence_seconds(frequency: str) -> float:
    """How often a KPI is expected, in seconds (unparseable: as monthly)."""
    try:
        return (add_duration(_EPOCH, frequency) - _EPOCH).total_seconds()
    except ValueError:
        return 31 * 86400.0


def count_by_level(alerts: list[ActiveAlert] | tuple[ActiveAlert, ...]) -> dict[str, int]:
    """{'critical': n, 'warn': m}, both keys always present."""
    return {
        "critical": sum(1 for a in alerts if a.level == "critical"),
        "warn": sum(1 for a in alerts if a.level == "warn"),
    }

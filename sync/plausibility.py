"""Plausibility: rows that keep API v1 but are hard to believe, and store times not to trust.

A value that keeps the contract is stored and counted as the store sent it (the ranking
counts what the store counts); this module only *questions* it, so the wall can flag it
where it is shown. What is questioned, from the catalog's own words, never from codes:

- a negative value on a KPI that counts things. A KPI counts things when its catalog
  entry says its values add up (`aggregate: "sum"`: beds, cases, complaints — API v1's
  own definition). Means, minima and maxima can be anything, so they are not judged;
- a percentage outside 0–100, for a KPI whose `unit` is "%". Achievement against a
  target and coverage against an estimated denominator do overshoot 100 (the Gujarat
  demo's apprentices reach 104.6 %, its MGNREGA person-days 113 %), so up to
  `PERCENT_OVERSHOOT` points above 100 is not questioned, and beyond that only on a KPI
  whose own history does not routinely go above 100 (`OVER_100_ROUTINE` of at least
  `HISTORY_MIN_VALUES` values). Below 0 is always questioned;
- a value far outside the KPI's own history: more than `HISTORY_LIMIT` robust
  deviations (median/MAD over every value the wall holds for that KPI, all entities and
  periods) from its median, judged only with `HISTORY_MIN_VALUES` values or more and a
  non-zero spread. Deviations are measured on a signed log scale, sign(x)·log(1+|x|):
  counts are heavy-tailed across districts (a city has 50× a hill district's pending
  complaints), while a slipped decimal point or a 1e308 stands out by orders of magnitude;
- a `reported_at` more than `MAX_CLOCK_SKEW` after the wall received the row;
- a period that had not begun when it was reported (more than `MAX_CLOCK_SKEW` ahead of
  its report time): a row for "2099-01" would otherwise quietly become the latest month
  the local ranking ranks. It is flagged, and ranked as sent, like every other.

Time from the store is not trusted blindly: a future `reported_at` is kept as sent in
the local store, but for every age the wall shows it counts as the start of the row's
period (or the moment the wall received it, if earlier), and it never counts as the
newest data the wall holds (`data_as_of`, the central ranking's freshness check). So a
row stamped 2099 can neither make old data look fresh nor wedge the ranking source.
"""

from __future__ import annotations

import weakref
from datetime import timedelta

import numpy as np

from .contract import Kpi
from .feed_quality import ObservationKey
from .period_time import period_seconds
from .series import KpiSeries, Row

FutureReport = tuple[str, str, str, float, float]  # kpi, entity, period, reported_at, received_at

MAX_CLOCK_SKEW = timedelta(minutes=5)  # how far ahead of the wall's clock a store's clock may run
HISTORY_MIN_VALUES = 30  # fewer values than this: no history to judge against
HISTORY_LIMIT = 20.0  # robust deviations (MAD × 1.4826, signed log scale) counted as "far outside"
PERCENT_OVERSHOOT = 15.0  # points above 100 % not questioned (achievement against a target)
OVER_100_ROUTINE = 0.02  # share of a % KPI's history above 100 that makes such values its habit
_MAD_TO_SIGMA = 1.4826

NEGATIVE_COUNT = "negative count"
PERCENT_OUT_OF_RANGE = "percentage outside 0–100"
FAR_FROM_HISTORY = "far outside this KPI's history"
FUTURE_REPORT = "reported_at in the future"
PERIOD_AHEAD = "period not begun when reported"


def counts_things(kpi: Kpi) -> bool:
    """The catalog says this KPI's values add up: a negative one is no count."""
    return kpi.aggregate == "sum"


def is_percentage(kpi: Kpi) -> bool:
    return kpi.unit.strip() == "%"


def is_from_future(reported_at: float, received_at: float) -> bool:
    """`reported_at` (POSIX seconds) is beyond the moment of receipt plus the allowed skew."""
    return reported_at > received_at + MAX_CLOCK_SKEW.total_seconds()


def age_time(period: str, received_at: float) -> float:
    """The time an untrusted (future) row counts as reported at, for ages: its period's
    start, or when the wall received it if that is earlier. Never fresher than the row."""
    try:
        start = period_seconds(period)
    except ValueError:
        return received_at
    return min(start, received_at)


def distrust_future(rows: list[Row], reports: list[FutureReport]) -> tuple[list[Row], dict[ObservationKey, float]]:
    """Stored rows with the times of those received with a future reported_at replaced by
    `age_time`, and those rows' keys with the time as sent (`LocalStore.future_reports`)."""
    untrusted = {(k, e, p): t for k, e, p, t, _received in reports}
    if not reports:
        return rows, untrusted
    received = {(k, e, p): r for k, e, p, _t, r in reports}
    return [(k, e, p, v, age_time(p, received[(k, e, p)])) if (k, e, p) in received else (k, e, p, v, t)
            for k, e, p, v, t in rows], untrusted


_JUDGED: weakref.WeakKeyDictionary[KpiSeries, tuple[Kpi | None, dict[ObservationKey, str]]] = (
    weakref.WeakKeyDictionary())


def judge_series(kpi: Kpi | None, series: KpiSeries) -> dict[ObservationKey, str]:
    """(kpi, entity, period) → reason, for every held value of one KPI that is hard to
    believe. Series are immutable, so each is judged once (per catalog entry)."""
    held = _JUDGED.get(series)
    if held is not None and held[0] is kpi:
        return held[1]
    judged = _judge(kpi, series) if kpi is not None else {}
    _JUDGED[series] = (kpi, judged)
    return judged


def _judge(kpi: Kpi, series: KpiSeries) -> dict[ObservationKey, str]:
    values = series.values
    held = ~np.isnan(values)
    if not (~np.isnan(series.reported_at)).any():
        return {}
    reasons = np.full(values.shape, "", dtype=object)
    with np.errstate(invalid="ignore"):
        reported = ~np.isnan(series.reported_at)
        # Each cell's period start; the columns' own unless a cell holds an instant of its hour
        # (a state's every series caching a full matrix of them would cost 11 MB for this test).
        starts = series.cell_seconds if series.cell_periods is not None else series.column_seconds[None, :]
        ahead = starts > series.reported_at + MAX_CLOCK_SKEW.total_seconds()
        reasons[reported & ahead] = PERIOD_AHEAD
        far = _far_from_history(values, held)
        if far is not None:
            reasons[far] = FAR_FROM_HISTORY
        if is_percentage(kpi):
            over = values > 100
            pool = int(held.sum())
            routine = pool >= HISTORY_MIN_VALUES and int(over.sum()) >= OVER_100_ROUTINE * pool
            beyond = values > 100 + PERCENT_OVERSHOOT
            reasons[held & ((values < 0) | (beyond & (not routine)))] = PERCENT_OUT_OF_RANGE
        if counts_things(kpi):
            reasons[held & (values < 0)] = NEGATIVE_COUNT
    rows, cols = np.nonzero(reasons != "")
    return {(series.kpi, series.entities[r], series.period_at(int(r), int(c))): str(reasons[r, c])
            for r, c in zip(rows, cols)}


def _far_from_history(values: np.ndarray, held: np.ndarray) -> np.ndarray | None:
    """Mask of the held values far from the KPI's median, or None when there is too
    little history or no spread to judge by."""
    if int(held.sum()) < HISTORY_MIN_VALUES:
        return None
    scaled = np.sign(values) * np.log1p(np.abs(values))
    pool = scaled[held]
    median = _median(pool)
    spread = _median(np.abs(pool - median)) * _MAD_TO_SIGMA
    if not spread > 0:
        return None
    mask: np.ndarray = held & (np.abs(scaled - median) > HISTORY_LIMIT * spread)
    return mask


def _median(values: np.ndarray) -> float:
    """np.median without its per-call overhead (thousands of small pools per judgement)."""
    ordered = np.sort(values)
    mid = ordered.size // 2
    return float(ordered[mid]) if ordered.size % 2 else float(ordered[mid - 1] + ordered[mid]) / 2

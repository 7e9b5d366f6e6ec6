"""When the city's hospitals report, and what: the city-crisis profile's `Source`.

A bed portal is not a clock. Each hospital files its bed form roughly once an hour,
at its own minute, with some minutes of jitter either way; now and then it skips
one. The period of each snapshot is the instant it describes ("YYYY-MM-DDTHH:MM");
the report reaches the store a few minutes later, or, for a dozen hospitals that
send in batches, several hours later. Capacities (beds, cylinders held) come with
one report a day. Some hospitals never send some figures at all: small ones have no
ventilator beds, a few never fill in ICU occupancy, cylinders or the daily flow.

Each report also carries that day's running admissions, discharges, referrals and
triage wait (period "YYYY-MM-DD"), and the month's performance figures so far
(period "YYYY-MM"); later reports correct earlier ones. A month's final performance
figures arrive days after it closes, some hospitals' much later.

History at the first reading of the clock: three days of snapshots, seven of daily
figures, three closed months. Snapshots older than three days leave the feed.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .city_catalog import BED_TYPES, CYLINDERS_EMPTY, CYLINDERS_HELD, FLOW_KPIS, KPI_CODES, PERF_KPIS, bed_code
from .city_values import DAY, CityModel
from .live_store import Batch
from .timeline import day_period, minute_period, month_index, month_period, month_start

HOUR = 3600.0
IST_OFFSET = 19800.0
INSTANT_HISTORY = 3 * DAY
DAILY_HISTORY_DAYS = 7
CLOSED_MONTHS = 3
MAX_JITTER = 1500.0  # seconds either side of a hospital's usual minute
MAX_DELAY = 540.0  # from the instant to the report's arrival, on time
LATE_COUNT = 12  # hospitals that send in batches, hours late
MAX_LATENESS = 8 * HOUR
SKIP_SHARE = 0.04


class CitySource:
    """Emits what the city's hospitals reported in a clock interval."""

    def __init__(self, model: CityModel, seed: int) -> None:
        self.model = model
        n = model.n
        rng = np.random.default_rng([seed, 24])
        self.offset = np.floor(rng.uniform(0.0, HOUR, n))
        self.lateness = np.zeros(n)
        late = rng.choice(n, LATE_COUNT, replace=False)
        self.lateness[late] = np.round(rng.uniform(2 * HOUR, MAX_LATENESS, LATE_COUNT))
        self.capacity_slot = rng.integers(0, 24, n)
        self.sends = np.ones((len(KPI_CODES), n), np.bool_)  # which hospital ever sends which KPI
        self.kpi_index = {code: i for i, code in enumerate(KPI_CODES)}
        for part in ("VENT",):
            for measure in ("CAP", "USED"):
                self.sends[self.kpi_index[bed_code(part, measure)]] = model.capacity[3] > 0
        self.sends[self.kpi_index[bed_code("ICU", "USED")], rng.choice(n, 5, replace=False)] = False
        no_cylinders = rng.random(n) < 0.05
        for code in (CYLINDERS_HELD, CYLINDERS_EMPTY):
            self.sends[self.kpi_index[code], no_cylinders] = False
        no_flow = rng.choice(n, 4, replace=False)
        for code in FLOW_KPIS:
            self.sends[self.kpi_index[code], no_flow] = False
        perf = np.array([self.kpi_index[c] for c in PERF_KPIS])
        self.sends[perf[:, None], np.arange(n)[None, :]] &= rng.random((perf.size, n)) >= 0.02
        self.sends[perf[:, None], rng.choice(n, 2, replace=False)[None, :]] = False
        self.perf_lag = np.round(np.where(rng.random(n) < 0.1, rng.uniform(8 * DAY, 16 * DAY, n),
                                          rng.uniform(DAY, 5 * DAY, n)))
        self.seed = seed
        self.start: float | None = None  # the first clock reading
        self._hours: dict[int, tuple[np.ndarray, ...]] = {}

    # --- schedule ---------------------------------------------------------------
    def _hour(self, k: int) -> tuple[np.ndarray, ...]:
        """Every hospital's report of hour k: instant, arrival, whether it was sent, value noise."""
        cached = self._hours.get(k)
        if cached is None:
            rng = np.random.default_rng([self.seed, 25, k])
            jitter = np.clip(rng.normal(0.0, 480.0, self.model.n), -MAX_JITTER, MAX_JITTER)
            instant = np.floor((k * HOUR + self.offset + jitter) / 60.0) * 60.0
            arrival = instant + np.round(rng.uniform(30.0, MAX_DELAY, self.model.n)) + self.lateness
            sent = rng.random(self.model.n) >= SKIP_SHARE
            cached = (instant, arrival, sent, rng.normal(0.0, 1.0, (4, self.model.n)))
            if len(self._hours) > 256:
                self._hours.clear()
            self._hours[k] = cached
        return cached

    def _arrived(self, t_prev: float | None, t_now: float, since: float) -> dict[str, np.ndarray]:
        """Reports arriving in (t_prev, t_now] about instants at or after `since`, by hospital and hour."""
        lag = MAX_JITTER + MAX_DELAY + MAX_LATENESS + HOUR
        k_lo = int(np.floor((since if t_prev is None else t_prev - lag) / HOUR)) - 1
        k_hi = int(np.floor((t_now + MAX_JITTER) / HOUR))
        parts: dict[str, list[np.ndarray]] = defaultdict(list)
        for k in range(k_lo, k_hi + 1):
            instant, arrival, sent, noise = self._hour(k)
            sel = sent & (arrival <= t_now) & (instant >= since)
            if t_prev is not None:
                sel &= arrival > t_prev
            h = np.flatnonzero(sel)
            parts["h"].append(h)
            parts["instant"].append(instant[h])
            parts["arrival"].append(arrival[h])
            parts["noise"].append(noise[:, h])
            parts["capacity"].append(self.capacity_slot[h] == k % 24)
        return {name: np.concatenate(arrays, axis=-1) for name, arrays in parts.items()}

    # --- rows -------------------------------------------------------------------
    def _snapshots(self, r: dict[str, np.ndarray]) -> list[Batch]:
        h, t = r["h"], r["instant"]
        if not h.size:
            return []
        columns: list[tuple[str, np.ndarray, np.ndarray]] = []  # (kpi, value, which reports carry it)
        used = self.model.used_beds(h, t, r["noise"])
        cap = self.model.capacity[:, h]
        everyone = np.ones(h.size, np.bool_)
        for i, (part, _name, _hindi) in enumerate(BED_TYPES):
            columns.append((bed_code(part, "USED"), used[i], everyone))
            columns.append((bed_code(part, "CAP"), cap[i], r["capacity"]))
        columns.append((CYLINDERS_EMPTY, self.model.empty_cylinders(h, t), everyone))
        columns.append((CYLINDERS_HELD, self.model.cylinders[h], r["capacity"]))
        kpi, row, value = [], [], []
        for code, values, carried in columns:
            k = self.kpi_index[code]
            sel = np.flatnonzero(carried & self.sends[k, h])
            kpi.append(np.full(sel.size, k))
            row.append(sel)
            value.append(values[sel])
        kpi_a, row_a, value_a = np.concatenate(kpi), np.concatenate(row), np.concatenate(value)
        order = np.argsort(t[row_a], kind="stable")
        kpi_a, row_a, value_a = kpi_a[order], row_a[order], value_a[order]
        bounds = np.flatnonzero(np.diff(t[row_a])) + 1
        batches = []
        for sl in np.split(np.arange(row_a.size), bounds):
            if sl.size:
                rr = row_a[sl]
                batches.append(Batch(kpi_a[sl], h[rr] + 1, minute_period(float(t[rr[0]])), value_a[sl],
                                     r["arrival"][rr]))
        return batches

    def _daily(self, r: dict[str, np.ndarray]) -> list[Batch]:
        h, t = r["h"], r["instant"]
        if not h.size:
            return []
        day = np.floor((t + IST_OFFSET) / DAY)
        order = np.lexsort((r["arrival"], day, h))  # the latest report of each (hospital, day) last
        last = order[np.r_[(h[order][1:] != h[order][:-1]) | (day[order][1:] != day[order][:-1]), True]]
        flow = self.model.daily_flow(h[last], t[last], day[last])
        batches = []
        for d in np.unique(day[last]).tolist():
            on_day = day[last] == d
            for i, code in enumerate(FLOW_KPIS):
                k = self.kpi_index[code]
                sel = on_day & self.sends[k, h[last]]
                if sel.any():
                    rows = last[sel]
                    batches.append(Batch(np.full(rows.size, k), h[rows] + 1, day_period(d * DAY - IST_OFFSET + 1),
                                         flow[i, sel], r["arrival"][rows]))
        return batches

    def _performance(self, r: dict[str, np.ndarray], t_prev: float | None, t_now: float) -> list[Batch]:
        """Month-to-date figures with every report; final ones days after the month closes."""
        assert self.start is not None
        h, t = r["h"], r["instant"]
        day = np.floor((t + IST_OFFSET) / DAY).astype(np.int64)
        days, at = np.unique(day, return_inverse=True)
        month = np.array([month_index(d * DAY - IST_OFFSET + 1.0) for d in days.tolist()], np.int64)[at.ravel()]
        candidates = [(h, month, day, r["arrival"], np.zeros(h.size, np.bool_))]
        for m in range(month_index(self.start) - CLOSED_MONTHS, month_index(t_now)):
            arrival = month_start(m + 1) + self.perf_lag
            due = np.flatnonzero((arrival <= t_now) & (arrival > (t_prev if t_prev is not None else -np.inf)))
            candidates.append((due, np.full(due.size, m), np.zeros(due.size, np.int64), arrival[due],
                               np.ones(due.size, np.bool_)))
        hh, mm, dd, arrival, final = (np.concatenate(c) for c in zip(*candidates))
        order = np.lexsort((arrival, mm, hh))  # the latest of each (hospital, month) last
        last = order[np.r_[(hh[order][1:] != hh[order][:-1]) | (mm[order][1:] != mm[order][:-1]), True]] \
            if hh.size else order
        batches = []
        for m in np.unique(mm[last]).tolist():
            rows = last[mm[last] == m]
            values = np.empty((len(PERF_KPIS), rows.size))
            closed = final[rows]
            values[:, closed] = self.model.monthly(m)[:, hh[rows[closed]]]
            for d in np.unique(dd[rows[~closed]]).tolist():
                sel = ~closed & (dd[rows] == d)
                elapsed = (d * DAY - IST_OFFSET - month_start(m)) / (month_start(m + 1) - month_start(m))
                values[:, sel] = self.model.month_to_date(m, d, elapsed, hh[rows[sel]])
            for i, code in enumerate(PERF_KPIS):
                k = self.kpi_index[code]
                sel = self.sends[k, hh[rows]]
                batches.append(Batch(np.full(int(sel.sum()), k), hh[rows[sel]] + 1, month_period(m), values[i, sel],
                                     arrival[rows[sel]]))
        return batches

    # --- Source -----------------------------------------------------------------
    def instant_cutoff(self, t_now: float) -> str:
        return minute_period(np.floor((t_now - INSTANT_HISTORY) / 60.0) * 60.0)

    def emit(self, t_prev: float | None, t_now: float) -> list[Batch]:
        if self.start is None:
            self.start = t_now
        daily_since = (np.floor((t_now + IST_OFFSET) / DAY) - DAILY_HISTORY_DAYS) * DAY - IST_OFFSET
        reports = self._arrived(t_prev, t_now, daily_since)
        if t_prev is None:  # each hospital's first snapshot in the history carries its capacities
            kept = reports["instant"] >= np.floor((t_now - INSTANT_HISTORY) / 60.0) * 60.0
            first = np.full(self.model.n, np.inf)
            np.minimum.at(first, reports["h"][kept], reports["instant"][kept])
            reports["capacity"] |= reports["instant"] == first[reports["h"]]
        snapshot_since = np.floor((t_now - INSTANT_HISTORY) / 60.0) * 60.0
        recent = {name: a[..., reports["instant"] >= snapshot_since] for name, a in reports.items()}
        return self._snapshots(recent) + self._daily(reports) + self._performance(reports, t_prev, t_now)

"""Believable values as pure functions of (KPI, district, month, time).

Each district has a persistent "quality" that drifts slowly from month to month,
so rankings are stable but move a little; each KPI has its own district effects
and month-to-month noise drawn from a generator seeded by (seed, month), so the
value of any month can be recomputed at any time without state. Within the
current month a value climbs (or falls, for `better: lower`) towards the month's
final value and wobbles a little, so a wall polling the store sees it move.

Hospital beds, oxygen stock and medicines are smooth functions of time per place.
Everything is vectorised over KPIs × districts with numpy.
"""

from __future__ import annotations

import numpy as np

from .catalog import MonthlyKpi
from .timeline import month_start

NULL_SHARE = 0.004  # share of ranked (kpi, district, month) values reported as null
MONTH_REF = 2026 * 12  # trends are anchored here (and capped at ±2 years from it)


def _round_rows(values: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    factor = 10.0 ** decimals[:, None]
    return np.round(values * factor) / factor


class MonthlyModel:
    """District values of every monthly KPI."""

    def __init__(self, kpis: list[MonthlyKpi], populations: np.ndarray, seed: int) -> None:
        rng = np.random.default_rng([seed, 1])
        n_k, n_d = len(kpis), populations.shape[0]
        self.n_kpis, self.n_districts = n_k, n_d
        self.seed = seed
        specs = [k.spec for k in kpis]
        self.base = np.array([s.base for s in specs])
        self.spread = np.array([s.spread for s in specs])
        self.lo = np.array([s.lo for s in specs])
        self.hi = np.array([s.hi for s in specs])
        self.decimals = np.array([s.decimals for s in specs], dtype=np.float64)
        self.trend = np.array([s.trend for s in specs])
        self.sign = np.array([1.0 if s.better == "higher" else -1.0 for s in specs])
        self.per_capita = np.array([s.per_capita for s in specs])
        self.ranked = np.array([s.method is not None for s in specs])
        pop_factor = populations / populations.mean()
        self.scale = np.where(self.per_capita[:, None], pop_factor[None, :], 1.0)  # (k, d)
        # Districts: persistent quality, slow drift.
        self.quality = rng.standard_normal(n_d)
        self.drift_period = rng.uniform(5.0, 11.0, n_d)
        self.drift_phase = rng.uniform(0, 2 * np.pi, n_d)
        # KPI × district effects and the within-month wobble.
        self.effect = rng.normal(0.0, 0.6, (n_k, n_d))
        self.wobble_period = rng.uniform(300.0, 1500.0, (n_k, n_d))
        self.wobble_phase = rng.uniform(0, 2 * np.pi, (n_k, n_d))
        # Grievance chains (PEND50 >= PEND100 >= PEND300), as index triples.
        codes = {k.spec.code: i for i, k in enumerate(kpis)}
        chains = []
        for code, i in codes.items():
            if code.endswith(".PEND50"):
                stem = code[: -len("PEND50")]
                if stem + "PEND100" in codes and stem + "PEND300" in codes:
                    chains.append((i, codes[stem + "PEND100"], codes[stem + "PEND300"]))
        self.chains = np.array(chains, dtype=np.int64).reshape(-1, 3)
        self._month_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _month_raw(self, m: int) -> tuple[np.ndarray, np.ndarray]:
        """Unrounded final values (k, d) of month m, and the null mask."""
        cached = self._month_cache.get(m)
        if cached is not None:
            return cached
        rng = np.random.default_rng([self.seed, 2, m])
        noise = rng.standard_normal((self.n_kpis, self.n_districts))
        nulls = (rng.random((self.n_kpis, self.n_districts)) < NULL_SHARE) & self.ranked[:, None]
        q = self.quality + 0.3 * np.sin(2 * np.pi * m / self.drift_period + self.drift_phase)
        z = (q[None, :] + self.effect) / 1.17 + 0.25 * noise
        months = float(np.clip(m - MONTH_REF, -24, 24))
        raw = (self.base[:, None] + self.sign[:, None] * (self.spread[:, None] * z + self.trend[:, None] * months))
        raw *= self.scale
        if len(self._month_cache) > 14:
            self._month_cache.clear()
        self._month_cache[m] = (raw, nulls)
        return raw, nulls

    def _finish(self, k: np.ndarray, raw: np.ndarray, nulls: np.ndarray) -> np.ndarray:
        v: np.ndarray = np.clip(_round_rows(raw, self.decimals[k]), self.lo[k][:, None], self.hi[k][:, None])
        self._apply_chains(k, v)
        v[nulls] = np.nan
        return v

    def _apply_chains(self, k: np.ndarray, v: np.ndarray) -> None:
        if not self.chains.size or not k.size:
            return
        pos = np.full(self.n_kpis, -1, np.int64)
        pos[k] = np.arange(k.size)
        rows = pos[self.chains]
        rows = rows[(rows >= 0).all(axis=1)]
        for a, b, c in rows:
            np.minimum(v[b], v[a], out=v[b])
            np.minimum(v[c], v[b], out=v[c])

    def final(self, m: int, k: np.ndarray) -> np.ndarray:
        """Final values (len(k), districts) of month m; NaN = reported as null."""
        raw, nulls = self._month_raw(m)
        return self._finish(k, raw[k], nulls[k])

    def live(self, m: int, k: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Values of month m as reported at times t (one per KPI), before the month closed."""
        raw, nulls = self._month_raw(m)
        start, end = month_start(m), month_start(m + 1)
        elapsed = np.clip((t - start) / (end - start), 0.0, 1.0)[:, None]
        spread = self.spread[k][:, None] * self.scale[k]
        sign = self.sign[k][:, None]
        wobble = np.sin(2 * np.pi * t[:, None] / self.wobble_period[k] + self.wobble_phase[k])
        value = raw[k] - sign * (1.0 - elapsed) * 0.35 * spread + 0.04 * spread * wobble
        return self._finish(k, value, nulls[k])


class CrisisModel:
    """Beds (total / occupied, four kinds), oxygen stock and essential medicines of each
    facility, and the medicines of each district's warehouse, over time.

    So that "what runs out, and when" has something to show at any moment, stocks run
    down between refills (a saw-tooth per place, at its own pace and phase: at any
    time some were just refilled and some are nearly out), and bed occupancy follows a
    slow swell of a day or two per hospital, so some wards are filling and others
    emptying. A quarter of the hospitals draw oxygen from a plant of their own: their
    stock barely moves."""

    KINDS = ("GEN", "O2", "ICU", "VENT")
    SHARE = np.array([1.0, 0.3, 0.08, 0.04])  # of general beds
    MINIMUM = np.array([60.0, 12.0, 6.0, 4.0])
    OCCUPANCY = np.array([0.62, 0.66, 0.74, 0.5])
    SWELL = 0.14  # amplitude of the slow swell of occupancy

    def __init__(self, populations: np.ndarray, seed: int, medicines: int = 0, warehouses: int = 0) -> None:
        rng = np.random.default_rng([seed, 3])
        n = int(populations.shape[0])
        general = np.round(populations * 25.0 + 120.0)
        self.totals = np.maximum(np.round(general[None, :] * self.SHARE[:, None]), self.MINIMUM[:, None])  # (4, f)
        self.pressure = rng.normal(0.0, 1.0, n)
        self.slow_period = rng.uniform(18 * 3600.0, 60 * 3600.0, (4, n))
        self.slow_phase = rng.uniform(0, 2 * np.pi, (4, n))
        self.fast_phase = rng.uniform(0, 2 * np.pi, (4, n))
        # Oxygen: tanks refilled every 20-40 h, used at 0.9-1.5 hours of stock an hour
        # (more than one: use is rising), a reserve of 1.5-6 h when the tanker comes; two
        # hospitals cut it fine (under 2 h); a plant of its own keeps 40-70 h steady.
        self.o2_period = rng.uniform(20.0, 40.0, n)  # hours
        self.o2_phase = rng.uniform(0, 1, n)
        self.o2_drain = rng.uniform(0.9, 1.5, n)
        self.o2_reserve = rng.uniform(1.5, 6.0, n)
        tight = rng.choice(n, size=2, replace=False)
        self.o2_reserve[tight] = rng.uniform(0.5, 2.0, 2)
        self.o2_plant = rng.random(n) < 0.25
        self.o2_plant[tight] = False
        self.o2_steady = rng.uniform(40.0, 70.0, n)
        self.o2_wobble = rng.uniform(0, 2 * np.pi, n)
        # Medicines, in days: hospital pharmacies restocked every 20-45 days with 2-10
        # days left, district warehouses every 30-60 days with 8-15 left; used at
        # 0.7-1.6 days of stock a day (more than one: the epidemic raises use).
        self.med_period = rng.uniform(20.0, 45.0, (medicines, n))
        self.med_phase = rng.uniform(0, 1, (medicines, n))
        self.med_drain = rng.uniform(0.7, 1.6, (medicines, n))
        self.med_reserve = rng.uniform(2.0, 10.0, (medicines, n))
        self.store_period = rng.uniform(30.0, 60.0, (medicines, warehouses))
        self.store_phase = rng.uniform(0, 1, (medicines, warehouses))
        self.store_drain = rng.uniform(0.7, 1.4, (medicines, warehouses))
        self.store_reserve = rng.uniform(8.0, 15.0, (medicines, warehouses))

    def occupied(self, t: float) -> np.ndarray:
        """Occupied beds (4 kinds, facilities) at time t."""
        rate = (
            self.OCCUPANCY[:, None]
            + 0.08 * self.pressure[None, :]
            + self.SWELL * np.sin(2 * np.pi * t / self.slow_period + self.slow_phase)
            + 0.02 * np.sin(2 * np.pi * t / 600.0 + self.fast_phase)
        )
        beds: np.ndarray = np.round(self.totals * np.clip(rate, 0.05, 0.99))
        return beds

    @staticmethod
    def _saw(t_units: float, period: np.ndarray, phase: np.ndarray, drain: np.ndarray, reserve: np.ndarray) -> np.ndarray:
        """A stock refilled every `period` (in the stock's own time unit) that falls by `drain` per unit."""
        left = 1.0 - np.mod(t_units / period + phase, 1.0)
        stock: np.ndarray = reserve + left * period * drain
        return stock

    def oxygen_hours(self, t: float) -> np.ndarray:
        hours = self._saw(t / 3600.0, self.o2_period, self.o2_phase, self.o2_drain, self.o2_reserve)
        hours = np.where(self.o2_plant, self.o2_steady, hours)  # a plant makes what the wards use
        hours = hours + 0.3 * np.sin(2 * np.pi * t / 900.0 + self.o2_wobble * 3)
        hours_left: np.ndarray = np.round(np.maximum(hours, 0.5), 1)
        return hours_left

    def medicine_days(self, t: float) -> np.ndarray:
        """Days of stock (medicines, facilities) at time t."""
        days = self._saw(t / 86400.0, self.med_period, self.med_phase, self.med_drain, self.med_reserve)
        rounded: np.ndarray = np.round(days, 2)
        return rounded

    def warehouse_days(self, t: float) -> np.ndarray:
        """Days of stock (medicines, district warehouses) at time t."""
        days = self._saw(t / 86400.0, self.store_period, self.store_phase, self.store_drain, self.store_reserve)
        rounded: np.ndarray = np.round(days, 2)
        return rounded

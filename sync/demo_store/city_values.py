"""Believable hospital figures for the city-crisis profile, as pure functions of time.

Bed occupancy rises and falls with a city-wide wave of a few days, a daily rhythm
and each hospital's own slower swings; a handful of hospitals run their ICUs at or
near full. Oxygen cylinders empty out between refills (a saw-tooth per hospital).
Daily admissions and discharges are running totals through the day. Monthly
performance figures follow each hospital's persistent quality with some noise, and
month-to-date figures converge on them as the month goes by.
Everything is vectorised over (hospital, instant) pairs with numpy and depends only
on (seed, hospital, time), so any moment can be recomputed without state.
"""

from __future__ import annotations

import numpy as np

from .city_hospitals import Hospital

DAY = 86400.0
WAVE_PERIOD = 6.5 * DAY  # the city-wide surge and ebb
BASE_RATE = np.array([0.62, 0.60, 0.68, 0.55])  # general, oxygen, ICU, ventilator
HOT_SHARE = 0.07  # hospitals whose ICU runs at or near full


class CityModel:
    """Every figure the city's hospitals report, for hospital indices `h` at POSIX times `t`."""

    def __init__(self, hospitals: tuple[Hospital, ...], seed: int) -> None:
        rng = np.random.default_rng([seed, 21])
        n = len(hospitals)
        self.n = n
        self.capacity = np.array([h.beds for h in hospitals], dtype=np.float64).T  # (4, n)
        self.pressure = rng.normal(0.0, 1.0, n)
        hot = rng.random(n) < HOT_SHARE
        self.base = BASE_RATE[:, None] + 0.07 * self.pressure[None, :]
        self.base[2, hot] = rng.uniform(0.93, 0.99, int(hot.sum()))  # ICU at or near full
        self.base[3, hot] = rng.uniform(0.85, 0.95, int(hot.sum()))
        self.hot = hot
        self.swing_period = rng.uniform(8 * 3600.0, 30 * 3600.0, (4, n))
        self.swing_phase = rng.uniform(0, 2 * np.pi, (4, n))
        self.day_phase = rng.uniform(-0.6, 0.6, n)
        self.wave_phase = float(rng.uniform(0, 2 * np.pi))
        # Oxygen cylinders: held, and a refill cycle.
        self.cylinders = np.round(self.capacity[1] * rng.uniform(1.2, 2.2, n) + 6.0)
        self.refill_period = rng.uniform(8 * 3600.0, 20 * 3600.0, n)
        self.refill_phase = rng.uniform(0, 1, n)
        self.refill_peak = np.where(rng.random(n) < 0.1, 0.98, rng.uniform(0.6, 0.85, n))
        # Daily flow and monthly quality.
        self.admit_rate = self.capacity[0] * rng.uniform(0.10, 0.22, n)  # admissions a day, typical
        self.refer_base = np.clip(5.0 + 2.0 * self.pressure + rng.normal(0, 1.5, n), 0.5, 25.0)
        self.wait_base = np.clip(14.0 + 4.0 * self.pressure + rng.normal(0, 3.0, n), 4.0, 60.0)
        self.quality = rng.normal(0.0, 1.0, n)
        self.seed = seed

    def wave(self, t: np.ndarray) -> np.ndarray:
        """The city-wide surge, -1 … 1."""
        return np.sin(2 * np.pi * t / WAVE_PERIOD + self.wave_phase)

    def used_beds(self, h: np.ndarray, t: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """Beds in use (4 types, len(h)); `noise` (4, len(h)) is the report's own jitter, ~N(0, 1)."""
        day = np.sin(2 * np.pi * ((t + 19800.0) / DAY - 0.25) + self.day_phase[h])  # busier by day (IST)
        rate = (
            self.base[:, h]
            + 0.07 * self.wave(t)[None, :]
            + 0.02 * day[None, :]
            + 0.05 * np.sin(2 * np.pi * t[None, :] / self.swing_period[:, h] + self.swing_phase[:, h])
            + 0.015 * noise
        )
        rate[2:, self.hot[h]] = np.maximum(rate[2:, self.hot[h]], self.base[2:, h][:, self.hot[h]] - 0.04)
        in_use: np.ndarray = np.round(self.capacity[:, h] * np.clip(rate, 0.0, 1.0))
        return in_use

    def empty_cylinders(self, h: np.ndarray, t: np.ndarray) -> np.ndarray:
        cycle = (t / self.refill_period[h] + self.refill_phase[h]) % 1.0
        empty: np.ndarray = np.round(self.cylinders[h] * (0.06 + (self.refill_peak[h] - 0.06) * cycle ** 1.2))
        return empty

    def daily_flow(self, h: np.ndarray, t: np.ndarray, day: np.ndarray) -> np.ndarray:
        """(admissions so far, discharges so far, referred %, triage wait min) on `day` at time `t`."""
        f = np.clip(((t + 19800.0) % DAY) / DAY, 0.0, 1.0)
        elapsed = f - 0.1 * np.sin(2 * np.pi * f)  # running share of the day's total, rising
        out = np.empty((4, h.size))
        for d in np.unique(day).tolist():
            sel = day == d
            rng = np.random.default_rng([self.seed, 22, int(d)])
            hh = h[sel]
            draw = rng.normal(0.0, 1.0, (4, self.n))[:, hh]
            surge = 1.0 + 0.3 * self.wave(np.full(hh.size, d * DAY + DAY / 2))
            admit = self.admit_rate[hh] * surge * np.exp(0.15 * draw[0])
            out[0, sel] = np.round(admit * elapsed[sel])
            out[1, sel] = np.round(admit * (0.92 + 0.08 * draw[1]) * elapsed[sel])
            out[2, sel] = np.round(np.clip(self.refer_base[hh] * surge + 1.2 * draw[2], 0.0, 60.0), 1)
            out[3, sel] = np.round(np.clip(self.wait_base[hh] * surge + 3.0 * draw[3], 2.0, 120.0))
        return out

    def _month_raw(self, m: int) -> np.ndarray:
        """Unrounded, unclipped performance figures (5, hospitals) of month `m` as finally reported."""
        rng = np.random.default_rng([self.seed, 23, m])
        q = self.quality + 0.25 * rng.normal(0.0, 1.0, self.n)
        e = rng.normal(0.0, 1.0, (5, self.n))
        return PERF_MEAN[:, None] + PERF_QUALITY[:, None] * q[None, :] + PERF_NOISE[:, None] * e

    @staticmethod
    def _finish(raw: np.ndarray) -> np.ndarray:
        clipped = np.clip(raw, PERF_LO[:, None], PERF_HI[:, None])
        factor = 10.0 ** PERF_DECIMALS[:, None]
        figures: np.ndarray = np.round(clipped * factor) / factor
        return figures

    def monthly(self, m: int) -> np.ndarray:
        """Performance figures (5 KPIs in `PERF_KPIS` order, all hospitals) of month `m`, final."""
        return self._finish(self._month_raw(m))

    def month_to_date(self, m: int, day: int, elapsed: float, h: np.ndarray) -> np.ndarray:
        """Month `m`'s figures for hospitals `h` as known on absolute IST day `day`, `elapsed`
        (0 … 1) of the way through the month: further from the final figures early on."""
        rng = np.random.default_rng([self.seed, 26, m, day])
        drift = rng.normal(0.0, 1.0, (5, self.n))[:, h]
        raw = self._month_raw(m)[:, h] + (1.0 - elapsed) * 1.5 * PERF_NOISE[:, None] * drift
        return self._finish(raw)


# Monthly performance, in `PERF_KPIS` order: on-time bed updates %, mortality %,
# infections per 1,000 patient-days, discharge summaries %, satisfaction %.
PERF_MEAN = np.array([90.0, 3.0, 2.2, 86.0, 80.0])
PERF_QUALITY = np.array([6.0, -0.8, -0.6, 7.0, 6.0])  # effect of a hospital's quality
PERF_NOISE = np.array([3.0, 0.4, 0.35, 4.0, 3.0])
PERF_LO = np.array([35.0, 0.3, 0.2, 20.0, 30.0])
PERF_HI = np.array([100.0, 12.0, 10.0, 100.0, 100.0])
PERF_DECIMALS = np.array([1.0, 2.0, 2.0, 1.0, 1.0])

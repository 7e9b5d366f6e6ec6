"""When the demo store's data sources report, and what they report.

`Generator.emit(t_prev, t_now)` returns the observations reported in the clock
interval (t_prev, t_now] — from nothing when t_prev is None — as column batches.
The store calls it lazily on each request, so a fake clock gives a deterministic
feed. Only the latest report of each key inside the interval is emitted (earlier
ones would be superseded at once), so a clock that jumps by weeks costs no more
than one that ticks by seconds.

Schedule:
- Monthly district KPIs: each KPI is re-reported every 30-60 s during its month
  (a correction of the month's value) and gets its final value 15 min - 6 h after
  the month ends. A department with a delay reports as if the clock were that much
  behind (late departments; a 40-day delay means nothing for the current month).
- CM Helpline KPIs also get a state-level (entity "24") row: the districts' sum,
  or mean for percentages.
- A few monthly KPIs (`TALUKA_KPIS`) are also reported for every taluka, with the
  district's report: the district's value moved by the taluka's own lasting offset, so
  a taluka page has figures without multiplying the feed by 270 for every KPI.
- Facility crisis KPIs: every 5 s for the current hour (period "YYYY-MM-DDTHH:00");
  bed totals every 15 min. Essential medicines likewise, for hospitals and for each
  district's drug warehouse. Only the last 48 hours of periods are kept.

History starts twelve months before the first clock reading (`first_month`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .catalog import MonthlyKpi
from .catalog_data import DEPARTMENT_DELAY_DAYS, MEDICINES
from .live_store import Batch
from .timeline import hour_period, month_index, month_period, month_start
from .values import CrisisModel, MonthlyModel

CRISIS_TICK = 5.0
TOTALS_TICK = 900.0
HOUR = 3600.0
IST_OFFSET = 19800.0
CRISIS_RETENTION_HOURS = 48


def hour_start(t: float) -> float:
    return t - ((t + IST_OFFSET) % HOUR)


# Rates a district office also collects per taluka (kept few: each adds 270 rows per report).
TALUKA_KPIS = ("PMJAY.CARDS", "MCH.INST_DEL", "MCH.FULL_IMM", "ICDS.THR", "SAMAGRA.ATT")


@dataclass(frozen=True)
class EntityIndex:
    state: int
    districts: np.ndarray
    facilities: np.ndarray
    talukas: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    taluka_district: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # position in `districts`


class Generator:
    """Emits what was reported in a clock interval. KPI indices: monthly KPIs first, then crisis ones."""

    def __init__(
        self, kpis: list[MonthlyKpi], crisis_codes: list[str], populations: np.ndarray,
        entities: EntityIndex, seed: int,
    ) -> None:
        self.monthly = MonthlyModel(kpis, populations, seed)
        self.crisis = CrisisModel(populations, seed, medicines=len(MEDICINES), warehouses=entities.districts.size)
        self.entities = entities
        n = len(kpis)
        rng = np.random.default_rng([seed, 4])
        self.interval = rng.choice(np.array([30.0, 45.0, 60.0]), n)
        # Whole seconds, so reported_at survives the ISO-8601 round trip exactly.
        self.phase = np.floor(rng.uniform(0.0, 1.0, n) * self.interval)
        self.lag = np.round(rng.uniform(900.0, 6 * HOUR, n))
        # The four CM Helpline KPIs of a department report together (their values are chained).
        first_of_stem: dict[str, int] = {}
        for i, k in enumerate(kpis):
            if k.state_aggregate is not None:
                stem = k.spec.code.rsplit(".", 1)[0]
                j = first_of_stem.setdefault(stem, i)
                self.interval[i], self.phase[i], self.lag[i] = self.interval[j], self.phase[j], self.lag[j]
        delay = np.array([DEPARTMENT_DELAY_DAYS.get(k.department, 0.0) * 86400.0 for k in kpis])
        self.groups = [(float(d), np.flatnonzero(delay == d)) for d in np.unique(delay)]
        self.aggregate = np.array([{"sum": 1, "mean": 2}.get(k.state_aggregate or "", 0) for k in kpis])
        self.crisis_kpi = {code: n + i for i, code in enumerate(crisis_codes)}
        self.by_taluka = np.array([k.spec.code in TALUKA_KPIS for k in kpis], np.bool_)
        n_t = entities.talukas.size
        self.taluka_offset = rng.normal(0.0, 0.45, (n, n_t)) * np.array([k.spec.spread for k in kpis])[:, None]
        self.bounds = np.array([(k.spec.lo, k.spec.hi, k.spec.decimals) for k in kpis]).reshape(n, 3)
        self.first_month: int | None = None

    # --- monthly KPIs -------------------------------------------------------
    def _monthly_batch(self, m: int, k: np.ndarray, t: np.ndarray, values: np.ndarray) -> list[Batch]:
        n_d = self.entities.districts.size
        batches = [Batch(np.repeat(k, n_d), np.tile(self.entities.districts, k.size), month_period(m),
                         values.ravel(), np.repeat(t, n_d))]
        agg = self.aggregate[k]
        sel = agg > 0
        if sel.any():
            v = values[sel]
            state = np.where(agg[sel] == 1, np.nansum(v, axis=1), np.round(np.nanmean(v, axis=1), 1))
            batches.append(Batch(k[sel], np.full(int(sel.sum()), self.entities.state), month_period(m),
                                 state, t[sel]))
        local = self.by_taluka[k]
        if local.any() and self.entities.talukas.size:
            batches.append(self._taluka_batch(m, k[local], t[local], values[local]))
        return batches

    def _taluka_batch(self, m: int, k: np.ndarray, t: np.ndarray, values: np.ndarray) -> Batch:
        """Each taluka's value of KPIs `k`: its district's, moved by the taluka's offset."""
        talukas = self.entities.talukas
        lo, hi, decimals = (self.bounds[k, i][:, None] for i in range(3))
        raw = values[:, self.entities.taluka_district] + self.taluka_offset[k]
        moved = np.clip(raw, lo, hi)
        scale = 10.0 ** decimals
        rounded = np.round(moved * scale) / scale  # NaN (a district's null) stays NaN
        return Batch(np.repeat(k, talukas.size), np.tile(talukas, k.size), month_period(m), rounded.ravel(),
                     np.repeat(t, talukas.size))

    def _emit_monthly(self, t_prev: float | None, t_now: float, first_month: int) -> list[Batch]:
        out: list[Batch] = []
        for delay, g in self.groups:
            tn = t_now - delay
            tp = -np.inf if t_prev is None else t_prev - delay
            last_month = month_index(tn)
            lo = first_month if t_prev is None else max(first_month, month_index(tp) - 1)
            for m in range(lo, last_month + 1):
                start, end = month_start(m), month_start(m + 1)
                final_at = end + self.lag[g]
                final = (final_at > tp) & (final_at <= tn)
                t_end = min(end - 1.0, tn)
                tick = np.floor((t_end - self.phase[g]) / self.interval[g]) * self.interval[g] + self.phase[g]
                live = (final_at > tn) & (tick > tp) & (tick >= start)
                if final.any():
                    k = g[final]
                    out += self._monthly_batch(m, k, final_at[final], self.monthly.final(m, k))
                if live.any():
                    k = g[live]
                    out += self._monthly_batch(m, k, tick[live], self.monthly.live(m, k, tick[live]))
        return out

    # --- crisis KPIs --------------------------------------------------------
    def _crisis_rows(self, hour: float, t: float, totals: bool) -> list[Batch]:
        fac = self.entities.facilities
        n_f = fac.size
        period = hour_period(hour)
        codes: list[str] = []
        rows: list[np.ndarray] = []
        occupied = self.crisis.occupied(t)
        for i, kind in enumerate(CrisisModel.KINDS):
            codes.append(f"HFW.BEDS.{kind}.OCC")
            rows.append(occupied[i])
            if totals:
                codes.append(f"HFW.BEDS.{kind}.TOTAL")
                rows.append(self.crisis.totals[i])
        codes.append("HFW.O2.STOCK_HOURS")
        rows.append(self.crisis.oxygen_hours(t))
        medicines = [code for code, *_ in MEDICINES]
        codes += medicines
        rows += list(self.crisis.medicine_days(t))
        kpi = np.repeat(np.array([self.crisis_kpi[c] for c in codes]), n_f)
        districts = self.entities.districts
        store_kpi = np.repeat(np.array([self.crisis_kpi[c] for c in medicines]), districts.size)
        return [Batch(kpi, np.tile(fac, len(codes)), period, np.concatenate(rows), np.full(kpi.size, t)),
                Batch(store_kpi, np.tile(districts, len(medicines)), period, self.crisis.warehouse_days(t).ravel(),
                      np.full(store_kpi.size, t))]

    def _emit_crisis(self, t_prev: float | None, t_now: float) -> list[Batch]:
        out: list[Batch] = []
        tick = np.floor(t_now / CRISIS_TICK) * CRISIS_TICK
        current = hour_start(tick)
        for h in range(CRISIS_RETENTION_HOURS - 1, -1, -1):
            hour = current - h * HOUR
            if t_prev is not None and hour + HOUR <= t_prev:
                continue
            t = min(hour + HOUR - CRISIS_TICK, tick)
            if t_prev is not None and t <= t_prev:
                continue
            totals_at = np.floor(t / TOTALS_TICK) * TOTALS_TICK
            out += self._crisis_rows(hour, t, totals=t_prev is None or totals_at > t_prev or hour > t_prev)
        return out

    def crisis_cutoff(self, t_now: float) -> float:
        """Hour periods starting before this time are no longer kept."""
        return hour_start(t_now) - (CRISIS_RETENTION_HOURS - 1) * HOUR

    def instant_cutoff(self, t_now: float) -> str:
        return hour_period(self.crisis_cutoff(t_now))

    def emit(self, t_prev: float | None, t_now: float) -> list[Batch]:
        if self.first_month is None:
            self.first_month = month_index(t_now) - 11
        return self._emit_monthly(t_prev, t_now, self.first_month) + self._emit_crisis(t_prev, t_now)

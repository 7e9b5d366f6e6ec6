"""Benchmark of the local ranking: what the sync worker does per poll, and the engine alone.

Synthetic catalogs (methods target / minmax / minmax_target / bands in turn, weights
1–3, 26 departments in 5 sectors), one observation per KPI and entity per month (5 %
null, 5 % absent) and, for a tenth of the KPIs, daily observations too (so the
"latest within the month" selection runs).

Default: the worker-realistic measure (issue 12), at 75 districts × 3,400 KPIs (goal
≤ 50 ms) and 250 talukas × 5,000 KPIs (goal ≤ 150 ms). Two months are held (the one
ranked and the one before); the wall has ranked them, a central ranking is being
audited and two districts' explanations are wanted. Each poll brings new values of
1 % of the KPIs for every entity in the latest month, and the step timed is what
`SyncWorker` does with them on the sync thread, in two phases: the re-rank (apply them
to the series with `apply_rows`, `RankingsKept.rank`, choose the ranking shown, audit
the central ranking) and the wanted explanations (as sync/derive.py makes them).
Printed per size over the polls: CPU ms (`time.process_time`) of the re-rank (median
and worst), of the explanations (all wanted, and per district) and of the poll's
total (median and worst) beside the goal, the ratio total / goal and whether it
meets it (the goal is for the whole poll, explanations included), wall ms, the longest single C call of a poll in thread
CPU ms (`LongestCall`: the longest the step holds the GIL, the machine's load not
counted) and the longest wait of a 1 ms ticker thread (`TickerWatch`, wall time, load
included; printed with nothing running for reference). The same step
through the table path the worker used before (series → table of text codes →
engine, for both months, the audit and each explanation) is printed for comparison
(`--no-before` skips it).

`--engine`: the engine alone on an `ObservationTable`, median of several runs:
new table (a table object it has not seen), + build (building it from row tuples
too), same table (cached index).

Run: .venv/bin/python bench/bench_ranking.py [--quick] [--engine] [--no-before]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, cast

import numpy as np
from cmwall.sync.contract import Catalog
from cmwall.sync.local_store import LocalStore
from cmwall.sync.observations import ObservationTable
from cmwall.sync.ranking.audit import audit_ranking
from cmwall.sync.ranking.engine import PROVISIONAL_THRESHOLD, compute_ranking
from cmwall.sync.ranking.explain import explain
from cmwall.sync.ranking.plan import ranked_kpis
from cmwall.sync.rankings_kept import RankingsKept
from cmwall.sync.series import KpiSeries, Row, apply_rows, frozen, table_for_months

NOW = datetime(2026, 11, 22, tzinfo=UTC)
METHODS = ("target", "minmax", "minmax_target", "bands")


def synthetic_catalog(n_entities: int, n_kpis: int) -> Catalog:
    n_schemes = max(1, n_kpis // 10)
    kpis = []
    for k in range(n_kpis):
        method = METHODS[k % 4]
        scoring: dict[str, Any] = {"method": method, "weight": 1 + k % 3}
        if method == "bands":
            scoring["bands"] = [[100, 10], [90, 8], [75, 6], [50, 4], [25, 2]]
        kpis.append({"code": f"K{k:05d}", "name": f"KPI {k}", "scheme": f"S{k % n_schemes:04d}",
                     "better": "lower" if k % 5 == 0 else "higher", "target": 80.0, "scoring": scoring})
    return Catalog.model_validate({
        "revision": "bench",
        "state": {"code": "24", "name": "Gujarat"},
        "entities": [{"code": str(400 + e), "name": f"D{e}", "level": "district", "parent": "24"}
                     for e in range(n_entities)],
        "sectors": [{"code": f"SEC{i}", "name": f"Sector {i}"} for i in range(5)],
        "departments": [{"code": f"DEP{i:02d}", "name": f"Dept {i}", "sector": f"SEC{i % 5}"} for i in range(26)],
        "schemes": [{"code": f"S{i:04d}", "name": f"Scheme {i}", "department": f"DEP{i % 26:02d}"}
                    for i in range(n_schemes)],
        "kpis": kpis,
        "ranking": {"level": "district", "rollup": "department", "missing": "zero"},
    })


def synthetic_rows(catalog: Catalog, seed: int = 0) -> list[tuple[str, str, str, float | None, float]]:
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, str, str, float | None, float]] = []
    entities = [e.code for e in catalog.entities]
    at = 1_793_000_000.0
    for k, kpi in enumerate(catalog.kpis):
        draws = rng.uniform(0, 120, len(entities))
        fate = rng.uniform(0, 1, len(entities))
        for e, entity in enumerate(entities):
            if fate[e] < 0.05:
                continue
            value = None if fate[e] < 0.10 else float(draws[e])
            rows.append((kpi.code, entity, "2026-10", value, at))
            if k % 10 == 0:
                rows.append((kpi.code, entity, "2026-10-15", float(draws[e]) * 0.9, at + 1))
                rows.append((kpi.code, entity, "2026-10-30", float(draws[e]) * 1.1, at + 2))
    return rows


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench(n_entities: int, n_kpis: int, runs: int) -> tuple[int, float, float, float]:
    catalog = synthetic_catalog(n_entities, n_kpis)
    rows = synthetic_rows(catalog)
    base = ObservationTable.from_rows(rows)
    compute_ranking(catalog, base, computed_at=NOW)  # warm: builds the catalog plan once

    def fresh() -> ObservationTable:  # a new table object over the same columns
        return ObservationTable(base.kpi, base.entity, base.period, base.value, base.reported_at)

    tables = [fresh() for _ in range(runs)]
    it = iter(tables)
    new_table = median_ms(lambda: compute_ranking(catalog, next(it), computed_at=NOW), runs)
    with_build = median_ms(lambda: compute_ranking(catalog, ObservationTable.from_rows(rows), computed_at=NOW), runs)
    same = fresh()
    compute_ranking(catalog, same, computed_at=NOW)
    same_table = median_ms(lambda: compute_ranking(catalog, same, computed_at=NOW), runs)
    return len(base), new_table, with_build, same_table


# --- the worker's step per poll -----------------------------------------------------------

GOALS_MS = {(75, 3400): 50.0, (250, 5000): 150.0}
CURRENT, PREVIOUS = "2026-10", "2026-09"
WANTED = 2  # districts whose explanation the screens want


def two_months(catalog: Catalog) -> list[Row]:
    """The synthetic month and the month before it (other values, reported a month earlier)."""
    rows = synthetic_rows(catalog)
    before = [(k, e, PREVIOUS + p[7:], None if v is None else v * 0.97, t - 2_600_000.0)
              for k, e, p, v, t in synthetic_rows(catalog, seed=1)]
    return before + rows


def poll_rows(catalog: Catalog, poll: int, share: float = 0.01) -> list[Row]:
    """New values of `share` of the KPIs for every entity in the latest month."""
    rng = np.random.default_rng(100 + poll)
    kpis = [k.code for k in catalog.kpis]
    chosen = rng.choice(len(kpis), max(1, int(len(kpis) * share)), replace=False)
    entities = [e.code for e in catalog.entities]
    at = 1_793_000_100.0 + poll
    return [(kpis[k], e, CURRENT, float(v), at)
            for k in chosen.tolist() for e, v in zip(entities, rng.uniform(0, 120, len(entities)).tolist())]


class TickerWatch:
    """A ticker thread that wakes every 1 ms; `longest` is its longest wait past that (wall
    time: the step keeping the GIL and the machine's load both count)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)

    def _tick(self) -> None:
        last = time.perf_counter()
        while not self._stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - 0.001)
            last = now

    def __enter__(self) -> TickerWatch:
        self._thread.start()
        time.sleep(0.005)
        self.longest = 0.0
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


class LongestCall:
    """The longest single call into C code (numpy) on this thread, in thread CPU ms.

    Python code hands the GIL to another thread every `sys.getswitchinterval()` (5 ms);
    a C call keeps it until it returns. So the longest C call is the longest the step
    stalls the GUI thread, measured in this thread's own CPU time (the machine's load
    does not count). Taken with a profile hook, in a pass of its own (the hook slows the
    Python code around the calls, not the calls)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.name = ""
        self._started: list[float] = []

    def _hook(self, _frame: object, event: str, arg: Any) -> None:
        if event == "c_call":
            self._started.append(time.thread_time())
        elif event in ("c_return", "c_exception") and self._started:
            took = time.thread_time() - self._started.pop()
            if took > self.longest:
                self.longest, self.name = took, getattr(arg, "__qualname__", str(arg))

    def __enter__(self) -> LongestCall:
        sys.setprofile(self._hook)
        return self

    def __exit__(self, *_: object) -> None:
        sys.setprofile(None)


@dataclass
class Phases:
    """One poll's work in two phases, as the sync thread runs them back to back."""

    rerank: Callable[[int], object]  # apply the poll's rows, re-rank, choose, audit
    explain: Callable[[], object]  # the wanted districts' explanations (sync/derive.py)


@dataclass
class StepTimes:
    rerank_cpu: list[float]
    explain_cpu: list[float]
    wall: list[float]  # both phases
    tick_gap: list[float]  # longest ticker wait in wall ms (TickerWatch)
    longest_call: float = 0.0  # thread CPU ms of the longest C call in a poll (LongestCall)
    longest_call_name: str = ""


def time_steps(phases: Phases, polls: int) -> StepTimes:
    times = StepTimes([], [], [], [])
    for poll in range(polls):
        with TickerWatch() as watch:
            wall, cpu = time.perf_counter(), time.process_time()
            phases.rerank(poll)
            middle = time.process_time()
            phases.explain()
            end = time.process_time()
            wall = time.perf_counter() - wall
        times.rerank_cpu.append((middle - cpu) * 1000)
        times.explain_cpu.append((end - middle) * 1000)
        times.wall.append(wall * 1000)
        times.tick_gap.append(watch.longest * 1000)
    with LongestCall() as calls:  # one more poll, with the profile hook
        phases.rerank(polls)
        phases.explain()
    times.longest_call, times.longest_call_name = calls.longest * 1000, calls.name
    return times


def idle_ticker_ms(seconds: float = 1.0) -> float:
    """The ticker's longest wall-time wait with nothing else running: the machine's load alone."""
    with TickerWatch() as watch:
        time.sleep(seconds)
    return watch.longest * 1000


class AuditRecords:
    """Where the worker's local store would record audit findings: nowhere (no disk in the step)."""

    def record_audit(self, *_: object) -> None:
        return None


AUDITS_KEPT_IN_MEMORY = cast(LocalStore, AuditRecords())


def worker_phases(catalog: Catalog, series: Mapping[str, KpiSeries]) -> Phases:
    """The sync thread's work for a poll of new observations, as SyncWorker does it."""
    rankings = RankingsKept(PROVISIONAL_THRESHOLD)
    rankings.rank(catalog, series, NOW)
    assert rankings.local is not None
    rankings.central = replace(rankings.local, source="central", revision="r-1")  # the store's, being audited
    wanted = [e.code for e in catalog.entities[:WANTED]]
    state = {"series": series}

    def rerank(poll: int) -> object:
        state["series"] = frozen(apply_rows(state["series"], poll_rows(catalog, poll)))
        rankings.rank(catalog, state["series"], NOW)
        chosen = rankings.choose(None)
        rankings.audit(catalog, state["series"], AUDITS_KEPT_IN_MEMORY, feed_read_at=NOW, now=NOW)
        return chosen

    def explain_wanted() -> object:
        return [rankings.input.explain(catalog, e, CURRENT) for e in wanted]

    return Phases(rerank, explain_wanted)


def table_phases(catalog: Catalog, series: Mapping[str, KpiSeries]) -> Phases:
    """The same poll through the table path the worker used before."""
    kpis = [k.code for k in ranked_kpis(catalog)]
    state: dict[str, Any] = {"series": series}
    wanted = [e.code for e in catalog.entities[:WANTED]]

    def rerank(poll: int) -> object:
        state["series"] = frozen(apply_rows(state["series"], poll_rows(catalog, poll)))
        state["table"] = table = table_for_months(state["series"], (CURRENT, PREVIOUS), kpis)
        current = compute_ranking(catalog, table, CURRENT, computed_at=NOW)
        compute_ranking(catalog, table, PREVIOUS, computed_at=NOW)
        assert current is not None
        audited = table_for_months(state["series"], (CURRENT,), kpis)
        return audit_ranking(catalog, audited, replace(current, source="central"), feed_read_at=NOW, checked_at=NOW)

    def explain_wanted() -> object:
        return [explain(catalog, state["table"], e, CURRENT) for e in wanted]

    return Phases(rerank, explain_wanted)


def report(label: str, n_entities: int, n_kpis: int, times: StepTimes, goal: float) -> None:
    rerank, explained = statistics.median(times.rerank_cpu), statistics.median(times.explain_cpu)
    total = [r + e for r, e in zip(times.rerank_cpu, times.explain_cpu)]
    whole = statistics.median(total)
    verdict = "meets" if whole <= goal else "MISSES"
    print(f"{label:<10} {n_entities:>4} {n_kpis:>5} {rerank:>7.1f} {max(times.rerank_cpu):>6.1f} {explained:>8.1f} "
          f"{explained / WANTED:>7.1f} {whole:>7.1f} {max(total):>6.1f} {goal:>5.0f} {whole / goal:>6.2f}x {verdict:<6} "
          f"{statistics.median(times.wall):>8.1f} {times.longest_call:>7.1f} {max(times.tick_gap):>8.1f}  "
          f"({times.longest_call_name})", flush=True)


def bench_worker(polls: int, before: bool) -> None:
    print(f"CPU ms per poll (median, and worst): the re-rank, the {WANTED} wanted explanations (and per district),")
    print("their total beside the goal (ratio total / goal); wall ms of both phases")
    print(f"{'path':<10} {'ents':>4} {'KPIs':>5} {'re-rank':>7} {'worst':>6} {'explain':>8} {'each':>7} "
          f"{'total':>7} {'worst':>6} {'goal':>5} {'ratio':>7} {'':<6} {'wall ms':>8} {'GIL ms':>7} {'tick gap':>8}")
    for (n_entities, n_kpis), goal in GOALS_MS.items():
        catalog = synthetic_catalog(n_entities, n_kpis)
        series = frozen(apply_rows({}, two_months(catalog)))
        cpu = time.process_time()
        phases = worker_phases(catalog, series)
        first_ms = (time.process_time() - cpu) * 1000
        report("per poll", n_entities, n_kpis, time_steps(phases, polls), goal)
        if before:
            report("table path", n_entities, n_kpis, time_steps(table_phases(catalog, series), max(2, polls // 4)), goal)
        print(f"  (first ranking of both months, catalog plan included: {first_ms:.0f} CPU ms)")
    print("GIL ms: thread CPU ms of the longest single C call in a poll (held the GIL; Python code hands it")
    print(f"over every {sys.getswitchinterval() * 1000:.0f} ms); tick gap: the longest wait of a 1 ms ticker "
          f"thread in wall ms, the machine's load included (with nothing running: {idle_ticker_ms():.1f} ms).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--engine", action="store_true", help="the engine alone on tables, not the worker's step")
    parser.add_argument("--no-before", dest="before", action="store_false", help="skip the old table path")
    args = parser.parse_args()
    if not args.engine:
        bench_worker(5 if args.quick else 20, args.before)
        return
    print(f"{'entities':>8} {'KPIs':>6} {'rows':>9} {'new table ms':>13} {'+ build ms':>11} {'same table ms':>14}")
    for n_entities in (33, 75, 250):
        for n_kpis in (100, 1000, 3400):
            runs = 3 if args.quick else (9 if n_entities * n_kpis < 200_000 else 5)
            n, new_table, with_build, same_table = bench(n_entities, n_kpis, runs)
            print(f"{n_entities:>8} {n_kpis:>6} {n:>9,} {new_table:>13.1f} {with_build:>11.1f} {same_table:>14.1f}",
                  flush=True)


if __name__ == "__main__":
    main()

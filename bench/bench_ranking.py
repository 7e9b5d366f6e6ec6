"""Benchmark of the local ranking engine: milliseconds per full re-rank.

Synthetic catalogs of 33, 75 and 250 entities × 100, 1,000 and 3,400 ranked KPIs
(methods target / minmax / minmax_target / bands in turn, weights 1–3, 26
departments in 5 sectors), one observation per KPI and entity for the month (5 %
null, 5 % absent) and, for a tenth of the KPIs, daily observations too (so the
"latest within the month" selection runs). Reported, median of several runs:

- new table:    compute_ranking on a table object it has not seen (the wall's case
                after every poll: the table's string columns are mapped afresh);
- + build:      the same plus building the ObservationTable from row tuples;
- same table:   compute_ranking again on the same table (cached index; the case of
                explain() or switching month).

Run: .venv/bin/python bench/bench_ranking.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
from cmwall.sync.contract import Catalog
from cmwall.sync.observations import ObservationTable
from cmwall.sync.ranking.engine import compute_ranking

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    args = parser.parse_args()
    print(f"{'entities':>8} {'KPIs':>6} {'rows':>9} {'new table ms':>13} {'+ build ms':>11} {'same table ms':>14}")
    for n_entities in (33, 75, 250):
        for n_kpis in (100, 1000, 3400):
            runs = 3 if args.quick else (9 if n_entities * n_kpis < 200_000 else 5)
            n, new_table, with_build, same_table = bench(n_entities, n_kpis, runs)
            print(f"{n_entities:>8} {n_kpis:>6} {n:>9,} {new_table:>13.1f} {with_build:>11.1f} {same_table:>14.1f}",
                  flush=True)


if __name__ == "__main__":
    main()

"""Which colour class each district of the map falls in, and the legend that says why.

Qt-free and pure, so the map tile only swaps brushes: every district gets a class
*key* into the tile's precomputed colour table, plus a short text (score, grade
letter or value) that says the same thing without colour.

- score: classes follow the catalog's grade thresholds, so a colour means the same
  on the map as the grade chips elsewhere on the wall; the district shows its score.
- grade: the grade colours; the district shows its letter.
- kpi: with catalog alert thresholds, ok / warn / critical (the alert colours and
  symbols); without, quartiles of the districts' latest values, best quartile in
  the grade-A colour, oriented by the KPI's `better`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..sync.alerts import alert_level
from ..sync.contract import Catalog, Kpi
from ..sync.ranking.result import RankingResult
from ..sync.series import KpiSeries

NO_DATA = "none"
QUARTILE_KEYS = ("q4", "q3", "q2", "q1")  # q1 best ... q4 worst
ALERT_KEYS = ("critical", "warn", "ok")
SYMBOLS = {"critical": "‼", "warn": "!", "ok": "✓"}

Number = Callable[[float | None, str], str]


@dataclass(frozen=True)
class LegendEntry:
    key: str  # colour-table key
    label: str
    count: int  # districts in this class


@dataclass(frozen=True)
class DistrictFill:
    code: str
    key: str
    text: str  # what the district shows besides its name ("7.8", "A", "‼ 9 h")


@dataclass(frozen=True)
class Colouring:
    fills: tuple[DistrictFill, ...]
    entries: tuple[LegendEntry, ...]  # best first; the no-data entry last


def _counted(fills: list[DistrictFill], keys: Sequence[tuple[str, str]]) -> Colouring:
    counts = Counter(f.key for f in fills)
    entries = [LegendEntry(key, label, counts.get(key, 0)) for key, label in keys]
    entries.append(LegendEntry(NO_DATA, "no data", counts.get(NO_DATA, 0)))
    return Colouring(tuple(fills), tuple(entries))


def grade_bands(catalog: Catalog) -> list[tuple[str, float, float]]:
    """(grade, from, to) from the catalog, best first: [('A', 8, 10), ('B', 6, 8), ...]."""
    bands = []
    upper = catalog.ranking.max_marks
    for grade, threshold in catalog.ranking.grades:
        bands.append((grade, threshold, upper))
        upper = threshold
    return bands


def _fmt(value: float) -> str:
    return f"{value:g}"


def by_score(catalog: Catalog, ranking: RankingResult | None, districts: Sequence[str], *, letters: bool) -> Colouring:
    """Overall score (letters=False: the score is printed) or grade (letters=True)."""
    bands = grade_bands(catalog)
    fills = []
    for code in districts:
        row = ranking.row(code) if ranking else None
        if row is None or row.score is None:
            fills.append(DistrictFill(code, NO_DATA, "–"))
            continue
        grade = row.grade
        if grade is None or grade not in {g for g, _, _ in bands}:
            grade = next((g for g, low, _ in bands if row.score >= low), bands[-1][0])
        fills.append(DistrictFill(code, f"grade:{grade}", grade if letters else f"{row.score:.1f}"))
    if letters:
        keys = [(f"grade:{g}", f"{g}  ({_fmt(lo)}–{_fmt(hi)})") for g, lo, hi in bands]
    else:
        keys = [(f"grade:{g}", f"{_fmt(lo)}–{_fmt(hi)}  ({g})") for g, lo, hi in bands]
    return _counted(fills, keys)


def latest_values(series: KpiSeries | None, codes: Sequence[str]) -> dict[str, float]:
    """Latest non-null value of each entity that has one."""
    values: dict[str, float] = {}
    if series is None:
        return values
    for code in codes:
        latest = series.latest(code)
        if latest is not None and latest[1] is not None and not math.isnan(latest[1]):
            values[code] = latest[1]
    return values


def by_kpi(kpi: Kpi, series: KpiSeries | None, districts: Sequence[str], number: Number) -> Colouring:
    values = latest_values(series, districts)
    has_alert = kpi.alert is not None and (kpi.alert.warn is not None or kpi.alert.critical is not None)
    if has_alert:
        return _by_alert(kpi, values, districts, number)
    return _by_quartile(kpi, values, districts, number)


def _by_alert(kpi: Kpi, values: dict[str, float], districts: Sequence[str], number: Number) -> Colouring:
    assert kpi.alert is not None
    fills = []
    for code in districts:
        if code not in values:
            fills.append(DistrictFill(code, NO_DATA, "–"))
            continue
        key = alert_level(kpi, values[code]) or "ok"
        text = number(values[code], kpi.unit)
        fills.append(DistrictFill(code, key, text if key == "ok" else f"{SYMBOLS[key]} {text}"))
    worse = ">" if kpi.better == "lower" else "<"
    fine = "≤" if kpi.better == "lower" else "≥"
    warn, critical = kpi.alert.warn, kpi.alert.critical
    keys: list[tuple[str, str]] = []
    ok_bound = warn if warn is not None else critical
    keys.append(("ok", f"{SYMBOLS['ok']} ok  ({fine} {number(ok_bound, kpi.unit)})"))
    if warn is not None:
        keys.append(("warn", f"{SYMBOLS['warn']} warning  ({worse} {number(warn, kpi.unit)})"))
    if critical is not None:
        keys.append(("critical", f"{SYMBOLS['critical']} critical  ({worse} {number(critical, kpi.unit)})"))
    return _counted(fills, keys)


def _by_quartile(kpi: Kpi, values: dict[str, float], districts: Sequence[str], number: Number) -> Colouring:
    if not values:
        return _counted([DistrictFill(c, NO_DATA, "–") for c in districts], [])
    ordered = np.array(sorted(values.values()))
    edges = [float(np.quantile(ordered, q)) for q in (0.0, 0.25, 0.5, 0.75, 1.0)]
    best_high = kpi.better == "higher"

    def quartile(v: float) -> int:  # 0 = lowest values
        return min(3, int(np.searchsorted(edges[1:4], v, side="right")))

    fills = []
    for code in districts:
        if code not in values:
            fills.append(DistrictFill(code, NO_DATA, "–"))
            continue
        q = quartile(values[code])
        rank_from_best = 3 - q if best_high else q  # 0 = best quartile
        fills.append(DistrictFill(code, f"q{rank_from_best + 1}", number(values[code], kpi.unit)))
    spans = [(edges[i], edges[i + 1]) for i in range(4)]  # lowest first
    if best_high:
        spans.reverse()
    keys = [(f"q{i + 1}", f"{number(lo, kpi.unit)} – {number(hi, kpi.unit)}") for i, (lo, hi) in enumerate(spans)]
    return _counted(fills, keys)

"""Which colour class each district of the map falls in, and the legend that says why.

Qt-free and pure, so the map tile only swaps brushes: every district gets a class
*key* into the tile's precomputed colour table, plus a short text (score, grade
letter or value) that says the same thing without colour.

- score: classes follow the catalog's grade thresholds, so a colour means the same
  on the map as the grade chips elsewhere on the wall; the district shows its score.
- grade: the grade colours; the district shows its letter.
- kpi: with alert thresholds (the catalog's, else the layout's: sync/thresholds.py),
  ok / warn / critical (the alert colours and symbols); without, quartiles of the
  districts' latest values, best quartile in the first grade's colour, oriented by
  the KPI's `better`.

Facility markers are decided here too: by occupancy (worst share of the catalog's
used/total pairs a facility reports, judged by the layout's occupancy thresholds) or
by one KPI. A facility with nothing reported is "no data", never "ok".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

import numpy as np

from ..sync.contract import Catalog, Entity, Kpi
from ..sync.ranking.result import RankingResult
from ..sync.report_times import KpiReports
from ..sync.series import KpiSeries
from ..sync.thresholds import DEFAULT_THRESHOLDS, Band, Thresholds, kpi_band, level_in_band, occupancy_level

NO_DATA = "none"
REPORTED = "reported"  # a value with no threshold to judge it by: neither ok nor alarming
SYMBOLS = {"critical": "‼", "warn": "!", "ok": "✓"}

Number = Callable[[float | None, str], str]
Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text


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


def by_kpi(kpi: Kpi, values: Mapping[str, float | None], districts: Sequence[str], number: Number,
           thresholds: Thresholds = DEFAULT_THRESHOLDS, tr: Translate = _same) -> Colouring:
    """Districts by their value of `kpi` (`values`: each district's figure at the moment
    shown, its own report or rolled up from its facilities; None where unknown)."""
    known = {code: v for code, v in values.items() if v is not None and not math.isnan(v)}
    band, _ = kpi_band(kpi, thresholds)
    if band is not None:
        return _by_alert(kpi, band, known, districts, number, tr)
    return _by_quartile(kpi, known, districts, number)


def alert_keys(kpi: Kpi, band: Band, number: Number, tr: Translate = _same) -> list[tuple[str, str]]:
    """Legend keys of a KPI judged by `band`, best first, each with its threshold."""
    worse = ">" if kpi.better == "lower" else "<"
    fine = "≤" if kpi.better == "lower" else "≥"
    warn, critical = band.warn, band.critical
    ok_bound = warn if warn is not None else critical
    keys = [("ok", f"{SYMBOLS['ok']} {tr('ok')}  ({fine} {number(ok_bound, kpi.unit)})")]
    if warn is not None:
        keys.append(("warn", f"{SYMBOLS['warn']} {tr('warning')}  ({worse} {number(warn, kpi.unit)})"))
    if critical is not None:
        keys.append(("critical", f"{SYMBOLS['critical']} {tr('critical')}  ({worse} {number(critical, kpi.unit)})"))
    return keys


def _by_alert(kpi: Kpi, band: Band, values: dict[str, float], districts: Sequence[str], number: Number,
              tr: Translate = _same) -> Colouring:
    fills = []
    for code in districts:
        if code not in values:
            fills.append(DistrictFill(code, NO_DATA, "–"))
            continue
        key = level_in_band(values[code], band, kpi.better) or "ok"
        text = number(values[code], kpi.unit)
        fills.append(DistrictFill(code, key, text if key == "ok" else f"{SYMBOLS[key]} {text}"))
    return _counted(fills, alert_keys(kpi, band, number, tr))


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


# --- facility markers -------------------------------------------------------------------------

MARKER_ORDER = {NO_DATA: 0, REPORTED: 1, "ok": 1, "warn": 2, "critical": 3}


@dataclass(frozen=True)
class MarkerFill:
    code: str
    lon: float
    lat: float
    key: str  # "critical", "warn", "ok", REPORTED or NO_DATA
    text: str  # the figure that decided the colour ("92%", "‼ 3 h"), "–" without one
    late: bool = False  # that figure is older than its KPI's reporting frequency


@dataclass(frozen=True)
class MarkerColouring:
    markers: tuple[MarkerFill, ...]  # most urgent last, so it is drawn on top
    entries: tuple[LegendEntry, ...]  # worst first; no-data last


def located_facilities(catalog: Catalog) -> tuple[Entity, ...]:
    """Facilities the catalog gives a latitude and longitude for."""
    return tuple(e for e in catalog.entities_of_level("facility") if e.lat is not None and e.lon is not None)


LATE = "late"


def _marker_colouring(fills: list[MarkerFill], keys: Sequence[tuple[str, str]], tr: Translate = _same) -> MarkerColouring:
    counts = Counter(m.key for m in fills)
    entries = [LegendEntry(key, label, counts.get(key, 0)) for key, label in keys]
    late = sum(1 for m in fills if m.late)
    if late:
        entries.append(LegendEntry(LATE, tr("overdue"), late))
    if counts.get(NO_DATA):
        entries.append(LegendEntry(NO_DATA, tr("no data"), counts[NO_DATA]))
    fills.sort(key=lambda m: MARKER_ORDER.get(m.key, 0))
    return MarkerColouring(tuple(fills), tuple(entries))


def _fill(facility: Entity, key: str, text: str, late: bool = False) -> MarkerFill:
    assert facility.lat is not None and facility.lon is not None
    return MarkerFill(facility.code, float(facility.lon), float(facility.lat), key, text, late)


NO_KPI_REPORTS: Mapping[str, KpiReports] = MappingProxyType({})

@dataclass(frozen=True)
class Cell:
    value: float | None  # None: reported as not available
    reported_at: float  # POSIX seconds


def latest_cells(series: KpiSeries | None) -> dict[str, Cell]:
    """Every entity's newest observation of one KPI, found for all rows at once (a city
    has hundreds of facilities; asking the series entity by entity costs a frame)."""
    if series is None or not series.entities:
        return {}
    seen = ~np.isnan(series.reported_at)
    columns = seen.shape[1] - 1 - np.argmax(seen[:, ::-1], axis=1)
    rows = np.flatnonzero(seen.any(axis=1))
    values = series.values[rows, columns[rows]]
    times = series.reported_at[rows, columns[rows]]
    return {series.entities[r]: Cell(None if math.isnan(v) else float(v), float(t))
            for r, v, t in zip(rows.tolist(), values.tolist(), times.tolist())}


def newest_reporter(series: KpiSeries | None, entities: Sequence[str]) -> list[str]:
    """The one of `entities` whose observation of the KPI is newest ([] when none has one):
    the age of a KPI over many facilities is the age of that facility's report."""
    wanted = set(entities)
    cells = [(c.reported_at, e) for e, c in latest_cells(series).items() if e in wanted]
    return [max(cells)[1]] if cells else []


def _is_late(kpi: Kpi, facility: str, now: datetime | None, reports: Mapping[str, KpiReports]) -> bool:
    """Whether `facility`'s newest report of `kpi` is overdue at `now` (the moments were
    worked out on the sync thread; none known is not marked late)."""
    due = reports[kpi.code].due.get(facility) if kpi.code in reports else None
    return now is not None and due is not None and due <= now


def occupancy_share(used: Cell | None, total: Cell | None) -> float | None:
    """Latest used / latest total of one pair, in percent; None when either is unknown."""
    if used is None or total is None or used.value is None or total.value is None or total.value <= 0:
        return None
    return 100.0 * used.value / total.value


def by_occupancy(
    facilities: Sequence[Entity],
    pairs: Sequence[tuple[Kpi, Kpi]],
    series: Mapping[str, KpiSeries],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    now: datetime | None = None,
    tr: Translate = _same,
    reports: Mapping[str, KpiReports] = NO_KPI_REPORTS,
) -> MarkerColouring:
    """Each facility by its worst occupancy across the used/total `pairs` it reports;
    late when a figure behind that share is older than its KPI's frequency (at `now`)."""
    cells = {k.code: latest_cells(series.get(k.code)) for pair in pairs for k in pair}
    fills = []
    for facility in facilities:
        worst: tuple[float, bool] | None = None  # (share, late)
        for used, total in pairs:
            u, t = cells[used.code].get(facility.code), cells[total.code].get(facility.code)
            share = occupancy_share(u, t)
            if share is not None and (worst is None or share > worst[0]):
                assert u is not None and t is not None
                late = _is_late(used, facility.code, now, reports) or _is_late(total, facility.code, now, reports)
                worst = (share, late)
        if worst is None:
            fills.append(_fill(facility, NO_DATA, "–"))
            continue
        key = occupancy_level(worst[0], thresholds) or "ok"
        text = f"{worst[0]:.0f}%"
        fills.append(_fill(facility, key, text if key == "ok" else f"{SYMBOLS[key]} {text}", worst[1]))
    band = thresholds.occupancy
    keys: list[tuple[str, str]] = []
    if band.critical is not None:
        keys.append(("critical", f"{SYMBOLS['critical']} {tr('critical')}  (≥ {_fmt(band.critical)}%)"))
    if band.warn is not None:
        keys.append(("warn", f"{SYMBOLS['warn']} {tr('warning')}  (≥ {_fmt(band.warn)}%)"))
    below = band.warn if band.warn is not None else band.critical
    ok = f"{SYMBOLS['ok']} {tr('ok')}"
    keys.append(("ok", f"{ok}  (< {_fmt(below)}%)" if below is not None else ok))
    return _marker_colouring(fills, keys, tr)


def by_facility_kpi(
    facilities: Sequence[Entity],
    kpi: Kpi,
    series: KpiSeries | None,
    number: Number,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    now: datetime | None = None,
    tr: Translate = _same,
    reports: Mapping[str, KpiReports] = NO_KPI_REPORTS,
) -> MarkerColouring:
    """Each facility by its latest value of `kpi`, judged by the catalog's or the layout's band."""
    cells = latest_cells(series)
    band, _ = kpi_band(kpi, thresholds)
    fills = []
    for facility in facilities:
        cell = cells.get(facility.code)
        if cell is None or cell.value is None:
            fills.append(_fill(facility, NO_DATA, "–"))
            continue
        value = cell.value
        text = number(value, kpi.unit)
        late = _is_late(kpi, facility.code, now, reports)
        if band is None:
            fills.append(_fill(facility, REPORTED, text, late))
            continue
        key = level_in_band(value, band, kpi.better) or "ok"
        fills.append(_fill(facility, key, text if key == "ok" else f"{SYMBOLS[key]} {text}", late))
    keys = (list(reversed(alert_keys(kpi, band, number, tr))) if band is not None
            else [(REPORTED, tr("reported (no thresholds)"))])
    return _marker_colouring(fills, keys, tr)


def located_only(facilities: Sequence[Entity], tr: Translate = _same) -> MarkerColouring:
    """Where the facilities are, with nothing to judge them by."""
    return _marker_colouring([_fill(f, REPORTED, "") for f in facilities], [(REPORTED, tr("facility"))], tr)

"""Capacity of places in a crisis: used/total pairs and stocks, most critical first.

Qt-free and pure, and free of any store's codes: the pairs (occupied and total ICU
beds, oxygen-supported beds, ventilators, anything a store publishes) come from the
layout's capacity options or from the catalog's `capacity_of`; stock KPIs (oxygen
in hours) only from the layout. A place's figure is its own report, or its
children's rolled up by each KPI's `aggregate` (sync/rollup.py: hospitals add up to
their district, or straight to the state when that is their parent). Occupancy is
used ÷ total and judged by the layout's occupancy thresholds (sync/thresholds.py);
a stock by the catalog's alert, else the layout's band. A pair a place does not
report is unknown, never 0.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from ..sync.contract import Catalog, Kpi
from ..sync.rollup import Figure, figures, pair_figures
from ..sync.series import KpiSeries
from ..sync.thresholds import SEVERITY, AlertLevel, Thresholds, capacity_pairs, kpi_band, kpi_level, occupancy_level

NO_NAMES: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class PairSpec:
    """A used/total pair as the tile shows it; `label` None: named from the KPIs."""

    used: Kpi
    total: Kpi
    label: str | None = None
    label_local: Mapping[str, str] = field(default_factory=lambda: NO_NAMES)


@dataclass(frozen=True)
class StockSpec:
    kpi: Kpi
    label: str | None = None
    label_local: Mapping[str, str] = field(default_factory=lambda: NO_NAMES)


@dataclass(frozen=True)
class PairFigure:
    used: float | None
    total: float | None
    level: AlertLevel | None
    uneven: bool = False  # used and total add up different numbers of reporting places
    pressure: float = -1.0  # how near the critical threshold: 1.0 at it (for ordering rows)

    @property
    def free(self) -> float | None:
        if self.total is None or self.used is None:
            return None
        return max(0.0, self.total - self.used)

    @property
    def occupancy(self) -> float | None:
        """Used share of the total, in percent."""
        if self.total is None or self.used is None or self.total <= 0:
            return None
        return 100.0 * self.used / self.total


@dataclass(frozen=True)
class StockFigure:
    value: float | None
    level: AlertLevel | None
    pressure: float = -1.0  # how near the critical threshold: 1.0 at it


@dataclass(frozen=True)
class CapacityRow:
    entity: str
    pairs: tuple[PairFigure, ...]
    stocks: tuple[StockFigure, ...]
    level: AlertLevel | None  # the worst of the above
    newest_report: float | None  # POSIX seconds of the newest observation used
    late: int  # reporting places whose figure is older than its KPI's frequency

    @property
    def figures(self) -> tuple[PairFigure | StockFigure, ...]:
        return (*self.pairs, *self.stocks)

    @property
    def pressure(self) -> float:
        """The nearest any figure of the row is to its critical threshold (1.0: at it)."""
        return max((x.pressure for x in self.figures), default=-1.0)

    @property
    def past_threshold(self) -> int:
        return sum(1 for x in self.figures if x.level is not None)


def catalog_pair_specs(catalog: Catalog, thresholds: Thresholds | None = None) -> list[PairSpec]:
    """Every pair the catalog declares (`capacity_of`), named from the KPIs."""
    pairs = capacity_pairs(catalog, thresholds) if thresholds is not None else catalog.capacity_pairs
    return [PairSpec(used, total) for used, total in pairs]


def places_of_level(catalog: Catalog, level: str) -> list[str]:
    """The entity codes of one level; the state's own code for "state"."""
    if level == "state":
        return [catalog.state.code]
    return [e.code for e in catalog.entities_of_level(level)]


_EDGE = string.punctuation.replace(")", "") + " –—"  # trimmed off a shared part of two names


def pair_label(used_name: str, total_name: str) -> str:
    """What the names of a pair's KPIs share: "ICU beds: occupied" and "ICU beds: total"
    → "ICU beds"; "Occupied ICU beds" and "Total ICU beds" → "ICU beds"."""
    used, total = used_name.split(), total_name.split()
    head = 0
    while head < min(len(used), len(total)) and used[head] == total[head]:
        head += 1
    tail = 0
    while tail < min(len(used), len(total)) - head and used[-1 - tail] == total[-1 - tail]:
        tail += 1
    shared = used[:head] if head >= tail else used[len(used) - tail:]
    label = " ".join(shared).strip(_EDGE)
    return label or used_name


def _newest(figures: Sequence[Figure]) -> float | None:
    stamps = [f.reported_at for f in figures if f.reported_at is not None]
    return max(stamps) if stamps else None


def _pair_figure(used: Figure, total: Figure, thresholds: Thresholds) -> PairFigure:
    if used.value is None or total.value is None:
        return PairFigure(used.value, total.value, None)  # unknown stays unknown
    uneven = used.rolled_up and used.places != total.places
    share = 100.0 * used.value / total.value if total.value > 0 else None
    critical = thresholds.occupancy.critical or 100.0
    pressure = -1.0 if share is None else share / critical
    return PairFigure(used.value, total.value, occupancy_level(share, thresholds), uneven, pressure)


def _stock_figure(kpi: Kpi, found: Figure, thresholds: Thresholds) -> StockFigure:
    value, (band, _) = found.value, kpi_band(kpi, thresholds)
    critical = band.critical if band is not None else None
    pressure = -1.0
    if value is not None and critical is not None:  # 1.0 at the threshold, more when past it
        if kpi.better == "lower":
            pressure = value / critical if critical else -1.0
        else:
            pressure = critical / value if value > 0 else math.inf
    return StockFigure(value, kpi_level(kpi, value, thresholds), pressure)


def capacity_rows(
    catalog: Catalog,
    series: Mapping[str, KpiSeries],
    pairs: Sequence[PairSpec],
    stocks: Sequence[StockSpec] = (),
    *,
    level: str = "facility",
    thresholds: Thresholds,
    moment: datetime,
) -> list[CapacityRow]:
    """One row per place of `level` that reported anything, most critical first."""
    places = places_of_level(catalog, level)
    # each KPI's figures for every place at once: its latest columns are found once, not per place
    paired = [pair_figures(catalog, series, p.used, p.total, places, moment) for p in pairs]
    used_of = [{place: both[0] for place, both in found.items()} for found in paired]
    total_of = [{place: both[1] for place, both in found.items()} for found in paired]
    stock_of = [figures(catalog, series, s.kpi, places, moment) for s in stocks]
    rows = []
    for place in places:
        used_total = [(used[place], total[place]) for used, total in zip(used_of, total_of)]
        stock_figures = [found[place] for found in stock_of]
        every = [f for pair in used_total for f in pair] + stock_figures
        newest = _newest(every)
        if newest is None:
            continue  # nothing reported for this place: the freshness badge says so
        pair_cells = tuple(_pair_figure(u, t, thresholds) for u, t in used_total)
        stock_levels = tuple(_stock_figure(s.kpi, f, thresholds) for s, f in zip(stocks, stock_figures))
        levels = [x.level for x in pair_cells] + [x.level for x in stock_levels]
        worst = max(levels, key=lambda lv: SEVERITY[lv], default=None)
        late = max((f.stale for f in every), default=0)
        rows.append(CapacityRow(place, pair_cells, stock_levels, worst, newest, late))
    rows.sort(key=sort_key)
    return rows


def sort_key(row: CapacityRow) -> tuple[int, float, int, str]:
    """Worst level, then the nearest to (or furthest past) a critical threshold — the
    fullest pair against the occupancy threshold, the lowest stock against its own —
    then the most figures past a threshold."""
    return (-SEVERITY[row.level], -row.pressure, -row.past_threshold, row.entity)

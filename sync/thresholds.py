"""When a figure is a warning or critical: the catalog's thresholds, else the layout's.

A store's catalog may carry `alert` thresholds on a KPI; many do not (a city's bed
feed has none). A layout can supply them for its own store: per KPI code, and one
rule for every used/total pair the catalog declares through `capacity_of`
("occupancy ≥ 90 % is critical"). The catalog wins where it speaks; the layout
fills in where it is silent. Alerts, capacity and map tiles all judge through this
one module, so a figure is never red on one tile and calm on another. Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from .contract import Catalog, Kpi

AlertLevel = Literal["warn", "critical"]
SEVERITY: Mapping[str | None, int] = MappingProxyType({None: 0, "warn": 1, "critical": 2})


@dataclass(frozen=True)
class Band:
    """Thresholds in the KPI's unit (or percent, for occupancy); either may be absent."""

    warn: float | None = None
    critical: float | None = None


@dataclass(frozen=True)
class Thresholds:
    """What a layout adds to the catalog: occupancy rule and per-KPI bands."""

    # Occupancy (percent of total) at or above which a used/total pair is warn/critical.
    occupancy: Band = Band(warn=85.0, critical=95.0)
    kpis: Mapping[str, Band] = field(default_factory=lambda: MappingProxyType({}))
    # (used, total) KPI codes the layout's tiles pair besides the catalog's `capacity_of`.
    pairs: tuple[tuple[str, str], ...] = ()

    @property
    def judges_occupancy(self) -> bool:
        return self.occupancy.warn is not None or self.occupancy.critical is not None


DEFAULT_THRESHOLDS = Thresholds()


def kpi_band(kpi: Kpi, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> tuple[Band | None, str]:
    """The band that judges `kpi`, and where it comes from ("catalog" / "layout" / "")."""
    if kpi.alert is not None and (kpi.alert.warn is not None or kpi.alert.critical is not None):
        return Band(kpi.alert.warn, kpi.alert.critical), "catalog"
    band = thresholds.kpis.get(kpi.code)
    if band is not None:
        return band, "layout"
    return None, ""


def level_in_band(value: float | None, band: Band | None, better: str) -> AlertLevel | None:
    """'critical', 'warn' or None; for `better == "lower"` a value above a threshold is past it."""
    if value is None or band is None or value != value:  # NaN is unknown, never a level
        return None

    def past(threshold: float | None) -> bool:
        if threshold is None:
            return False
        return value > threshold if better == "lower" else value < threshold

    if past(band.critical):
        return "critical"
    if past(band.warn):
        return "warn"
    return None


def kpi_level(kpi: Kpi, value: float | None, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> AlertLevel | None:
    band, _ = kpi_band(kpi, thresholds)
    return level_in_band(value, band, kpi.better)


def occupancy_level(share_percent: float | None, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> AlertLevel | None:
    """Occupancy is bad when high: at or above a threshold is past it."""
    if share_percent is None or share_percent != share_percent:
        return None
    band = thresholds.occupancy
    if band.critical is not None and share_percent >= band.critical:
        return "critical"
    if band.warn is not None and share_percent >= band.warn:
        return "warn"
    return None


def capacity_pairs(catalog: Catalog, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> tuple[tuple[Kpi, Kpi], ...]:
    """Every (used, total) pair: the catalog's `capacity_of`, then the layout's (codes
    the catalog lacks are left out; `main.py check` reports them). One pair per used KPI."""
    pairs = list(catalog.capacity_pairs)
    seen = {used.code for used, _ in pairs}
    for used_code, total_code in thresholds.pairs:
        used, total = catalog.kpi(used_code), catalog.kpi(total_code)
        if used is not None and total is not None and used_code not in seen and used_code != total_code:
            pairs.append((used, total))
            seen.add(used_code)
    return tuple(pairs)

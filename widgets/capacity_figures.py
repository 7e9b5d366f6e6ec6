"""Hospital capacity in a crisis: beds by type and oxygen stock, most critical first.

Qt-free and pure. KPI codes follow the central store's convention (documented in
sync/demo_store/catalog.py): `HFW.BEDS.<KIND>.TOTAL` / `.OCC` per facility for KIND
in GEN, O2, ICU, VENT, and `HFW.O2.STOCK_HOURS`. Oxygen stock is judged by the
catalog's alert thresholds. Bed occupancy is judged by the catalog's thresholds on
the `.OCC` KPI when it has them; otherwise by the layout's occupancy percentages
(CapacityOptions.occupancy_warn / occupancy_critical), since "beds occupied" has no
meaning without the total. A district's figures are the sums of its facilities
(oxygen: the lowest stock among them), or its own reports if it has no facility.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..sync.alerts import alert_level
from ..sync.contract import Catalog, Kpi
from ..sync.series import KpiSeries

BED_KIND_CODES = {"general": "GEN", "oxygen": "O2", "icu": "ICU", "ventilator": "VENT"}
OXYGEN_KPI = "HFW.O2.STOCK_HOURS"
SEVERITY = {"critical": 2, "warn": 1, None: 0}


def bed_kpi(kind: str, measure: str) -> str:
    """`bed_kpi('icu', 'OCC')` → 'HFW.BEDS.ICU.OCC'."""
    return f"HFW.BEDS.{BED_KIND_CODES[kind]}.{measure}"


def capacity_kpis(kinds: Sequence[str]) -> list[str]:
    return [bed_kpi(k, m) for k in kinds for m in ("TOTAL", "OCC")] + [OXYGEN_KPI]


@dataclass(frozen=True)
class Beds:
    kind: str
    total: float | None
    occupied: float | None
    level: str | None  # "critical" / "warn" / None

    @property
    def vacant(self) -> float | None:
        if self.total is None or self.occupied is None:
            return None
        return max(0.0, self.total - self.occupied)

    @property
    def occupancy(self) -> float | None:
        """Occupied share in percent."""
        if self.total is None or self.occupied is None or self.total <= 0:
            return None
        return 100.0 * self.occupied / self.total


@dataclass(frozen=True)
class CapacityRow:
    entity: str
    beds: tuple[Beds, ...]
    oxygen_hours: float | None
    oxygen_level: str | None
    level: str | None  # the worst of the above
    newest_report: float | None  # POSIX seconds of the newest observation used

    @property
    def worst_occupancy(self) -> float:
        shares = [b.occupancy for b in self.beds if b.occupancy is not None]
        return max(shares) if shares else -1.0


def _latest(series: KpiSeries | None, entity: str) -> tuple[float | None, float | None]:
    latest = series.latest(entity) if series else None
    if latest is None:
        return None, None
    _, value, reported = latest
    return (None if value is None or math.isnan(value) else value), reported


def occupancy_level(kpi: Kpi | None, beds_occupied: float | None, share: float | None, warn: float, critical: float) -> str | None:
    if kpi is not None and kpi.alert is not None and beds_occupied is not None:
        return alert_level(kpi, beds_occupied)
    if share is None:
        return None
    if share > critical:
        return "critical"
    if share > warn:
        return "warn"
    return None


def capacity_rows(
    catalog: Catalog,
    series: dict[str, KpiSeries] | object,
    *,
    level: str = "facility",
    kinds: Sequence[str] = tuple(BED_KIND_CODES),
    occupancy_warn: float = 85.0,
    occupancy_critical: float = 95.0,
) -> list[CapacityRow]:
    """One row per facility (or district), most critical first."""
    get = series.get  # type: ignore[attr-defined]
    oxygen_kpi = catalog.kpi(OXYGEN_KPI)
    facilities = catalog.entities_of_level("facility")
    if level == "facility":
        groups = {f.code: [f.code] for f in facilities}
    else:
        groups = {d.code: [f.code for f in facilities if f.parent == d.code] or [d.code] for d in catalog.entities_of_level(level)}
    rows = []
    for entity, members in groups.items():
        newest: list[float] = []
        beds = []
        for kind in kinds:
            totals, occupied = [], []
            for member in members:
                t, t_at = _latest(get(bed_kpi(kind, "TOTAL")), member)
                o, o_at = _latest(get(bed_kpi(kind, "OCC")), member)
                newest.extend(x for x in (t_at, o_at) if x is not None)
                if t is not None and o is not None:
                    totals.append(t)
                    occupied.append(o)
            total = sum(totals) if totals else None
            occ = sum(occupied) if occupied else None
            share = 100.0 * occ / total if total and occ is not None else None
            occ_kpi = catalog.kpi(bed_kpi(kind, "OCC"))
            beds.append(Beds(kind, total, occ, occupancy_level(occ_kpi, occ, share, occupancy_warn, occupancy_critical)))
        stocks = []
        for member in members:
            h, h_at = _latest(get(OXYGEN_KPI), member)
            if h is not None:
                stocks.append(h)
            if h_at is not None:
                newest.append(h_at)
        hours = min(stocks) if stocks else None
        o2_level = alert_level(oxygen_kpi, hours) if oxygen_kpi is not None else None
        if not newest:
            continue  # nothing reported for this place: the freshness badge says so
        worst = max([o2_level] + [b.level for b in beds], key=lambda lv: SEVERITY[lv])
        rows.append(CapacityRow(entity, tuple(beds), hours, o2_level, worst, max(newest)))
    rows.sort(key=sort_key)
    return rows


def sort_key(row: CapacityRow) -> tuple[int, float, float, str]:
    """Worst alert level, then least oxygen, then fullest beds."""
    hours = row.oxygen_hours if row.oxygen_hours is not None else math.inf
    return (-SEVERITY[row.level], hours, -row.worst_occupancy, row.entity)

"""Data-feeding discipline per department: which KPIs are overdue, and since when.

A KPI is overdue when its newest report (over all entities) is older than its
`frequency` (sync/freshness.overdue_since); it is "not fed" when nothing was ever
reported. A department is on time when none of its KPIs is overdue or not fed.
Departments are ordered worst first: most KPIs overdue or not fed, then the one
overdue the longest. Qt-free and pure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from ..sync.contract import Catalog, Kpi
from ..sync.freshness import overdue_since
from ..sync.series import KpiSeries


@dataclass(frozen=True)
class KpiFeeding:
    kpi: str
    last_report: datetime | None  # None: never reported
    overdue_since: datetime | None  # None: on time (or never reported)

    @property
    def never_fed(self) -> bool:
        return self.last_report is None


@dataclass(frozen=True)
class DepartmentFeeding:
    department: str
    kpis: int
    overdue: tuple[KpiFeeding, ...]  # oldest first; never-fed ones last

    @property
    def on_time(self) -> bool:
        return not self.overdue

    @property
    def oldest(self) -> KpiFeeding | None:
        return self.overdue[0] if self.overdue else None


def kpi_feeding(kpi: Kpi, series: KpiSeries | None, now: datetime) -> KpiFeeding:
    if series is None or series.reported_at.size == 0 or np.isnan(series.reported_at).all():
        return KpiFeeding(kpi.code, None, None)
    last = datetime.fromtimestamp(float(np.nanmax(series.reported_at)), timezone.utc)
    due = overdue_since(kpi, last)
    return KpiFeeding(kpi.code, last, due if due <= now else None)


def department_feeding(catalog: Catalog, series: Mapping[str, KpiSeries], now: datetime) -> list[DepartmentFeeding]:
    """Every department that has KPIs, worst first."""
    by_department: dict[str, list[KpiFeeding]] = {}
    for kpi in catalog.kpis:
        department = catalog.department_of_kpi(kpi)
        code = department.code if department else ""
        by_department.setdefault(code, []).append(kpi_feeding(kpi, series.get(kpi.code), now))
    rows = []
    for code, feeds in by_department.items():
        late = [f for f in feeds if f.overdue_since is not None or f.never_fed]
        late.sort(key=lambda f: (f.never_fed, f.overdue_since or datetime.max.replace(tzinfo=timezone.utc), f.kpi))
        rows.append(DepartmentFeeding(code, len(feeds), tuple(late)))
    rows.sort(key=_worst_first)
    return rows


def _worst_first(row: DepartmentFeeding) -> tuple[int, float, str]:
    oldest = row.oldest
    since = oldest.overdue_since.timestamp() if oldest and oldest.overdue_since else math.inf
    return (-len(row.overdue), since, row.department)

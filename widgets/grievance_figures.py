"""CM Helpline grievance figures per department, for the grievance tile.

KPI codes follow the central store's convention (sync/demo_store/catalog.py): per
department DEPT, `CMHL.<DEPT>.PEND50`, `.PEND100`, `.PEND300` (complaints pending
over 50 / 100 / 300 days) and `.SATISFIED` (% closed with citizen satisfaction).
The state's figure is the state entity's own report when there is one, else the
sum over districts (the mean for the satisfaction share).

The department's grade is the grade of its *department score* in the ranking
(`by["department"]`, marks out of 10 over all its ranked KPIs), averaged over the
ranked districts, graded with the catalog's thresholds. The grade therefore says
how the department performs on its schemes; the satisfaction share next to it says
how citizens judge its grievance handling. Qt-free and pure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ..sync.contract import Catalog
from ..sync.ranking.result import RankingResult
from ..sync.series import KpiSeries
from .kpi_figures import grade_for

PREFIX = "CMHL"
MEASURES = ("PEND50", "PEND100", "PEND300", "SATISFIED")


def grievance_kpi(department: str, measure: str) -> str:
    return f"{PREFIX}.{department}.{measure}"


@dataclass(frozen=True)
class DepartmentGrievances:
    department: str
    pending_50: float | None
    pending_100: float | None
    pending_300: float | None
    satisfied: float | None  # percent
    score: float | None  # department score averaged over districts
    grade: str | None
    newest_report: float | None  # POSIX seconds


def state_value(catalog: Catalog, series: KpiSeries | None, *, mean: bool) -> tuple[float | None, float | None]:
    """(value, reported_at) for the state: its own report, else the districts' sum or mean."""
    if series is None:
        return None, None
    own = series.latest(catalog.state.code)
    if own is not None and own[1] is not None:
        return own[1], own[2]
    values, stamps = [], []
    for district in catalog.entities_of_level("district"):
        latest = series.latest(district.code)
        if latest is not None and latest[1] is not None and not math.isnan(latest[1]):
            values.append(latest[1])
            stamps.append(latest[2])
    if not values:
        return None, None
    return (sum(values) / len(values) if mean else sum(values)), max(stamps)


def department_score(ranking: RankingResult | None, department: str) -> float | None:
    if ranking is None:
        return None
    scores = [s for r in ranking.ranked if (s := r.by.get("department", {}).get(department)) is not None]
    return sum(scores) / len(scores) if scores else None


def grievance_departments(catalog: Catalog) -> list[str]:
    """Departments with at least one CM Helpline KPI in the catalog, catalog order."""
    codes = catalog.kpis_by_code
    return [d.code for d in catalog.departments if any(grievance_kpi(d.code, m) in codes for m in MEASURES)]


def department_grievances(
    catalog: Catalog, series: Mapping[str, KpiSeries], ranking: RankingResult | None
) -> list[DepartmentGrievances]:
    """One row per department with CM Helpline KPIs: most long-pending complaints first."""
    rows = []
    for dept in grievance_departments(catalog):
        figures: dict[str, float | None] = {}
        stamps: list[float] = []
        for measure in MEASURES:
            value, stamp = state_value(catalog, series.get(grievance_kpi(dept, measure)), mean=measure == "SATISFIED")
            figures[measure] = value
            if stamp is not None:
                stamps.append(stamp)
        score = department_score(ranking, dept)
        rows.append(
            DepartmentGrievances(
                dept, figures["PEND50"], figures["PEND100"], figures["PEND300"], figures["SATISFIED"],
                score, grade_for(catalog, score), max(stamps) if stamps else None,
            )
        )
    rows.sort(key=lambda r: (-(r.pending_300 or 0), -(r.pending_100 or 0), -(r.pending_50 or 0), r.department))
    return rows

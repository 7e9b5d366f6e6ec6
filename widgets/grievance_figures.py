"""Grievance figures per department (or per row the layout names), for the grievance tile.

No store's codes live here: the layout names them (GrievanceOptions), as patterns
with `{department}` expanded for each department of the catalog, or row by row. A
department is a row when any of its codes is in the catalog; a code it lacks is an
unknown figure ("—"), never 0.

Each figure is the entity's (the state's by default) own report, else its
children's rolled up by the KPI's `aggregate` (sync/rollup.py). A figure is judged
by the catalog's alert, else the layout's band (sync/thresholds.py), when it is of
the KPI's own level or an average-like roll-up (a mean of district shares is on
the districts' scale; a sum of district backlogs is not compared with a district's
threshold).

The department's grade is the grade of its *department score* in the ranking
(`by["department"]`, marks out of 10 over all its ranked KPIs), averaged over the
ranked districts, graded with the catalog's thresholds. The grade therefore says how
the department performs on its schemes; the satisfaction share next to it says how
citizens judge its grievance handling. Qt-free and pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from ..layouts.tile_options import DEPARTMENT, GrievanceOptions
from ..sync.contract import Catalog, Kpi
from ..sync.ranking.result import RankingResult
from ..sync.rollup import Figure, figure
from ..sync.series import KpiSeries
from ..sync.thresholds import AlertLevel, Thresholds, kpi_level
from .kpi_figures import grade_for


@dataclass(frozen=True)
class GrievanceLine:
    """One row's KPIs (None where the catalog lacks the code)."""

    department: str | None
    label: str | None
    label_local: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    pending: tuple[Kpi | None, ...] = ()
    satisfaction: Kpi | None = None

    @property
    def kpis(self) -> tuple[Kpi, ...]:
        return tuple(k for k in (*self.pending, self.satisfaction) if k is not None)


@dataclass(frozen=True)
class Judged:
    value: float | None
    level: AlertLevel | None = None


@dataclass(frozen=True)
class DepartmentGrievances:
    line: GrievanceLine
    pending: tuple[Judged, ...]
    satisfied: Judged
    score: float | None  # department score averaged over districts
    grade: str | None
    newest_report: float | None  # POSIX seconds

    @property
    def department(self) -> str | None:
        return self.line.department


def grievance_lines(catalog: Catalog, options: GrievanceOptions) -> list[GrievanceLine]:
    """The rows the layout asks for: explicit `rows`, or the patterns for every department
    that has at least one of its codes in the catalog (catalog order)."""
    if options.rows:
        return [GrievanceLine(r.department, r.label, MappingProxyType(dict(r.label_local)),
                              tuple(catalog.kpi(c) for c in r.pending),
                              catalog.kpi(r.satisfaction) if r.satisfaction else None)
                for r in options.rows]
    lines = []
    for dept in catalog.departments:
        pending = tuple(catalog.kpi(p.replace(DEPARTMENT, dept.code)) for p in options.pending)
        satisfaction = catalog.kpi(options.satisfaction.replace(DEPARTMENT, dept.code)) if options.satisfaction else None
        line = GrievanceLine(dept.code, None, pending=pending, satisfaction=satisfaction)
        if line.kpis:
            lines.append(line)
    return lines


def department_score(ranking: RankingResult | None, department: str | None) -> float | None:
    if ranking is None or department is None:
        return None
    scores = [s for r in ranking.ranked if (s := r.by.get("department", {}).get(department)) is not None]
    return sum(scores) / len(scores) if scores else None


def _judged(catalog: Catalog, kpi: Kpi, found: Figure, entity: str, thresholds: Thresholds) -> Judged:
    comparable = kpi.level is None or catalog.level_of(entity) == kpi.level or kpi.aggregate_method in ("mean", "min", "max")
    return Judged(found.value, kpi_level(kpi, found.value, thresholds) if comparable else None)


def department_grievances(
    catalog: Catalog,
    series: Mapping[str, KpiSeries],
    ranking: RankingResult | None,
    lines: list[GrievanceLine],
    *,
    entity: str,
    thresholds: Thresholds,
    moment: datetime,
) -> list[DepartmentGrievances]:
    """One row per line: most complaints pending in the oldest column first."""
    rows = []
    for line in lines:
        stamps: list[float] = []

        def judged(kpi: Kpi | None, stamps: list[float] = stamps) -> Judged:  # called at once, in this loop
            if kpi is None:
                return Judged(None)
            found = figure(catalog, series.get(kpi.code), kpi, entity, moment)
            if found.reported_at is not None:
                stamps.append(found.reported_at)
            return _judged(catalog, kpi, found, entity, thresholds)

        pending = tuple(judged(k) for k in line.pending)
        satisfied = judged(line.satisfaction)
        score = department_score(ranking, line.department)
        rows.append(DepartmentGrievances(line, pending, satisfied, score, grade_for(catalog, score),
                                         max(stamps) if stamps else None))
    rows.sort(key=lambda r: (tuple(-(p.value if p.value is not None else -1.0) for p in reversed(r.pending)),
                             r.line.department or r.line.label or ""))
    return rows

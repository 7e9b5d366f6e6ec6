"""Data-feeding discipline: which departments (or schemes, or KPIs) feed late, since when.

A KPI is overdue when its newest report (over all entities) is older than its own
`frequency` (sync/freshness.overdue_since) — a month, a day or fifteen minutes; it
is "not fed" when nothing was ever reported. KPIs are grouped the way the catalog
is organised: by department when it has several, else by scheme when it has
several, else one row per KPI (a crisis store may publish one scheme of hospital
figures). A group is on time when none of its KPIs is overdue or not fed. Groups
are ordered worst first: most KPIs overdue or not fed, then the one overdue the
longest. Qt-free and pure.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import numpy as np

from ..sync.contract import Catalog, Kpi
from ..sync.report_times import NO_REPORTS, KpiReports

GroupLevel = Literal["department", "scheme", "kpi"]


@dataclass(frozen=True)
class KpiFeeding:
    kpi: str
    last_report: datetime | None  # None: never reported
    overdue_since: datetime | None  # None: on time (or never reported)

    @property
    def never_fed(self) -> bool:
        return self.last_report is None


@dataclass(frozen=True)
class GroupFeeding:
    code: str  # the department's, scheme's or KPI's code ("" for KPIs of no known department)
    kpis: int
    overdue: tuple[KpiFeeding, ...]  # oldest first; never-fed ones last

    @property
    def department(self) -> str:  # the name this row had when rows were always departments
        return self.code

    @property
    def on_time(self) -> bool:
        return not self.overdue

    @property
    def oldest(self) -> KpiFeeding | None:
        return self.overdue[0] if self.overdue else None




def kpi_feeding(kpi: Kpi, reports: KpiReports, now: datetime) -> KpiFeeding:
    """`kpi` by its newest report (times worked out on the sync thread, sync/report_times.py)."""
    if reports.newest is None or reports.newest_due is None:
        return KpiFeeding(kpi.code, None, None)
    due = reports.newest_due
    return KpiFeeding(kpi.code, datetime.fromtimestamp(reports.newest, UTC), due if due <= now else None)


def grouping(catalog: Catalog) -> GroupLevel:
    """How to group the catalog's KPIs: by department when there are several, else by
    scheme when there are several, else KPI by KPI."""
    departments = {d.code if (d := catalog.department_of_kpi(k)) else "" for k in catalog.kpis}
    if len(departments - {""}) >= 2:
        return "department"
    if len({k.scheme for k in catalog.kpis}) >= 2:
        return "scheme"
    return "kpi"


def group_of(catalog: Catalog, kpi: Kpi, level: GroupLevel) -> str:
    if level == "department":
        department = catalog.department_of_kpi(kpi)
        return department.code if department else ""
    return kpi.scheme if level == "scheme" else kpi.code


@dataclass(frozen=True, eq=False)
class FeedingFacts:
    """What `feeding` reads of a snapshot, without the clock: each catalog KPI's group and
    newest report, and when that falls due, as arrays (catalog order). Gathered once per
    snapshot; `feeding_at` then judges any moment with array operations and makes objects
    only for the KPIs overdue or never fed, instead of 3,400 of them per tile."""

    level: GroupLevel
    codes: tuple[str, ...]
    groups: tuple[str, ...]  # each KPI's group code
    group_index: np.ndarray  # each KPI's group, as a position in `group_codes`
    group_codes: tuple[str, ...]  # in the order first met
    newest: np.ndarray  # POSIX seconds of the newest report; NaN: never fed
    due: np.ndarray  # POSIX seconds when it falls due (NaN: never fed): orders as `due_at` does
    due_at: tuple[datetime | None, ...]


_GROUPED: list[tuple[Catalog, GroupLevel | None, tuple[GroupLevel, tuple[str, ...]]]] = []
_GROUPED_LOCK = threading.Lock()


def _grouped(catalog: Catalog, level: GroupLevel | None) -> tuple[GroupLevel, tuple[str, ...]]:
    """(the level, each KPI's group code), kept for the last few catalogs (they change rarely)."""
    with _GROUPED_LOCK:
        for held, asked, found in _GROUPED:
            if held is catalog and asked == level:
                return found
    chosen = level or grouping(catalog)
    found = (chosen, tuple(group_of(catalog, kpi, chosen) for kpi in catalog.kpis))
    with _GROUPED_LOCK:
        _GROUPED.insert(0, (catalog, level, found))
        del _GROUPED[4:]
    return found


def feeding_facts(catalog: Catalog, reports: Mapping[str, KpiReports], level: GroupLevel | None = None,
                  newest: np.ndarray | None = None, due: np.ndarray | None = None,
                  due_at: Sequence[datetime | None] | None = None) -> FeedingFacts:
    """The clock-free facts of `feeding(catalog, reports, now, level)`; each KPI's newest
    report, its due moment as seconds and as a moment may be given, already gathered in
    catalog order (widgets/per_snapshot.py `report_facts`)."""
    chosen, groups = _grouped(catalog, level)
    positions: dict[str, int] = {}
    index = np.array([positions.setdefault(g, len(positions)) for g in groups], dtype=np.intp)
    if newest is None or due is None or due_at is None:
        gathered: list[datetime | None] = []
        newest, due = np.full(len(groups), np.nan), np.full(len(groups), np.nan)
        for i, kpi in enumerate(catalog.kpis):
            got = reports.get(kpi.code, NO_REPORTS)
            if got.newest is None or got.newest_due is None:
                gathered.append(None)
                continue
            newest[i], due[i] = got.newest, got.newest_due.timestamp()
            gathered.append(got.newest_due)
        due_at = gathered
    return FeedingFacts(chosen, tuple(k.code for k in catalog.kpis), groups, index, tuple(positions), newest, due,
                        tuple(due_at))


def feeding_at(facts: FeedingFacts, now: datetime) -> tuple[GroupLevel, list[GroupFeeding]]:
    """`feeding` at `now` from its clock-free facts: the same groups in the same order."""
    never = np.isnan(facts.newest)
    with np.errstate(invalid="ignore"):
        late = ~never & (facts.due <= now.timestamp())  # microsecond moments order as their seconds do
    by_group: list[list[KpiFeeding]] = [[] for _ in facts.group_codes]
    for i in np.flatnonzero(never | late).tolist():
        feed = (KpiFeeding(facts.codes[i], None, None) if never[i] else
                KpiFeeding(facts.codes[i], datetime.fromtimestamp(float(facts.newest[i]), UTC), facts.due_at[i]))
        by_group[int(facts.group_index[i])].append(feed)
    sizes = np.bincount(facts.group_index, minlength=len(facts.group_codes)).tolist()
    rows = []
    for code, size, overdue in zip(facts.group_codes, sizes, by_group):
        overdue.sort(key=lambda f: (f.never_fed, f.overdue_since or datetime.max.replace(tzinfo=UTC), f.kpi))
        rows.append(GroupFeeding(code, size, tuple(overdue)))
    rows.sort(key=_worst_first)
    return facts.level, rows


def feeding(
    catalog: Catalog, reports: Mapping[str, KpiReports], now: datetime, level: GroupLevel | None = None
) -> tuple[GroupLevel, list[GroupFeeding]]:
    """(how KPIs are grouped, every group worst first)."""
    return feeding_at(feeding_facts(catalog, reports, level), now)


def feeding_by_kpi(
    catalog: Catalog, reports: Mapping[str, KpiReports], now: datetime, level: GroupLevel | None = None
) -> tuple[GroupLevel, list[GroupFeeding]]:
    """`feeding` the plain way, KPI by KPI (the reference `feeding_at` is checked against)."""
    level = level or grouping(catalog)
    by_group: dict[str, list[KpiFeeding]] = {}
    for kpi in catalog.kpis:
        by_group.setdefault(group_of(catalog, kpi, level), []).append(kpi_feeding(kpi, reports.get(kpi.code, NO_REPORTS), now))
    rows = []
    for code, feeds in by_group.items():
        late = [f for f in feeds if f.overdue_since is not None or f.never_fed]
        late.sort(key=lambda f: (f.never_fed, f.overdue_since or datetime.max.replace(tzinfo=UTC), f.kpi))
        rows.append(GroupFeeding(code, len(feeds), tuple(late)))
    rows.sort(key=_worst_first)
    return level, rows


def department_feeding(catalog: Catalog, reports: Mapping[str, KpiReports], now: datetime) -> list[GroupFeeding]:
    """Every department that has KPIs, worst first."""
    return feeding(catalog, reports, now, "department")[1]


def _worst_first(row: GroupFeeding) -> tuple[int, float, str]:
    oldest = row.oldest
    since = oldest.overdue_since.timestamp() if oldest and oldest.overdue_since else math.inf
    return (-len(row.overdue), since, row.code)

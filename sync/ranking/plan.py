"""Everything the ranking needs that depends on the catalog alone, computed once.

A wall re-ranks every time new observations arrive, but the catalog changes rarely.
`plan_for(catalog)` turns the catalog into index maps, per-method KPI row sets,
weights, targets, padded band tables and group membership matrices, and caches the
result against the catalog object (weakly: a dropped catalog drops its plan).

Row order of every (KPI × entity) matrix is the catalog order of the ranked KPIs;
column order is the catalog order of the ranked entities.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Literal

import numpy as np

from ..contract import Catalog, Kpi, RankingSpec

GroupLevel = Literal["scheme", "department", "sector"]
GROUP_LEVELS: tuple[GroupLevel, ...] = ("scheme", "department", "sector")
METHODS = ("target", "minmax", "minmax_target", "bands")


@dataclass(frozen=True, eq=False)
class GroupMatrix:
    """Membership of ranked KPIs in the schemes (departments, sectors) of one level.

    Each KPI belongs to at most one group per level, so the (groups × KPIs)
    membership matrix is a sparse one-hot matrix; a product with it is a segment
    sum: take the KPI rows in `order` (grouped by group) and `np.add.reduceat` at
    `starts`. That is O(KPIs × entities) instead of O(groups × KPIs × entities).
    """

    codes: tuple[str, ...]  # group codes, in order of first appearance among ranked KPIs
    order: np.ndarray  # KPI row indices of members, grouped by group (groups in `codes` order)
    starts: np.ndarray  # (groups,) offset in `order` where each group's KPIs start
    members: tuple[np.ndarray, ...]  # per group: indices of its KPIs

    @cached_property
    def group_of_kpi(self) -> np.ndarray:
        """Group index of every ranked KPI row (-1: in no group of this level)."""
        n = int(max((int(m.max()) for m in self.members if len(m)), default=-1)) + 1
        of = np.full(n, -1, dtype=np.intp)
        for g, members in enumerate(self.members):
            of[members] = g
        return of

    def sum_rows(self, matrix: np.ndarray) -> np.ndarray:
        """(groups × columns): per group, the sum of its KPIs' rows of `matrix`."""
        if not self.codes:
            return np.zeros((0, matrix.shape[1]))
        return np.add.reduceat(matrix[self.order], self.starts, axis=0)


@dataclass(frozen=True, eq=False)
class CatalogPlan:
    spec: RankingSpec
    kpis: tuple[Kpi, ...]  # ranked KPIs, catalog order
    kpi_codes: tuple[str, ...]
    entity_codes: tuple[str, ...]  # ranked entities, catalog order
    kpi_index: dict[str, int]  # plain dicts (fast .get in the hot loop); never mutated
    entity_index: dict[str, int]
    weights: np.ndarray  # (K,)
    targets: np.ndarray  # (K,) NaN where the KPI has no target
    lower: np.ndarray  # (K,) bool: better is "lower"
    method_rows: Mapping[str, np.ndarray]  # method -> KPI row indices
    band_thresholds: np.ndarray  # (bands KPIs × B) percent, NaN-padded (NaN ≤ x is False)
    band_marks: np.ndarray  # (bands KPIs × B)
    groups: Mapping[GroupLevel, GroupMatrix]
    grade_names: tuple[str, ...]
    grade_thresholds: np.ndarray
    kpi_codes_sorted: np.ndarray  # object array: ranked KPI codes sorted by code
    code_order: np.ndarray  # KPI row indices in code order

    @property
    def n_kpis(self) -> int:
        return len(self.kpi_codes)

    @property
    def n_entities(self) -> int:
        return len(self.entity_codes)


def ranked_kpis(catalog: Catalog) -> tuple[Kpi, ...]:
    """KPIs with `scoring` whose level is the ranking level or absent."""
    level = catalog.ranking.level
    return tuple(k for k in catalog.kpis if k.scoring is not None and (k.level is None or k.level == level))


def _group_matrix(codes_per_kpi: list[str | None]) -> GroupMatrix:
    position: dict[str, int] = {}
    for code in codes_per_kpi:
        if code is not None and code not in position:
            position[code] = len(position)
    members: list[list[int]] = [[] for _ in position]
    for k, code in enumerate(codes_per_kpi):
        if code is not None:
            members[position[code]].append(k)
    order = np.array([k for m in members for k in m], dtype=np.intp)
    starts = np.cumsum([0] + [len(m) for m in members[:-1]]).astype(np.intp) if members else np.empty(0, np.intp)
    order.flags.writeable = False
    starts.flags.writeable = False
    return GroupMatrix(tuple(position), order, starts, tuple(np.array(m, dtype=np.intp) for m in members))


def build_plan(catalog: Catalog) -> CatalogPlan:
    spec = catalog.ranking
    kpis = ranked_kpis(catalog)
    entities = catalog.entities_of_level(spec.level)
    kpi_codes = tuple(k.code for k in kpis)
    weights = np.array([k.scoring.weight for k in kpis if k.scoring], dtype=np.float64)
    targets = np.array([np.nan if k.target is None else k.target for k in kpis], dtype=np.float64)
    lower = np.array([k.better == "lower" for k in kpis], dtype=bool)
    method_rows = {
        m: np.array([i for i, k in enumerate(kpis) if k.scoring and k.scoring.method == m], dtype=np.intp)
        for m in METHODS
    }
    band_lists = [tuple(kpis[i].scoring.bands or ()) for i in method_rows["bands"]]
    width = max((len(b) for b in band_lists), default=0)
    band_thresholds = np.full((len(band_lists), width), np.nan)
    band_marks = np.zeros((len(band_lists), width))
    for r, bands in enumerate(band_lists):
        for c, (threshold, marks) in enumerate(bands):
            band_thresholds[r, c] = threshold
            band_marks[r, c] = marks

    # Hierarchy: KPI -> scheme (its own code, listed or not) -> department -> sector.
    # A KPI whose scheme is not in the catalog has no department and no sector.
    scheme_codes: list[str | None] = [k.scheme for k in kpis]
    department_codes: list[str | None] = []
    sector_codes: list[str | None] = []
    for k in kpis:
        department = catalog.department_of_kpi(k)
        department_codes.append(department.code if department else None)
        sector_codes.append(department.sector if department else None)
    groups: dict[GroupLevel, GroupMatrix] = {
        "scheme": _group_matrix(scheme_codes),
        "department": _group_matrix(department_codes),
        "sector": _group_matrix(sector_codes),
    }
    code_order = np.array(sorted(range(len(kpis)), key=lambda i: kpi_codes[i]), dtype=np.intp)
    kpi_codes_array = np.array(kpi_codes, dtype=object) if kpis else np.empty(0, dtype=object)
    for array in (weights, targets, lower, band_thresholds, band_marks, code_order):
        array.flags.writeable = False
    return CatalogPlan(
        spec=spec,
        kpis=kpis,
        kpi_codes=kpi_codes,
        entity_codes=tuple(e.code for e in entities),
        kpi_index={c: i for i, c in enumerate(kpi_codes)},
        entity_index={e.code: i for i, e in enumerate(entities)},
        weights=weights,
        targets=targets,
        lower=lower,
        method_rows=MappingProxyType(method_rows),
        band_thresholds=band_thresholds,
        band_marks=band_marks,
        groups=MappingProxyType(groups),
        grade_names=tuple(name for name, _ in spec.grades),
        grade_thresholds=np.array([t for _, t in spec.grades], dtype=np.float64),
        kpi_codes_sorted=kpi_codes_array[code_order],
        code_order=code_order,
    )


# id(catalog) -> (weak reference to the catalog, plan). The weak reference both
# guards against a recycled id and lets the entry go when the catalog does.
_plans: dict[int, tuple[weakref.ref[Catalog], CatalogPlan]] = {}
_lock = threading.Lock()


def plan_for(catalog: Catalog) -> CatalogPlan:
    """The cached plan of this catalog object (built on first use)."""
    key = id(catalog)
    with _lock:
        entry = _plans.get(key)
        if entry is not None and entry[0]() is catalog:
            return entry[1]
    plan = build_plan(catalog)

    def forget(_ref: object, key: int = key) -> None:
        _plans.pop(key, None)

    with _lock:
        _plans[key] = (weakref.ref(catalog, forget), plan)
    return plan

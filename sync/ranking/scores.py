"""Scheme, department, sector and overall scores from the marks matrix.

A group's score is the ``scoring.weight``-weighted mean of the entity's counted
marks over the group's KPIs, computed for all groups and entities at once as
``G @ (w·marks) / G @ (w·counted)`` with G the (one-hot, so sparse) membership
matrix of the plan, applied as a segment sum (`GroupMatrix.sum_rows`); the overall
weighted mean is the dense product ``w @ marks / w @ counted``.

Rules (DESIGN.md §2–3, plus the zero-weight case it does not mention):

- ``missing: "zero"``: a not-reported KPI counts with 0 marks; ``"skip"``: it is
  left out of the numerator and the denominator.
- A group (or, for rollup ``"kpi"``, the overall score) whose counted KPIs weigh
  0 in total has no score: weight 0 means "shown, not scored". In particular a
  group without counted KPIs has no score.
- Rollup ``"kpi"``: overall = weighted mean over all counted KPIs. Rollups
  ``"scheme"``/``"department"``/``"sector"``: overall = plain mean of the entity's
  group scores at that level that exist (each group counts once).
- No overall score means the entity is not ranked.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

from ..sorted_distinct import sorted_distinct
from .plan import GROUP_LEVELS, CatalogPlan, GroupLevel


def counted_marks(marks: np.ndarray, missing: str) -> tuple[np.ndarray, np.ndarray]:
    """(marks with 0 where not counted or not reported, counted mask) for a missing rule."""
    reported = ~np.isnan(marks)
    counted = np.ones_like(reported) if missing == "zero" else reported
    return np.where(reported, marks, 0.0), counted


def _mean(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


_full_weights: weakref.WeakKeyDictionary[CatalogPlan, tuple[int, dict[GroupLevel, np.ndarray]]] = (
    weakref.WeakKeyDictionary())
_full_weights_lock = threading.Lock()


def _denominators(plan: CatalogPlan, counted: np.ndarray) -> dict[GroupLevel, np.ndarray]:
    """Per level: (groups × entities) counted weight. When every KPI counts for every
    entity (``missing: "zero"``) it depends on the plan alone: computed once per plan and
    entity count, by the same sums, so the very same numbers."""
    w = plan.weights[:, None]
    if not counted.all():
        weighted_counted = w * counted
        return {level: plan.groups[level].sum_rows(weighted_counted) for level in GROUP_LEVELS}
    n_entities = counted.shape[1]
    with _full_weights_lock:
        known = _full_weights.get(plan)
    if known is not None and known[0] == n_entities:
        return known[1]
    weighted_counted = w * counted
    sums = {level: plan.groups[level].sum_rows(weighted_counted) for level in GROUP_LEVELS}
    for array in sums.values():
        array.flags.writeable = False
    with _full_weights_lock:
        _full_weights[plan] = (n_entities, sums)
    return sums


def group_scores(plan: CatalogPlan, marks0: np.ndarray, counted: np.ndarray) -> dict[GroupLevel, np.ndarray]:
    """Per level: (groups × entities) scores, NaN where the entity has none."""
    w = plan.weights[:, None]
    weighted_marks = w * marks0
    denominators = _denominators(plan, counted)
    return {level: _mean(plan.groups[level].sum_rows(weighted_marks), denominators[level]) for level in GROUP_LEVELS}


def group_scores_update(
    plan: CatalogPlan, marks0: np.ndarray, counted: np.ndarray, base: dict[GroupLevel, np.ndarray], changed: np.ndarray
) -> dict[GroupLevel, np.ndarray]:
    """`group_scores` when only the KPI rows `changed` (bool) differ from the marks `base`
    was computed from: the groups holding a changed KPI are summed again, each exactly as
    `group_scores` sums it (its own KPIs in the same order), the others are copied."""
    w = plan.weights
    changed_rows = np.flatnonzero(changed)
    all_counted = _denominators(plan, counted) if counted.all() else None
    out: dict[GroupLevel, np.ndarray] = {}
    for level in GROUP_LEVELS:
        matrix = plan.groups[level]
        of_kpi = matrix.group_of_kpi
        groups_hit = of_kpi[changed_rows[changed_rows < len(of_kpi)]]
        affected = sorted_distinct(groups_hit[groups_hit >= 0])
        if len(affected) == 0:
            out[level] = base[level]
            continue
        members = [matrix.members[g] for g in affected.tolist()]
        rows = np.concatenate(members)
        starts = np.cumsum([0] + [len(m) for m in members[:-1]]).astype(np.intp)
        weights = w[rows][:, None]
        numerator = np.add.reduceat(weights * marks0[rows], starts, axis=0)
        if all_counted is not None:
            denominator = all_counted[level][affected]
        else:
            denominator = np.add.reduceat(weights * counted[rows], starts, axis=0)
        scores = base[level].copy()
        scores[affected] = _mean(numerator, denominator)
        out[level] = scores
    return out


def overall_scores(
    plan: CatalogPlan, marks0: np.ndarray, counted: np.ndarray, groups: dict[GroupLevel, np.ndarray]
) -> np.ndarray:
    """(entities,) overall score by `ranking.rollup`; NaN where the entity has none."""
    rollup = plan.spec.rollup
    if rollup == "kpi":
        return _mean(plan.weights @ marks0, plan.weights @ counted.astype(np.float64))
    scores = groups[rollup]
    has = ~np.isnan(scores)
    n = has.sum(axis=0)
    total = np.where(has, scores, 0.0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, total / n, np.nan)

"""Marks per KPI and entity, by the four scoring methods of DESIGN.md.

Input is the (KPI × entity) value matrix of one month, NaN where an entity has not
reported (no observation, or ``value: null``). Output has the same shape: marks
from 0 to ``max_marks`` (bands: the band's marks as the catalog gives them), NaN
where not reported. Each method is computed for all its KPI rows at once.

Edge cases (the contract is silent on them; these are the rules, and the reference
implementation in tests/ follows the same ones):

- Achievement ``a`` (methods ``target`` and ``bands``): ``better: higher`` gives
  ``a = x / T``. With ``T = 0`` the ratio is replaced by its sign: ``x > 0`` gives
  ``a = +inf``, ``x = 0`` gives ``a = 1`` (target met exactly), ``x < 0`` gives
  ``a = -inf``. ``better: lower`` gives ``a = T / x``; ``x = 0`` gives ``a = 1``
  (DESIGN.md) and so does a negative ``x`` (a value below zero is at least as good
  as zero). A negative target makes the ratio meaningless; it is used as written
  (use ``minmax_target`` for signed quantities).
- ``target`` clips ``a`` to [0, 1], so negative values of a higher-is-better KPI
  give 0 marks and infinite achievement gives full marks.
- ``bands`` compares ``100 × a`` unclipped with each threshold in the catalog's
  order: the first threshold ≤ ``100 × a`` gives its marks, none gives 0. So
  ``+inf`` reaches the first band, ``-inf`` none.
- ``minmax`` with ``max == min`` (including a single reporting entity) gives every
  reporting entity 1 × ``max_marks``. Negative values need no special case.
- ``minmax_target``: 1 once the target is reached; otherwise the denominator
  (``T − min``, ``max − T``) is positive whenever the entity falls short, and a
  zero denominator gives 1 as DESIGN.md says.
"""

from __future__ import annotations

import numpy as np

from .plan import CatalogPlan


def achievement(x: np.ndarray, target: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """Unclipped achievement of values `x` (rows × entities) against per-row targets."""
    t = target[:, None]
    low = np.broadcast_to(lower[:, None], x.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        higher = np.where(t == 0, np.where(x > 0, np.inf, np.where(x == 0, 1.0, -np.inf)), x / t)
        lower_a = np.where(x <= 0, 1.0, t / x)
    a = np.where(low, lower_a, higher)
    a[np.isnan(x)] = np.nan
    return a


def _target(x: np.ndarray, plan: CatalogPlan, rows: np.ndarray, _positions: np.ndarray) -> np.ndarray:
    a = achievement(x, plan.targets[rows], plan.lower[rows])
    marks: np.ndarray = plan.spec.max_marks * np.clip(a, 0.0, 1.0)
    return marks


def _bands(x: np.ndarray, plan: CatalogPlan, rows: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """`positions`: the rows' places among the plan's band KPIs (their rows of the band tables)."""
    percent = 100.0 * achievement(x, plan.targets[rows], plan.lower[rows])
    marks = np.zeros(x.shape)
    thresholds, band_marks = plan.band_thresholds[positions], plan.band_marks[positions]
    # Walk the bands from last to first so that the first band that matches wins.
    # NaN padding (shorter band lists) and NaN percent never match.
    for b in range(thresholds.shape[1] - 1, -1, -1):
        hit = thresholds[:, b : b + 1] <= percent
        marks = np.where(hit, band_marks[:, b : b + 1], marks)
    marks[np.isnan(x)] = np.nan
    return marks


def _row_extremes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row min and max over reporting entities (NaN for a row nobody reported)."""
    reported = ~np.isnan(x)
    lo = np.where(reported, x, np.inf).min(axis=1, initial=np.inf)
    hi = np.where(reported, x, -np.inf).max(axis=1, initial=-np.inf)
    empty = ~reported.any(axis=1)
    lo[empty] = np.nan
    hi[empty] = np.nan
    return lo[:, None], hi[:, None]


def _minmax(x: np.ndarray, plan: CatalogPlan, rows: np.ndarray, _positions: np.ndarray) -> np.ndarray:
    lo, hi = _row_extremes(x)
    lower = plan.lower[rows][:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(lower, (hi - x) / (hi - lo), (x - lo) / (hi - lo))
    share = np.where(hi == lo, 1.0, share)
    share[np.isnan(x)] = np.nan
    return plan.spec.max_marks * share


def _minmax_target(x: np.ndarray, plan: CatalogPlan, rows: np.ndarray, _positions: np.ndarray) -> np.ndarray:
    lo, hi = _row_extremes(x)
    t = plan.targets[rows][:, None]
    lower = plan.lower[rows][:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        higher_share = np.where(x >= t, 1.0, np.where(t - lo == 0, 1.0, (x - lo) / (t - lo)))
        lower_share = np.where(x <= t, 1.0, np.where(hi - t == 0, 1.0, 1.0 - (x - t) / (hi - t)))
    share = np.where(lower, lower_share, higher_share)
    share[np.isnan(x)] = np.nan
    return plan.spec.max_marks * share


_METHODS = {"target": _target, "minmax": _minmax, "minmax_target": _minmax_target, "bands": _bands}


def compute_marks(values: np.ndarray, plan: CatalogPlan, *, only: np.ndarray | None = None,
                  base: np.ndarray | None = None) -> np.ndarray:
    """Unrounded marks for the (KPI × entity) value matrix; NaN where not reported.

    With `only` (bool per KPI row) and `base` (marks of the same plan), only those rows
    are computed and the others copied from `base`. A KPI's marks depend on its own row
    alone and every method works row by row, so the result is the full computation's."""
    if only is None or base is None:
        marks = np.full(values.shape, np.nan)
    else:
        marks = base.copy()
    for method, rows in plan.method_rows.items():
        positions = np.arange(len(rows)) if only is None else np.flatnonzero(only[rows])
        if len(positions):
            chosen = rows[positions]
            marks[chosen] = _METHODS[method](values[chosen], plan, chosen, positions)
    return marks

"""Where an entity's marks were lost, so that every column adds up exactly.

"Marks lost" per KPI (``max_marks − marks``) does not add up to the gap from full
marks of a scheme, department, sector or the overall score, for three reasons:

1. groups are *weighted* means (``scoring.weight``), so a KPI's loss counts in its
   group's gap in proportion ``w / W`` (W: the counted weight of the group);
2. under rollup ``scheme`` / ``department`` / ``sector`` the overall score is the
   plain mean of the group scores, so each group's gap counts ``1 / n`` whatever
   its number of KPIs, and a KPI outside every group of that level counts nothing;
3. each figure is rounded to 2 decimals on its own, so even correct shares of a
   gap need not add up to the rounded gap (three thirds of 1.00 are 0.33 each).

So this module computes, exactly (``fractions.Fraction`` over the engine's unrounded
float marks), each KPI's part of the gap of every group it belongs to and of the
overall gap, and publishes them in hundredths with a largest-remainder allocation
(`apportion`): every published share is within a hundredth of its exact value, and
the shares under a line add up *exactly* to the published figure of that line —
the group's gap ``max_marks − score`` (its score as published), and the overall gap
``max_marks − score``. The tree follows the catalog's hierarchy sector → department
→ scheme → KPI; KPIs whose scheme has no department (or department no sector) sit
under a group with code None that has no score of its own.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .engine import MonthScores
from .frozen_make import check_makeable, frozen_make
from .plan import CatalogPlan, GroupLevel
from .rounding import round2_array

TREE_LEVELS: tuple[GroupLevel, ...] = ("sector", "department", "scheme")


@dataclass(frozen=True)
class GapNode:
    """One line of the explanation: the overall score, a group, or a KPI.

    Figures are published hundredths as floats. `gap` is ``max_marks − score`` of
    this line; `share` its part of the gap of the line above (None at the top, or
    when the line above has no score); `cost` its part of the overall gap (None when
    the entity is not ranked). Children's shares add up exactly to `gap`, their
    costs exactly to `cost`.
    """

    level: str  # "overall", "sector", "department", "scheme" or "kpi"
    code: str | None  # None: the overall line, or KPIs without a group at this level
    score: float | None  # published score (marks for a KPI); None: no score
    gap: float | None
    share: float | None
    cost: float | None
    weight: float  # counted weight under this line (a KPI: its own weight, 0 when not counted)
    counted: bool  # counts in the entity's averages (a KPI with missing "skip" not reported does not)
    children: tuple[GapNode, ...] = ()

    def walk(self) -> tuple[GapNode, ...]:
        """This line and every line under it, depth first."""
        return (self, *(n for c in self.children for n in c.walk()))


check_makeable(GapNode)


def _group_level(level: str) -> GroupLevel:
    for group in TREE_LEVELS:
        if group == level:
            return group
    raise ValueError(f"not a group level: {level!r}")


def cents(value: float) -> int:
    """A published 2-decimal figure in hundredths (exact for published figures)."""
    return int(math.floor(value * 100 + 0.5))


def apportion(exact: Sequence[Fraction], total: int) -> list[int]:
    """Whole numbers, each within 1 of its exact value (when the totals agree within 1),
    that add up to `total`: floors, then the remainder handed out by largest fraction.
    An exact zero is the last to receive an adjustment (a KPI with full marks keeps 0)."""
    denominator = math.lcm(*(x.denominator for x in exact)) if exact else 1
    return apportion_over([x.numerator * (denominator // x.denominator) for x in exact], denominator, total)


def apportion_over(numerators: Sequence[int], denominator: int, total: int) -> list[int]:
    """`apportion` of the exact values ``numerator / denominator`` (denominator > 0), in
    integers: the floors, fractional parts and zeros compare as the fractions do."""
    floors = [n // denominator for n in numerators]
    rest = total - sum(floors)
    if not numerators:
        return floors
    remainders = [n % denominator for n in numerators]
    if rest >= 0:
        order = sorted(range(len(numerators)), key=lambda i: (numerators[i] == 0, -remainders[i], i))
        step = 1
    else:
        order = sorted(range(len(numerators)), key=lambda i: (numerators[i] == 0, remainders[i], i))
        step, rest = -1, -rest
    for n in range(rest):
        floors[order[n % len(order)]] += step
    return floors


@dataclass
class _Draft:
    level: str
    code: str | None
    kpis: list[int]  # KPI rows under this line
    children: list[_Draft]


def _drafts(plan: CatalogPlan) -> _Draft:
    """The hierarchy of the ranked KPIs: sector → department → scheme → KPI, catalog order."""
    root = _Draft("overall", None, list(range(plan.n_kpis)), [])
    group_of = {level: np.full(plan.n_kpis, -1) for level in TREE_LEVELS}
    for level in TREE_LEVELS:
        for g, members in enumerate(plan.groups[level].members):
            group_of[level][members] = g
    children_by_code: dict[int, dict[str | None, _Draft]] = {}
    for k in range(plan.n_kpis):
        node = root
        for level in TREE_LEVELS:
            g = int(group_of[level][k])
            code = plan.groups[level].codes[g] if g >= 0 else None
            by_code = children_by_code.setdefault(id(node), {})
            child = by_code.get(code)
            if child is None:
                child = by_code[code] = _Draft(level, code, [], [])
                node.children.append(child)
            child.kpis.append(k)
            node = child
        node.children.append(_Draft("kpi", plan.kpi_codes[k], [k], []))
    return root


LEVELS = ("overall", *TREE_LEVELS, "kpi")


@dataclass(frozen=True, eq=False)
class _Layout:
    """The tree of one plan as columns, one row per line, level by level (depth 0 to 4).

    Lines of one level are in tree order, so the children of each line of the level
    above are one run (`starts`): every sum or apportionment over children is one
    vectorised pass per level. It depends on the catalog alone: built once per plan."""

    codes: tuple[tuple[str | None, ...], ...]  # per level: each line's code
    starts: tuple[np.ndarray, ...]  # per level below the top: where each parent's children start
    parent: tuple[np.ndarray, ...]  # per level below the top: each line's parent line (level above)
    groups: tuple[np.ndarray, ...]  # per group level (1–3): each line's group in plan.groups, -1 for None
    rows: np.ndarray  # KPI level: each line's KPI row
    line_of_row: np.ndarray  # KPI row -> its line at the KPI level
    weights: np.ndarray  # object: each KPI row's weight × weight_scale (exact integers)
    weight_scale: int


_layouts_of: weakref.WeakKeyDictionary[CatalogPlan, _Layout] = weakref.WeakKeyDictionary()
_layouts_lock = threading.Lock()


def _layout(plan: CatalogPlan) -> _Layout:
    with _layouts_lock:
        known = _layouts_of.get(plan)
    if known is not None:
        return known
    lines: list[list[_Draft]] = [[_drafts(plan)]]
    starts: list[np.ndarray] = []
    parents: list[np.ndarray] = []
    for _ in LEVELS[1:]:
        above, level = lines[-1], list[_Draft]()
        level_starts, level_parents = list[int](), list[int]()
        for p, draft in enumerate(above):
            level_starts.append(len(level))
            level.extend(draft.children)
            level_parents.extend([p] * len(draft.children))
        lines.append(level)
        starts.append(np.array(level_starts, dtype=np.intp))
        parents.append(np.array(level_parents, dtype=np.intp))
    groups = []
    for depth, level_name in enumerate(TREE_LEVELS, start=1):
        index = {code: g for g, code in enumerate(plan.groups[level_name].codes)}
        groups.append(np.array([index.get(d.code, -1) if d.code is not None else -1 for d in lines[depth]],
                               dtype=np.intp))
    rows = np.array([d.kpis[0] for d in lines[-1]], dtype=np.intp)
    line_of_row = np.empty(plan.n_kpis, dtype=np.intp)
    line_of_row[rows] = np.arange(len(rows))
    weights, weight_scale = _scaled(plan.weights.tolist())
    layout = _Layout(
        codes=tuple(tuple(d.code for d in level) for level in lines),
        starts=tuple(starts), parent=tuple(parents), groups=(np.array([-1], dtype=np.intp), *groups),
        rows=rows, line_of_row=line_of_row, weights=np.array(weights, dtype=object), weight_scale=weight_scale,
    )
    with _layouts_lock:
        _layouts_of[plan] = layout
    return layout


def _scaled(values: Sequence[float]) -> tuple[list[int], int]:
    """Exact integers ``value × scale`` with one power-of-two scale for all (floats are dyadic)."""
    ratios = [v.as_integer_ratio() for v in values]
    scale = max((q for _, q in ratios), default=1)
    return [p * (scale // q) for p, q in ratios], scale


def _scaled_array(values: np.ndarray) -> tuple[np.ndarray, int]:
    """`_scaled` of many finite floats at once: object array of exact integers ``value ×
    scale`` with one power-of-two scale (not the least one: every figure made from them
    is a ratio of two such integers, so which common scale makes no difference)."""
    mantissa, exponent = np.frexp(values)
    whole = (mantissa * 2.0**53).astype(np.int64)  # value = whole × 2^(exponent − 53), exactly
    shift = exponent.astype(np.int64) - 53
    nonzero = whole != 0
    scale_bits = max(0, -int(shift[nonzero].min())) if nonzero.any() else 0
    scaled = whole.astype(object) << np.where(nonzero, shift + scale_bits, 0).astype(object)
    return scaled, 1 << scale_bits


def apportion_runs(numerators: np.ndarray, denominators: np.ndarray, totals: np.ndarray,
                   starts: np.ndarray, run: np.ndarray) -> np.ndarray:
    """`apportion_over` of every run at once: run r is ``numerators[starts[r]:starts[r + 1]]``
    over ``denominators[r]`` (object arrays of integers, denominators > 0) to add up to
    ``totals[r]``; `run` gives each numerator's run. The same integers as one
    `apportion_over` per run (floors, then the rest by largest remainder, zeros last,
    ties by position), in int64 (the floors are hundredths: they fit)."""
    if len(numerators) == 0:
        return np.zeros(0, dtype=np.int64)
    below = denominators[run]
    floors: np.ndarray = (numerators // below).astype(np.int64)
    rest = totals.astype(np.int64) - np.add.reduceat(floors, starts)
    owing = np.flatnonzero(rest[run] != 0)  # the numerators of runs whose floors miss their total
    if len(owing) == 0:
        return floors
    numerators, below, run_of = numerators[owing], below[owing], run[owing]
    remainders = numerators % below
    # rest > 0: largest remainders first; rest < 0: smallest first; zeros last, then position.
    key = np.where(rest[run_of] > 0, -remainders, remainders)
    order = np.argsort(key, kind="stable")
    order = order[np.argsort((numerators == 0)[order], kind="stable")]
    order = order[np.argsort(run_of[order], kind="stable")]
    runs = run_of[order]
    lengths = np.diff(np.append(starts, len(run)))
    position = np.arange(len(runs)) - np.searchsorted(runs, runs)  # its place in its run's order
    size, owed = lengths[runs], np.abs(rest[runs])
    step = owed // size + (position < owed % size)
    floors[owing[order]] += np.where(rest[runs] > 0, step, -step)
    return floors


@dataclass(frozen=True, eq=False)
class GapColumns:
    """The explanation tree of one entity as columns (`LEVELS`, depth 0 to 4), built by
    `gap_columns`; `tree` makes its lines. Published figures in hundredths: int64 arrays,
    `known` masks where a figure exists (None in the tree)."""

    layout: _Layout
    score: tuple[np.ndarray, ...]  # per level: published score (marks), NaN: none
    gap: tuple[np.ndarray, ...]  # per level: cents; valid where score is not NaN
    share: tuple[np.ndarray, ...]  # per level: cents
    share_known: tuple[np.ndarray, ...]
    cost: tuple[np.ndarray, ...] | None  # per level: cents; None: the entity is not ranked
    weight: tuple[np.ndarray, ...]  # per level: object array of weight × weight_scale
    counted: np.ndarray  # KPI level: counts in the averages

    def kpi_costs(self) -> np.ndarray:
        """Each KPI row's cost (its part of the overall gap) in plan order; NaN: none."""
        if self.cost is None:
            return np.full(len(self.layout.rows), np.nan)
        cents_of_row = np.asarray(self.cost[-1][self.layout.line_of_row], dtype=np.float64)
        return cents_of_row / 100

    def tree(self) -> GapNode:
        """The lines, from the KPIs up (thousands of objects: only for who shows them all)."""
        layout = self.layout
        below: list[GapNode] = []
        for depth in range(len(LEVELS) - 1, -1, -1):
            level = LEVELS[depth]
            scores = [None if s != s else s for s in self.score[depth].tolist()]
            gaps = (self.gap[depth] / 100).tolist()
            shares = [s if k else None for s, k in zip((self.share[depth] / 100).tolist(), self.share_known[depth].tolist())]
            costs = (self.cost[depth] / 100).tolist() if self.cost is not None else [None] * len(scores)
            weights = (self.weight[depth] / layout.weight_scale).tolist()
            if depth == len(LEVELS) - 1:
                counted = self.counted.tolist()
                children: list[tuple[GapNode, ...]] = [()] * len(scores)
            else:
                counted = (self.weight[depth] > 0).tolist()
                bounds = [*layout.starts[depth].tolist(), len(below)]
                children = [tuple(below[a:b]) for a, b in zip(bounds, bounds[1:])]
            below = [
                frozen_make(GapNode, level=level, code=code, score=score, gap=None if score is None else gap,
                            share=share, cost=cost, weight=weight, counted=bool(count), children=kids)
                for code, score, gap, share, cost, weight, count, kids
                in zip(layout.codes[depth], scores, gaps, shares, costs, weights, counted, children)
            ]
        return below[0]


def gap_tree(scores: MonthScores, column: int) -> GapNode:
    """The explanation tree of the entity in matrix column `column`."""
    return gap_columns(scores, column).tree()


def gap_columns(scores: MonthScores, column: int) -> GapColumns:
    """The explanation tree of the entity in matrix column `column`, as columns.

    Exact arithmetic in integers: marks and weights are floats, so each is an integer
    over a power of two; every sum below is of integers (object arrays) over one common
    denominator, summed once per level bottom up, and every apportionment of a level's
    lines is one vectorised pass (`apportion_runs`)."""
    plan = scores.plan
    layout = _layout(plan)
    rows = layout.rows
    reported = ~np.isnan(scores.marks[:, column])
    counted = scores.counted[:, column]
    marks_column = np.where(reported, scores.marks[:, column], 0.0)
    scaled, marks_scale = _scaled_array(np.append(marks_column, float(plan.spec.max_marks)))
    top = scaled[-1]
    counted_weights = np.where(counted, layout.weights, 0)  # plan order, object
    # w·(max − m), over marks_scale × weight_scale (plan order)
    lost = np.where(counted, (top - scaled[:-1]) * layout.weights, 0)

    # Each KPI's exact part of the overall gap (module docstring, reason 2), as
    # part[k] / part_denominator.
    rollup = plan.spec.rollup
    part: np.ndarray | None
    if np.isnan(scores.overall[column]):
        part, part_denominator = None, 1
    elif rollup == "kpi":
        part, part_denominator = lost, marks_scale * int(counted_weights.sum())
    else:
        level_groups = plan.groups[_group_level(rollup)]
        group_weights = [int(counted_weights[members].sum()) for members in level_groups.members]
        scored = [g for g, weight in enumerate(group_weights) if weight > 0]
        common = math.lcm(*(group_weights[g] for g in scored)) if scored else 1
        part_denominator = marks_scale * common * len(scored)
        factor = np.zeros(plan.n_kpis, dtype=object)
        for g in scored:
            factor[level_groups.members[g]] = common // group_weights[g]
        part = lost * factor

    # Per level (tree order): sums of lost, part and counted weight, bottom up.
    depth_kpi = len(LEVELS) - 1
    lost_at = [lost[rows]]
    part_at = [part[rows] if part is not None else np.zeros(len(rows), dtype=object)]
    weight_at = [counted_weights[rows]]
    for depth in range(depth_kpi, 0, -1):
        starts = layout.starts[depth - 1]
        lost_at.insert(0, np.add.reduceat(lost_at[0], starts))
        part_at.insert(0, np.add.reduceat(part_at[0], starts))
        weight_at.insert(0, np.add.reduceat(weight_at[0], starts))

    # Published scores per level (NaN: none), rounded once per column (round2_array is round2).
    kpi_marks = round2_array(scores.marks[:, column])
    kpi_marks = np.where(reported, kpi_marks, np.where(counted, 0.0, np.nan))[rows]
    score_at = [np.array([float(scores.rounded[column])])]
    for depth, level in enumerate(TREE_LEVELS, start=1):
        groups = layout.groups[depth]
        rounded = round2_array(scores.groups[level][:, column]) if len(plan.groups[level].codes) else np.zeros(0)
        score_at.append(np.where(groups >= 0, rounded[np.maximum(groups, 0)] if len(rounded) else np.nan, np.nan))
    score_at.append(kpi_marks)
    top_cents = cents(plan.spec.max_marks)
    gap_at = [top_cents - np.floor(np.nan_to_num(s) * 100 + 0.5).astype(np.int64) for s in score_at]

    # Shares of each line's gap, and costs (parts of the overall gap), level by level.
    share_at = [np.zeros(1, dtype=np.int64)]
    share_known = [np.zeros(1, dtype=bool)]
    overall_known = part is not None and not np.isnan(scores.rounded[column])
    cost_at: list[np.ndarray] | None = [gap_at[0].copy()] if overall_known else None
    for depth in range(1, depth_kpi + 1):
        starts, parent = layout.starts[depth - 1], layout.parent[depth - 1]
        has_gap = ~np.isnan(score_at[depth - 1])
        if depth == 1:  # the overall line: its gap is the parts of its rollup
            active = has_gap & (part is not None)
            numerators = 100 * part_at[depth]
            denominators = np.full(1, part_denominator, dtype=object)
        else:
            active = has_gap & (weight_at[depth - 1] > 0)
            numerators = 100 * lost_at[depth]
            denominators = marks_scale * np.where(active, weight_at[depth - 1], 1)
        child_active = active[parent]
        numerators = np.where(child_active, numerators, 0)
        totals = np.where(active, gap_at[depth - 1], 0)
        share_at.append(apportion_runs(numerators, denominators, totals, starts, parent))
        share_known.append(child_active)
        if cost_at is not None:
            cost_at.append(apportion_runs(100 * part_at[depth], np.full(len(starts), part_denominator, dtype=object),
                                          cost_at[depth - 1], starts, parent))
    return GapColumns(layout, tuple(score_at), tuple(gap_at), tuple(share_at), tuple(share_known),
                      tuple(cost_at) if cost_at is not None else None, tuple(weight_at), counted[rows].copy())

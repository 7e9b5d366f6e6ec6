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


_drafts_of: weakref.WeakKeyDictionary[CatalogPlan, _Draft] = weakref.WeakKeyDictionary()
_drafts_lock = threading.Lock()


def _drafts(plan: CatalogPlan) -> _Draft:
    """The hierarchy of the ranked KPIs: sector → department → scheme → KPI, catalog order
    (it depends on the catalog alone: built once per plan, never changed)."""
    with _drafts_lock:
        known = _drafts_of.get(plan)
    if known is not None:
        return known
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
    with _drafts_lock:
        _drafts_of[plan] = root
    return root


def _scaled(values: Sequence[float]) -> tuple[list[int], int]:
    """Exact integers ``value × scale`` with one power-of-two scale for all (floats are dyadic)."""
    ratios = [v.as_integer_ratio() for v in values]
    scale = max((q for _, q in ratios), default=1)
    return [p * (scale // q) for p, q in ratios], scale


@dataclass
class _Sums:
    """Exact sums over the KPIs under one line, as integers over the tree's scales."""

    lost: int  # Σ w·(max − marks), over marks scale × weight scale
    part: int  # Σ part of the overall gap, over the overall denominator
    weight: int  # Σ counted weight, over the weight scale


def gap_tree(scores: MonthScores, column: int) -> GapNode:
    """The explanation tree of the entity in matrix column `column`.

    Exact arithmetic in integers: marks and weights are floats, so each is an integer
    over a power of two; every sum below is of integers over one common denominator,
    so each line's sums are added up once, bottom up, instead of once per line above."""
    plan = scores.plan
    reported = ~np.isnan(scores.marks[:, column])
    counted_column = scores.counted[:, column].tolist()
    marks_column = np.where(reported, scores.marks[:, column], 0.0).tolist()
    scaled_marks, marks_scale = _scaled([*marks_column, float(plan.spec.max_marks)])
    top = scaled_marks.pop()
    weights, weight_scale = _scaled(plan.weights.tolist())
    counted_weights = [w if c else 0 for w, c in zip(weights, counted_column)]
    # w·(max − m), over marks_scale × weight_scale
    lost = [(top - m) * w if c else 0 for m, w, c in zip(scaled_marks, weights, counted_column)]
    reported_list = reported.tolist()
    # Published figures, rounded once for the whole column (round2_array is round2, bit for bit).
    kpi_marks = [m if r else (0.0 if c else None)
                 for m, r, c in zip(round2_array(scores.marks[:, column]).tolist(), reported_list, counted_column)]
    group_scores = {level: dict(zip(plan.groups[level].codes, round2_array(scores.groups[level][:, column]).tolist()))
                    for level in TREE_LEVELS}

    def published(level: str, code: str | None, kpis: Sequence[int]) -> float | None:
        if level == "kpi":
            return kpi_marks[kpis[0]]
        if level == "overall":
            value = float(scores.rounded[column])
        else:
            if code is None:
                return None
            value = group_scores[_group_level(level)][code]
        return None if math.isnan(value) else value

    # Each KPI's exact part of the overall gap (module docstring, reason 2), as
    # part[k] / part_denominator.
    rollup = plan.spec.rollup
    part: list[int] | None
    if np.isnan(scores.overall[column]):
        part, part_denominator = None, 1
    elif rollup == "kpi":
        # lost / total weight = lost_int / (marks_scale · total_int)
        part, part_denominator = lost, marks_scale * sum(counted_weights)
    else:
        level_groups = plan.groups[_group_level(rollup)]
        group_weights = [sum(counted_weights[k] for k in members.tolist()) for members in level_groups.members]
        scored = [g for g, weight in enumerate(group_weights) if weight > 0]
        common = math.lcm(*(group_weights[g] for g in scored)) if scored else 1
        part, part_denominator = [0] * plan.n_kpis, marks_scale * common * len(scored)
        for g in scored:
            factor = common // group_weights[g]
            for k in level_groups.members[g].tolist():
                part[k] = lost[k] * factor

    sums: dict[int, _Sums] = {}

    parts = part if part is not None else [0] * plan.n_kpis

    def add_up(draft: _Draft) -> _Sums:
        if draft.level == "kpi":
            k = draft.kpis[0]
            total = _Sums(lost[k], parts[k], counted_weights[k])
        elif draft.children and draft.children[0].level == "kpi":  # a scheme's KPIs (see `kpi_lines`)
            kpis = draft.kpis
            total = _Sums(sum(lost[k] for k in kpis), sum(parts[k] for k in kpis), sum(counted_weights[k] for k in kpis))
        else:
            total = _Sums(0, 0, 0)
            for child in draft.children:
                below = add_up(child)
                total.lost += below.lost
                total.part += below.part
                total.weight += below.weight
        sums[id(draft)] = total
        return total

    top_cents = cents(plan.spec.max_marks)

    def kpi_lines(draft: _Draft, shares: list[int] | None, costs: list[int] | None) -> list[GapNode]:
        """The KPI lines under a scheme: `build` of each, without a call per line (thousands)."""
        lines = []
        for i, (child, k) in enumerate(zip(draft.children, draft.kpis)):
            score = kpi_marks[k]
            lines.append(frozen_make(
                GapNode,
                level="kpi",
                code=child.code,
                score=score,
                gap=None if score is None else (top_cents - cents(score)) / 100,
                share=None if shares is None else shares[i] / 100,
                cost=None if costs is None else costs[i] / 100,
                weight=counted_weights[k] / weight_scale,
                counted=bool(counted_column[k]),
                children=(),
            ))
        return lines

    def build(draft: _Draft, share: int | None, cost: int | None) -> GapNode:
        score = published(draft.level, draft.code, draft.kpis)
        mine = sums[id(draft)]
        gap = None if score is None else top_cents - cents(score)
        children: list[GapNode] = []
        if draft.children:
            leaves = draft.children[0].level == "kpi"  # a scheme: its KPIs, in `draft.kpis` order
            below_lost = [lost[k] for k in draft.kpis] if leaves else [sums[id(c)].lost for c in draft.children]
            below_part = [parts[k] for k in draft.kpis] if leaves else [sums[id(c)].part for c in draft.children]
            # Parts of this line's gap (only when it has a score: a weighted mean of its KPIs,
            # or the overall score under its rollup) and of the overall gap.
            shares = None
            if gap is not None and draft.level == "overall" and part is not None:
                shares = apportion_over([100 * p for p in below_part], part_denominator, gap)
            elif gap is not None and mine.weight > 0:
                # Σ lost / weight = Σ lost_int / (marks_scale · weight_int)
                shares = apportion_over([100 * x for x in below_lost], marks_scale * mine.weight, gap)
            costs = None
            if cost is not None and part is not None:
                costs = apportion_over([100 * p for p in below_part], part_denominator, cost)
            if leaves:
                children = kpi_lines(draft, shares, costs)
            else:
                children = [build(c, None if shares is None else shares[i], None if costs is None else costs[i])
                            for i, c in enumerate(draft.children)]
        k0 = draft.kpis[0] if draft.level == "kpi" else None
        return frozen_make(
            GapNode,
            level=draft.level,
            code=draft.code,
            score=score,
            gap=None if gap is None else gap / 100,
            share=None if share is None else share / 100,
            cost=None if cost is None else cost / 100,
            weight=mine.weight / weight_scale,
            counted=bool(counted_column[k0]) if k0 is not None else mine.weight > 0,
            children=tuple(children),
        )

    root = _drafts(plan)
    add_up(root)
    overall_gap = None
    if part is not None and not np.isnan(scores.rounded[column]):
        overall_gap = cents(plan.spec.max_marks) - cents(float(scores.rounded[column]))
    return build(root, None, overall_gap)

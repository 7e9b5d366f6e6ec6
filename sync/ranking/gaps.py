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
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .engine import MonthScores
from .plan import GroupLevel
from .rounding import round2

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
    floors = [math.floor(x) for x in exact]
    rest = total - sum(floors)
    if not exact:
        return floors
    if rest >= 0:
        order = sorted(range(len(exact)), key=lambda i: (exact[i] == 0, -(exact[i] - floors[i]), i))
        step = 1
    else:
        order = sorted(range(len(exact)), key=lambda i: (exact[i] == 0, exact[i] - floors[i], i))
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


def _drafts(scores: MonthScores) -> _Draft:
    """The hierarchy of the ranked KPIs: sector → department → scheme → KPI, catalog order."""
    plan = scores.plan
    root = _Draft("overall", None, list(range(plan.n_kpis)), [])
    group_of = {level: np.full(plan.n_kpis, -1) for level in TREE_LEVELS}
    for level in TREE_LEVELS:
        for g, members in enumerate(plan.groups[level].members):
            group_of[level][members] = g
    for k in range(plan.n_kpis):
        node = root
        for level in TREE_LEVELS:
            g = int(group_of[level][k])
            code = plan.groups[level].codes[g] if g >= 0 else None
            child = next((c for c in node.children if c.code == code), None)
            if child is None:
                child = _Draft(level, code, [], [])
                node.children.append(child)
            child.kpis.append(k)
            node = child
        node.children.append(_Draft("kpi", plan.kpi_codes[k], [k], []))
    return root


def gap_tree(scores: MonthScores, column: int) -> GapNode:
    """The explanation tree of the entity in matrix column `column`."""
    plan = scores.plan
    top = Fraction(plan.spec.max_marks)
    reported = ~np.isnan(scores.marks[:, column])
    counted = scores.counted[:, column]
    marks = [Fraction(float(m)) if r else Fraction(0) for m, r in zip(scores.marks[:, column], reported)]
    weights = [Fraction(float(w)) for w in plan.weights]
    lost = [(top - m) * w if c else Fraction(0) for m, w, c in zip(marks, weights, counted)]  # w·(max − m)

    def counted_weight(kpis: Sequence[int]) -> Fraction:
        return sum((weights[k] for k in kpis if counted[k]), Fraction(0))

    def published(level: str, code: str | None, kpis: Sequence[int]) -> float | None:
        if level == "kpi":
            k = kpis[0]
            if not reported[k]:
                return 0.0 if counted[k] else None
            return round2(float(scores.marks[k, column]))
        if level == "overall":
            value = float(scores.rounded[column])
        else:
            group = _group_level(level)
            if code is None:
                return None
            value = float(scores.groups[group][plan.groups[group].codes.index(code), column])
            value = value if math.isnan(value) else round2(value)
        return None if math.isnan(value) else value

    # Each KPI's exact part of the overall gap (module docstring, reason 2).
    rollup = plan.spec.rollup
    if np.isnan(scores.overall[column]):
        overall_part: list[Fraction] | None = None
    elif rollup == "kpi":
        total = counted_weight(range(plan.n_kpis))
        overall_part = [x / total for x in lost]
    else:
        level_groups = plan.groups[_group_level(rollup)]
        scored = [g for g, members in enumerate(level_groups.members) if counted_weight(members.tolist()) > 0]
        overall_part = [Fraction(0)] * plan.n_kpis
        for g in scored:
            members = level_groups.members[g].tolist()
            weight = counted_weight(members)
            for k in members:
                overall_part[k] = lost[k] / weight / len(scored)

    def build(draft: _Draft, share: int | None, cost: int | None) -> GapNode:
        score = published(draft.level, draft.code, draft.kpis)
        weight = counted_weight(draft.kpis)
        gap = None if score is None else cents(plan.spec.max_marks) - cents(score)
        children: list[GapNode] = []
        if draft.children:
            # Parts of this line's gap (only when it has a score: a weighted mean of its KPIs,
            # or the overall score under its rollup) and of the overall gap.
            if gap is not None and draft.level == "overall" and overall_part is not None:
                shares = apportion([100 * sum((overall_part[k] for k in c.kpis), Fraction(0)) for c in draft.children], gap)
            elif gap is not None and weight > 0:
                shares = apportion([100 * sum((lost[k] for k in c.kpis), Fraction(0)) / weight for c in draft.children], gap)
            else:
                shares = None
            costs = None
            if cost is not None and overall_part is not None:
                costs = apportion([100 * sum((overall_part[k] for k in c.kpis), Fraction(0)) for c in draft.children], cost)
            children = [build(c, None if shares is None else shares[i], None if costs is None else costs[i])
                        for i, c in enumerate(draft.children)]
        k0 = draft.kpis[0] if draft.level == "kpi" else None
        return GapNode(
            level=draft.level,
            code=draft.code,
            score=score,
            gap=None if gap is None else gap / 100,
            share=None if share is None else share / 100,
            cost=None if cost is None else cost / 100,
            weight=float(weight),
            counted=bool(counted[k0]) if k0 is not None else weight > 0,
            children=tuple(children),
        )

    root = _drafts(scores)
    overall_gap = None
    if overall_part is not None and not np.isnan(scores.rounded[column]):
        overall_gap = cents(plan.spec.max_marks) - cents(float(scores.rounded[column]))
    return build(root, None, overall_gap)

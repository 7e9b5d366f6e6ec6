"""The explanation tree as gaps.py first computed it: plain `Fraction` arithmetic, top down.

Kept as the reference the engine's integer version (sync/ranking/gaps.py) must equal
exactly, node for node (tests/test_ranking_gaps_exact.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from cmwall.sync.ranking.engine import MonthScores
from cmwall.sync.ranking.gaps import TREE_LEVELS, GapNode
from cmwall.sync.ranking.plan import GroupLevel
from cmwall.sync.ranking.rounding import round2


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

"""explain(): per-KPI marks, marks lost and month-on-month change, from the engine."""

from __future__ import annotations

import pytest
from cmwall.sync.contract import Catalog
from cmwall.sync.observations import ObservationTable
from cmwall.sync.ranking.engine import compute_ranking
from cmwall.sync.ranking.explain import ExplainError, explain
from cmwall.sync.ranking.result import RankingResult
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from .ranking_builders import NOW, catalog, kpi, rank, row_of, table
from .ranking_reference import Observation
from .test_ranking_property import cases

CAT = catalog(
    [kpi("K1", target=100, weight=2), kpi("K2", target=10, better="lower", scheme="P3"), kpi("SHOW", None)],
    districts=("A", "B"),
)
ROWS = [
    ("K1", "A", 60.0, "2026-09"),
    ("K2", "A", 20.0, "2026-09"),
    ("K1", "A", 75.0, "2026-10"),  # 7.5 marks, up from 6.0
    ("K2", "A", None, "2026-10"),  # reported null → not reported, 0 marks (missing "zero")
    ("K1", "B", 90.0, "2026-10"),
    ("K2", "B", 10.0, "2026-10"),
]


def test_explanation_per_kpi() -> None:
    ex = explain(CAT, table(ROWS), "A", "2026-10")
    assert (ex.entity, ex.period, ex.max_marks) == ("A", "2026-10", 10.0)
    k1, k2 = ex.kpis  # SHOW has no scoring: not ranked, not explained
    # K1: 10 × 75/100 = 7.5, lost 2.5; September 6.0 → change +1.5
    assert (k1.kpi, k1.value, k1.target, k1.marks, k1.marks_lost, k1.weight) == ("K1", 75.0, 100.0, 7.5, 2.5, 2.0)
    assert (k1.previous_marks, k1.change, k1.reported) == (6.0, 1.5, True)
    # K2: null → 0 marks, all 10 lost; September 10/20 = 0.5 → 5.0 → change −5.0
    assert (k2.value, k2.marks, k2.marks_lost, k2.previous_marks, k2.change, k2.reported) == (None, 0.0, 10.0, 5.0, -5.0, False)


def test_explanation_agrees_with_the_ranking() -> None:
    ex = explain(CAT, table(ROWS), "A")
    row = row_of(rank(CAT, ROWS), "A")
    # (2 × 7.5 + 1 × 0) / 3 = 5.0; B: (2 × 9 + 10) / 3 = 9.33 → A is 2nd
    assert (ex.score, ex.rank, ex.grade, ex.provisional) == (row.score, row.rank, row.grade, row.provisional) == (5.0, 2, "C", True)
    assert ex.by == row.by
    assert [k.marks for k in ex.kpis] == [row.marks["K1"], row.marks["K2"]]
    # Weighted marks lost: K1 2 × 2.5 = 5, K2 1 × 10 = 10 → K2 first
    assert [k.kpi for k in ex.costliest()] == ["K2", "K1"]


def test_no_previous_month_and_skip_rule() -> None:
    cat = catalog([kpi("K1", target=100), kpi("K2", target=100)], districts=("A",), missing="skip")
    ex = explain(cat, table([("K1", "A", 40.0)]), "A")
    k1, k2 = ex.kpis
    assert (k1.marks, k1.previous_marks, k1.change) == (4.0, None, None)
    assert (k2.marks, k2.marks_lost, k2.reported) == (None, None, False)


def test_errors() -> None:
    with pytest.raises(ExplainError):
        explain(CAT, table(ROWS), "TAL")  # a taluka: not ranked at district level
    with pytest.raises(ExplainError):
        explain(CAT, table(ROWS), "A", "2025-01")
    with pytest.raises(ValueError):
        explain(CAT, table(ROWS), "A", "2026-10-01")


# --- where the gap from full marks was lost: exact under every rollup ------------------


def _cents(v: float | None) -> int:
    assert v is not None
    return round(v * 100)


def assert_gaps_reconcile(catalog: Catalog, table: ObservationTable, entity: str, period: str | None) -> None:
    """Under every line, the shares add up exactly to its gap and the costs to its cost; the top
    line's gap is max_marks − the published score; a group's gap is max_marks − its published score."""
    ex = explain(catalog, table, entity, period)
    assert ex.gaps is not None
    top = _cents(ex.max_marks)
    root = ex.gaps
    row = row_of(compute_ranking_or_fail(catalog, table, ex.period), entity)
    if ex.score is None:
        assert root.score is None and root.cost is None
    else:
        assert _cents(root.gap) == _cents(root.cost) == top - _cents(ex.score)
    for node in root.walk():
        if node.level in ("scheme", "department", "sector") and node.code is not None:
            published = row.by[node.level].get(node.code)
            assert node.score == published
            if published is not None:
                assert _cents(node.gap) == top - _cents(published)
        if node.level == "kpi":
            k = next(k for k in ex.kpis if k.kpi == node.code)
            assert node.score == k.marks and (node.gap is None) is (k.marks_lost is None)
            if k.marks_lost is not None:
                assert _cents(node.gap) == _cents(k.marks_lost)  # its own marks lost
        if not node.children:
            continue
        if node.gap is not None and all(c.share is not None for c in node.children):
            assert sum(_cents(c.share) for c in node.children) == _cents(node.gap)
        if node.cost is not None:
            assert all(c.cost is not None for c in node.children)
            assert sum(_cents(c.cost) for c in node.children) == _cents(node.cost)
    kpi_costs = [n.cost for n in root.walk() if n.level == "kpi"]
    if root.cost is not None:
        assert sum(_cents(c) for c in kpi_costs) == _cents(root.cost)  # KPI by KPI, too


def compute_ranking_or_fail(catalog: Catalog, table: ObservationTable, period: str) -> RankingResult:
    result = compute_ranking(catalog, table, period, computed_at=NOW)
    assert result is not None
    return result


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.sampled_from([None, "2026-10", "2026-09"]))
def test_marks_lost_reconcile_exactly_with_the_gap_under_every_rollup(
        case: tuple[Catalog, list[Observation]], period: str | None) -> None:
    catalog, rows = case
    table_ = ObservationTable.from_rows(rows)
    try:
        explain(catalog, table_, catalog.entities[0].code, period)
    except ExplainError:
        event("nothing to explain")
        return
    event(f"rollup {catalog.ranking.rollup}")
    for entity in catalog.entities_of_level(catalog.ranking.level):
        assert_gaps_reconcile(catalog, table_, entity.code, period)


def test_thirds_add_up_to_the_rounded_gap() -> None:
    # Three equal KPIs at 6.667 marks: each loses 3.333, the scheme's gap is 3.33 — shares 1.11 + 1.11 + 1.11.
    cat = catalog([kpi("K1"), kpi("K2"), kpi("K3")], districts=("A",), rollup="scheme")
    ex = explain(cat, table([("K1", "A", 66.67), ("K2", "A", 66.67), ("K3", "A", 66.67)]), "A")
    assert ex.gaps is not None
    scheme = next(n for n in ex.gaps.walk() if n.level == "scheme")
    assert scheme.gap == 3.33 and sorted(c.share or 0 for c in scheme.children) == [1.11, 1.11, 1.11]
    assert [k.marks_lost for k in ex.kpis] == [3.33, 3.33, 3.33]  # each KPI's own loss, which need not add up


def test_weights_and_group_rollup_decide_each_kpis_part() -> None:
    # Rollup "scheme": P1 (K1 weight 2 at 7.5, K3 at 3.0) and P3 (K2 at 5.0) count once each.
    cat = catalog([kpi("K1", weight=2), kpi("K3"), kpi("K2", scheme="P3")], districts=("A",), rollup="scheme")
    ex = explain(cat, table([("K1", "A", 75.0), ("K3", "A", 30.0), ("K2", "A", 50.0)]), "A")
    assert ex.gaps is not None
    nodes = {(n.level, n.code): n for n in ex.gaps.walk()}
    # P1 = (2 × 7.5 + 3.0) / 3 = 6.0, P3 = 5.0 → score 5.5, gap 4.5
    assert (ex.score, ex.gaps.gap) == (5.5, 4.5)
    assert (nodes[("scheme", "P1")].gap, nodes[("scheme", "P1")].cost) == (4.0, 2.0)
    # K1 loses 2.5 marks, weighted 2 of 3 in P1: 1.67 of P1's gap, half of that of the overall gap.
    assert (nodes[("kpi", "K1")].gap, nodes[("kpi", "K1")].share, nodes[("kpi", "K1")].cost) == (2.5, 1.67, 0.83)
    assert (nodes[("kpi", "K3")].gap, nodes[("kpi", "K3")].share, nodes[("kpi", "K3")].cost) == (7.0, 2.33, 1.17)
    assert (nodes[("kpi", "K2")].share, nodes[("kpi", "K2")].cost) == (5.0, 2.5)


def test_what_moved_since_the_month_before() -> None:
    ex = explain(CAT, table(ROWS), "A", "2026-10")
    # September: A alone, (2 × 6.0 + 5.0) / 3 = 5.67, rank 1; October 5.0, rank 2.
    assert (ex.previous_period, ex.previous_score, ex.previous_rank) == ("2026-09", 5.67, 1)
    assert [k.kpi for k in ex.moved()] == ["K2", "K1"]  # −5.0 before +1.5


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.integers(0, 12))
def test_the_lines_a_tile_shows_are_the_first_of_every_line_in_order(
    case: tuple[Catalog, list[Observation]], n: int
) -> None:
    # costliest/moved sort the explanation's columns and make only the lines shown; they
    # must be the lines `kpis` holds, in the order their definitions give.
    catalog, rows = case
    data = ObservationTable.from_rows(rows)
    for entity in [e.code for e in catalog.entities if e.level == catalog.ranking.level]:
        try:
            ex = explain(catalog, data, entity)
        except ExplainError:
            return
        lost = sorted((k for k in ex.kpis if k.marks_lost),
                      key=lambda k: (-(k.cost or 0.0), -(k.marks_lost or 0.0) * k.weight, k.kpi))
        moved = sorted((k for k in ex.kpis if k.change), key=lambda k: (-abs(k.change or 0.0), k.kpi))
        assert ex.costliest(n) == tuple(lost[:n]) and ex.costliest() == tuple(lost)
        assert ex.moved(n) == tuple(moved[:n]) and ex.moved() == tuple(moved)
        assert ex.unreported == sum(1 for k in ex.kpis if not k.reported)
        assert ex.kpi_codes == tuple(k.kpi for k in ex.kpis) and ex.reported == tuple(k.reported for k in ex.kpis)

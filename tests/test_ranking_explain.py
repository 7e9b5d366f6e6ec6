"""explain(): per-KPI marks, marks lost and month-on-month change, from the engine."""

from __future__ import annotations

import pytest
from cmwall.sync.ranking.explain import ExplainError, explain

from .ranking_builders import catalog, kpi, rank, row_of, table

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

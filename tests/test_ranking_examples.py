"""Hand-worked examples of DESIGN.md "Scoring methodology", arithmetic in comments.

max_marks is 10 unless a test says otherwise; periods are 2026-10 unless given.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from cmwall.sync.contract import Catalog
from cmwall.sync.observations import ObservationTable
from cmwall.sync.ranking.engine import compute_ranking
from cmwall.sync.ranking.plan import plan_for
from cmwall.sync.ranking.rounding import round2, round2_array

from .ranking_builders import NOW, T0, catalog, kpi, marks_of, rank, row_of, table

# --- 1. marks by method ---------------------------------------------------------


def test_target_higher() -> None:
    cat = catalog([kpi("K", "target", target=100)])
    result = rank(cat, [("K", "A", 82.4), ("K", "B", 120.0), ("K", "C", -5.0)])
    # A: a = 82.4/100 = 0.824 → 10 × 0.824 = 8.24
    # B: a = 1.2 → clipped to 1 → 10
    # C: a = -0.05 → clipped to 0 → 0
    assert marks_of(result, "K") == {"A": 8.24, "B": 10.0, "C": 0.0}


def test_target_lower_including_zero_and_negative() -> None:
    cat = catalog([kpi("K", "target", target=10, better="lower")], districts=("A", "B", "C", "D"))
    result = rank(cat, [("K", "A", 20.0), ("K", "B", 0.0), ("K", "C", 5.0), ("K", "D", -3.0)])
    # A: a = T/x = 10/20 = 0.5 → 5
    # B: x = 0 → a = 1 (DESIGN) → 10
    # C: a = 10/5 = 2 → clipped → 10
    # D: x < 0 → a = 1, as x = 0 (documented edge case) → 10
    assert marks_of(result, "K") == {"A": 5.0, "B": 10.0, "C": 10.0, "D": 10.0}


def test_target_zero_target_uses_the_sign_of_x() -> None:
    cat = catalog([kpi("K", "target", target=0)])
    result = rank(cat, [("K", "A", 5.0), ("K", "B", 0.0), ("K", "C", -1.0)])
    # T = 0, higher: x > 0 → a = +inf → 1 → 10; x = 0 → a = 1 → 10; x < 0 → a = -inf → 0
    assert marks_of(result, "K") == {"A": 10.0, "B": 10.0, "C": 0.0}


def test_minmax_higher_and_lower_with_negative_values() -> None:
    cat = catalog([kpi("H", "minmax", target=None), kpi("L", "minmax", target=None, better="lower")])
    rows = [("H", "A", -10.0), ("H", "B", 0.0), ("H", "C", 30.0), ("L", "A", -10.0), ("L", "B", 0.0), ("L", "C", 30.0)]
    result = rank(cat, rows)
    # min = -10, max = 30, max - min = 40
    # higher: A (−10+10)/40 = 0 → 0; B (0+10)/40 = 0.25 → 2.5; C 40/40 → 10
    assert marks_of(result, "H") == {"A": 0.0, "B": 2.5, "C": 10.0}
    # lower: A (30+10)/40 = 1 → 10; B (30−0)/40 = 0.75 → 7.5; C 0 → 0
    assert marks_of(result, "L") == {"A": 10.0, "B": 7.5, "C": 0.0}


def test_minmax_equal_values_and_single_reporter_get_full_marks() -> None:
    cat = catalog([kpi("E", "minmax", target=None), kpi("S", "minmax", target=None)], missing="skip")
    rows = [("E", "A", 42.0), ("E", "B", 42.0), ("E", "C", 42.0), ("S", "B", 3.0)]
    result = rank(cat, rows)
    # E: max == min → every reporting entity gets 1 → 10
    assert marks_of(result, "E") == {"A": 10.0, "B": 10.0, "C": 10.0}
    # S: only B reports: max == min → 10; A and C did not report (skip → None)
    assert marks_of(result, "S") == {"A": None, "B": 10.0, "C": None}


def test_minmax_target_higher() -> None:
    cat = catalog([kpi("K", "minmax_target", target=80)], districts=("A", "B", "C", "D"))
    result = rank(cat, [("K", "A", 20.0), ("K", "B", 50.0), ("K", "C", 80.0), ("K", "D", 95.0)])
    # min = 20, T = 80: A (20−20)/(80−20) = 0 → 0; B (50−20)/60 = 0.5 → 5;
    # C x ≥ T → 1 → 10; D x ≥ T → 10
    assert marks_of(result, "K") == {"A": 0.0, "B": 5.0, "C": 10.0, "D": 10.0}


def test_minmax_target_lower() -> None:
    cat = catalog([kpi("K", "minmax_target", target=10, better="lower")])
    result = rank(cat, [("K", "A", 5.0), ("K", "B", 20.0), ("K", "C", 30.0)])
    # max = 30, T = 10: A x ≤ T → 10; B 1 − (20−10)/(30−10) = 0.5 → 5; C 1 − 20/20 = 0 → 0
    assert marks_of(result, "K") == {"A": 10.0, "B": 5.0, "C": 0.0}


def test_minmax_target_when_everyone_is_at_the_minimum_target() -> None:
    cat = catalog([kpi("K", "minmax_target", target=7)], districts=("A", "B"))
    result = rank(cat, [("K", "A", 7.0), ("K", "B", 7.0)])
    # min = T = 7: T − min = 0, but x ≥ T anyway → 1 → 10 for both
    assert marks_of(result, "K") == {"A": 10.0, "B": 10.0}


def test_bands_use_unclipped_achievement_highest_threshold_first() -> None:
    bands = [[120, 10], [100, 8], [80, 6], [50, 3]]
    cat = catalog([kpi("K", "bands", target=200, bands=bands)], districts=tuple("ABCDE"))
    rows = [("K", "A", 300.0), ("K", "B", 210.0), ("K", "C", 170.0), ("K", "D", 100.0), ("K", "E", 90.0)]
    result = rank(cat, rows)
    # 100 × a: A 150% → first band ≤ 150 is 120 → 10 (unclipped: above 100% still counts)
    # B 105% → 100 → 8; C 85% → 80 → 6; D 50% → 50 → 3; E 45% → below every band → 0
    assert marks_of(result, "K") == {"A": 10.0, "B": 8.0, "C": 6.0, "D": 3.0, "E": 0.0}


def test_bands_lower_is_better() -> None:
    cat = catalog([kpi("K", "bands", target=10, better="lower", bands=[[100, 10], [50, 4]])])
    result = rank(cat, [("K", "A", 20.0), ("K", "B", 8.0), ("K", "C", 40.0)])
    # a = T/x: A 10/20 = 50% → 4; B 125% → 10; C 25% → 0
    assert marks_of(result, "K") == {"A": 4.0, "B": 10.0, "C": 0.0}


# --- 2. missing data --------------------------------------------------------------


def two_kpis(**ranking: Any) -> Catalog:
    return catalog([kpi("K1", target=10), kpi("K2", target=10)], **ranking)


def test_missing_zero_counts_absent_and_null_as_zero() -> None:
    result = rank(two_kpis(missing="zero"), [("K1", "A", 8.0), ("K2", "A", 6.0), ("K1", "B", 9.0), ("K2", "B", None), ("K1", "C", 4.0)])
    a, b, c = (row_of(result, e) for e in "ABC")
    # A: (8 + 6) / 2 = 7.0
    assert a.score == 7.0 and a.not_reported == ()
    # B: K2 null → 0 marks, counted: (9 + 0) / 2 = 4.5
    assert b.score == 4.5 and b.marks["K2"] == 0.0 and b.not_reported == ("K2",)
    # C: K2 absent → same: (4 + 0) / 2 = 2.0
    assert c.score == 2.0 and c.marks["K2"] == 0.0 and c.not_reported == ("K2",)
    assert [r.entity for r in result.rows] == ["A", "B", "C"]


def test_missing_skip_leaves_the_kpi_out() -> None:
    result = rank(two_kpis(missing="skip"), [("K1", "A", 8.0), ("K2", "A", 6.0), ("K1", "B", 9.0), ("K2", "B", None), ("K1", "C", 4.0)])
    a, b, c = (row_of(result, e) for e in "ABC")
    # A: (8 + 6) / 2 = 7.0; B: 9 / 1 = 9.0; C: 4 / 1 = 4.0
    assert (a.score, b.score, c.score) == (7.0, 9.0, 4.0)
    assert b.marks["K2"] is None and b.not_reported == ("K2",)
    assert [r.entity for r in result.rows] == ["B", "A", "C"]


def test_entity_without_counted_kpi_is_unranked_and_listed_last() -> None:
    result = rank(two_kpis(missing="skip"), [("K1", "A", 3.0), ("K1", "B", 5.0), ("K1", "C", None)])
    # C reported only a null: nothing counted → no score, no rank, no grade.
    # A and B are ranked 2 and 1; C is not ranked 3rd but unranked, after them.
    assert [(r.entity, r.score, r.rank, r.grade) for r in result.rows] == [
        ("B", 5.0, 1, "C"),
        ("A", 3.0, 2, "D"),
        ("C", None, None, None),
    ]
    assert row_of(result, "C").marks == {"K1": None, "K2": None}
    assert row_of(result, "C").by["scheme"] == {"P1": None}


def test_with_zero_rule_an_entity_reporting_nothing_is_ranked_with_zero() -> None:
    result = rank(two_kpis(missing="zero"), [("K1", "A", 3.0), ("K1", "B", 5.0)])
    # C: (0 + 0) / 2 = 0.0, ranked 3rd, grade D (threshold 0 ≤ 0)
    assert (row_of(result, "C").score, row_of(result, "C").rank, row_of(result, "C").grade) == (0.0, 3, "D")


# --- 3. weights and rollups --------------------------------------------------------


def test_weighted_mean_defaults_weight_to_one() -> None:
    cat = catalog([kpi("K1", target=10, weight=3), kpi("K2", target=10)], districts=("A",))
    result = rank(cat, [("K1", "A", 10.0), ("K2", "A", 2.0)])
    # (3 × 10 + 1 × 2) / (3 + 1) = 32 / 4 = 8.0
    assert row_of(result, "A").score == 8.0


def rollup_catalog(rollup: str) -> Catalog:
    # K1, K2 in P1 (D1, S1); K3 in P2 (D1, S1); K4 in P3 (D2, S1); K5 in P4 (D3, S2).
    return catalog(
        [
            kpi("K1", target=10, scheme="P1"),
            kpi("K2", target=10, scheme="P1"),
            kpi("K3", target=10, scheme="P2"),
            kpi("K4", target=10, scheme="P3"),
            kpi("K5", target=10, scheme="P4"),
        ],
        districts=("A",),
        rollup=rollup,
    )


ROLLUP_ROWS = [("K1", "A", 10.0), ("K2", "A", 6.0), ("K3", "A", 2.0), ("K4", "A", 5.0), ("K5", "A", 9.0)]


@pytest.mark.parametrize(
    ("rollup", "score"),
    [
        ("kpi", 6.4),  # (10 + 6 + 2 + 5 + 9) / 5 = 32 / 5 = 6.4
        ("scheme", 6.0),  # P1 (10+6)/2 = 8, P2 2, P3 5, P4 9 → (8 + 2 + 5 + 9) / 4 = 6.0
        ("department", 6.67),  # D1 (10+6+2)/3 = 6, D2 5, D3 9 → 20/3 = 6.666… → 6.67
        ("sector", 7.38),  # S1 (10+6+2+5)/4 = 5.75, S2 9 → 14.75/2 = 7.375 → 7.38 (half up)
    ],
)
def test_rollups(rollup: str, score: float) -> None:
    row = row_of(rank(rollup_catalog(rollup), ROLLUP_ROWS), "A")
    assert row.score == score
    assert row.by == {
        "scheme": {"P1": 8.0, "P2": 2.0, "P3": 5.0, "P4": 9.0},
        "department": {"D1": 6.0, "D2": 5.0, "D3": 9.0},
        "sector": {"S1": 5.75, "S2": 9.0},
    }


def test_rollup_counts_only_groups_with_a_counted_kpi() -> None:
    cat = rollup_catalog("scheme").model_copy(update={"ranking": rollup_catalog("scheme").ranking.model_copy(update={"missing": "skip"})})
    row = row_of(rank(cat, [("K1", "A", 10.0), ("K2", "A", 6.0), ("K4", "A", 5.0)]), "A")
    # P2 and P4 have no counted KPI: (8 + 5) / 2 = 6.5
    assert row.score == 6.5
    assert row.by["scheme"] == {"P1": 8.0, "P2": None, "P3": 5.0, "P4": None}


def test_zero_weight_kpi_is_shown_but_not_scored() -> None:
    cat = catalog([kpi("K1", target=10, scheme="P1"), kpi("K2", target=10, scheme="P2", weight=0)], districts=("A",))
    row = row_of(rank(cat, [("K1", "A", 4.0), ("K2", "A", 9.0)]), "A")
    # overall (1 × 4 + 0 × 9) / (1 + 0) = 4.0; P2's weights sum to 0 → no score
    assert row.score == 4.0 and row.marks["K2"] == 9.0 and row.by["scheme"] == {"P1": 4.0, "P2": None}


# --- 4. ranks and rounding -------------------------------------------------------


def four_districts(ties: str) -> Catalog:
    return catalog([kpi("K", target=100)], districts=("A", "B", "C", "D"), ties=ties)


TIE_ROWS = [("K", "A", 90.0), ("K", "B", 73.44), ("K", "C", 73.36), ("K", "D", 60.0)]


def test_competition_ties_compare_rounded_scores() -> None:
    result = rank(four_districts("competition"), TIE_ROWS)
    # B 7.344 → 7.34 and C 7.336 → 7.34 tie: ranks 1, 2, 2, 4
    assert [(r.entity, r.score, r.rank) for r in result.rows] == [("A", 9.0, 1), ("B", 7.34, 2), ("C", 7.34, 2), ("D", 6.0, 4)]


def test_dense_ties() -> None:
    result = rank(four_districts("dense"), TIE_ROWS)
    # ranks 1, 2, 2, 3
    assert [r.rank for r in result.rows] == [1, 2, 2, 3]


def test_round_half_up() -> None:
    # 2.345 is stored as 2.34499999…; 100·v + 0.5 + 1e-9 = 235.0000000… → floor 235 → 2.35
    assert round2(2.345) == 2.35
    assert round2(0.125) == 0.13  # banker's rounding would give 0.12
    assert round2(2.3449) == 2.34
    assert round2(-1.005) == -1.0  # half up, towards +inf
    assert round2_array(np.array([2.345, 0.125, np.nan]))[:2].tolist() == [2.35, 0.13]


def test_published_marks_and_scores_round_half_up() -> None:
    cat = catalog([kpi("K", target=100)], districts=("A",))
    row = row_of(rank(cat, [("K", "A", 23.45)]), "A")
    # 10 × 23.45/100 = 2.345 → 2.35
    assert row.marks["K"] == 2.35 and row.score == 2.35


@pytest.mark.parametrize(
    ("value", "score", "grade"),
    [
        (80.0, 8.0, "A"),  # 8.0 ≥ 8 → A
        (79.95, 8.0, "A"),  # 7.995 → rounded 8.0 → A (grade from the rounded score)
        (79.94, 7.99, "B"),  # 7.994 → 7.99 → B
        (60.0, 6.0, "B"),
        (40.0, 4.0, "C"),
        (39.99, 4.0, "C"),  # 3.999 → 4.0 → C
        (0.0, 0.0, "D"),
    ],
)
def test_grade_thresholds(value: float, score: float, grade: str) -> None:
    row = row_of(rank(catalog([kpi("K", target=100)], districts=("A",)), [("K", "A", value)]), "A")
    assert (row.score, row.grade) == (score, grade)


def test_score_below_every_grade_has_no_grade() -> None:
    cat = catalog([kpi("K", target=100)], districts=("A",), grades=[["A", 8.0], ["B", 5.0]])
    row = row_of(rank(cat, [("K", "A", 30.0)]), "A")
    assert (row.score, row.rank, row.grade) == (3.0, 1, None)


# --- periods -------------------------------------------------------------------------


def test_finer_grained_periods_use_the_latest_observation_in_the_month() -> None:
    cat = catalog([kpi("K", target=100)], districts=("A", "B"), missing="skip")
    rows = [
        ("K", "A", 50.0, "2026-10-05"),
        ("K", "A", 80.0, "2026-10-31"),  # latest day of October for A
        ("K", "A", 10.0, "2026-11-01"),  # November: not this month
        ("K", "B", 30.0, "2026-10-31"),
        ("K", "B", 70.0, "2026-10-31T10:15"),  # an instant later that day beats the day
        ("K", "B", 20.0, "2026-10-31T09:00"),
    ]
    result = rank(cat, rows, "2026-10")
    assert marks_of(result, "K") == {"A": 8.0, "B": 7.0}
    # Without a period: November is the latest month with a ranked observation.
    result = rank(cat, rows)
    assert result.period == "2026-11" and marks_of(result, "K") == {"A": 1.0, "B": None}


def test_latest_null_supersedes_earlier_values_in_the_month() -> None:
    cat = catalog([kpi("K", target=100)], districts=("A",))
    row = row_of(rank(cat, [("K", "A", 90.0, "2026-10-01"), ("K", "A", None, "2026-10-20")]), "A")
    assert row.marks["K"] == 0.0 and row.not_reported == ("K",)


def test_default_period_ignores_unranked_kpis_and_entities() -> None:
    cat = catalog([kpi("K", target=100), kpi("SHOW", None), kpi("TAL", target=100, level="taluka")], districts=("A",))
    rows = [("K", "A", 50.0, "2026-10"), ("SHOW", "A", 1.0, "2026-12"), ("TAL", "TAL", 1.0, "2027-01"), ("K", "TAL", 1.0, "2027-02")]
    result = rank(cat, rows)
    assert result.period == "2026-10"
    assert [r.entity for r in result.rows] == ["A"] and list(row_of(result, "A").marks) == ["K"]


def test_nothing_to_rank_gives_none_and_bad_period_raises() -> None:
    cat = catalog([kpi("K", target=100)])
    assert compute_ranking(cat, ObservationTable.empty(), computed_at=NOW) is None
    assert compute_ranking(cat, table([("K", "A", 1.0)]), "2026-09", computed_at=NOW) is None
    for bad in ("2026-13", "2026-10-01", "Oct 2026", ""):
        with pytest.raises(ValueError, match="YYYY-MM"):
            compute_ranking(cat, table([("K", "A", 1.0)]), bad, computed_at=NOW)


# --- result metadata -----------------------------------------------------------------


def test_result_metadata_and_provisional_flag() -> None:
    cat = catalog([kpi(f"K{i}", target=10) for i in range(4)], districts=("A", "B"))
    rows = [("K0", "A", 5.0, "2026-10", T0), ("K1", "A", 5.0, "2026-10", T0 + 60), ("K2", "A", None, "2026-10", T0 + 120)]
    rows += [(f"K{i}", "B", 5.0, "2026-10", T0) for i in range(3)]
    result = rank(cat, rows, revision="local-1")
    assert (result.source, result.revision, result.period, result.computed_at) == ("local", "local-1", "2026-10", NOW)
    # the null at T0 + 120 was used too (it made K2 "not reported")
    assert result.data_as_of == datetime.fromtimestamp(T0 + 120, tz=UTC)
    # A misses K2, K3: 2/4 = 0.5 > 0.25 → provisional; B misses K3: 1/4 = 0.25, not > 0.25
    assert row_of(result, "A").provisional and not row_of(result, "B").provisional
    assert row_of(result, "A").not_reported == ("K2", "K3")
    assert not row_of(rank(cat, rows, provisional_threshold=0.5), "A").provisional


def test_plan_is_cached_per_catalog_and_rerank_with_new_table_is_consistent() -> None:
    cat = catalog([kpi("K", target=100)])
    assert plan_for(cat) is plan_for(cat)
    first = rank(cat, [("K", "A", 50.0)])
    second = rank(cat, [("K", "A", 50.0), ("K", "B", 70.0)])
    assert row_of(first, "A").rank == 1 and row_of(second, "A").rank == 2 and row_of(second, "B").rank == 1

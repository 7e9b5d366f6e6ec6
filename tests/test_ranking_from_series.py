"""The worker's ranking straight from the series equals the ranking of the table it replaced.

The sync worker reads each month's cells from the in-memory series with integer
indices (sync/ranking/month_cells.py) instead of building a table of text codes
for the engine. On random catalogs and feeds (the property test's own strategies:
all methods, rules, rollups, ties, nulls, corrections, finer periods, other months,
unranked KPIs and entities) it must give:

- exactly the rows, period and data_as_of of `compute_ranking` on
  `table_for_months` of the same series (the path it replaced), and the naive
  reference's published numbers;
- the same when the feed arrives over two polls and the reader keeps what it read
  (and the very same cells object, so the month is not re-ranked, when a poll did
  not touch the month);
- the same audit of a central ranking, with the store's ``computed_at`` as cutoff;
- the same explanations.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from cmwall.sync.contract import Catalog
from cmwall.sync.ranking.audit import audit_cells, audit_ranking
from cmwall.sync.ranking.engine import MonthScores, compute_ranking, ranking_of, score_cells
from cmwall.sync.ranking.explain import ExplainError, explain
from cmwall.sync.ranking.inputs import RankingInput
from cmwall.sync.ranking.month_cells import MonthReader, read_month
from cmwall.sync.ranking.plan import plan_for
from cmwall.sync.ranking.result import RankingResult
from cmwall.sync.rankings_kept import LocalRanker
from cmwall.sync.series import apply_rows, frozen, table_for_months
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .ranking_reference import Observation, reference_ranking
from .test_ranking_property import cases

NOW = datetime(2026, 12, 1, tzinfo=UTC)
MONTHS = ("2026-10", "2026-09", "2026-08")
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def ranked_codes(catalog: Catalog) -> tuple[str, ...]:
    return plan_for(catalog).kpi_codes


@SETTINGS
@given(cases(), st.sampled_from(MONTHS), st.sampled_from([0.25, 0.0, 0.5]))
def test_ranking_from_the_series_equals_the_table_path_and_the_reference(
    case: tuple[Catalog, list[Observation]], month: str, threshold: float
) -> None:
    catalog, rows = case
    series = frozen(apply_rows({}, rows))
    table = table_for_months(series, MONTHS, ranked_codes(catalog))
    expected = compute_ranking(catalog, table, month, computed_at=NOW, provisional_threshold=threshold)
    scores = score_cells(read_month(plan_for(catalog), series, month))
    got = None if scores is None else ranking_of(scores, computed_at=NOW, provisional_threshold=threshold)
    assert got == expected
    meta, reference = reference_ranking(catalog, rows, month, threshold)
    if got is None:
        assert meta is None
        return
    assert reference is not None and meta is not None
    assert got.data_as_of is not None and got.data_as_of.timestamp() == meta[1]
    for row in got.rows:
        ref = reference[row.entity]
        assert (row.score, row.rank, row.grade, dict(row.marks), row.not_reported, row.provisional) == (
            ref.score, ref.rank, ref.grade, ref.marks, ref.not_reported, ref.provisional)


@SETTINGS
@given(cases(), st.data())
def test_the_local_ranker_over_two_polls_equals_a_fresh_ranking(
    case: tuple[Catalog, list[Observation]], data: st.DataObject
) -> None:
    catalog, rows = case
    split = data.draw(st.integers(0, len(rows)))
    ranker = LocalRanker(0.25)
    first = frozen(apply_rows({}, rows[:split]))
    ranker.rank(catalog, first, NOW)
    series = frozen(apply_rows(first, rows[split:]))
    current, before, ranked = ranker.rank(catalog, series, NOW)
    if current is None and before is None and ranked is None:
        assert not any(series.get(k) for k in ranked_codes(catalog))
        return
    assert ranked is not None
    month, previous = ranked.months
    for period in (month, previous):  # scores updated for the KPIs the poll changed are the full scores
        fresh = score_cells(read_month(plan_for(catalog), series, period))
        kept = ranked.scores(catalog, period)
        assert (fresh is None) == (kept is None)
        if fresh is not None and kept is not None:
            assert_same_scores(kept, fresh)
    table = table_for_months(series, (month, previous), ranked_codes(catalog))
    assert current == compute_ranking(catalog, table, month, computed_at=NOW)
    assert before == compute_ranking(catalog, table, previous, computed_at=NOW)
    for entity in [e.code for e in catalog.entities][:3]:
        try:
            want = explain(catalog, table, entity, month)
        except ExplainError as err:
            with pytest.raises(ExplainError, match=str(err)):
                ranked.explain(catalog, entity, month)
        else:
            assert ranked.explain(catalog, entity, month) == want


@SETTINGS
@given(cases(), st.sampled_from(MONTHS[:2]), st.integers(1_790_000_000, 1_800_000_000))
def test_the_audit_from_the_series_equals_the_audit_from_the_table(
    case: tuple[Catalog, list[Observation]], month: str, cutoff: int
) -> None:
    catalog, rows = case
    series = frozen(apply_rows({}, rows))
    computed_at = datetime.fromtimestamp(cutoff, UTC)
    local = compute_ranking(catalog, table_for_months(series, (month,), ranked_codes(catalog)), month,
                            computed_at=computed_at)
    if local is None:
        return
    central = ranking_of_store(local)
    table = table_for_months(series, (month,), ranked_codes(catalog))
    want = audit_ranking(catalog, table, central, feed_read_at=NOW, checked_at=NOW)
    cells = MonthReader(plan_for(catalog), month, float(cutoff)).read(series)
    assert audit_cells(catalog, cells, central, feed_read_at=NOW, checked_at=NOW) == want


def assert_same_scores(a: MonthScores, b: MonthScores) -> None:
    """Every unrounded matrix identical, bit for bit (NaN where NaN)."""
    for name in ("values", "marks", "counted", "overall", "rounded", "rank"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name, strict=True)
    for level, scores in a.groups.items():
        np.testing.assert_array_equal(scores, b.groups[level], err_msg=level, strict=True)
    assert (a.grade, a.period, a.data_as_of) == (b.grade, b.period, b.data_as_of)


def ranking_of_store(local: RankingResult) -> RankingResult:
    """The local ranking as if the store had published it."""
    return replace(local, source="central", revision="r-1")


def two_districts_two_kpis() -> Catalog:
    """Districts A and B, KPIs K1 and K2 (target 100, higher is better)."""
    return Catalog.model_validate({
        "revision": "c-1", "state": {"code": "24", "name": "S"},
        "entities": [{"code": c, "name": c, "level": "district", "parent": "24"} for c in ("A", "B")],
        "kpis": [{"code": c, "name": c, "scheme": "P", "better": "higher", "target": 100.0,
                  "scoring": {"method": "target"}} for c in ("K1", "K2")],
        "ranking": {"level": "district"},
    })


def test_a_poll_that_does_not_touch_a_month_keeps_its_cells_object() -> None:
    catalog = two_districts_two_kpis()
    plan = plan_for(catalog)
    series = frozen(apply_rows({}, [("K1", "A", "2026-09", 50.0, 1.0), ("K1", "A", "2026-10", 60.0, 2.0),
                                    ("K2", "B", "2026-10", 70.0, 3.0)]))
    september, october = MonthReader(plan, "2026-09"), MonthReader(plan, "2026-10")
    sept_cells, oct_cells = september.read(series), october.read(series)
    polled = frozen(apply_rows(series, [("K1", "B", "2026-10", 80.0, 4.0)]))
    assert september.read(polled) is sept_cells  # K1 changed, but not in September
    assert october.read(polled) is not oct_cells
    assert october.read(polled).values[0].tolist() == [60.0, 80.0]
    ranker = LocalRanker(0.25)
    _, before, ranked = ranker.rank(catalog, series, NOW)
    _, before_again, ranked_again = ranker.rank(catalog, frozen(dict(series)), NOW)
    assert before_again is before and ranked_again is ranked  # nothing changed: nothing re-ranked
    assert isinstance(ranked, RankingInput)
    assert ranked.explain(catalog, "A", "2026-10") is ranked.explain(catalog, "A", "2026-10")  # computed once


def test_a_poll_changing_one_kpi_updates_the_months_scores_instead_of_scoring_afresh(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader names the cells a change was made from (weakly: it keeps no second copy of a
    month's values); the ranker, which kept those cells and their scores, updates them."""
    import cmwall.sync.rankings_kept as kept

    catalog = two_districts_two_kpis()
    calls: list[bool] = []

    def scored(cells: Any, **update: Any) -> Any:
        calls.append(bool(update))
        return score_cells(cells, **update)

    monkeypatch.setattr(kept, "score_cells", scored)
    ranker = LocalRanker(0.25)
    series = frozen(apply_rows({}, [("K1", "A", "2026-10", 50.0, 1.0), ("K2", "B", "2026-10", 70.0, 2.0)]))
    ranker.rank(catalog, series, NOW)
    assert calls == [False, False]  # October and September, scored afresh
    polled = frozen(apply_rows(series, [("K1", "B", "2026-10", 80.0, 3.0)]))
    current, _, _ = ranker.rank(catalog, polled, NOW)
    assert calls[2:] == [True]  # October updated from its kept scores; September untouched
    assert current == compute_ranking(catalog, table_for_months(polled, ("2026-10",), ("K1", "K2")), "2026-10",
                                      computed_at=NOW)


def test_a_report_of_the_same_value_later_moves_only_the_new_cells_data_as_of() -> None:
    """The reader keeps the cells' report times to itself and changes them in place: cells it
    gave out earlier keep their own `data_as_of`, and a re-report of the same figures keeps
    the values themselves (nothing to re-score)."""
    catalog = Catalog.model_validate({
        "revision": "c-1", "state": {"code": "24", "name": "S"},
        "entities": [{"code": c, "name": c, "level": "district", "parent": "24"} for c in ("A", "B")],
        "kpis": [{"code": "K1", "name": "K1", "scheme": "P", "better": "higher", "target": 100.0,
                  "scoring": {"method": "target"}}],
        "ranking": {"level": "district"},
    })
    reader = MonthReader(plan_for(catalog), "2026-10")
    assert reader.read(frozen({})).empty and reader.cells.data_as_of is None
    series = frozen(apply_rows({}, [("K1", "A", "2026-10", 60.0, 2.0), ("K1", "B", "2026-10", None, 3.0)]))
    first = reader.read(series)
    assert not first.empty and first.data_as_of == 3.0
    again = reader.read(frozen(apply_rows(series, [("K1", "A", "2026-10", 60.0, 9.0)])))
    assert again is not first and again.data_as_of == 9.0 and first.data_as_of == 3.0
    assert again.values is first.values and np.isnan(again.values[0, 1])
    scores = score_cells(again)
    assert scores is not None and ranking_of(scores, computed_at=NOW).data_as_of == datetime.fromtimestamp(9.0, UTC)


def test_a_poll_that_changes_nothing_ranked_recomputes_no_explanation() -> None:
    """derive() runs on every snapshot; the explanation of a wanted district is made once per
    change of what the engine ranked, not once per snapshot."""
    from cmwall.sync.derive import derive
    from cmwall.sync.derived_facts import Wants
    from cmwall.sync.snapshot import Snapshot, SyncStatus

    catalog = Catalog.model_validate({
        "revision": "c-1", "state": {"code": "24", "name": "S"},
        "entities": [{"code": c, "name": c, "level": "district", "parent": "24"} for c in ("A", "B")],
        "kpis": [{"code": c, "name": c, "scheme": "P", "better": "higher", "target": 100.0,
                  "scoring": {"method": "minmax"}} for c in ("K1", "K2")]
                + [{"code": "SHOWN", "name": "shown, not ranked", "scheme": "P", "better": "higher"}],
        "ranking": {"level": "district"},
    })
    ranker = LocalRanker(0.25)
    series = frozen(apply_rows({}, [("K1", "A", "2026-10", 50.0, 1.0), ("K1", "B", "2026-10", 60.0, 2.0),
                                    ("K2", "A", "2026-10", 70.0, 3.0)]))

    def explained(series_now: object) -> object:
        assert isinstance(series_now, type(series))
        current, _, ranked = ranker.rank(catalog, series_now, NOW)
        assert ranked is not None
        snapshot = Snapshot(id=1, created_at=NOW, status=SyncStatus(store_url="x"), catalog=catalog,
                            series=series_now, ranking=current, ranking_input=ranked)
        return derive(snapshot, Wants(explain=frozenset({"A"}))).derived.explanations["A"]

    first = explained(series)
    assert explained(series) is first  # the next snapshot
    unranked = frozen(apply_rows(series, [("SHOWN", "A", "2026-10", 1.0, 4.0)]))
    assert explained(unranked) is first  # new data, but nothing the ranking uses
    changed = explained(frozen(apply_rows(unranked, [("K2", "B", "2026-10", 90.0, 5.0)])))
    assert changed is not first and changed == explain(
        catalog, table_for_months(frozen(apply_rows(unranked, [("K2", "B", "2026-10", 90.0, 5.0)])),
                                  ("2026-10", "2026-09"), ("K1", "K2")), "A", "2026-10")

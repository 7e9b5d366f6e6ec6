"""The ranking audits itself: each central ranking is re-checked by the local engine.

A district where the store's ranking differs beyond rounding is flagged and recorded;
a correct ranking is never flagged; a ranking over data the wall does not (yet)
hold is "local check incomplete", never "wrong".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from cmwall.sync.client import StoreClient
from cmwall.sync.contract import Catalog
from cmwall.sync.local_store import LocalStore
from cmwall.sync.observations import ObservationTable
from cmwall.sync.ranking.audit import Incomplete, RankingAuditor, Verdict, audit_ranking, rank_bounds
from cmwall.sync.ranking.engine import compute_ranking
from cmwall.sync.ranking.result import RankedEntity, RankingResult
from cmwall.sync.worker import SyncWorker
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from .ranking_builders import catalog, kpi, rank, table
from .ranking_reference import Observation
from .store_fakes import CATALOG, observation
from .test_ranking_property import cases

CAT = catalog([kpi("K1", target=100, weight=2), kpi("K2", target=10, better="lower", scheme="P3")],
              districts=("A", "B", "C", "D"))
ROWS: list[Any] = [("K1", "A", 90.0), ("K2", "A", 10.0), ("K1", "B", 70.0), ("K2", "B", 20.0),
                   ("K1", "C", 50.0), ("K2", "C", 12.5), ("K1", "D", 30.0), ("K2", "D", 40.0)]
COMPUTED = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
LATER = COMPUTED + timedelta(minutes=10)  # the wall read the whole feed after the store ranked


def official(rows: list[Any] = ROWS) -> RankingResult:
    """The store's ranking of `rows`: what a correct store publishes."""
    return replace(rank(CAT, rows), source="central", computed_at=COMPUTED, revision="r-1")


def with_score(ranking: RankingResult, entity: str, score: float) -> RankingResult:
    rows = tuple(replace(r, score=score) if r.entity == entity else r for r in ranking.rows)
    return replace(ranking, rows=rows)


def test_a_correct_central_ranking_has_no_finding() -> None:
    audit = audit_ranking(CAT, table(ROWS), official(), feed_read_at=LATER, checked_at=LATER)
    assert audit.complete and audit.findings == ()


def test_one_altered_score_is_flagged_for_that_district_only() -> None:
    central = official()
    b = central.row("B")
    assert b is not None and b.score is not None
    audit = audit_ranking(CAT, table(ROWS), with_score(central, "B", b.score + 0.5), feed_read_at=LATER,
                          checked_at=LATER)
    assert audit.complete
    (finding,) = audit.findings
    assert (finding.entity, finding.verdict, finding.fields) == ("B", Verdict.DIFFERS, ("score",))
    assert (finding.central_score, finding.local_score) == (b.score + 0.5, b.score)
    assert finding.central_rank == finding.local_rank == b.rank


def test_a_swapped_rank_and_a_wrong_grade_are_findings() -> None:
    central = official()
    rows = tuple(replace(r, rank=2) if r.entity == "A" else replace(r, rank=1) if r.rank == 2 else r
                 for r in central.rows)
    rows = tuple(replace(r, grade="A") if r.entity == "D" else r for r in rows)
    audit = audit_ranking(CAT, table(ROWS), replace(central, rows=rows), feed_read_at=LATER, checked_at=LATER)
    assert {(f.entity, f.fields) for f in audit.findings} == {("A", ("rank",)), ("B", ("rank",)), ("D", ("grade",))}


def test_one_cent_of_rounding_is_not_a_difference() -> None:
    central = official()
    b = central.row("B")
    assert b is not None and b.score is not None
    audit = audit_ranking(CAT, table(ROWS), with_score(central, "B", round(b.score + 0.01, 2)),
                          feed_read_at=LATER, checked_at=LATER)
    assert audit.findings == ()


def test_a_tie_that_one_cent_could_break_is_not_a_rank_difference() -> None:
    # Locally A and B tie at 7.50 (rank 1, 1); a store one cent off may rank them 1, 2.
    cat = catalog([kpi("K1", target=100)], districts=("A", "B"))
    rows: list[Any] = [("K1", "A", 75.0), ("K1", "B", 75.0)]
    local = rank(cat, rows)
    assert [r.rank for r in local.rows] == [1, 1]
    assert rank_bounds("B", local, "competition") == (1, 2)
    central = replace(local, source="central", computed_at=COMPUTED, revision="r-1",
                      rows=(RankedEntity("A", 7.5, 1, "B"), RankedEntity("B", 7.49, 2, "B")))
    assert audit_ranking(cat, table(rows), central, feed_read_at=LATER, checked_at=LATER).findings == ()


def test_a_ranking_over_data_the_wall_does_not_hold_yet_is_not_called_wrong() -> None:
    more = [*ROWS, ("K1", "D", 99.0, "2026-10", COMPUTED.timestamp() - 60)]  # D's correction, before the ranking
    central = official(more)  # the store ranked D's correction; the wall has not received it
    # The wall has not read the feed since the store ranked: it cannot vouch for its check.
    behind = audit_ranking(CAT, table(ROWS), central, feed_read_at=COMPUTED - timedelta(minutes=5), checked_at=LATER)
    assert behind.incomplete == (Incomplete.FEED_BEHIND,)
    assert behind.findings and all(f.verdict is Verdict.INCOMPLETE for f in behind.findings)
    assert behind.of(Verdict.DIFFERS) == ()
    # Once the wall holds what the store ranked, the check agrees.
    caught_up = audit_ranking(CAT, table(more), central, feed_read_at=LATER, checked_at=LATER)
    assert caught_up.complete and caught_up.findings == ()


def test_reports_after_the_ranking_are_left_out_and_make_a_difference_unverifiable() -> None:
    central = official()
    # D corrected after the store ranked: the store could not have used it.
    later = [r for r in ROWS if r[:2] != ("K1", "D")] + [("K1", "D", 99.0, "2026-10", COMPUTED.timestamp() + 60)]
    audit = audit_ranking(CAT, table(later), central, feed_read_at=LATER, checked_at=LATER)
    # D's earlier value is gone from the wall, so the check cannot reproduce the store's input.
    assert Incomplete.SUPERSEDED in audit.incomplete
    assert all(f.verdict is Verdict.INCOMPLETE for f in audit.findings)
    # A new report for a cell the store never had is simply left out: no difference at all.
    extra = [*ROWS, ("K2", "D", 5.0, "2026-10-05", COMPUTED.timestamp() + 60)]
    assert audit_ranking(CAT, table(extra), central, feed_read_at=LATER, checked_at=LATER).findings == ()


def test_no_data_for_the_month_is_incomplete() -> None:
    audit = audit_ranking(CAT, table([]), official(), feed_read_at=LATER, checked_at=LATER)
    assert Incomplete.NO_DATA in audit.incomplete and {f.entity for f in audit.findings} == {"A", "B", "C", "D"}
    assert all(f.verdict is Verdict.INCOMPLETE for f in audit.findings)


# --- on the sync thread -----------------------------------------------------------------


class Store:
    """A scripted API v1 store with a ranking the test can make wrong."""

    def __init__(self) -> None:
        self.feed: list[dict[str, Any]] = [observation("438", 82.4), observation("439", 41.0)]
        self.ranking: dict[str, Any] = {
            "revision": "r-1", "period": "2026-10", "computed_at": "2026-11-22T10:00:00+05:30",
            "rows": [{"entity": "438", "score": 8.24, "rank": 1, "grade": "A"},
                     {"entity": "439", "score": 4.1, "rank": 2, "grade": "C"}]}
        self.ranking_requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/catalog":
            return httpx.Response(200, json=CATALOG, headers={"ETag": '"c1"'})
        if request.url.path == "/v1/observations":
            since = int(request.url.params.get("since", "0"))
            rows = self.feed[since:]
            return httpx.Response(200, json={"cursor": str(since + len(rows)), "more": False, "observations": rows})
        self.ranking_requests += 1
        if request.url.params.get("period"):
            return httpx.Response(404, json={"error": "none"})
        return httpx.Response(200, json=self.ranking)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 4, 40, tzinfo=UTC)  # 10:10 IST, after the store ranked

    def __call__(self) -> datetime:
        return self.now


def make_worker(store: Store, data_dir: Path, clock: Clock) -> SyncWorker:
    client = StoreClient("http://store.test", transport=httpx.MockTransport(store))
    return SyncWorker(client, LocalStore(data_dir), clock=clock)


def test_the_worker_flags_and_records_a_wrong_central_ranking_without_any_fallback(tmp_path: Path) -> None:
    store, clock = Store(), Clock()
    store.ranking["rows"][1]["score"] = 5.1  # Amreli: the wall's data gives 4.1
    worker = make_worker(store, tmp_path, clock)
    snapshot = worker.poll_all()
    assert snapshot is not None and snapshot.ranking is not None and snapshot.ranking.source == "central"
    audit = snapshot.ranking_audit
    assert audit is not None and audit.is_about(snapshot.ranking) and audit.complete
    assert [(f.entity, f.verdict, f.fields) for f in audit.findings] == [("439", Verdict.DIFFERS, ("score",))]
    (record,) = worker.store.audit_records()
    assert {k: record[k] for k in ("period", "entity", "verdict", "central_score", "local_score", "central_rank",
                                   "local_rank", "central_grade", "local_grade", "fields")} == {
        "period": "2026-10", "entity": "439", "verdict": "differs", "central_score": 5.1, "local_score": 4.1,
        "central_rank": 2, "local_rank": 2, "central_grade": "C", "local_grade": "C", "fields": "score"}
    assert record["recorded_at"] == clock.now.timestamp()
    # Later polls with nothing new neither re-check nor record it again.
    audited = worker.rankings.auditor.audit
    clock.now += timedelta(minutes=1)
    worker.poll_all()
    assert worker.rankings.auditor.audit is audited and len(worker.store.audit_records()) == 1


def test_the_worker_does_not_flag_a_correct_central_ranking(tmp_path: Path) -> None:
    worker = make_worker(Store(), tmp_path, Clock())
    snapshot = worker.poll_all()
    assert snapshot is not None and snapshot.ranking_audit is not None
    assert snapshot.ranking_audit.findings == () and worker.store.audit_records() == []


def test_the_worker_waits_for_the_feed_before_calling_a_ranking_wrong(tmp_path: Path) -> None:
    store, clock = Store(), Clock()
    clock.now = datetime(2026, 11, 22, 4, 20, tzinfo=UTC)  # 09:50 IST: before the store computes at 10:00
    worker = make_worker(store, tmp_path, clock)
    worker.poll_catalog()
    first = worker.poll_observations()  # and the store's ranking, correct for this data
    assert first is not None and first.ranking_audit is not None and first.ranking_audit.findings == ()
    # Amreli's correction reaches the store, which ranks it; the wall has not read it yet.
    store.feed.append({**observation("439", 51.0), "reported_at": "2026-11-22T09:55:00+05:30"})
    store.ranking["rows"][1].update(score=5.1, grade="C")
    clock.now = datetime(2026, 11, 22, 4, 35, tzinfo=UTC)
    early = worker.poll_ranking()
    assert early is not None and early.ranking_audit is not None
    assert [(f.entity, f.verdict) for f in early.ranking_audit.findings] == [("439", Verdict.INCOMPLETE)]
    assert early.ranking_audit.incomplete == (Incomplete.FEED_BEHIND,)
    assert [r["verdict"] for r in worker.store.audit_records()] == ["incomplete"]
    # The next poll reads the correction: the check agrees, nothing is called wrong.
    later = worker.poll_observations()
    assert later is not None and later.ranking_audit is not None and later.ranking_audit.complete
    assert later.ranking_audit.findings == ()


def test_the_auditor_rechecks_only_when_its_inputs_change() -> None:
    from cmwall.sync.series import apply_rows

    auditor = RankingAuditor()
    series = apply_rows({}, [(k, e, "2026-10", v, 1_793_000_000.0) for k, e, v in ROWS])
    first = auditor.check(CAT, series, official(), feed_read_at=LATER, now=LATER)
    assert auditor.check(CAT, series, official(), feed_read_at=LATER, now=LATER) is first  # the same ranking again
    assert auditor.check(CAT, series, with_score(official(), "A", 1.0), feed_read_at=LATER, now=LATER) is not first
    central = official()
    kept = auditor.check(CAT, series, central, feed_read_at=LATER, now=LATER)
    assert auditor.check(CAT, dict(series), central, feed_read_at=LATER + timedelta(1), now=LATER) is kept
    changed = apply_rows(series, [("K1", "D", "2026-10", 31.0, 1_793_000_001.0)])
    assert auditor.check(CAT, changed, central, feed_read_at=LATER, now=LATER) is not kept


# --- never a correct ranking called wrong: any catalog, any data, rounding noise --------


def _store_ranking(catalog: Catalog, local: RankingResult, nudges: list[int]) -> RankingResult:
    """What a store one cent off here and there publishes: its own scores, and the ranks and
    grades that follow from them by the methodology."""
    rows = []
    for r, nudge in zip(local.rows, nudges):
        score = None if r.score is None else round(r.score + nudge / 100, 2)
        rows.append(replace(r, score=score))
    ranked = [r for r in rows if r.score is not None and r.rank is not None]
    scores = sorted((r.score for r in ranked if r.score is not None), reverse=True)
    distinct = sorted(set(scores), reverse=True)
    out = []
    for r in rows:
        if r.score is None or r.rank is None:
            out.append(r)
            continue
        rank = 1 + (sum(1 for v in scores if v > r.score) if catalog.ranking.ties == "competition"
                    else distinct.index(r.score))
        grade = next((name for name, t in catalog.ranking.grades if t <= r.score), None)
        out.append(replace(r, rank=rank, grade=grade))
    return replace(local, rows=tuple(out), source="central", computed_at=COMPUTED, revision="r-1")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.data())
def test_a_correct_ranking_is_never_flagged_even_a_cent_off(case: tuple[Catalog, list[Observation]],
                                                            data: st.DataObject) -> None:
    catalog, rows = case
    table_ = ObservationTable.from_rows([(k, e, p, v, min(t, COMPUTED.timestamp())) for k, e, p, v, t in rows])
    local = compute_ranking(catalog, table_, None, computed_at=COMPUTED)
    if local is None:
        event("nothing to rank")
        return
    exact = replace(local, source="central", computed_at=COMPUTED, revision="r-1")
    assert audit_ranking(catalog, table_, exact, feed_read_at=LATER, checked_at=LATER).findings == ()
    nudges = data.draw(st.lists(st.sampled_from([-1, 0, 1]), min_size=len(local.rows), max_size=len(local.rows)))
    off = _store_ranking(catalog, local, nudges)
    assert audit_ranking(catalog, table_, off, feed_read_at=LATER, checked_at=LATER).findings == ()


def test_two_districts_two_cents_apart_may_tie_when_both_are_a_cent_off() -> None:
    cat = catalog([kpi("K1", target=100)], districts=("A", "B", "C"))
    rows: list[Any] = [("K1", "A", 75.0), ("K1", "B", 74.8), ("K1", "C", 60.0)]
    local = rank(cat, rows)
    assert [(r.entity, r.score, r.rank) for r in local.rows] == [("A", 7.5, 1), ("B", 7.48, 2), ("C", 6.0, 3)]
    tied = _store_ranking(cat, local, [-1, 1, 0])  # A 7.49, B 7.49: both first
    assert [(r.entity, r.rank) for r in tied.rows] == [("A", 1), ("B", 1), ("C", 3)]
    assert audit_ranking(cat, table(rows), tied, feed_read_at=LATER, checked_at=LATER).findings == ()
    # Three cents apart cannot swap by rounding: that is a difference.
    rows = [("K1", "A", 75.0), ("K1", "B", 74.7), ("K1", "C", 60.0)]
    local = rank(cat, rows)
    wrong = replace(_store_ranking(cat, local, [0, 0, 0]), rows=tuple(
        replace(r, rank={"A": 2, "B": 1}.get(r.entity, r.rank)) for r in local.rows))
    findings = audit_ranking(cat, table(rows), wrong, feed_read_at=LATER, checked_at=LATER).findings
    assert [(f.entity, f.fields) for f in findings] == [("B", ("rank",)), ("A", ("rank",))]

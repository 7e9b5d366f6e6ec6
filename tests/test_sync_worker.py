"""Poll → validate → store → rank without an event loop, against a scripted store.

Covers the promises the wall makes about its data: a poll is all-or-nothing in the
local store, failures keep the last good data and say what is wrong, and a restart
with the store down shows the stored data at once.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cmwall.sync.client import StoreClient
from cmwall.sync.local_store import LocalStore
from cmwall.sync.ranking.fallback import RankingReason, ReasonKind
from cmwall.sync.worker import REJUDGE_EVERY, SyncWorker

from .ranking_builders import row_of
from .store_fakes import CATALOG, observation

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)  # after every reported_at below: none is from the future


class ScriptedStore:
    """A tiny API v1 store whose answers a test can change between polls."""

    def __init__(self) -> None:
        self.feed: list[dict[str, Any]] = [observation("438", 82.4), observation("439", 41.0)]
        self.down = False
        self.ranking: dict[str, Any] | None = None  # None: the store has no ranking (404)
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url.path)
        if self.down:
            raise httpx.ConnectError("Connection refused", request=request)
        if request.url.path == "/v1/catalog":
            return httpx.Response(200, json=CATALOG, headers={"ETag": '"c1"'})
        if request.url.path == "/v1/observations":
            since = int(request.url.params.get("since", "0"))
            limit = int(request.url.params["limit"])
            rows = self.feed[since: since + limit]
            cursor = since + len(rows)
            return httpx.Response(200, json={"cursor": str(cursor), "more": cursor < len(self.feed),
                                             "observations": rows})
        if self.ranking is None:
            return httpx.Response(404, json={"error": "none"})
        return httpx.Response(200, json=self.ranking)


def make_worker(store: ScriptedStore, data_dir: Path, page_limit: int = 5000) -> SyncWorker:
    client = StoreClient("http://store.test", transport=httpx.MockTransport(store))
    return SyncWorker(client, LocalStore(data_dir), page_limit=page_limit, clock=lambda: NOW)


def test_first_poll_stores_everything_and_ranks_locally_when_store_has_no_ranking(tmp_path: Path) -> None:
    worker = make_worker(ScriptedStore(), tmp_path)
    snapshot = worker.poll_all()
    assert snapshot is not None and snapshot.catalog is not None
    assert worker.store.observation_count() == 2
    assert snapshot.series["PMJAY.CARDS"].latest("438")[1] == pytest.approx(82.4)  # type: ignore[index]
    # target method, T = 100: Ahmadabad 82.4 → 8.24 marks (A), Amreli 41.0 → 4.1 (C)
    assert snapshot.ranking is not None and snapshot.ranking.source == "local"
    assert [(r.entity, r.rank, r.score, r.grade) for r in snapshot.ranking.rows] == [
        ("438", 1, 8.24, "A"), ("439", 2, 4.1, "C")]
    assert snapshot.ranking_reason == RankingReason(ReasonKind.NO_CENTRAL, "local")  # the store answered 404
    assert snapshot.status.reachable is True and snapshot.status.last_success == NOW


def test_a_page_that_cannot_be_written_leaves_nothing_behind(tmp_path: Path) -> None:
    store = ScriptedStore()
    worker = make_worker(store, tmp_path, page_limit=2)
    first = worker.poll_observations()
    assert first is not None and worker.store.cursor() == "2"
    # The disk "fills" in the middle of the next page: its second row fails.
    with sqlite3.connect(worker.store.path) as db:
        db.execute("CREATE TRIGGER full BEFORE INSERT ON observations WHEN NEW.entity = '439' "
                   "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
    store.feed += [observation("438", 90.0, period="2026-11"), observation("439", 50.0, period="2026-11")]
    snapshot = worker.poll_observations()
    assert snapshot is not None
    assert "disk is full" in (snapshot.status.local_store_error or "")
    assert worker.store.cursor() == "2"  # cursor did not move past the lost page
    assert worker.store.observation_count() == 2  # the page's first row was rolled back too
    assert snapshot.series["PMJAY.CARDS"].periods == ("2026-10",)  # screen keeps the last good data
    # Space is freed: the same page is fetched again and nothing is lost.
    with sqlite3.connect(worker.store.path) as db:
        db.execute("DROP TRIGGER full")
    recovered = worker.poll_observations()
    assert recovered is not None and recovered.status.local_store_error is None
    assert worker.store.observation_count() == 4 and worker.store.cursor() == "4"


def test_unreachable_store_keeps_last_data_and_says_since_when(tmp_path: Path) -> None:
    store = ScriptedStore()
    worker = make_worker(store, tmp_path)
    good = worker.poll_all()
    store.down = True
    bad = worker.poll_observations()
    assert good is not None and bad is not None and bad.id > good.id
    assert bad.status.reachable is False and bad.status.unreachable_since == NOW
    assert "cannot connect" in (bad.status.last_error or "")
    assert bad.series is good.series and bad.catalog is good.catalog
    assert bad.status.last_success == NOW


def test_restart_with_store_down_shows_stored_data_at_once(tmp_path: Path) -> None:
    store = ScriptedStore()
    make_worker(store, tmp_path).poll_all()
    store.down = True
    restarted = make_worker(store, tmp_path)
    snapshot = restarted.load_local()
    assert store.requests.count("/v1/catalog") == 1  # load_local asked the network nothing
    assert snapshot.catalog is not None and snapshot.catalog.revision == "c-1"
    assert snapshot.ranking is not None and [r.entity for r in snapshot.ranking.ranked] == ["438", "439"]
    # and it resumes from the stored cursor rather than the start of the feed
    store.down = False
    store.feed.append(observation("439", 95.0))
    restarted.poll_observations()
    assert restarted.series["PMJAY.CARDS"].latest("439")[1] == pytest.approx(95.0)  # type: ignore[index]


def test_corrections_replace_earlier_values(tmp_path: Path) -> None:
    store = ScriptedStore()
    worker = make_worker(store, tmp_path)
    worker.poll_all()
    store.feed.append(observation("438", 12.0))  # a correction of (PMJAY.CARDS, 438, 2026-10)
    snapshot = worker.poll_observations()
    assert snapshot is not None and worker.store.observation_count() == 2
    assert snapshot.ranking is not None and snapshot.ranking.rows[0].entity == "439"


def test_nothing_new_means_no_new_snapshot(tmp_path: Path) -> None:
    worker = make_worker(ScriptedStore(), tmp_path)
    assert worker.poll_all() is not None
    assert worker.poll_observations() is None


def test_a_quiet_store_still_gets_its_feed_judged_against_the_clock(tmp_path: Path) -> None:
    """Nothing new for a minute: a snapshot all the same, so "late" counts do not freeze."""
    clock = [NOW]
    client = StoreClient("http://store.test", transport=httpx.MockTransport(ScriptedStore()))
    worker = SyncWorker(client, LocalStore(tmp_path), clock=lambda: clock[0])
    first = worker.poll_all()
    assert first is not None
    clock[0] = NOW + REJUDGE_EVERY / 2
    assert worker.poll_observations() is None  # nothing new, and not yet due
    clock[0] = NOW + timedelta(days=40)  # the monthly reports are now overdue
    later = worker.poll_observations()
    assert later is not None and later.created_at == clock[0]
    assert later.feed_quality.total.late > first.feed_quality.total.late


def test_when_the_central_ranking_returns_the_wall_records_where_its_estimate_differed(tmp_path: Path) -> None:
    store = ScriptedStore()
    worker = make_worker(store, tmp_path)
    fallback = worker.poll_all()
    assert fallback is not None and fallback.ranking.source == "local"  # type: ignore[union-attr]
    assert fallback.ranking_differences == ()
    # The store's ranking comes back and places Amreli first (local: Ahmadabad 8.24, Amreli 4.1).
    store.ranking = {"revision": "r-1", "period": "2026-10", "computed_at": "2026-11-22T10:45:00+05:30",
                     "rows": [{"entity": "439", "score": 8.5, "rank": 1, "grade": "A"},
                              {"entity": "438", "score": 8.24, "rank": 2, "grade": "A"}]}
    back = worker.poll_ranking()
    assert back is not None and back.ranking is not None and back.ranking.source == "central"
    assert {(d.entity, d.central_rank, d.local_rank) for d in back.ranking_differences} == {("439", 1, 2), ("438", 2, 1)}
    assert {(r["entity"], r["central_rank"], r["local_rank"]) for r in worker.store.differences()} == {
        ("439", 1, 2), ("438", 2, 1)}
    # Steady state on the central ranking: nothing new is recorded, the last fallback's record stays shown.
    store.feed.append(observation("438", 83.0))
    steady = worker.poll_observations()
    assert steady is not None and steady.ranking_differences == back.ranking_differences
    assert len(worker.store.differences()) == 2


def test_central_ranking_shows_which_districts_did_not_report(tmp_path: Path) -> None:
    store = ScriptedStore()
    store.feed = [observation("438", 82.4), observation("439", None)]  # Amreli reported "not available"
    # API v1 has no not-reported field: with missing "zero" the store publishes plain 0 marks.
    store.ranking = {"revision": "r-1", "period": "2026-10", "computed_at": "2026-11-22T10:45:00+05:30",
                     "rows": [{"entity": "438", "score": 8.24, "rank": 1, "grade": "A", "marks": {"PMJAY.CARDS": 8.24}},
                              {"entity": "439", "score": 0.0, "rank": 2, "grade": "D", "marks": {"PMJAY.CARDS": 0.0}}]}
    snapshot = make_worker(store, tmp_path).poll_all()
    assert snapshot is not None and snapshot.ranking is not None and snapshot.ranking.source == "central"
    assert row_of(snapshot.ranking, "439").not_reported == ("PMJAY.CARDS",)
    assert row_of(snapshot.ranking, "438").not_reported == ()
    assert row_of(snapshot.ranking, "439").score == 0.0  # the store's figures are untouched


def test_a_data_directory_belongs_to_one_store(tmp_path: Path) -> None:
    """Another store's feed read from this store's saved cursor would silently skip rows."""
    from cmwall.sync.local_store import LocalStore, LocalStoreError, store_identity

    first = LocalStore(tmp_path)
    first.claim(store_identity("https://store.one.example/", "gujarat", 1))
    first.claim(store_identity("https://store.one.example", "gujarat", 1))  # same store, same directory: fine
    with pytest.raises(LocalStoreError, match="another store"):
        first.claim(store_identity("https://store.two.example", "gujarat", 1))
    with pytest.raises(LocalStoreError, match="another store"):
        first.claim(store_identity(None, "city-crisis", 0))
    first.close()


def test_the_reason_follows_the_store_from_current_to_stale_to_unreachable(tmp_path: Path) -> None:
    store = ScriptedStore()
    store.ranking = {"revision": "r-1", "period": "2026-10", "computed_at": "2026-11-22T10:45:00+05:30",
                     "rows": [{"entity": "438", "score": 8.24, "rank": 1, "grade": "A"},
                              {"entity": "439", "score": 4.1, "rank": 2, "grade": "C"}]}
    worker = make_worker(store, tmp_path)
    current = worker.poll_all()
    assert current is not None and current.ranking_reason == RankingReason(ReasonKind.CENTRAL, "central")
    # A value reported after the store computed its ranking: the wall's own estimate is newer.
    store.feed.append({**observation("439", 95.0), "reported_at": "2026-11-22T11:00:00+05:30"})
    stale = worker.poll_observations()
    assert stale is not None and stale.ranking is not None and stale.ranking.source == "local"
    computed = datetime(2026, 11, 22, 5, 15, tzinfo=UTC)
    reported = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)
    assert stale.ranking_reason == RankingReason(ReasonKind.STALE, "local", central_computed_at=computed,
                                                 newest_observation=reported)
    store.down = True
    down = worker.poll_ranking()
    assert down is not None and down.ranking is not None and down.ranking.source == "local"
    assert down.ranking_reason.kind is ReasonKind.UNREACHABLE and down.ranking_reason.shown == "local"
    assert down.ranking_reason.error == down.status.last_error and "cannot connect" in (down.ranking_reason.error or "")

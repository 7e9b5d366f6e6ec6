"""New figures reach the screens before the store is asked for its re-rank (issue 12).

A store that ranks on request takes its time at state scale; the wall shows a feed
read's figures at once, with the ranking exactly as it last judged and showed it, and
judges the ranking anew (DESIGN.md: the store's, unless missing, unreachable or older
than the wall's data) in the poll's own snapshot once the store has answered.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from cmwall.sync.ranking.fallback import ReasonKind
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.worker import RANKING_FIELDS, SyncWorker

from .store_fakes import observation
from .test_sync_worker import ScriptedStore, make_worker

FIRST_RANKING = {"revision": "r-1", "period": "2026-10", "computed_at": "2026-11-22T10:45:00+05:30",
                 "rows": [{"entity": "438", "score": 8.24, "rank": 1, "grade": "A"},
                          {"entity": "439", "score": 4.1, "rank": 2, "grade": "C"}]}
RE_RANKED = {"revision": "r-2", "period": "2026-10", "computed_at": "2026-11-22T11:05:00+05:30",
             "rows": [{"entity": "439", "score": 9.5, "rank": 1, "grade": "A"},
                      {"entity": "438", "score": 8.24, "rank": 2, "grade": "A"}]}
NEW_REPORT = {**observation("439", 95.0), "reported_at": "2026-11-22T11:00:00+05:30"}


class RankingAskedAfterFigures(ScriptedStore):
    """Notes what the wall had put on screen when it asked for the ranking."""

    def __init__(self, shown: list[Snapshot]) -> None:
        super().__init__()
        self.shown = shown
        self.on_screen_when_asked: list[Snapshot | None] = []
        self.ranking_unreachable = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/rankings":
            self.on_screen_when_asked.append(self.shown[-1] if self.shown else None)
            if self.ranking_unreachable:
                raise httpx.ConnectError("Connection refused", request=request)
        return super().__call__(request)


def wall_on_central(tmp_path: Path) -> tuple[RankingAskedAfterFigures, SyncWorker, list[Snapshot], Snapshot]:
    shown: list[Snapshot] = []
    store = RankingAskedAfterFigures(shown)
    store.ranking = dict(FIRST_RANKING)
    worker = make_worker(store, tmp_path)
    worker.partial = shown.append  # as SyncService sets it: straight to the screens
    first = worker.poll_all()
    assert first is not None and first.ranking is not None and first.ranking.source == "central"
    shown.append(first)
    return store, worker, shown, first


def latest_value(snapshot: Snapshot, entity: str) -> float | None:
    latest = snapshot.series["PMJAY.CARDS"].latest(entity)
    return None if latest is None else latest[1]


def test_the_figures_are_on_screen_before_the_store_is_asked_and_the_ranking_is_the_one_shown(tmp_path: Path) -> None:
    store, worker, shown, first = wall_on_central(tmp_path)
    store.feed.append(NEW_REPORT)
    store.ranking = dict(RE_RANKED)

    final = worker.poll_observations()

    figures_first = store.on_screen_when_asked[-1]
    assert figures_first is not None and figures_first is not first and figures_first.id > first.id
    assert latest_value(figures_first, "439") == pytest.approx(95.0)  # the new figure, already on screen
    for name in RANKING_FIELDS:  # the ranking exactly as it was shown: not re-judged, no flip to the estimate
        assert getattr(figures_first, name) is getattr(first, name), name
    assert figures_first.ranking_reason.kind is ReasonKind.CENTRAL
    # The poll's own snapshot: the store's re-rank, judged anew and current.
    assert final is not None and final.id > figures_first.id
    assert final.ranking is not None and final.ranking.source == "central"
    assert [(r.entity, r.rank) for r in final.ranking.rows] == [("439", 1), ("438", 2)]
    assert final.ranking_reason.kind is ReasonKind.CENTRAL
    assert latest_value(final, "439") == pytest.approx(95.0)


def test_a_store_that_did_not_re_rank_is_judged_stale_once_it_has_answered(tmp_path: Path) -> None:
    store, worker, _shown, first = wall_on_central(tmp_path)
    store.feed.append(NEW_REPORT)  # reported 11:00, after the store's 10:45 ranking, which stays

    final = worker.poll_observations()

    asked_with = store.on_screen_when_asked[-1]
    assert asked_with is not None and asked_with is not first and asked_with.ranking is first.ranking
    assert final is not None and final.ranking is not None and final.ranking.source == "local"
    assert final.ranking_reason.kind is ReasonKind.STALE
    assert final.ranking_reason.newest_observation == datetime(2026, 11, 22, 5, 30, tzinfo=UTC)


def test_a_store_that_fails_to_answer_leaves_the_local_estimate_on_screen(tmp_path: Path) -> None:
    store, worker, _shown, first = wall_on_central(tmp_path)
    store.feed.append(NEW_REPORT)
    store.ranking_unreachable = True
    final = worker.poll_observations()

    asked_with = store.on_screen_when_asked[-1]
    assert asked_with is not None and asked_with is not first and asked_with.ranking is first.ranking
    assert final is not None and final.ranking is not None and final.ranking.source == "local"
    assert final.ranking_reason.kind is ReasonKind.UNREACHABLE
    assert latest_value(final, "439") == pytest.approx(95.0)


def test_while_the_local_estimate_is_shown_a_poll_publishes_once_with_it_re_ranked(tmp_path: Path) -> None:
    shown: list[Snapshot] = []
    store = RankingAskedAfterFigures(shown)  # no ranking at all: the wall shows its estimate
    worker = make_worker(store, tmp_path)
    worker.partial = shown.append
    first = worker.poll_all()
    assert first is not None and first.ranking is not None and first.ranking.source == "local"
    store.feed.append(NEW_REPORT)

    final = worker.poll_observations()

    assert shown == []  # no snapshot before the poll's own: the estimate is re-ranked on the new data
    assert final is not None and final.ranking is not None and final.ranking.source == "local"
    assert [(r.entity, r.rank) for r in final.ranking.rows] == [("439", 1), ("438", 2)]

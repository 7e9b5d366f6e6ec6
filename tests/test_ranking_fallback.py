"""choose_ranking / compare_rankings: which ranking the wall shows, and why."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from cmwall.sync.ranking.fallback import (
    NO_RANKING,
    RankDifference,
    RankingReason,
    ReasonKind,
    choose_ranking,
    compare_rankings,
)
from cmwall.sync.ranking.result import RankedEntity, RankingResult, RankingSource

T = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def result(
    source: RankingSource, computed_at: datetime, rows: Sequence[tuple[str, float | None, int | None]] = ()
) -> RankingResult:
    return RankingResult(
        period="2026-10",
        rows=tuple(RankedEntity(e, s, r, None) for e, s, r in rows),
        source=source,
        computed_at=computed_at,
    )


CENTRAL = result("central", T)
LOCAL = result("local", T + timedelta(minutes=5))


def test_central_preferred_when_current() -> None:
    current = RankingReason(ReasonKind.CENTRAL, "central")
    assert choose_ranking(CENTRAL, LOCAL, central_error=None, newest_observation=T - timedelta(hours=1)) == (CENTRAL, current)
    assert choose_ranking(CENTRAL, LOCAL, central_error=None, newest_observation=T) == (CENTRAL, current)  # not older
    assert choose_ranking(CENTRAL, None, central_error=None, newest_observation=None) == (CENTRAL, current)
    assert not current.is_fallback


def test_local_when_central_missing_unreachable_or_stale() -> None:
    shown, reason = choose_ranking(None, LOCAL, central_error=None, newest_observation=T)
    assert shown is LOCAL and reason == RankingReason(ReasonKind.NO_CENTRAL, "local")
    shown, reason = choose_ranking(CENTRAL, LOCAL, central_error="timed out", newest_observation=None)
    assert shown is LOCAL and reason == RankingReason(ReasonKind.UNREACHABLE, "local", error="timed out")
    newer = T + timedelta(seconds=1)
    shown, reason = choose_ranking(CENTRAL, LOCAL, central_error=None, newest_observation=newer)
    assert shown is LOCAL
    assert reason == RankingReason(ReasonKind.STALE, "local", central_computed_at=T, newest_observation=newer)
    assert reason.is_fallback


def test_never_blank_without_local() -> None:
    shown, reason = choose_ranking(CENTRAL, None, central_error="HTTP 500", newest_observation=None)
    assert shown is CENTRAL and reason == RankingReason(ReasonKind.UNREACHABLE, "central", error="HTTP 500")
    assert reason.is_fallback  # the store's last ranking, not a current one
    later = T + timedelta(days=1)
    shown, reason = choose_ranking(CENTRAL, None, central_error=None, newest_observation=later)
    assert shown is CENTRAL
    assert reason == RankingReason(ReasonKind.STALE, "central", central_computed_at=T, newest_observation=later)
    assert choose_ranking(None, None, central_error="down", newest_observation=None) == (
        None, RankingReason(ReasonKind.NO_RANKING, None, error="down"))
    assert choose_ranking(None, None, central_error=None, newest_observation=None) == (None, NO_RANKING)


def test_compare_lists_entities_placed_differently() -> None:
    central = result("central", T, [("A", 9.1, 1), ("B", 8.0, 2), ("C", 7.0, 3), ("D", 6.0, 4), ("E", None, None)])
    local = result("local", T, [("B", 8.5, 1), ("A", 8.2, 2), ("C", 7.0, 3), ("E", 5.0, 4), ("F", None, None)])
    assert compare_rankings(central, local) == (
        RankDifference("A", 1, 2, 9.1, 8.2),
        RankDifference("B", 2, 1, 8.0, 8.5),
        RankDifference("D", 4, None, 6.0, None),
        RankDifference("E", None, 4, None, 5.0),
    )
    assert compare_rankings(central, central) == ()

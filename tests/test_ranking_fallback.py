"""choose_ranking / compare_rankings: which ranking the wall shows, and why."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from cmwall.sync.ranking.fallback import RankDifference, choose_ranking, compare_rankings
from cmwall.sync.ranking.result import RankedEntity, RankingResult

T = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def result(source: str, computed_at: datetime, rows: list[tuple[str, float | None, int | None]] = ()) -> RankingResult:
    return RankingResult(
        period="2026-10",
        rows=tuple(RankedEntity(e, s, r, None) for e, s, r in rows),
        source=source,  # type: ignore[arg-type]
        computed_at=computed_at,
    )


CENTRAL = result("central", T)
LOCAL = result("local", T + timedelta(minutes=5))


def test_central_preferred_when_current() -> None:
    assert choose_ranking(CENTRAL, LOCAL, central_error=None, newest_observation=T - timedelta(hours=1)) == (CENTRAL, "central ranking")
    assert choose_ranking(CENTRAL, LOCAL, central_error=None, newest_observation=T)[0] is CENTRAL  # not older
    assert choose_ranking(CENTRAL, None, central_error=None, newest_observation=None)[0] is CENTRAL


def test_local_when_central_missing_unreachable_or_stale() -> None:
    shown, reason = choose_ranking(None, LOCAL, central_error=None, newest_observation=T)
    assert shown is LOCAL and "no ranking" in reason and reason.startswith("local estimate")
    shown, reason = choose_ranking(CENTRAL, LOCAL, central_error="timed out", newest_observation=None)
    assert shown is LOCAL and "unreachable (timed out)" in reason
    shown, reason = choose_ranking(CENTRAL, LOCAL, central_error=None, newest_observation=T + timedelta(seconds=1))
    assert shown is LOCAL and "older than the data" in reason


def test_never_blank_without_local() -> None:
    shown, reason = choose_ranking(CENTRAL, None, central_error="HTTP 500", newest_observation=None)
    assert shown is CENTRAL and "unreachable (HTTP 500)" in reason and "no local ranking" in reason
    shown, reason = choose_ranking(CENTRAL, None, central_error=None, newest_observation=T + timedelta(days=1))
    assert shown is CENTRAL and "older than the data" in reason
    assert choose_ranking(None, None, central_error="down", newest_observation=None) == (None, "no ranking yet")
    assert choose_ranking(None, None, central_error=None, newest_observation=None) == (None, "no ranking yet")


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

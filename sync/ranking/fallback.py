"""Which ranking the wall shows, and where central and local disagree.

DESIGN.md: prefer the central store's ranking; when it is missing (404), out of
reach, or older than the observations the wall holds, show the local ranking and
say so; when the store answers again, go back to it. These are pure functions of
what the sync service knows; the returned reason is one line for the status strip.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .result import RankingResult

REASON_CENTRAL = "central ranking"
REASON_MISSING = "local estimate: central store has no ranking"
REASON_UNREACHABLE = "local estimate: central store unreachable ({error})"
REASON_STALE = "local estimate: central ranking older than the data"
REASON_STALE_NO_LOCAL = "central ranking (older than the data; no local ranking)"
REASON_UNREACHABLE_NO_LOCAL = "last central ranking: central store unreachable ({error}); no local ranking"
REASON_NONE = "no ranking yet"


@dataclass(frozen=True)
class RankDifference:
    """An entity placed differently by the central store and the local engine."""

    entity: str
    central_rank: int | None
    local_rank: int | None
    central_score: float | None
    local_score: float | None


def choose_ranking(
    central: RankingResult | None,
    local: RankingResult | None,
    *,
    central_error: str | None,
    newest_observation: datetime | None,
) -> tuple[RankingResult | None, str]:
    """(ranking to show, reason) — central unless missing, unreachable or stale.

    `central` is the store's latest ranking (None after a 404 or before the first
    poll); `central_error` the last poll's failure, if it failed. Without a local
    ranking the central one is shown even when unreachable or stale (the wall never
    goes blank), and the reason says so. Both datetimes must be aware.
    """
    if central_error is not None:
        if local is not None:
            return local, REASON_UNREACHABLE.format(error=central_error)
        if central is not None:
            return central, REASON_UNREACHABLE_NO_LOCAL.format(error=central_error)
        return None, REASON_NONE
    if central is None:
        return (local, REASON_MISSING) if local is not None else (None, REASON_NONE)
    if newest_observation is not None and central.computed_at < newest_observation:
        return (local, REASON_STALE) if local is not None else (central, REASON_STALE_NO_LOCAL)
    return central, REASON_CENTRAL


def compare_rankings(central: RankingResult, local: RankingResult) -> tuple[RankDifference, ...]:
    """Entities whose rank differs (an entity absent from one side has rank None there).

    Ordered by central rank (unranked last), then local rank, then entity code.
    """
    central_rows = {r.entity: r for r in central.rows}
    local_rows = {r.entity: r for r in local.rows}
    out = []
    for entity in central_rows.keys() | local_rows.keys():
        c, lo = central_rows.get(entity), local_rows.get(entity)
        c_rank, l_rank = (c.rank if c else None), (lo.rank if lo else None)
        if c_rank != l_rank:
            out.append(RankDifference(entity, c_rank, l_rank, c.score if c else None, lo.score if lo else None))
    out.sort(key=lambda d: (d.central_rank is None, d.central_rank or 0, d.local_rank is None, d.local_rank or 0, d.entity))
    return tuple(out)

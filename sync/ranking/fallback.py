"""Which ranking the wall shows, why, and where central and local disagree.

DESIGN.md: prefer the central store's ranking; when it is missing (404), out of
reach, or older than the observations the wall holds, show the local ranking and
say so; when the store answers again, go back to it. These are pure functions of
what the sync service knows. The reason is a value with fields, not a sentence:
the wall words it in its current language (wall/status_text.py), the audit record
keeps its fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .result import RankingResult, RankingSource


class ReasonKind(StrEnum):
    """The central store's situation that decided which ranking is shown."""

    CENTRAL = "central"  # the store's ranking, at least as new as the data
    NO_CENTRAL = "no-central"  # the store has no ranking (404) or none was fetched yet
    UNREACHABLE = "unreachable"  # the last poll of the store failed (`error` says how)
    STALE = "stale"  # the store's ranking was computed before the newest observation
    NOT_STORED = "not-stored"  # stored history: the store's ranking came after the moment shown
    NO_RANKING = "no-ranking"  # neither the store's ranking nor a local one


@dataclass(frozen=True)
class RankingReason:
    """Why the wall shows the ranking it shows, with what the wording needs.

    `shown` is the source of the ranking this reason explains ("central",
    "local"; None when there is none): an unreachable or stale store with no
    local estimate still shows the store's last ranking, and says so.
    """

    kind: ReasonKind
    shown: RankingSource | None
    error: str | None = None  # UNREACHABLE: the failed poll's one line
    central_computed_at: datetime | None = None  # STALE: when the store computed its ranking
    newest_observation: datetime | None = None  # STALE: the newest data the wall holds

    @property
    def is_fallback(self) -> bool:
        """The central ranking is not shown as current: the wall must say why."""
        return self.kind is not ReasonKind.CENTRAL


NO_RANKING = RankingReason(ReasonKind.NO_RANKING, None)


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
) -> tuple[RankingResult | None, RankingReason]:
    """(ranking to show, reason) — central unless missing, unreachable or stale.

    `central` is the store's latest ranking (None after a 404 or before the first
    poll); `central_error` the last poll's failure, if it failed. Without a local
    ranking the central one is shown even when unreachable or stale (the wall never
    goes blank), and the reason says so. Both datetimes must be aware.
    """
    fallback = local if local is not None else central
    if fallback is None:
        return None, RankingReason(ReasonKind.NO_RANKING, None, error=central_error)
    if central_error is not None:
        return fallback, RankingReason(ReasonKind.UNREACHABLE, fallback.source, error=central_error)
    if central is None:
        return fallback, RankingReason(ReasonKind.NO_CENTRAL, fallback.source)
    if newest_observation is not None and central.computed_at < newest_observation:
        return fallback, RankingReason(ReasonKind.STALE, fallback.source, central_computed_at=central.computed_at,
                                       newest_observation=newest_observation)
    return central, RankingReason(ReasonKind.CENTRAL, "central")


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

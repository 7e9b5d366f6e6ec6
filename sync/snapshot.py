"""The immutable snapshot: everything the screens may show, as of one moment.

The sync worker builds one after every change and hands it to the GUI thread; the
GUI never reads the network or the database. Snapshots carry a monotonically
increasing `id` so a late delivery can never replace newer data on screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from .contract import Catalog
from .observations import ObservationTable
from .ranking.fallback import RankDifference
from .ranking.result import RankingResult
from .series import KpiSeries


@dataclass(frozen=True)
class SyncStatus:
    """How the link to the central store stands, for the status strip."""

    store_url: str
    reachable: bool | None = None  # None: not tried yet
    unreachable_since: datetime | None = None
    last_success: datetime | None = None  # last poll that completed
    last_attempt: datetime | None = None
    last_error: str | None = None  # one line, fit for the screen
    local_store_error: str | None = None  # disk full, permissions …


@dataclass(frozen=True, eq=False)
class Snapshot:
    id: int
    created_at: datetime
    status: SyncStatus
    catalog: Catalog | None = None
    series: Mapping[str, KpiSeries] = field(default_factory=lambda: MappingProxyType({}))
    data_as_of: datetime | None = None  # newest reported_at the wall holds
    # Ranking shown on the wall (central, or the local estimate) and its context.
    ranking: RankingResult | None = None
    ranking_reason: str = ""  # why this source, e.g. "central store has no ranking"
    previous_ranking: RankingResult | None = None  # same source, previous month: movement
    central_ranking: RankingResult | None = None
    local_ranking: RankingResult | None = None
    # After a fallback ends: where the local estimate that was shown placed districts
    # differently from the central ranking that replaced it (until the next fallback).
    ranking_differences: tuple[RankDifference, ...] = ()
    # Observations of the ranked month and the one before: input for explanations.
    ranking_table: ObservationTable = field(default_factory=ObservationTable.empty)

    @property
    def ranking_is_local(self) -> bool:
        return self.ranking is not None and self.ranking.source == "local"

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

from .client import FailureKind
from .contract import Catalog
from .crisis_watch import NO_CRISIS_RULES, CrisisState
from .derived_facts import NOT_DERIVED, Derived
from .feed_quality import NO_FEED_QUALITY, FeedQuality
from .ranking.audit import RankingAudit
from .ranking.fallback import NO_RANKING, RankDifference, RankingReason
from .ranking.inputs import RankingInput
from .ranking.result import RankingResult
from .series import KpiSeries
from .store_faults import DataDirEvent, StoreFault


@dataclass(frozen=True)
class SyncProgress:
    """A feed read under way that has run long enough to be shown (a first sync, or catching
    up after an outage): what is stored so far. A snapshot carrying it holds PART of the
    store's data: the screens say so and judge nothing "all clear" from it."""

    rows: int  # observations stored so far in this read
    pages: int
    started_at: datetime
    first: bool  # the wall held no observations before this read
    total: int | None = None  # rows the read will bring, when the store says; None: unknown


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
    local_store_fault: StoreFault | None = None  # what local_store_error is (sync/store_faults.py); only with it
    data_dir_event: DataDirEvent | None = None  # the data directory was deleted or replaced, and re-opened
    failure_kind: FailureKind | None = None  # what last_error is: "stalled", "auth", "tls" … (sync/client.py)
    http_status: int | None = None  # the store's refusal, e.g. 401
    retry_at: datetime | None = None  # a refused token or untrusted certificate: polls wait until then
    syncing: SyncProgress | None = None  # a long feed read under way: the snapshot's data is partial


@dataclass(frozen=True)
class HistoryView:
    """The snapshot shows the local store as it was at a past moment (`--as-of`, `replay`),
    not the live central store: the status strip and audit records say so."""

    mode: str  # "as-of" | "replay"
    moment: datetime  # the wall's "now": only what had been reported by then is in the snapshot
    speed: float | None = None  # replay: replayed seconds per wall second
    until: datetime | None = None  # replay: where it stops
    stored_from: datetime | None = None  # oldest and newest observation in the local store
    stored_until: datetime | None = None
    catalog_fetched_at: datetime | None = None  # the store keeps the latest catalog only
    central_ranking_withheld: bool = False  # the stored central ranking is newer than `moment`

    @property
    def ended(self) -> bool:
        return self.until is not None and self.moment >= self.until

    @property
    def catalog_is_later(self) -> bool:
        """The catalog on screen was fetched after `moment` (names, targets may have changed since)."""
        return self.catalog_fetched_at is not None and self.catalog_fetched_at > self.moment


@dataclass(frozen=True, eq=False)
class Snapshot:
    id: int
    created_at: datetime
    status: SyncStatus
    catalog: Catalog | None = None
    series: Mapping[str, KpiSeries] = field(default_factory=lambda: MappingProxyType({}))
    data_as_of: datetime | None = None  # newest reported_at the wall holds
    # The store's feed cursor the wall has read to: with the catalog and central ranking
    # revisions, the data version wall PCs of one wall compare (wall/peer_protocol.py).
    feed_cursor: str | None = None
    # Ranking shown on the wall (central, or the local estimate) and its context.
    ranking: RankingResult | None = None
    ranking_reason: RankingReason = NO_RANKING  # why this source (worded by the wall)
    previous_ranking: RankingResult | None = None  # same source, previous month: movement
    central_ranking: RankingResult | None = None
    local_ranking: RankingResult | None = None
    # After a fallback ends: where the local estimate that was shown placed districts
    # differently from the central ranking that replaced it (until the next fallback).
    ranking_differences: tuple[RankDifference, ...] = ()
    # The local engine's check of the latest central ranking (sync/ranking/audit.py): where
    # the store's ranking differs from it, or where the wall cannot yet tell.
    ranking_audit: RankingAudit | None = None
    # What the local engine ranked (the ranked month and the one before): explanations come from it.
    ranking_input: RankingInput = field(default_factory=RankingInput.empty)
    # Set when the snapshot is stored history (sync/history.py), None on the live wall.
    history: HistoryView | None = None
    # Rejected, late and implausible rows (sync/feed_quality.py), judged on the sync thread.
    feed_quality: FeedQuality = NO_FEED_QUALITY
    # Alerts and explanations the screens want, derived on the sync thread (sync/derive.py).
    derived: Derived = NOT_DERIVED
    # The crisis rules' state (sync/crisis_watch.py), watched across snapshots on the sync thread.
    crisis: CrisisState = NO_CRISIS_RULES

    @property
    def partial(self) -> bool:
        """Published mid-way through a long feed read: part of the store's data, not all of it."""
        return self.status.syncing is not None

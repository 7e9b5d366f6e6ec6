"""Pacing the partial snapshots of a long feed read. Qt-free.

A first sync of a state's store reads millions of rows in hundreds of pages and takes
minutes; a wall that stays blank all that time looks broken. So the worker shows
what it has stored so far, marked partial (`SyncStatus.syncing`), while the read goes
on — but not after every page: pages may be tiny. Every `every_s` the screens hear
how far the read has come; a snapshot with the data stored so far (which costs the
sync thread its derived facts, seconds at 3,400 KPIs) goes with it only as often as
keeps those snapshots under `max_share` of the read's time; in between, the last
snapshot is restated with the new progress, at no cost. A read that ends within
`every_s` shows nothing: a quiet poll never says "syncing".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from .snapshot import SyncProgress

PARTIAL_EVERY_S = 2.0
MAX_SHARE = 0.2  # at most this share of a long read goes into its snapshots with data

Monotonic = Callable[[], float]


class FeedReadProgress:
    def __init__(self, started_at: datetime, *, first: bool, every_s: float = PARTIAL_EVERY_S,
                 max_share: float = MAX_SHARE, monotonic: Monotonic = time.monotonic) -> None:
        self.started_at = started_at
        self.first = first
        self.every_s = every_s
        self.max_share = max_share
        self.monotonic = monotonic
        self.rows = 0
        self.pages = 0
        self.total: int | None = None
        self.with_data = 0  # snapshots with data sent so far (tests, benchmarks)
        self._last_sent = self._last_data = monotonic()
        self._data_wait_s = every_s

    def page(self, rows: int) -> SyncProgress | None:
        """One more page stored; the progress to show when it is time to, else None."""
        self.rows += rows
        self.pages += 1
        if self.monotonic() - self._last_sent < self.every_s:
            return None
        return SyncProgress(rows=self.rows, pages=self.pages, started_at=self.started_at, first=self.first,
                            total=self.total)

    def send(self, with_data: Callable[[], None], progress_only: Callable[[], None]) -> None:
        """Show the progress: with the data stored so far when that is due (timed: a costly
        snapshot spaces out the next ones, so the read keeps most of the thread), else as
        a restatement of the last snapshot."""
        now = self.monotonic()
        if now - self._last_data < self._data_wait_s:
            progress_only()
            self._last_sent = self.monotonic()
            return
        with_data()
        self._last_sent = self._last_data = self.monotonic()
        self.with_data += 1
        cost = self._last_data - now
        self._data_wait_s = max(self.every_s, cost * (1 - self.max_share) / self.max_share)

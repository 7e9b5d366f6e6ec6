"""How the link to the central store stands, from the outcome of each poll.

Kept apart from the worker because the rules are about the link, not the data:

- A stall (the whole-request deadline passed) is remembered per document until that
  document is fetched whole again, so a quick ranking poll between two stalled
  observation polls does not turn the strip back to "reachable" while no new data
  can arrive.
- A refused token or an untrusted certificate will not cure itself in ten seconds:
  polls wait, doubling from `FIRST_BACKOFF` up to `MAX_BACKOFF`, and the status says
  until when (`retry_at`), so the wall can show when the next try is.
- Anything else (outage, 5xx, a bad body) is retried at the usual interval.

Only the sync thread uses a tracker; it is not thread-safe and need not be.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from .client import StoreError, StoreRejected
from .snapshot import SyncStatus

FIRST_BACKOFF = timedelta(seconds=10)
MAX_BACKOFF = timedelta(minutes=10)
BACKED_OFF_KINDS = frozenset({"auth", "tls"})


class LinkTracker:
    def __init__(self, first_backoff: timedelta = FIRST_BACKOFF, max_backoff: timedelta = MAX_BACKOFF) -> None:
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self._backoff: timedelta | None = None
        self._stalling: dict[str, str] = {}  # document → its stall, in one line

    @staticmethod
    def waiting(status: SyncStatus, now: datetime) -> bool:
        """True while a backoff runs: the poll should not contact the store."""
        return status.retry_at is not None and now < status.retry_at

    def retry_now(self, status: SyncStatus) -> SyncStatus:
        """The operator asked for a refresh: end the wait, keep the doubling."""
        return replace(status, retry_at=None)

    def failed(self, status: SyncStatus, err: StoreError, document: str, now: datetime) -> SyncStatus:
        retry_at = None
        if err.kind in BACKED_OFF_KINDS:
            self._backoff = self.first_backoff if self._backoff is None else min(self._backoff * 2, self.max_backoff)
            retry_at = now + self._backoff
        if err.kind == "stalled":
            self._stalling[document] = str(err)
        return replace(
            status,
            reachable=False,
            unreachable_since=status.unreachable_since if status.reachable is False else now,
            last_attempt=now,
            last_error=str(err),
            failure_kind=err.kind,
            http_status=err.status if isinstance(err, StoreRejected) else None,
            retry_at=retry_at,
        )

    def succeeded(self, status: SyncStatus, document: str, now: datetime) -> SyncStatus:
        self._backoff = None
        self._stalling.pop(document, None)
        if self._stalling:  # another document still stalls: the store is not all right
            return replace(status, last_success=now, last_attempt=now, retry_at=None, local_store_error=None,
                           reachable=False, failure_kind="stalled", http_status=None,
                           last_error=next(iter(self._stalling.values())),
                           unreachable_since=status.unreachable_since if status.reachable is False else now)
        return replace(status, reachable=True, unreachable_since=None, last_success=now, last_attempt=now,
                       last_error=None, local_store_error=None, failure_kind=None, http_status=None, retry_at=None)

"""The observation log behind `/v1/observations`: compact, sequenced, latest-wins.

Every observation gets the next sequence number when it is appended. A later
observation for the same (kpi, entity, period) supersedes the earlier one, which
then leaves the feed: the feed is "the latest observation per key, in sequence
order", so a client paging with `since` sees corrections as new rows and never a
stale duplicate. Rows are held in parallel numpy arrays (about 40 bytes a row) so
the 1.35 M-row benchmark catalog fits comfortably; superseded and expired rows are
compacted away from time to time, and since sequence numbers are stored, cursors
stay valid across compaction.

Keys are looked up through a sorted array of the keys present at the last
compaction plus a small dict of keys appended since.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

KPI_SHIFT = 40
ENTITY_SHIFT = 24
_RECENT_LIMIT = 200_000


def make_keys(kpi: np.ndarray, entity: np.ndarray, period: np.ndarray) -> np.ndarray:
    return (
        (kpi.astype(np.int64) << KPI_SHIFT) | (entity.astype(np.int64) << ENTITY_SHIFT) | period.astype(np.int64)
    )


@dataclass(frozen=True)
class Page:
    rows: np.ndarray  # indices into the log's arrays, in sequence order
    cursor: int
    more: bool


class ObservationLog:
    """Append-only sequenced rows with latest-per-key semantics. Not thread-safe."""

    def __init__(self) -> None:
        self._n = 0
        cap = 1024
        self.kpi = np.empty(cap, np.int32)
        self.entity = np.empty(cap, np.int32)
        self.period = np.empty(cap, np.int32)
        self.value = np.empty(cap, np.float64)
        self.reported_at = np.empty(cap, np.float64)
        self.seq = np.empty(cap, np.int64)
        self.alive = np.empty(cap, np.bool_)
        self._key = np.empty(cap, np.int64)
        self._last_seq = 0
        self._dead = 0
        self._index_keys = np.empty(0, np.int64)  # sorted keys of alive rows at the last compaction
        self._index_rows = np.empty(0, np.int64)
        self._recent: dict[int, int] = {}  # key -> row, for rows appended since

    # --- size -------------------------------------------------------------
    def __len__(self) -> int:
        """Rows held, alive or not yet compacted."""
        return self._n

    @property
    def last_seq(self) -> int:
        return self._last_seq

    @property
    def alive_count(self) -> int:
        return self._n - self._dead

    def _grow(self, extra: int) -> None:
        need = self._n + extra
        cap = self.value.shape[0]
        if need <= cap:
            return
        while cap < need:
            cap *= 2
        for name in ("kpi", "entity", "period", "value", "reported_at", "seq", "alive", "_key"):
            old = getattr(self, name)
            new = np.empty(cap, old.dtype)
            new[: self._n] = old[: self._n]
            setattr(self, name, new)

    # --- writing ----------------------------------------------------------
    def append(
        self, kpi: np.ndarray, entity: np.ndarray, period: np.ndarray, value: np.ndarray, reported_at: np.ndarray
    ) -> None:
        """Append rows (keys unique within the call); they supersede earlier rows of the same keys."""
        m = int(value.shape[0])
        if m == 0:
            return
        keys = make_keys(kpi, entity, period)
        old_rows = self._lookup(keys)
        found = old_rows[old_rows >= 0]
        if found.size:
            was_alive = self.alive[found]
            self.alive[found] = False
            self._dead += int(was_alive.sum())
        self._grow(m)
        start, stop = self._n, self._n + m
        self.kpi[start:stop] = kpi
        self.entity[start:stop] = entity
        self.period[start:stop] = period
        self.value[start:stop] = value
        self.reported_at[start:stop] = reported_at
        self.seq[start:stop] = np.arange(self._last_seq + 1, self._last_seq + 1 + m, dtype=np.int64)
        self.alive[start:stop] = True
        self._key[start:stop] = keys
        self._n = stop
        self._last_seq += m
        if m > _RECENT_LIMIT // 4 or len(self._recent) + m > _RECENT_LIMIT:
            self.compact()
        else:
            self._recent.update(zip(keys.tolist(), range(start, stop)))
            if self._dead > max(50_000, self.alive_count):
                self.compact()

    def drop_periods(self, periods: Iterable[int]) -> int:
        """Remove every row of these period ids from the feed; returns how many."""
        ids = np.fromiter(periods, dtype=np.int32)
        if ids.size == 0 or self._n == 0:
            return 0
        hit = np.isin(self.period[: self._n], ids) & self.alive[: self._n]
        count = int(hit.sum())
        if count:
            self.alive[: self._n][hit] = False
            self._dead += count
            if self._dead > max(50_000, self.alive_count):
                self.compact()
        return count

    def _lookup(self, keys: np.ndarray) -> np.ndarray:
        rows = np.full(keys.shape[0], -1, np.int64)
        if self._index_keys.size:
            pos = np.searchsorted(self._index_keys, keys)
            pos_c = np.minimum(pos, self._index_keys.size - 1)
            hit = self._index_keys[pos_c] == keys
            rows[hit] = self._index_rows[pos_c[hit]]
        if self._recent:
            get = self._recent.get
            for i, k in enumerate(keys.tolist()):
                r = get(k)
                if r is not None:
                    rows[i] = r
        return rows

    def compact(self) -> None:
        """Drop superseded and expired rows and rebuild the key index."""
        n = self._n
        keep = np.flatnonzero(self.alive[:n])
        for name in ("kpi", "entity", "period", "value", "reported_at", "seq", "_key"):
            arr = getattr(self, name)
            arr[: keep.size] = arr[keep]
        self.alive[: keep.size] = True
        self._n = int(keep.size)
        self._dead = 0
        order = np.argsort(self._key[: self._n], kind="stable")
        self._index_keys = self._key[: self._n][order].copy()
        self._index_rows = order.astype(np.int64)
        self._recent = {}

    # --- reading ----------------------------------------------------------
    def page(self, since: int, limit: int) -> Page:
        """Alive rows with sequence > since, at most `limit`, in sequence order."""
        n = self._n
        start = int(np.searchsorted(self.seq[:n], since, side="right"))
        alive_idx = np.flatnonzero(self.alive[start:n])
        if alive_idx.size > limit:
            rows = alive_idx[:limit] + start
            return Page(rows, int(self.seq[rows[-1]]), True)
        return Page(alive_idx + start, max(self._last_seq, since), False)

    def alive_rows(self) -> np.ndarray:
        return np.flatnonzero(self.alive[: self._n])

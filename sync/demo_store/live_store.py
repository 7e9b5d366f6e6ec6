"""What every demo store profile shares: a clock-driven feed served as API v1 resources.

A profile (Gujarat's districts, a city's hospitals, ...) only says what exists (its
catalog) and what gets reported when (a `Source`). Everything else is the same for
all of them and lives here: the observation log brought up to the clock lazily on
each request, instant periods expiring after a retention window, `/v1/catalog` and
`/v1/observations` as ready-made JSON bytes with strong ETags (the feed's last page: one
naming the feed's end, so polling an unchanged store costs one 304), `/healthz`, and the
bearer-token check. Subclasses add `ranking()`; the base publishes none (HTTP 404).

Thread-safe: one lock around generation and reads, so the threaded HTTP server can
serve several clients at once.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import numpy as np
import orjson

from ..contract import Catalog
from .feed import ObservationLog
from .serialize import observations_body
from .timeline import IST, Clock, system_clock, to_posix

DEFAULT_LIMIT = 5000
MAX_LIMIT = 50000


class BadRequest(ValueError):
    """A request parameter is invalid (HTTP 400)."""


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


@dataclass(frozen=True)
class Resource:
    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Resource:
        return cls(body, etag_of(body))


@dataclass(frozen=True)
class Batch:
    """Observations of one period, as columns; KPI and entity are indices into the store's lists."""

    kpi: np.ndarray
    entity: np.ndarray
    period: str
    value: np.ndarray
    reported_at: np.ndarray


class Source(Protocol):
    """What a profile reports, as a pure function of the clock."""

    def emit(self, t_prev: float | None, t_now: float) -> list[Batch]:
        """Observations reported in (t_prev, t_now]; from the start of history when t_prev is None."""

    def instant_cutoff(self, t_now: float) -> str:
        """Instant periods ("…THH:MM") that sort before this string have left the feed."""


class LiveLog:
    """Observation log + period ids + a source: everything that moves with the clock."""

    def __init__(self, source: Source) -> None:
        self.log = ObservationLog()
        self.source = source
        self.periods: list[str] = []
        self.period_ids: dict[str, int] = {}
        self.crisis_periods: dict[str, int] = {}  # instant period -> id, for expiry
        self.t_gen: float | None = None
        self.expiries = 0  # times rows left the feed without a new cursor (part of the feed's ETags)
        self.newest_report = -math.inf  # the newest reported_at ever appended (a ranking's ETag holds until then)

    def period_id(self, period: str) -> int:
        pid = self.period_ids.get(period)
        if pid is None:
            pid = self.period_ids[period] = len(self.periods)
            self.periods.append(period)
            if "T" in period:
                self.crisis_periods[period] = pid
        return pid

    def advance(self, now: float) -> None:
        if self.t_gen is not None and now <= self.t_gen:
            return
        self._append(self.source.emit(self.t_gen, now))
        cutoff = self.source.instant_cutoff(now)
        expired = [p for p in self.crisis_periods if p < cutoff]
        if expired and self.log.drop_periods(self.crisis_periods.pop(p) for p in expired):
            self.expiries += 1
        self.t_gen = now

    def _append(self, batches: list[Batch]) -> None:
        if not batches:
            return
        self.newest_report = max([self.newest_report] + [float(b.reported_at.max()) for b in batches if b.reported_at.size])
        self.log.append(
            np.concatenate([b.kpi for b in batches]).astype(np.int32),
            np.concatenate([b.entity for b in batches]).astype(np.int32),
            np.concatenate([np.full(b.value.size, self.period_id(b.period), np.int32) for b in batches]),
            np.concatenate([b.value for b in batches]).astype(np.float64),
            np.concatenate([b.reported_at for b in batches]).astype(np.float64),
        )


class LiveStore:
    """The API v1 resources of a profile. Subclasses call `_setup` and implement `_new_source`."""

    @property
    def ranking_mode(self) -> str:
        """What /healthz says of the ranking: "none" for a profile that publishes none."""
        return "none"

    def __init__(self, seed: int = 0, clock: Clock = system_clock, token: str | None = None) -> None:
        self.seed = seed
        self.clock = clock
        self.token = token or None
        self._lock = threading.RLock()
        self._instance = secrets.token_hex(4)  # a restarted store never matches an older feed ETag

    def _setup(self, catalog_json: dict[str, Any], kpi_codes: list[str]) -> None:
        """Publish this catalog; `kpi_codes` orders the KPI indices the source emits."""
        self._catalog_json = catalog_json
        self._catalog = Resource.of(orjson.dumps(catalog_json))
        self._catalog_model: Catalog | None = None
        self.kpi_codes = kpi_codes
        self.entity_codes: list[str] = [e["code"] for e in catalog_json["entities"]]
        self._kpi_json = np.array([orjson.dumps(c).decode() for c in self.kpi_codes], dtype=object)
        self._entity_json = np.array([orjson.dumps(c).decode() for c in self.entity_codes], dtype=object)
        self._state = LiveLog(self._new_source())

    def _new_source(self) -> Source:
        raise NotImplementedError

    @property
    def catalog_model(self) -> Catalog:
        if self._catalog_model is None:
            self._catalog_model = Catalog.model_validate(self._catalog_json)
        return self._catalog_model

    # --- clock ---------------------------------------------------------------
    def now(self) -> float:
        return to_posix(self.clock())

    def advance(self) -> None:
        """Bring the observation log up to the clock."""
        with self._lock:
            self._state.advance(self.now())

    # --- resources -------------------------------------------------------------
    def catalog(self) -> Resource:
        return self._catalog

    def observations(self, since: str | None = None, limit: str | int | None = None) -> Resource:
        since_seq = _parse_since(since)
        n = _parse_limit(limit)
        with self._lock:
            state = self._state
            state.advance(self.now())
            log = state.log
            if since_seq > log.last_seq:
                since_seq = 0  # a cursor from another run of the store: start over
            page = log.page(since_seq, n)
            body = observations_body(
                cursor=str(page.cursor), more=page.more, kpi_json=self._kpi_json[log.kpi[page.rows]],
                entity_json=self._entity_json[log.entity[page.rows]],
                period=[state.periods[p] for p in log.period[page.rows].tolist()],
                value=log.value[page.rows], reported_at=log.reported_at[page.rows],
            )
            if page.more:
                return Resource.of(body)
            # The last page's ETag names the feed's end, not the page's bytes: a client that
            # read up to this cursor sends it with its next poll from the cursor and gets 304
            # while nothing has arrived — one 304 per poll of an unchanged store.
            return Resource(body, f'"obs-{self._instance}-{page.cursor}-{state.expiries}"')

    def add_report(self, kpi: str, entity: str, period: str, value: float, reported_at: float) -> int:
        """One observation reported out of the profile's schedule, on the feed as soon as this
        returns (a benchmark's or a test's figure that changes at a moment of its choosing);
        like any report it supersedes an earlier one of the same KPI, entity and period.
        Returns the feed's new cursor."""
        with self._lock:
            state = self._state
            state.advance(self.now())
            state._append([Batch(np.array([self.kpi_codes.index(kpi)]), np.array([self.entity_codes.index(entity)]),
                                 period, np.array([value], np.float64), np.array([reported_at], np.float64))])
            return state.log.last_seq

    def ranking(self, period: str | None = None) -> Resource | None:
        """The published ranking, or None (HTTP 404) when there is none to publish."""
        return None

    def health(self) -> Resource:
        with self._lock:
            self._state.advance(self.now())
            body: dict[str, Any] = {
                "status": "ok", "cursor": str(self._state.log.last_seq),
                "observations": self._state.log.alive_count, "ranking": self.ranking_mode,
                "time": datetime.fromtimestamp(self.now(), IST).isoformat(timespec="seconds"),
            }
        return Resource.of(orjson.dumps(body))

    def check_token(self, authorization: str | None) -> bool:
        """True when no token is configured or the header carries it."""
        if self.token is None:
            return True
        expected = f"Bearer {self.token}"
        return authorization is not None and hmac.compare_digest(authorization.encode(), expected.encode())


def _parse_since(since: str | None) -> int:
    if since is None or since == "":
        return 0
    if not since.isdigit() or len(since) > 18:
        raise BadRequest("since must be a cursor returned by this store")
    return int(since)


def _parse_limit(limit: str | int | None) -> int:
    if limit is None or limit == "":
        return DEFAULT_LIMIT
    if isinstance(limit, int):
        n = limit
    elif limit.isdigit() and len(limit) <= 9:
        n = int(limit)
    else:
        raise BadRequest(f"limit must be an integer from 1 to {MAX_LIMIT}")
    if not 1 <= n <= MAX_LIMIT:
        raise BadRequest(f"limit must be an integer from 1 to {MAX_LIMIT}")
    return n

"""`DemoStore`: the embedded central store, independent of HTTP.

Holds the catalog, the observation log and the clock; brings the log up to the
clock lazily on every request; answers the three API v1 resources as ready-made
JSON bytes (the WSGI app in app.py only routes and adds HTTP concerns). Rankings
are computed with the wall's own engine (`cmwall.sync.ranking.engine`) so the
store and the wall's fallback agree by construction, and cached per
(period, observation sequence).

Thread-safe: one lock around generation and reads, so the threaded HTTP server
can serve several clients at once.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import numpy as np
import orjson

from ..contract import MONTH_RE, Catalog
from ..observations import ObservationTable
from .catalog import build_catalog_json, crisis_kpi_codes, monthly_kpis
from .feed import ObservationLog
from .generator import Batch, EntityIndex, Generator
from .geography import DISTRICTS, STATE_CODE
from .serialize import observations_body
from .timeline import IST, Clock, hour_period, month_index, system_clock, to_posix

RankingMode = Literal["live", "withheld", "stale"]
RANKING_MODES: tuple[str, ...] = ("live", "withheld", "stale")
DEFAULT_LIMIT = 5000
MAX_LIMIT = 50000
STALE_STEP = 900.0  # a stale ranking is computed from the data as of up to 30 min ago


class BadRequest(ValueError):
    """A request parameter is invalid (HTTP 400)."""


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


@dataclass(frozen=True)
class Resource:
    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> "Resource":
        return cls(body, etag_of(body))


class _State:
    """Observation log + generator + period ids: everything that moves with the clock."""

    def __init__(self, store: "DemoStore") -> None:
        self.log = ObservationLog()
        self.generator = Generator(
            store._kpis, store._crisis_codes, store._populations, store._entity_index, store.seed
        )
        self.periods: list[str] = []
        self.period_ids: dict[str, int] = {}
        self.crisis_periods: dict[str, int] = {}  # hour period -> id, for expiry
        self.t_gen: float | None = None
        self.first_month = 0

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
        if self.t_gen is None:
            self.first_month = month_index(now) - 11
        batches = self.generator.emit(self.t_gen, now, self.first_month)
        self._append(batches)
        cutoff_period = hour_period(self.generator.crisis_cutoff(now))
        expired = [p for p in self.crisis_periods if p < cutoff_period]
        if expired:
            self.log.drop_periods(self.crisis_periods.pop(p) for p in expired)
        self.t_gen = now

    def _append(self, batches: list[Batch]) -> None:
        if not batches:
            return
        self.log.append(
            np.concatenate([b.kpi for b in batches]).astype(np.int32),
            np.concatenate([b.entity for b in batches]).astype(np.int32),
            np.concatenate([np.full(b.value.size, self.period_id(b.period), np.int32) for b in batches]),
            np.concatenate([b.value for b in batches]).astype(np.float64),
            np.concatenate([b.reported_at for b in batches]).astype(np.float64),
        )


class DemoStore:
    """The demo central store: realistic, moving, deterministic data for Gujarat."""

    def __init__(
        self,
        seed: int = 0,
        clock: Clock = system_clock,
        scale_kpis: int | None = None,
        token: str | None = None,
        ranking_mode: RankingMode = "live",
    ) -> None:
        if ranking_mode not in RANKING_MODES:
            raise ValueError(f"ranking_mode must be one of {RANKING_MODES}")
        if scale_kpis is not None and scale_kpis < 1:
            raise ValueError("scale_kpis must be a positive number of KPIs")
        self.seed = seed
        self.clock = clock
        self.token = token or None
        self._ranking_mode: RankingMode = ranking_mode
        self._lock = threading.RLock()
        self._kpis = monthly_kpis(scale_kpis)
        self._crisis_codes = crisis_kpi_codes()
        catalog_json = build_catalog_json(self._kpis)
        self._catalog_json = catalog_json
        self._catalog = Resource.of(orjson.dumps(catalog_json))
        self._catalog_model: Catalog | None = None
        self.kpi_codes: list[str] = [k.spec.code for k in self._kpis] + self._crisis_codes
        self.entity_codes: list[str] = [e["code"] for e in catalog_json["entities"]]
        entity_pos = {c: i for i, c in enumerate(self.entity_codes)}
        self._entity_index = EntityIndex(
            state=entity_pos[STATE_CODE],
            districts=np.array([entity_pos[d.code] for d in DISTRICTS]),
            facilities=np.array([i for i, e in enumerate(catalog_json["entities"]) if e["level"] == "facility"]),
        )
        self._populations = np.array([d.population_lakh for d in DISTRICTS])
        self._ranked = np.zeros(len(self.kpi_codes), np.bool_)
        self._ranked[: len(self._kpis)] = [k.spec.method is not None for k in self._kpis]
        self._kpi_json = np.array([orjson.dumps(c).decode() for c in self.kpi_codes], dtype=object)
        self._entity_json = np.array([orjson.dumps(c).decode() for c in self.entity_codes], dtype=object)
        self._state = _State(self)
        self._ranking_cache: dict[tuple[str | None, int, str], Resource | None] = {}

    # --- configuration -------------------------------------------------------
    @property
    def ranking_mode(self) -> RankingMode:
        return self._ranking_mode

    def set_ranking_mode(self, mode: RankingMode) -> None:
        if mode not in RANKING_MODES:
            raise ValueError(f"ranking mode must be one of {RANKING_MODES}")
        with self._lock:
            self._ranking_mode = mode

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

    @property
    def last_sequence(self) -> int:
        with self._lock:
            self._state.advance(self.now())
            return self._state.log.last_seq

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
        return Resource.of(body)

    def ranking(self, period: str | None = None) -> Resource | None:
        """The published ranking, or None (HTTP 404) when there is none to publish."""
        if period is not None and not MONTH_RE.match(period):
            raise BadRequest("period must be a month, YYYY-MM")
        with self._lock:
            mode = self._ranking_mode
            if mode == "withheld":
                return None
            now = self.now()
            self._state.advance(now)
            if mode == "live":
                key = (period, self._state.log.last_seq, mode)
                state, computed_at = self._state, now
            else:
                as_of = (np.floor(now / STALE_STEP) - 1) * STALE_STEP
                key = (period, int(as_of), mode)
                state, computed_at = None, as_of
            if key in self._ranking_cache:
                return self._ranking_cache[key]
            if state is None:
                state = _State(self)
                state.advance(computed_at)
            result = self._compute_ranking(state, period, computed_at)
            if len(self._ranking_cache) > 16:
                self._ranking_cache.clear()
            self._ranking_cache[key] = result
            return result

    def _compute_ranking(self, state: _State, period: str | None, computed_at: float) -> Resource | None:
        from ..ranking.engine import compute_ranking  # written in parallel; imported when needed

        table = self.ranked_table(state)
        result = compute_ranking(
            self.catalog_model, table, period,
            computed_at=datetime.fromtimestamp(computed_at, IST), revision=f"r-{state.log.last_seq:06d}",
        )
        if result is None:
            return None
        return Resource.of(orjson.dumps(result.to_contract_json()))

    def ranked_table(self, state: "_State | None" = None) -> ObservationTable:
        """The current (latest per key) observations of ranked KPIs, as the engine's input."""
        st = state or self._state
        log = st.log
        rows = log.alive_rows()
        rows = rows[self._ranked[log.kpi[rows]]]
        kpi_names = np.array(self.kpi_codes, dtype=object)
        entity_names = np.array(self.entity_codes, dtype=object)
        period_names = np.array(st.periods, dtype=object)
        return ObservationTable(
            kpi_names[log.kpi[rows]], entity_names[log.entity[rows]], period_names[log.period[rows]],
            log.value[rows].copy(), log.reported_at[rows].copy(),
        )

    def health(self) -> Resource:
        with self._lock:
            self._state.advance(self.now())
            body: dict[str, Any] = {
                "status": "ok", "cursor": str(self._state.log.last_seq),
                "observations": self._state.log.alive_count, "ranking": self._ranking_mode,
                "time": datetime.fromtimestamp(self.now(), IST).isoformat(timespec="seconds"),
            }
        return Resource.of(orjson.dumps(body))

    def check_token(self, authorization: str | None) -> bool:
        """True when no token is configured or the header carries it."""
        if self.token is None:
            return True
        import hmac

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

"""`DemoStore`: the embedded central store with Gujarat's data, independent of HTTP.

The Gujarat profile of the demo store: its catalog (districts, departments, schemes,
KPIs), its generator, and the published ranking. The feed machinery shared with
other profiles (log, clock, paging, ETags, token) is `live_store.LiveStore`.
Rankings are computed with the wall's own engine (`cmwall.sync.ranking.engine`) so
the store and the wall's fallback agree by construction, and cached per
(period, observation sequence).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, TypeGuard

import numpy as np
import orjson

from ..contract import MONTH_RE
from ..observations import ObservationTable
from .catalog import build_catalog_json, crisis_kpi_codes, monthly_kpis
from .generator import EntityIndex, Generator
from .geography import DISTRICTS, STATE_CODE
from .live_store import DEFAULT_LIMIT, MAX_LIMIT, BadRequest, LiveLog, LiveStore, Resource, Source, etag_of
from .timeline import IST, Clock, system_clock

__all__ = ["BadRequest", "DEFAULT_LIMIT", "DemoStore", "MAX_LIMIT", "RANKING_MODES", "RankingMode", "Resource",
           "etag_of"]

RankingMode = Literal["live", "withheld", "stale"]
RANKING_MODES: tuple[str, ...] = ("live", "withheld", "stale")


def is_ranking_mode(mode: str) -> TypeGuard[RankingMode]:
    return mode in RANKING_MODES
DISTRICT_POSITION = {d.code: i for i, d in enumerate(DISTRICTS)}
STALE_STEP = 900.0  # a stale ranking is computed from the data as of up to 30 min ago


class DemoStore(LiveStore):
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
        super().__init__(seed, clock, token)
        self._ranking_mode: RankingMode = ranking_mode
        self._kpis = monthly_kpis(scale_kpis)
        self._crisis_codes = crisis_kpi_codes()
        catalog_json = build_catalog_json(self._kpis)
        entity_pos = {e["code"]: i for i, e in enumerate(catalog_json["entities"])}
        self._entity_index = EntityIndex(
            state=entity_pos[STATE_CODE],
            districts=np.array([entity_pos[d.code] for d in DISTRICTS]),
            facilities=np.array([i for i, e in enumerate(catalog_json["entities"]) if e["level"] == "facility"]),
            talukas=np.array([i for i, e in enumerate(catalog_json["entities"]) if e["level"] == "taluka"]),
            taluka_district=np.array([DISTRICT_POSITION[str(e["parent"])] for e in catalog_json["entities"]
                                      if e["level"] == "taluka"]),
        )
        self._populations = np.array([d.population_lakh for d in DISTRICTS])
        kpi_codes = [k.spec.code for k in self._kpis] + self._crisis_codes
        self._ranked = np.zeros(len(kpi_codes), np.bool_)
        self._ranked[: len(self._kpis)] = [k.spec.method is not None for k in self._kpis]
        self._ranking_cache: dict[tuple[str | None, int, str], Resource | None] = {}
        # (period asked, mode) -> the ranking last published, its content without `computed_at`
        # and `revision`, and its computed_at (POSIX): published again while it still holds.
        self._published: dict[tuple[str | None, str], tuple[Resource, bytes, float]] = {}
        self._setup(catalog_json, kpi_codes)

    def _new_source(self) -> Source:
        return Generator(self._kpis, self._crisis_codes, self._populations, self._entity_index, self.seed)

    # --- configuration -------------------------------------------------------
    @property
    def ranking_mode(self) -> RankingMode:
        return self._ranking_mode

    def set_ranking_mode(self, mode: RankingMode) -> None:
        if mode not in RANKING_MODES:
            raise ValueError(f"ranking mode must be one of {RANKING_MODES}")
        with self._lock:
            self._ranking_mode = mode

    # --- ranking ---------------------------------------------------------------
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
            key: tuple[str | None, int, str]
            if mode == "live":
                key = (period, self._state.log.last_seq, mode)
                state: LiveLog | None = self._state
                computed_at = now
            else:
                as_of = (np.floor(now / STALE_STEP) - 1) * STALE_STEP
                key = (period, int(as_of), mode)
                state, computed_at = None, as_of
            if key in self._ranking_cache:
                return self._ranking_cache[key]
            if state is None:
                state = LiveLog(self._new_source())
                state.advance(computed_at)
            result = self._compute_ranking(state, period, computed_at, mode)
            if len(self._ranking_cache) > 16:
                self._ranking_cache.clear()
            self._ranking_cache[key] = result
            return result

    def _compute_ranking(self, state: LiveLog, period: str | None, computed_at: float, mode: str) -> Resource | None:
        """The ranking of `state`; the one published before (same ETag: a client's poll gets 304)
        when its rows and period are the same and no observation is newer than its
        `computed_at` — a newer one must move `computed_at` on, or the wall would rightly
        take the ranking for one computed before its newest data (sync/ranking/fallback.py)."""
        from ..ranking.engine import compute_ranking  # written in parallel; imported when needed

        table = self.ranked_table(state)
        result = compute_ranking(
            self.catalog_model, table, period,
            computed_at=datetime.fromtimestamp(computed_at, IST), revision=f"r-{state.log.last_seq:06d}",
        )
        if result is None:
            return None
        document = result.to_contract_json()
        content = orjson.dumps({k: v for k, v in document.items() if k not in ("computed_at", "revision")})
        held = self._published.get((period, mode))
        if held is not None and held[1] == content and state.newest_report <= held[2]:
            return held[0]
        published = Resource.of(orjson.dumps(document))
        self._published[(period, mode)] = (published, content, computed_at)
        return published

    def ranked_table(self, state: LiveLog | None = None) -> ObservationTable:
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

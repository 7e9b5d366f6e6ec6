"""`CityCrisisStore`: the demo store's city-crisis profile (Lucknow's hospitals in a crisis).

A second, deliberately different store for the wall to run against: another state
(Uttar Pradesh), no districts, about 300 hospitals reporting bed snapshots at
irregular instants, KPI codes of its own, thresholds mostly left to the wall, a
ranking of hospitals with ten long grade names, and no published ranking at all
(`/v1/rankings` answers 404, so the wall's local engine is the only ranking).
The feed, paging, ETags and token check are the shared `LiveStore` machinery.
"""

from __future__ import annotations

from .city_catalog import KPI_CODES, build_city_catalog_json
from .city_feed import CitySource
from .city_hospitals import HOSPITALS
from .city_values import CityModel
from .live_store import LiveStore, Source
from .timeline import Clock, system_clock


class CityCrisisStore(LiveStore):
    """Deterministic per seed: the same seed and clock readings give the same feed."""

    def __init__(self, seed: int = 0, clock: Clock = system_clock, token: str | None = None) -> None:
        super().__init__(seed, clock, token)
        self._setup(build_city_catalog_json(), list(KPI_CODES))

    def _new_source(self) -> Source:
        return CitySource(CityModel(HOSPITALS, self.seed), self.seed)

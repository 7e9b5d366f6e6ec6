"""`CityCrisisStore`: the demo store's city-crisis profile (Lucknow's hospitals in a crisis).

A second, deliberately different store for the wall to run against: another state
(Uttar Pradesh), no districts, about 300 hospitals reporting bed snapshots at
irregular instants, KPI codes of its own, thresholds mostly left to the wall, a
ranking of hospitals with ten long grade names, and no published ranking at all
(`/v1/rankings` answers 404, so the wall's local engine is the only ranking).
The feed, paging, ETags and token check are the shared `LiveStore` machinery.
A larger city (`hospitals`, e.g. 600 for the crisis latency benchmark) keeps the
first 300 hospitals as they are, so layouts that name hospitals still find them.
"""

from __future__ import annotations

from .city_catalog import KPI_CODES, build_city_catalog_json
from .city_feed import CitySource
from .city_hospitals import HOSPITAL_COUNT, city_hospitals
from .city_values import CityModel
from .live_store import LiveStore, Source
from .timeline import Clock, system_clock


class CityCrisisStore(LiveStore):
    """Deterministic per seed: the same seed and clock readings give the same feed."""

    def __init__(self, seed: int = 0, clock: Clock = system_clock, token: str | None = None,
                 hospitals: int = HOSPITAL_COUNT) -> None:
        if not 1 <= hospitals <= 999:  # codes are LKO-H001 … LKO-H999
            raise ValueError("hospitals must be from 1 to 999")
        super().__init__(seed, clock, token)
        self.hospitals = city_hospitals(hospitals)
        self._setup(build_city_catalog_json(self.hospitals), list(KPI_CODES))

    def _new_source(self) -> Source:
        return CitySource(CityModel(self.hospitals, self.seed), self.seed)

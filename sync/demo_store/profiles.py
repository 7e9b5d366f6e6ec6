"""The demo store's profiles by name: which state's data the embedded store serves.

`gujarat` (the default) is the CM dashboard of DESIGN.md: 33 districts, 16
departments, a published district ranking. `city-crisis` is a city health
department's hospital bed portal in another state (see `city_store`). Both the
`demo-store` command and the wall's `--demo-profile` start stores through
`make_store`, so a profile means the same thing everywhere.
"""

from __future__ import annotations

from ..demo_profile_names import CITY_CRISIS, DEFAULT_PROFILE, GUJARAT, PROFILES
from .city_store import CityCrisisStore
from .live_store import LiveStore
from .store import RANKING_MODES, DemoStore, is_ranking_mode
from .timeline import Clock, system_clock

__all__ = ["CITY_CRISIS", "DEFAULT_PROFILE", "GUJARAT", "PROFILES", "make_store"]


def make_store(
    profile: str = DEFAULT_PROFILE,
    *,
    seed: int = 0,
    clock: Clock = system_clock,
    token: str | None = None,
    ranking_mode: str = "live",
    scale_kpis: int | None = None,
) -> LiveStore:
    """A demo store of this profile. Raises ValueError for an unknown profile or option.

    `ranking_mode` and `scale_kpis` shape the Gujarat profile; the city-crisis
    profile always withholds its ranking and has a fixed catalog.
    """
    if profile == GUJARAT:
        if not is_ranking_mode(ranking_mode):
            raise ValueError(f"ranking mode must be one of {', '.join(RANKING_MODES)}")
        return DemoStore(seed=seed, clock=clock, scale_kpis=scale_kpis, token=token,
                         ranking_mode=ranking_mode)
    if profile == CITY_CRISIS:
        if scale_kpis is not None:
            raise ValueError(f"profile {CITY_CRISIS!r} has a fixed catalog: --scale-kpis applies to {GUJARAT!r} only")
        if ranking_mode not in ("live", "withheld"):
            raise ValueError(f"profile {CITY_CRISIS!r} publishes no ranking: ranking mode {ranking_mode!r} "
                             f"applies to {GUJARAT!r} only")
        return CityCrisisStore(seed=seed, clock=clock, token=token)
    raise ValueError(f"unknown demo profile {profile!r}: choose one of {', '.join(PROFILES)}")

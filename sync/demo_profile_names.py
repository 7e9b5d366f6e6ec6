"""The demo store's profile names, apart from the demo store itself.

The wall's configuration and command line name the profiles (`--demo-profile`, its
default and check) even when the wall polls a real store; importing them from
`sync.demo_store` loaded the whole demo store (its generators, catalogs, place names
and HTTP server: ~20 modules, ~1.4 MB resident) into every wall for nothing (issue 12).
`sync.demo_store.profiles` re-exports these names.
"""

from __future__ import annotations

GUJARAT = "gujarat"
CITY_CRISIS = "city-crisis"
PROFILES: tuple[str, ...] = (GUJARAT, CITY_CRISIS)
DEFAULT_PROFILE = GUJARAT

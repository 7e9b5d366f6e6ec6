"""How options written for an older layout schema version are read today.

A tile type's `migrations[n]` (tile_types.py) turns options of a schema-n file into
those of schema n+1; they live here because an old format is history: schema 1's
capacity tile was defined by one store's KPI codes (the Gujarat demo's `HFW.…`), so
reading such a file faithfully means saying them. Nothing else in the wall's code
may (tests/test_codes_check.py); each old format is kept as a fixture in
tests/fixtures/layouts/.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

OptionsMigration = Callable[[dict[str, Any]], dict[str, Any]]


class OptionsMigrationError(ValueError):
    """Old options that cannot be carried over as they were; the message says what to write instead."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key  # the option at fault, for the problem's field path


# Schema 1's capacity tile knew one store's codes: `bed_types` picked columns among
# HFW.BEDS.<KIND>.OCC / .TOTAL, and HFW.O2.STOCK_HOURS was always the stock column.
# Schema 2 names every used/total pair and stock KPI in the layout (or takes the
# catalog's `capacity_of`), so an old tile is rewritten to what it showed.
V1_BED_TYPES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "general": ("GEN", "General"), "oxygen": ("O2", "Oxygen"), "icu": ("ICU", "ICU"), "ventilator": ("VENT", "Ventilator"),
})
V1_STOCK_KPI = "HFW.O2.STOCK_HOURS"
V1_OCCUPANCY = {"occupancy_warn": 85.0, "occupancy_critical": 95.0}  # schema 1's defaults, as [thresholds.occupancy]'s


def capacity_bed_types_to_pairs(options: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 → 2: `bed_types` (default all four) become `pairs`, the oxygen stock a
    `stock` column. Per-tile occupancy thresholds left the tile for the layout's
    `[thresholds.occupancy]` (the loader moves them there before this runs)."""
    out = dict(options)
    for new_key in ("pairs", "stock"):
        if new_key in out:
            raise OptionsMigrationError(new_key, f"`{new_key}` is an option of schema_version 2: "
                                                 "set schema_version = 2 at the top of the file")
    kinds = out.pop("bed_types", tuple(V1_BED_TYPES))
    if not isinstance(kinds, (list, tuple)) or any(not isinstance(kind, str) or kind not in V1_BED_TYPES
                                                   for kind in kinds):
        raise OptionsMigrationError("bed_types", f"expected a list of {', '.join(V1_BED_TYPES)} (got {kinds!r})")
    out["pairs"] = [{"used": f"HFW.BEDS.{V1_BED_TYPES[kind][0]}.OCC", "total": f"HFW.BEDS.{V1_BED_TYPES[kind][0]}.TOTAL",
                     "label": V1_BED_TYPES[kind][1]} for kind in kinds]
    out["stock"] = [V1_STOCK_KPI]
    return out

"""Every tile type, declared once: its name, option model, option version and widget.

A layout names a tile by `type`; this table says what that name means everywhere:
the option model `main.py check` and the loader validate against (which also says,
through `needed_codes()`, which catalog codes the tile needs), the version of those
options with the migrations that read older layout files, and the widget class that
draws it. The widget is named as "module:Class" and imported only by the wall
(widgets/registry.py), so layouts/ stays Qt-free and validates every tile's options
without loading a widget.

Option versions follow the layout file's `schema_version`: a tile type's `version`
is the schema version in which its options took their present form, and
`migrations[n]` turns options written in a schema-n file into those of schema n+1.
The loader runs them when it upgrades an older file (loader.MIGRATIONS), so a
layout written last week keeps working. Each old format stays as a fixture in
tests/fixtures/layouts/.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .old_formats import OptionsMigration, capacity_bed_types_to_pairs
from .tile_options import (
    AlertsOptions,
    AttentionOptions,
    BannerOptions,
    BreakdownOptions,
    CapacityOptions,
    ChildrenOptions,
    ClockOptions,
    FeedQualityOptions,
    FreshnessOptions,
    GrievanceOptions,
    KpiOptions,
    MapOptions,
    RankingOptions,
    RunningOutOptions,
    TileOptions,
    TrendOptions,
)


@dataclass(frozen=True)
class TileType:
    """One tile type as layouts, `check` and the wall all know it."""

    name: str
    options: type[TileOptions]
    widget: str  # "cmwall.widgets.tiles.kpi_tile:KpiTile", imported by widgets/registry.py only
    version: int = 1  # the layout schema version in which these options took their present form
    migrations: Mapping[int, OptionsMigration] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.version < 1 or any(not 1 <= n < self.version for n in self.migrations):
            raise ValueError(f"tile type {self.name!r}: migrations {sorted(self.migrations)} must upgrade "
                             f"versions below its version {self.version}")
        if ":" not in self.widget:
            raise ValueError(f"tile type {self.name!r}: widget {self.widget!r} is not 'module:Class'")


def _widget(module: str, cls: str) -> str:
    return f"cmwall.widgets.tiles.{module}:{cls}"


TILE_TYPES: Mapping[str, TileType] = MappingProxyType({t.name: t for t in (
    TileType("kpi", KpiOptions, _widget("kpi_tile", "KpiTile")),
    TileType("ranking", RankingOptions, _widget("ranking_tile", "RankingTile")),
    TileType("map", MapOptions, _widget("map_tile", "MapTile")),
    TileType("trend", TrendOptions, _widget("trend_tile", "TrendTile")),
    TileType("breakdown", BreakdownOptions, _widget("breakdown_tile", "BreakdownTile")),
    TileType("freshness", FreshnessOptions, _widget("freshness_tile", "FreshnessTile")),
    TileType("feed_quality", FeedQualityOptions, _widget("feed_quality_tile", "FeedQualityTile")),
    TileType("grievance", GrievanceOptions, _widget("grievance_tile", "GrievanceTile")),
    TileType("attention", AttentionOptions, _widget("attention_tile", "AttentionTile")),
    TileType("capacity", CapacityOptions, _widget("capacity_tile", "CapacityTile"),
             version=2, migrations={1: capacity_bed_types_to_pairs}),
    TileType("running_out", RunningOutOptions, _widget("running_out_tile", "RunningOutTile")),
    TileType("alerts", AlertsOptions, _widget("alerts_tile", "AlertsTile")),
    TileType("clock", ClockOptions, _widget("clock_tile", "ClockTile")),
    TileType("banner", BannerOptions, _widget("banner_tile", "BannerTile")),
    TileType("children", ChildrenOptions, _widget("children_tile", "ChildrenTile")),
)})

# The option model of each type, by name (what the layout schema validates against).
TILE_OPTIONS: Mapping[str, type[TileOptions]] = MappingProxyType({name: t.options for name, t in TILE_TYPES.items()})


def type_of_options(model: type[TileOptions]) -> str | None:
    """The tile type whose options `model` is, or None (a widget takes its name from here)."""
    return next((name for name, t in TILE_TYPES.items() if t.options is model), None)

"""Option schemas of every tile type, by the name layout files use.

Layout files are data: each tile's `options` table is validated here, without Qt,
so `main.py check` and the wall report the same errors before any window exists.
The widget registered under the same name (widgets/) receives the validated model.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class TileOptions(BaseModel):
    """Options every tile accepts; unknown keys are errors (a typo must not pass silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = None  # overrides the tile's own heading (English)
    title_local: dict[str, str] = Field(default_factory=dict)  # language code -> heading


class KpiOptions(TileOptions):
    kpi: str
    entity: str | None = None  # None: the state
    sparkline_periods: int = Field(default=12, ge=2, le=36)


class RankingOptions(TileOptions):
    level: str | None = None  # default: the catalog's ranking level
    by: Literal["overall", "sector", "department", "scheme", "kpi"] = "overall"
    code: str | None = None  # the sector/department/scheme/KPI code when `by` is not overall
    mode: Literal["top", "bottom", "all"] = "all"
    count: int = Field(default=10, ge=1, le=500)
    highlight: str | None = None  # an entity code to highlight
    seconds_per_row: float = Field(default=2.5, gt=0)  # auto-scroll speed in mode "all"


class MapOptions(TileOptions):
    colour_by: Literal["score", "grade", "kpi"] = "score"
    kpi: str | None = None  # when colour_by is "kpi"
    boundaries: str | None = None  # own GeoJSON / Shapefile / GeoPackage / FlatGeobuf instead of the bundled one
    code_field: str = "DIST_LGD"  # attribute holding the district code (districts are checked by name too)
    facilities: bool = True  # markers for facilities with lat/lon, coloured by occupancy of the catalog's used/total pairs
    occupancy_kpi: str | None = None  # the "used" KPI of one pair to judge by; default: each facility's worst pair
    facility_kpi: str | None = None  # colour markers by this KPI's alert thresholds instead of occupancy
    show_names: bool = True

    @model_validator(mode="after")
    def _one_marker_rule(self) -> "MapOptions":
        if self.facility_kpi is not None and self.occupancy_kpi is not None:
            raise ValueError("give facility_kpi or occupancy_kpi, not both: markers have one colour rule")
        return self


class TrendOptions(TileOptions):
    kpi: str
    entities: tuple[str, ...] = ()
    include_state: bool = True
    periods: int = Field(default=12, ge=2, le=96)


class BreakdownOptions(TileOptions):
    entity: str
    count: int = Field(default=6, ge=1, le=30)  # KPIs that cost the most marks


class FreshnessOptions(TileOptions):
    count: int = Field(default=12, ge=1, le=100)


class GrievanceOptions(TileOptions):
    count: int = Field(default=12, ge=1, le=100)


class AttentionOptions(TileOptions):
    entity: str | None = None  # None: the state
    count: int = Field(default=8, ge=1, le=50)


class CapacityOptions(TileOptions):
    level: Literal["district", "facility"] = "facility"
    count: int = Field(default=10, ge=1, le=200)
    bed_types: tuple[Literal["general", "oxygen", "icu", "ventilator"], ...] = ("general", "oxygen", "icu", "ventilator")
    # Bed occupancy (%) past which a row is a warning / critical, when the catalog has no
    # alert thresholds on the occupied-beds KPI.
    occupancy_warn: float = Field(default=85.0, ge=0, le=100)
    occupancy_critical: float = Field(default=95.0, ge=0, le=100)


class AlertsOptions(TileOptions):
    count: int = Field(default=12, ge=1, le=200)
    minimum: Literal["warn", "critical"] = "warn"
    kpis: tuple[str, ...] = ()  # only KPIs whose code starts with one of these; empty: every KPI


class ClockOptions(TileOptions):
    show_date: bool = True


class BannerOptions(TileOptions):
    text: str = ""
    text_local: dict[str, str] = Field(default_factory=dict)
    logo: str | None = None  # path to a PNG/SVG, relative to the layout file


TILE_OPTIONS: dict[str, type[TileOptions]] = {
    "kpi": KpiOptions,
    "ranking": RankingOptions,
    "map": MapOptions,
    "trend": TrendOptions,
    "breakdown": BreakdownOptions,
    "freshness": FreshnessOptions,
    "grievance": GrievanceOptions,
    "attention": AttentionOptions,
    "capacity": CapacityOptions,
    "alerts": AlertsOptions,
    "clock": ClockOptions,
    "banner": BannerOptions,
}

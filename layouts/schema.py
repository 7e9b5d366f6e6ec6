"""The layout file format, as pydantic models (schema_version 2; older files are upgraded by loader.py).

A layout file (TOML) says which tiles go where: on which screen of the wall, on which
page, in which cells of the screen's grid. These models check the structure and each
tile's options (through `TILE_OPTIONS`, by the tile's `type`); `loader.py` adds the
checks that span several fields (grid bounds, overlaps, references) and turns every
problem into one line naming the file, the field path and what was expected.

Shape of a file::

    schema_version = 2
    name = "CM residence"
    language = "en"            # en | hi | gu: the wall's starting language
    rotation = true            # pages rotate by wall-clock time

    [spread]                   # optional: how the screens spread over more or fewer monitors
    fewer = "rotate"           # screens without a monitor of their own are shown in turn
    [[spread.plans]]           # or say it per number of monitors
    monitors = [["overview", "map"], ["trends"]]

    [[surfaces]]               # optional: one large output split into panels
    id = "videowall"
    output = "HDMI-1"          # connector name, or `index = 0`
    rows = 2
    cols = 2
    bezel_px = [24, 24]        # surface pixels behind each vertical / horizontal seam

    [[screens]]
    id = "overview"
    output = "DP-1"            # match by connector name; else `index`; else list position
    # surface = "videowall"    # or: a panel of a surface (row-major `panel` index)
    # panel = 0
    # optional = true          # extra screen: used when connected, no warning when not
    rows = 2
    cols = 3
    [[screens.pinned]]         # tiles shown on every page of this screen
    type = "clock"
    row = 0
    col = 2
    [[screens.pages]]
    title = "State overview"
    dwell = 30                 # seconds this page stays up in each rotation
    [[screens.pages.tiles]]
    type = "kpi"
    row = 0
    col = 0
    row_span = 1
    col_span = 1
    options = { kpi = "PMJAY.CARDS" }
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, create_model, model_validator

from ..sync.derived_facts import Wants
from ..sync.thresholds import Band, Thresholds
from .crisis_spec import CrisisSpec
from .sync_spec import SyncSpec
from .tile_options import LAYOUT_MODEL_CONFIG, TileOptions, arrays_as_tuples
from .tile_types import TILE_OPTIONS

SCHEMA_VERSION = 2  # 2: the capacity tile names its used/total pairs (tile_types.py)
LANGUAGES = ("en", "hi", "gu")

# Bounds that keep a layout from costing the wall more than a wall can use: a screen
# of 12 × 12 cells is already denser than a 4K monitor can show legibly, and the
# checks that walk a tile's cells stay cheap however the file was written.
MAX_GRID = 12
MAX_BEZEL_PX = 500  # surface pixels behind one seam; real video-wall seams are a few dozen
MAX_SCREENS = 64
MAX_PAGES = 100
MAX_TILES = MAX_GRID * MAX_GRID  # per page, and pinned per screen: one per cell at most
BezelPx = Annotated[int, Field(ge=0, le=MAX_BEZEL_PX)]


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a layout must not pass silently; types are
    strict (`rows = "3"` is no number) and every number is finite (tile_options.py)."""

    model_config = LAYOUT_MODEL_CONFIG

    @model_validator(mode="before")
    @classmethod
    def _toml_arrays(cls, data: Any) -> Any:
        return arrays_as_tuples(data) if isinstance(data, dict) else data


class TileBase(Strict):
    """Where a tile sits: its top-left cell and how many cells it spans, inside the screen's grid."""

    type: str = Field(description="the tile type (see Tile types)")
    row: int = Field(ge=0, le=MAX_GRID - 1, description="top row of the tile, from 0")
    col: int = Field(ge=0, le=MAX_GRID - 1, description="left column of the tile, from 0")
    row_span: int = Field(default=1, ge=1, le=MAX_GRID, description="rows the tile covers")
    col_span: int = Field(default=1, ge=1, le=MAX_GRID, description="columns the tile covers")
    options: TileOptions = Field(default=TileOptions(), description="the tile type's options (see Tile types)")
    sensitive: bool = Field(default=False, description="hidden in presentation mode (visiting delegations, key F): "
                                                       "neighbours widen over its cells, else a plain panel fills them")


def _tile_model(name: str, options_model: type[TileOptions]) -> type[TileBase]:
    try:
        default: Any = options_model()
    except Exception:  # options with required fields: the layout must give them
        default = ...
    type_tag: Any = Literal[name]  # a Literal built at run time: no static type describes it
    return create_model(
        f"{options_model.__name__.removesuffix('Options')}Tile",
        __base__=TileBase,
        type=(type_tag, ...),
        options=(options_model, default),
    )


@lru_cache(maxsize=1)
def tile_spec_type() -> Any:
    """A union of one tile model per type, told apart by `type` (a discriminated union)."""
    models = tuple(_tile_model(name, model) for name, model in TILE_OPTIONS.items())
    # Union[...] of a runtime tuple: the `X | Y` syntax cannot be built from a tuple
    return Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007


if TYPE_CHECKING:  # statically, every tile is a TileBase (each tile model derives from it)
    TileSpec = TileBase
else:
    TileSpec = tile_spec_type()


class PageSpec(Strict):
    """One page of a screen: its tiles, shown for `dwell` seconds in each rotation."""

    title: str = Field(default="", description="heading of the page (English)")
    title_local: dict[str, str] = Field(default_factory=dict, description='heading per language code, e.g. { hi = "…", gu = "…" }')
    dwell: float = Field(default=30.0, ge=3.0, le=3600.0, description="seconds this page stays up in each rotation")
    tiles: tuple[TileSpec, ...] = Field(default=(), max_length=MAX_TILES, description="the page's tiles (see Tile types)")


class SurfaceSpec(Strict):
    """One large output (a wall controller's single surface) split into rows × cols panels."""

    id: str = Field(min_length=1, description="name the screens' `surface` refers to")
    output: str | None = Field(default=None, description="connector name of the output (e.g. HDMI-1)")
    index: int | None = Field(default=None, ge=0, le=MAX_SCREENS - 1, description="the output's index when no `output` name is given")
    rows: int = Field(default=1, ge=1, le=8, description="panels down")
    cols: int = Field(default=1, ge=1, le=8, description="panels across")
    bezel_px: tuple[BezelPx, BezelPx] = Field(default=(0, 0), description="surface pixels hidden behind each vertical / horizontal seam")


class ScreenSpec(Strict):
    """One monitor of the wall (or one panel of a surface) with its grid and pages."""

    id: str = Field(min_length=1, description="the screen's name in messages and screenshots")
    title: str = Field(default="", description="what the screen is for, in its header (English)")
    title_local: dict[str, str] = Field(default_factory=dict, description='the screen\'s title per language code, e.g. { hi = "…" }')
    output: str | None = Field(default=None, description="match a monitor by connector name; else `index`; else list position")
    index: int | None = Field(default=None, ge=0, le=MAX_SCREENS - 1, description="match a monitor by its index")
    surface: str | None = Field(default=None, description="or: a panel of this surface")
    panel: int | None = Field(default=None, ge=0, le=63, description="the panel of `surface`, row-major (a surface has 8 × 8 at most)")
    rows: int = Field(default=2, ge=1, le=MAX_GRID, description="grid rows")
    cols: int = Field(default=3, ge=1, le=MAX_GRID, description="grid columns")
    optional: bool = Field(default=False, description="no fault when it has no monitor of its own (it is then "
                                                      "shown in turn on another: `[spread]`)")
    pinned: tuple[TileSpec, ...] = Field(default=(), max_length=MAX_TILES, description="tiles shown on every page of this screen")
    pages: tuple[PageSpec, ...] = Field(min_length=1, max_length=MAX_PAGES, description="the pages that rotate on this screen")


class BandSpec(Strict):
    """Warn and critical thresholds; for occupancy in percent of the total."""

    warn: float | None = Field(default=None, allow_inf_nan=False, description="a value past this is a warning")
    critical: float | None = Field(default=None, allow_inf_nan=False, description="a value past this is critical")


class ThresholdsSpec(Strict):
    """The layout's thresholds for what the store's catalog leaves unjudged:

        [thresholds.occupancy]          # every used/total pair (catalog `capacity_of`, capacity tiles' `pairs`)
        warn = 85
        critical = 90
        [thresholds.kpi."LKO.O2.CYL.STOCK"]   # a KPI the catalog gives no `alert`
        warn = 50
        critical = 20

    The catalog's own `alert` on a KPI always wins over the layout's."""

    occupancy: BandSpec = Field(default=BandSpec(warn=85.0, critical=95.0),
                                description="occupancy in percent at or above which any used/total pair is warn / critical")
    kpi: dict[str, BandSpec] = Field(default_factory=dict,
                                     description="per KPI code: thresholds in the KPI's unit, following its `better`")

    def model(self) -> Thresholds:
        return Thresholds(
            occupancy=Band(self.occupancy.warn, self.occupancy.critical),
            kpis=MappingProxyType({code: Band(b.warn, b.critical) for code, b in self.kpi.items()}),
        )


class PlanSpec(Strict):
    """Which screens go on which monitor when the wall has exactly as many monitors as
    `monitors` lists (a 3840×2160 output split into panels counts its panels). Each
    entry lists the screens shown in turn on that monitor, in order; a screen named
    on several monitors has its pages shared out among them. Every screen that no
    `output`, `index` or `surface` places is named at least once:

        [[spread.plans]]
        monitors = [["totals", "trends"], ["hospitals", "map"]]"""

    monitors: tuple[tuple[str, ...], ...] = Field(
        min_length=1, max_length=MAX_SCREENS,
        description="per monitor, in the windowing system's order: the ids of the screens it shows in turn")


class SpreadSpec(Strict):
    """How the layout's screens spread over more or fewer monitors than it has screens.
    Monitors come from the windowing system in its order; an output of at least
    3840×2160 pixels may count as 2×2 monitors of 1920×1080 (`split_large`). A plan
    for the number of monitors present decides; else `fewer` and `more` do."""

    fewer: Literal["rotate", "drop"] = Field(
        default="rotate",
        description='fewer monitors than screens: "rotate" — neighbouring screens share a monitor, their pages '
                    'shown in turn (the first screens keep one of their own; nothing is lost); "drop" — the '
                    'screens past the last monitor are not shown')
    more: Literal["pages", "mirror"] = Field(
        default="pages",
        description='more monitors than screens: "pages" — screens with several pages share them out over the '
                    'spare monitors (then screens repeat); "mirror" — the spare monitors repeat the screens in order')
    split_large: Literal["as_needed", "always", "never"] = Field(
        default="as_needed",
        description="an output of at least 3840×2160 shown as 2×2 panels of 1920×1080: when the screens outnumber "
                    "the monitors, always, or never")
    plans: tuple[PlanSpec, ...] = Field(default=(), max_length=MAX_SCREENS,
                                        description="which screens go on which monitor, per number of monitors")


class LayoutSpec(Strict):
    """A whole wall: its screens, their pages and tiles, and its thresholds."""

    schema_version: Literal[2] = Field(description="the layout format's version")
    name: str = Field(min_length=1, description="the layout's name on screen and in messages")
    description: str = Field(default="", description="what the layout is for")
    language: Literal["en", "hi", "gu"] = Field(default="en", description="the wall's starting language")
    languages: tuple[Literal["en", "hi", "gu"], ...] = Field(
        default=(), max_length=2,
        description='two languages shown together, e.g. ["en", "gu"]: titles and names in both (the wall\'s '
                    "language first, the other under it or after a separator), figures once; empty: one language")
    rotation: bool = Field(default=True, description="pages rotate by wall-clock time")
    surfaces: tuple[SurfaceSpec, ...] = Field(default=(), max_length=MAX_SCREENS, description="large outputs split into panels")
    screens: tuple[ScreenSpec, ...] = Field(min_length=1, max_length=MAX_SCREENS, description="the wall's screens")
    thresholds: ThresholdsSpec = Field(default=ThresholdsSpec(), description="thresholds for what the catalog leaves unjudged")
    spread: SpreadSpec = Field(default=SpreadSpec(), description="how the screens spread over more or fewer monitors")
    crisis: CrisisSpec = Field(default=CrisisSpec(), description="crisis rules: when the wall turns to its crisis "
                                                                  "layout by itself (see Crisis rules)")
    sync: SyncSpec = Field(default=SyncSpec(), description="how often observations are polled while this layout shows")

    @model_validator(mode="after")
    def _languages_differ(self) -> LayoutSpec:
        if len(set(self.languages)) != len(self.languages):
            raise ValueError(f"`languages` names a language twice: {list(self.languages)}")
        return self

    def judging(self) -> Thresholds:
        """`[thresholds]` with the used/total pairs the layout's tiles declare (capacity
        `pairs`), so alerts judge every pair a tile shows, not only the catalog's."""
        pairs = tuple(dict.fromkeys(pair for t in self.all_tiles() for pair in t.options.declared_pairs()))
        return replace(self.thresholds.model(), pairs=pairs)

    def all_tiles(self) -> list[TileSpec]:
        """Every tile of every screen: pinned ones and those of every page."""
        return [t for s in self.screens for t in (*s.pinned, *(t for p in s.pages for t in p.tiles))]

    def wants(self) -> Wants:
        """What this layout's tiles will ask of every snapshot: its alerts, the
        explanations of the places its tiles explain, and the stocks and free capacities
        its tiles project (derived on the sync thread)."""
        explain = frozenset(code for t in self.all_tiles() for code in t.options.explains())
        projections = frozenset(r for t in self.all_tiles() for r in t.options.projects())
        return Wants(thresholds=(self.judging(),), explain=explain, projections=projections)

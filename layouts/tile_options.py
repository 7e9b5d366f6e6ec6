"""Option schemas of every tile type, by the name layout files use.

Layout files are data: each tile's `options` table is validated here, without Qt,
so `main.py check` and the wall report the same errors before any window exists.
Which tile type takes which model is declared once, in `tile_types.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..sync.projection import ProjectionRequest

CodeKind = Literal["kpi", "entity", "department", "sector", "scheme", "level", "kpi_prefix", "kpi_pattern", "capacity_pairs"]


@dataclass(frozen=True)
class CodeRef:
    """A code an option holds that the store's catalog must know (`main.py check`).

    `kind` says where to look it up: a KPI, an entity, a department, a level …; `kpi_prefix`
    must start at least one KPI code; `kpi_pattern` holds `{department}` and must name
    a KPI for at least one department; `capacity_pairs` (no code) means the tile takes
    its used/total pairs from the catalog's `capacity_of`, so the catalog must declare some."""

    path: str  # inside the tile's options, e.g. "pairs[0].used"
    kind: CodeKind
    code: str


# Layout models validate strictly: `rows = "3"` or `show_date = 1` is an error, not a
# number or a flag, and TOML's `nan` and `inf` are never a figure; an integer is still
# welcome where a number is expected. Unknown keys are errors (a typo must not pass).
LAYOUT_MODEL_CONFIG = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def arrays_as_tuples(value: Any) -> Any:
    """TOML arrays arrive as lists; the (immutable) models hold tuples, and strict
    validation takes only tuples for them."""
    if isinstance(value, list):
        return tuple(arrays_as_tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: arrays_as_tuples(item) for key, item in value.items()}
    return value


class DeclaresCodes(BaseModel):
    """A part of the options that names catalog codes. Each class says which of its
    fields hold which kind of code in `code_fields` (a field holding a list holds one
    code per item); fields holding nested option parts are searched too. `main.py check`
    asks every tile for `needed_codes()`, so it needs no knowledge of tile types."""

    model_config = LAYOUT_MODEL_CONFIG

    code_fields: ClassVar[Mapping[str, CodeKind]] = {}

    @model_validator(mode="before")
    @classmethod
    def _toml_arrays(cls, data: Any) -> Any:
        return arrays_as_tuples(data) if isinstance(data, dict) else data

    def needed_codes(self, prefix: str = "") -> Iterator[CodeRef]:
        for name in type(self).model_fields:
            yield from _codes_in(f"{prefix}{name}", getattr(self, name), self.code_fields.get(name))


def _codes_in(path: str, value: Any, kind: CodeKind | None) -> Iterator[CodeRef]:
    if isinstance(value, DeclaresCodes):
        yield from value.needed_codes(f"{path}.")
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            yield from _codes_in(f"{path}[{i}]", item, kind)
    elif isinstance(value, str) and kind is not None:
        yield CodeRef(path, kind, value)


class TileOptions(DeclaresCodes):
    """Options every tile accepts; unknown keys are errors (a typo must not pass silently)."""

    model_config = LAYOUT_MODEL_CONFIG

    title: str | None = Field(default=None, description="heading instead of the tile's own (English)")
    title_local: dict[str, str] = Field(default_factory=dict, description='heading per language code, e.g. { hi = "…" }')

    def declared_pairs(self) -> tuple[tuple[str, str], ...]:
        """(used, total) KPI codes this tile declares as capacity pairs besides the
        catalog's `capacity_of`: the wall's alerts judge their occupancy too."""
        return ()

    def explains(self) -> frozenset[str]:
        """Codes of the places whose ranking this tile explains: the sync thread derives
        those explanations with every snapshot (sync/derive.py)."""
        return frozenset()

    def projects(self) -> frozenset[ProjectionRequest]:
        """The stocks and free capacities this tile shows running out: the sync thread
        projects their hours left with every snapshot (sync/projection.py)."""
        return frozenset()


class KpiOptions(TileOptions):
    """One KPI at a glance: value, target and achievement, marks and grade, change since
    the previous period, and a sparkline. For a place without a report of its own (the
    state, a district over its hospitals) the value is rolled up from its children by the
    KPI's `aggregate`, and the tile says how ("sum of 224 facilities · 12 older than 1 h")."""

    code_fields = {"kpi": "kpi", "entity": "entity"}
    kpi: str = Field(description="the KPI's code in the store's catalog")
    entity: str | None = Field(default=None, description="the place's code; default: the state")
    sparkline_periods: int = Field(default=12, ge=2, le=36, description="points in the sparkline")


class RankingOptions(TileOptions):
    """The ranking: rank, movement, score, grade and flags per place, from the store's
    published ranking or, marked "local estimate", the wall's own."""

    code_fields = {"highlight": "entity", "level": "level"}
    level: str | None = Field(default=None, description="the level ranked; default: the catalog's ranking level")
    by: Literal["overall", "sector", "department", "scheme", "kpi"] = Field(
        default="overall", description="rank by the overall score, or by one sector/department/scheme/KPI")
    code: str | None = Field(default=None, description="the sector/department/scheme/KPI code when `by` is not overall")
    mode: Literal["top", "bottom", "all"] = Field(default="all", description="the best `count`, the worst, or all (scrolling)")
    count: int = Field(default=10, ge=1, le=500, description="places shown")
    highlight: str | None = Field(default=None, description="a place's code to highlight")
    seconds_per_row: float = Field(default=2.5, gt=0, le=60, description='scrolling speed in mode "all"')

    def needed_codes(self, prefix: str = "") -> Iterator[CodeRef]:
        yield from super().needed_codes(prefix)
        if self.by != "overall" and self.code is not None:  # a sector/department/scheme/KPI code, by `by`
            yield CodeRef(f"{prefix}code", self.by, self.code)


class MapOptions(TileOptions):
    """Districts on real boundaries coloured by score, grade or a KPI, and facilities with
    lat/lon as markers coloured by occupancy. Districts are matched by code and checked by
    name; the credit line says where the boundaries come from and what is not on the map."""

    code_fields = {"kpi": "kpi", "facility_kpi": "kpi", "occupancy_kpi": "kpi", "within": "entity"}
    colour_by: Literal["score", "grade", "kpi"] = Field(default="score", description="what colours the districts")
    within: str | None = Field(
        default=None, description="a place's code: the map of that place alone — its outline filling the tile, the places "
                                  "under it (areas where they have outlines, else points from their lat/lon, the rest "
                                  "counted as not on map) coloured as the districts would be, and its facilities; "
                                  "default: the whole state")
    kpi: str | None = Field(default=None, description='the KPI when `colour_by = "kpi"`')
    boundaries: str | None = Field(
        default=None, description="own boundary file (GeoJSON, Shapefile, GeoPackage, FlatGeobuf), relative to the layout; "
                                  "default: the bundled districts of India")
    code_field: str = Field(default="DIST_LGD", description="the boundary file's attribute holding the district code")
    facilities: bool = Field(default=True, description="draw facilities that have lat/lon as markers")
    occupancy_kpi: str | None = Field(
        default=None, description='colour markers by this "used" KPI\'s occupancy; default: each facility\'s fullest pair')
    facility_kpi: str | None = Field(
        default=None, description="colour markers by this KPI's thresholds (catalog or layout) instead of occupancy")
    show_names: bool = Field(default=True, description="write district names on the map")

    @model_validator(mode="after")
    def _one_marker_rule(self) -> MapOptions:
        if self.facility_kpi is not None and self.occupancy_kpi is not None:
            raise ValueError("give facility_kpi or occupancy_kpi, not both: markers have one colour rule")
        return self


class ChildrenOptions(TileOptions):
    """A place's children (by the catalog's `parent` links) in a table: each child's
    level, rank and grade where it is ranked, and its figures for up to four KPIs
    (rolled up by the KPI's `aggregate` where it reports none itself). Drill-down pages
    (wall/entity_page.py) show one; `selected` is the row the operator would open."""

    code_fields = {"entity": "entity", "kpis": "kpi", "selected": "entity"}
    entity: str | None = Field(default=None, description="the place whose children are listed; default: the state")
    kpis: tuple[str, ...] = Field(default=(), max_length=4, description="KPI codes shown as columns")
    selected: str | None = Field(default=None, description="a child's code to highlight (the one Enter would open)")
    count: int = Field(default=40, ge=1, le=500, description="rows shown at most (the selected one always among them)")


class TrendOptions(TileOptions):
    """A KPI over time on a time-proportional axis, for the state (rolled up by the KPI's
    `aggregate`) and chosen places, with its target."""

    code_fields = {"kpi": "kpi", "entities": "entity"}
    kpi: str = Field(description="the KPI's code")
    entities: tuple[str, ...] = Field(default=(), max_length=20, description="places drawn as their own lines")
    include_state: bool = Field(default=True, description="draw the state's line too")
    periods: int = Field(default=12, ge=2, le=96, description="points per line (months, days or hourly snapshots)")


class BreakdownOptions(TileOptions):
    """Why a place ranks where it does: its scores by sector/department and the KPIs that
    cost it the most marks."""

    code_fields = {"entity": "entity"}
    entity: str = Field(description="the ranked place's code")
    count: int = Field(default=6, ge=1, le=30, description="KPIs that cost the most marks")

    def explains(self) -> frozenset[str]:
        return frozenset({self.entity})


class FreshnessOptions(TileOptions):
    """Who is late: departments (or schemes, or KPIs, as the catalog has them) whose
    reports are older than each KPI's own reporting frequency, and since when."""

    count: int = Field(default=12, ge=1, le=100, description="rows shown")


class FeedQualityOptions(TileOptions):
    """Feed quality: rows the wall rejected (with the newest reasons), KPIs reported
    late, and values that keep the contract but are hard to believe (a negative count,
    a percentage outside 0–100, a value far outside the KPI's history), in totals and
    for the worst departments, KPIs or places. Until the wall has judged its data the
    tile says "not yet judged", never an all-clear."""

    by: Literal["department", "kpi", "entity"] = Field(
        default="department", description="group the worst rows by department, KPI or place (entity)")
    count: int = Field(default=6, ge=1, le=50, description="groups shown at most (the worst first)")
    reasons: int = Field(default=3, ge=0, le=20, description="newest rejection reasons shown at most")


class GrievanceRow(DeclaresCodes):
    """One row of the grievance tile named code by code, for a store whose codes follow
    no per-department pattern: `{ label = "Police", department = "HOME", pending =
    ["IGRS.POL.P30", "IGRS.POL.P90"], satisfaction = "IGRS.POL.FEEDBACK" }`."""

    code_fields = {"department": "department", "pending": "kpi", "satisfaction": "kpi"}

    label: str | None = Field(default=None, description="row name (English); default: the department's name")
    label_local: dict[str, str] = Field(default_factory=dict, description="row name per language code")
    department: str | None = Field(default=None, description="department code: names the row (without `label`) "
                                                              "and gives its grade from the ranking")
    pending: tuple[str, ...] = Field(default=(), max_length=6, description="KPI codes of the pending columns, "
                                                                          "mildest first; as many as the other rows")
    satisfaction: str | None = Field(default=None, description="KPI code of the share closed with the citizen satisfied")

    @model_validator(mode="after")
    def _named(self) -> GrievanceRow:
        if self.label is None and self.department is None:
            raise ValueError("give the row a `label` or a `department`")
        return self


DEPARTMENT = "{department}"


class GrievanceOptions(TileOptions):
    """Citizens' grievances per department: complaints pending past each age limit,
    the share closed with the citizen satisfied, and the department's grade. The
    layout names the store's KPI codes, as patterns expanded for every department of
    the catalog (a department is a row when any of its codes exists):

        options = { pending = ["GRV.{department}.OVER30D", "GRV.{department}.OVER90D"],
                    pending_labels = ["30 days", "90 days"],
                    satisfaction = "GRV.{department}.SATISFIED" }

    or row by row (`rows`, see below) when the codes follow no pattern. Figures are
    the state's (or `entity`'s): its own report, else its districts' rolled up by each
    KPI's `aggregate`. Most complaints pending in the last (oldest) column first."""

    code_fields = {"pending": "kpi_pattern", "satisfaction": "kpi_pattern", "entity": "entity"}

    count: int = Field(default=12, ge=1, le=100, description="rows shown at most")
    pending: tuple[str, ...] = Field(
        default=(), max_length=6,
        description="KPI code patterns of the pending columns, mildest first; `{department}` stands for each "
                    "department's code")
    satisfaction: str | None = Field(
        default=None, description="KPI code pattern of the share closed with the citizen satisfied (`{department}`)")
    rows: tuple[GrievanceRow, ...] = Field(
        default=(), max_length=100, description='explicit rows instead of patterns (then leave `pending` and `satisfaction` out): '
                                '{ label = "…", label_local = {…}, department = "DEPT", pending = ["KPI", …], '
                                'satisfaction = "KPI" }, each with a label or a department')
    pending_labels: tuple[str, ...] = Field(
        default=(), max_length=6, description="heading of each pending column (English), e.g. \"50 days\"; default: the KPI's name")
    pending_labels_local: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description='headings per language code, e.g. { hi = ["50 दिन", …] }')
    pending_heading: str = Field(default="complaints pending over", description="heading above the pending columns")
    satisfaction_label: str = Field(default="closed satisfied", description="heading of the satisfaction column")
    entity: str | None = Field(default=None, description="whose figures: an entity code; default: the state")
    grade: bool = Field(default=True, description="show each department's grade (its score in the ranking)")

    @model_validator(mode="after")
    def _codes_are_consistent(self) -> GrievanceOptions:
        if self.rows and (self.pending or self.satisfaction):
            raise ValueError("give either code patterns (`pending`, `satisfaction`) or `rows`, not both")
        for pattern in (*self.pending, *([self.satisfaction] if self.satisfaction else [])):
            if DEPARTMENT not in pattern:
                raise ValueError(f"pattern {pattern!r} has no {DEPARTMENT}: every department would show the same "
                                 "KPI (name a single row in `rows` instead)")
        widths = {len(r.pending) for r in self.rows}
        if len(widths) > 1:
            raise ValueError("every row needs as many `pending` codes as the others")
        columns = self.pending_columns
        if self.pending_labels and len(self.pending_labels) != columns:
            raise ValueError(f"`pending_labels` has {len(self.pending_labels)} headings for {columns} pending columns")
        for language, labels in self.pending_labels_local.items():
            if len(labels) != columns:
                raise ValueError(f"`pending_labels_local.{language}` has {len(labels)} headings for {columns} columns")
        return self

    @property
    def pending_columns(self) -> int:
        return len(self.rows[0].pending) if self.rows else len(self.pending)


class AttentionOptions(TileOptions):
    """What needs attention: the KPIs with the biggest falls in marks since the previous
    ranking, and those where the place is in the bottom quarter."""

    code_fields = {"entity": "entity"}
    entity: str | None = Field(default=None, description="the place's code; default: the state (means over places)")
    count: int = Field(default=8, ge=1, le=50, description="rows shown")


class CapacityPair(DeclaresCodes):
    """A used/total pair of KPIs: `{ used = "X.ICU.OCC", total = "X.ICU.TOTAL", label = "ICU" }`."""

    code_fields = {"used": "kpi", "total": "kpi"}

    used: str = Field(min_length=1, description="KPI code of the used / occupied count")
    total: str = Field(min_length=1, description="KPI code of the matching total")
    label: str | None = Field(default=None, description="column heading (English; translated when the wall knows "
                                                         "the word); default: what the two KPIs' names share")
    label_local: dict[str, str] = Field(default_factory=dict, description="column heading per language code")


class StockColumn(DeclaresCodes):
    """A stock KPI beside the pairs: `{ kpi = "X.O2.HOURS", label = "O₂ stock" }`, or just the code."""

    code_fields = {"kpi": "kpi"}

    kpi: str = Field(min_length=1, description="KPI code of the stock (e.g. oxygen in hours of consumption)")
    label: str | None = Field(default=None, description="column heading (English); default: the KPI's name")
    label_local: dict[str, str] = Field(default_factory=dict, description="column heading per language code")


class CapacityOptions(TileOptions):
    """Capacity by place, most critical first: for each used/total pair the free count
    of the total with an occupancy bar, and optional stock KPIs. Pairs come from
    `pairs`, or else from every pair the catalog declares (`capacity_of`).
    Occupancy is judged by the layout's `[thresholds.occupancy]` (at or above is
    past), stock by the catalog's `alert`, else `[thresholds.kpi."CODE"]`. Districts
    and the state add up their facilities by each KPI's `aggregate`; a pair a place
    does not report shows "—", never 0:

        options = { level = "district", stock = ["X.O2.HOURS"],
                    pairs = [{ used = "X.ICU.USED", total = "X.ICU.CAP", label = "ICU" }] }"""

    code_fields = {"stock": "kpi", "level": "level"}

    level: Literal["facility", "taluka", "district", "zone", "state"] = Field(
        default="facility", description="one row per entity of this level")
    count: int = Field(default=10, ge=1, le=500, description="rows shown at most (the most critical)")
    pairs: tuple[CapacityPair, ...] = Field(
        default=(), max_length=8,
        description='used/total pairs, one column each: { used = "KPI", total = "KPI", label = "…", label_local = '
                    '{ hi = "…" } } (label: default what the two KPIs\' names share); default: every pair the '
                    'catalog declares with `capacity_of`')
    stock: tuple[StockColumn | str, ...] = Field(
        default=(), max_length=4, description='stock KPIs, one column each: codes, or { kpi = "…", label = "…" }')

    def needed_codes(self, prefix: str = "") -> Iterator[CodeRef]:
        yield from super().needed_codes(prefix)
        if not self.pairs:
            yield CodeRef(f"{prefix}pairs", "capacity_pairs", "")

    def declared_pairs(self) -> tuple[tuple[str, str], ...]:
        return tuple((p.used, p.total) for p in self.pairs)

    @property
    def stock_columns(self) -> tuple[StockColumn, ...]:
        return tuple(StockColumn(kpi=s) if isinstance(s, str) else s for s in self.stock)


class RunningOutOptions(TileOptions):
    """What is running out, and when: for each place of `level`, each stock's and each
    used/total pair's free count now, and the hours left at the current rate of use —
    the least-squares trend of the last `window_hours` of readings (at least 3, over at
    least an hour), counted down to the moment it reaches zero. Flat or rising: "not
    falling"; too few readings: "unknown"; a newest report older than the KPI's
    frequency: "stale", never projected. Places are sorted by hours left, the soonest
    first (a row by its soonest column); unknown and stale ones come last, and the tile
    says how many. A stock whose unit is time (hours or days of use) projects by its
    own trend too:

        options = { level = "facility", stock = [{ kpi = "X.O2.STOCK", label = "Oxygen" }],
                    pairs = [{ used = "X.ICU.USED", total = "X.ICU.CAP", label = "ICU beds" }] }"""

    code_fields = {"stock": "kpi", "level": "level"}

    level: Literal["facility", "taluka", "district", "zone", "state"] = Field(
        default="facility", description="one row per entity of this level (districts and the state: their own "
                                        "reports, else their facilities rolled up by each KPI's `aggregate`)")
    stock: tuple[StockColumn | str, ...] = Field(
        default=(), max_length=4, description='stock KPIs, one column each: codes, or { kpi = "…", label = "…" }')
    pairs: tuple[CapacityPair, ...] = Field(
        default=(), max_length=4,
        description='used/total pairs whose free count (total − used) is projected, one column each: '
                    '{ used = "KPI", total = "KPI", label = "…" }')
    window_hours: float = Field(default=6.0, ge=1.0, le=24.0 * 14,
                                description="hours of readings, before each place's newest, the trend is fitted on")
    count: int = Field(default=12, ge=1, le=200, description="rows shown at most (the soonest to run out)")
    sort: Literal["soonest", "name"] = Field(default="soonest",
                                             description="rows by hours left (soonest first, unknown last) or by name")
    critical_hours: float = Field(default=6.0, gt=0, le=24.0 * 60, description="hours left below which a column is critical")
    warn_hours: float = Field(default=24.0, gt=0, le=24.0 * 60, description="hours left below which a column is a warning")

    @model_validator(mode="after")
    def _something_to_project(self) -> RunningOutOptions:
        if not self.stock and not self.pairs:
            raise ValueError("name at least one `stock` KPI or used/total `pairs` to project")
        if self.warn_hours < self.critical_hours:
            raise ValueError("`warn_hours` must be at least `critical_hours`")
        return self

    @property
    def stock_columns(self) -> tuple[StockColumn, ...]:
        return tuple(StockColumn(kpi=s) if isinstance(s, str) else s for s in self.stock)

    def requests(self) -> tuple[ProjectionRequest, ...]:
        """One projection per column, in column order: stocks, then pairs."""
        return tuple(ProjectionRequest("stock", (s.kpi,), self.level, self.window_hours) for s in self.stock_columns) + tuple(
            ProjectionRequest("free", (p.used, p.total), self.level, self.window_hours) for p in self.pairs)

    def projects(self) -> frozenset[ProjectionRequest]:
        return frozenset(self.requests())


class AlertsOptions(TileOptions):
    """Every figure past its warn or critical threshold, critical first, with place,
    value and since when: each KPI by the catalog's `alert` (else the layout's
    `[thresholds.kpi."CODE"]`), each used/total pair by `[thresholds.occupancy]`. With
    nothing to judge the tile says so; it never shows an all-clear it cannot know."""

    code_fields = {"kpis": "kpi_prefix"}

    count: int = Field(default=12, ge=1, le=200, description="alerts listed at most (the counts cover all)")
    minimum: Literal["warn", "critical"] = Field(default="warn", description="the mildest level listed")
    kpis: tuple[str, ...] = Field(
        default=(), max_length=50, description="only KPIs (for pairs: the used or total KPI) whose code starts with one of these; "
                                "empty: every KPI")

    def selects(self, *codes: str) -> bool:
        """Whether an alert on these KPI codes belongs on this tile."""
        return not self.kpis or any(code.startswith(self.kpis) for code in codes)


class ClockOptions(TileOptions):
    """The time in IST, the wall's time zone (the moment shown, in --as-of and replay)."""

    show_date: bool = Field(default=True, description="show the date under the time")


class BannerOptions(TileOptions):
    """Title, text and logo for framing a page (a delegation's welcome)."""

    text: str = Field(default="", description="text under the title (English)")
    text_local: dict[str, str] = Field(default_factory=dict, description="text per language code")
    logo: str | None = Field(default=None, description="a PNG or SVG file, relative to the layout file")


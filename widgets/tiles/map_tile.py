"""Map of the state: districts by overall score, grade or one KPI; facilities by occupancy.

Real district outlines (widgets/boundaries.py: the shipped outlines of all India,
widgets/data/india_districts.geojson, or the layout's own). Which outline each catalog district is drawn on is decided by
district_matching.py — by code *and* name, so a file keyed by another code system
never paints one district's figure on another; districts it cannot place are listed
on the tile ("not on map"), and the credit line says where the outlines come from
and how they were matched.

A store whose ranking is not by district, or that has no districts at all (a city's
hospitals parented straight to the state), gets the state's outlines as a base,
zoomed to the facilities when they all lie in a small area, with the facilities on
top. Facilities with lat/lon are markers coloured by occupancy of the catalog's
used/total pairs (or by one KPI), judged through sync/thresholds.py with the
layout's thresholds; a facility with nothing reported is a hollow grey ring.

As STYLE.md asks, each outline's QPainterPath is built once per tile size and view;
a snapshot only changes each area's key into a table of brushes made once per grade
list (map_colouring.py decides the keys). The outlines are stroked once per size and
view and kept as their coverage alone, one byte a pixel over the map's area (an 8-bit
image whose colour table is the outline colour at each coverage): stroking them again
for every new model took 11-14 ms of the GUI thread at 1080p, and a full-colour picture
of them held four bytes a pixel of the whole tile (issue 12). Every district also
carries its score, grade or value as text, so the map reads without colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QHideEvent, QImage, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import MapOptions
from ...sync.contract import Catalog
from ...sync.rollup import figures
from ...sync.snapshot import Snapshot
from ...sync.thresholds import kpi_band
from ..base import TileContext
from ..boundaries import Boundaries, BoundariesError, load_boundaries
from ..data_age import DataAge, figure_age, kpi_age
from ..district_matching import DistrictMatch, colours_districts, map_districts, match_districts
from ..fitted_text import draw_wrapped, paint_fitted_heading
from ..kpi_figures import period_label
from ..look import theme
from ..map_colouring import (
    LATE,
    NO_DATA,
    REPORTED,
    SYMBOLS,
    Colouring,
    DistrictFill,
    LegendEntry,
    MarkerColouring,
    MarkerFill,
    by_facility_kpi,
    by_kpi,
    by_occupancy,
    by_score,
    located_facilities,
    located_only,
    newest_reporter,
)
from ..map_within import place_map, place_view
from ..paint_kit import ALIGN_CENTER, draw_text, font, recording_texts, text_width
from ..painted_tile import PaintedTile, TileMessage
from ..per_snapshot import ranking_age
from ..questioned import marked, questioned_in_figure
from ..ranking_audit_words import audit_summary
from ..worst_age import worst_age
from .ranking_tile import ranking_inputs

NO_DATA_BASE = "#3a4356"
NO_DATA_HATCH = "#7d879b"
BASE_FILL = "#1c2638"  # an outline no catalog district is drawn on
BASE = "base"
URGENT = ("critical", "warn")
# How long the map's picture is kept after its last use. At rest a map's model changes about
# once a minute (its data's age), and each change paints the map anew; the picture serves the
# paints that follow within a second or so (prepared, then copied to the screen; a page's
# fade; an exposure), and a map that changes at every poll (every 1–2 s) keeps the paths and
# outlines it is painted from. Between changes the window keeps the pixels, and the picture
# (~4 MB at 1080p, ~17 MB at 4K, one per map), with the paths and outlines (~3 MB), is let
# go (issue 12: a wall at rest against a browser wall's memory; kept 10 s after each page
# turn, a wall at rest held ~2 MB more on average).
MAP_PICTURE_KEPT_MS = 3_000
MARKER_RADIUS = {"critical": 0.62, "warn": 0.5}  # times the small type size; others below
QUIET_RADIUS = 0.26  # ok / reported / no data, under district labels
QUIET_RADIUS_ALONE = 0.4  # ... when the facilities are the map
QUARTILE_COLOURS = {"q1": theme.GRADE_RAMP[0], "q2": theme.GRADE_RAMP[1],
                    "q3": theme.GRADE_RAMP[2], "q4": theme.GRADE_RAMP[3]}
MARKER_COLOURS = {**theme.ALERT_COLOURS, REPORTED: theme.ACCENT, NO_DATA: NO_DATA_HATCH}
SMALL_AREA = 0.3  # facilities spanning at most this share of the state: zoom to them
MIN_VIEW = 0.12  # degrees (~13 km): the closest the map zooms


def colour_table(grades: Sequence[str]) -> dict[str, QBrush]:
    """Every fill the map can use for this catalog's grades, made once; an update only picks from it."""
    table = {f"grade:{g}": QBrush(QColor(c)) for g, c in theme.grade_colours(list(grades)).items()}
    table.update({k: QBrush(QColor(c)) for k, c in theme.ALERT_COLOURS.items()})
    table.update({k: QBrush(QColor(c)) for k, c in QUARTILE_COLOURS.items()})
    table[NO_DATA] = QBrush(QColor(NO_DATA_BASE))
    table[BASE] = QBrush(QColor(BASE_FILL))
    table["hatch"] = QBrush(QColor(NO_DATA_HATCH), Qt.BrushStyle.BDiagPattern)
    return table


@dataclass(frozen=True)
class Area:
    """One catalog district on its outline."""

    boundary: str  # key in Boundaries.districts
    key: str  # colour key
    text: str  # score, grade or value
    name: str  # the district's name in the wall's language


@dataclass(frozen=True)
class MapModel:
    title: str
    age: DataAge
    legend_title: str
    entries: tuple[LegendEntry, ...]  # the districts' colours; () when districts are not coloured
    areas: tuple[Area, ...]
    markers: tuple[MarkerFill, ...]
    marker_title: str
    marker_entries: tuple[LegendEntry, ...]
    unmatched: tuple[str, ...]  # names of catalog districts with no outline
    credit: str  # where the outlines come from and how districts were placed
    view: tuple[float, float, float, float] | None = None  # projected extent shown; None: the whole state
    note: str = ""  # why districts are not coloured, when they are not
    # For the GUI thread's geometry and brushes (model_changed): built off it, kept on it.
    boundaries: Boundaries | None = field(default=None, compare=False)
    boundaries_id: int = 0  # compared instead of the outlines themselves
    wide_legend: bool = False  # marker labels carry thresholds: a wider legend
    grades: tuple[str, ...] = ()
    focus: str | None = None  # the outline of the place a `within` map is of (boundary key), drawn brighter
    outline_names: tuple[tuple[str, str], ...] = ()  # (boundary key, catalog name in the wall's language) of
    # outlines that are catalog places but not coloured areas: a `within` map's neighbours, named as the
    # catalog names them rather than as the boundary file spells them in English


class MapTile(PaintedTile):
    options: MapOptions
    options_model = MapOptions

    def __init__(self, options: MapOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)
        self.path_builds = 0  # how often outlines were turned into paths (tests: updates only recolour)
        self.grades: tuple[str, ...] = tuple(theme.DEFAULT_GRADES)
        self.brushes = colour_table(self.grades)
        self.boundaries: Boundaries | None = None
        self.match: DistrictMatch | None = None
        self._match_for: tuple[int, tuple[tuple[str, str], ...]] | None = None
        self._paths: dict[str, QPainterPath] = {}
        self._paths_for: tuple[QSize, QRectF, int, tuple[float, float, float, float] | None] | None = None
        self._outlines: tuple[object, QPointF, QImage] | None = None  # (geometry and ratio, where, the outlines' coverage)
        self.outline_strokes = 0  # how often the outlines were stroked (tests: once per size and view)
        self._map_cache: tuple[object, MapModel, QImage] | None = None  # (size and geometry, model, the map painted)
        self._halos: dict[tuple[str, int, bool], HaloShapes] = {}  # the last render's labels, stroked (_paint_labels)
        self.map_renders = 0  # maps painted into the cache (tests)
        self._map_kept = QTimer(self)  # lets go of the map's picture once it has not been used for a while
        self._map_kept.setSingleShot(True)
        self._map_kept.setTimerType(Qt.TimerType.CoarseTimer)
        self._map_kept.setInterval(MAP_PICTURE_KEPT_MS)
        self._map_kept.timeout.connect(self._let_go_of_map)
        self._transform: tuple[float, float, float] = (1.0, 0.0, 0.0)  # scale, dx, dy
        self._wide_legend = False  # marker labels carry thresholds: wider; changes only with the catalog

    def default_heading(self) -> str:
        return "Districts"

    # --- model -------------------------------------------------------------------------------

    def model_inputs(self, snapshot: Snapshot) -> tuple[Any, ...] | None:
        if snapshot.status.reachable is False:
            return None  # ages then come from the snapshot as a whole: always build
        # Figures, report times and ages come from the catalog and the series (replaced when
        # they change); the ranking by content (made anew every poll). The boundaries file is
        # not data: the GUI thread must not stat it, so a replaced file shows at the next data
        # change or within the minute (PaintedTile.refresh_ages builds again).
        return (snapshot.catalog, snapshot.series, snapshot.derived.derived, ranking_inputs(snapshot.ranking),
                snapshot.ranking_audit, tuple(snapshot.feed_quality.implausible), self.options,
                self.context.thresholds, self.context.layout_dir,
                self.context.shown_languages)  # the clock: PaintedTile.refresh_ages, once a minute

    def build_model(self, snapshot: Snapshot) -> MapModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, opts, now = self.context.tr, self.options, self.context.now()
        if opts.within is not None and opts.within != catalog.state.code:
            return self._place_model(snapshot, catalog, opts.within)
        districts = map_districts(catalog)
        codes = [code for code, _ in districts]
        colour_districts = colours_districts(catalog, opts.colour_by)
        markers = self._markers(snapshot, catalog, alone=not colour_districts)
        if isinstance(markers, str):
            return TileMessage(self.heading("District map"), markers)
        marker_colouring, marker_title, marker_age = markers
        note = ""
        colouring = Colouring((), ())
        if opts.colour_by == "kpi":
            kpi = catalog.kpi(opts.kpi or "")
            if kpi is None:
                return TileMessage(self.heading("District map"), f"{tr('unknown KPI')} {opts.kpi or '—'}")
            title = self.heading(self.context.title_of(kpi, kpi.code))
            age = kpi_age(snapshot, kpi, codes, now, tr) if districts else marker_age or ranking_age(snapshot, now, tr, self.context.language)
            legend_title = f"{tr('latest value')} ({tr(kpi.unit)})" if kpi.unit else tr("latest value")
            if colour_districts:
                found = figures(catalog, snapshot.series, kpi, list(codes), now)  # own reports, else rolled up
                colouring = by_kpi(kpi, {c: f.value for c, f in found.items()}, codes, self._number,
                                   self.context.thresholds, tr)
                reported = [f for f in found.values() if f.reported_at is not None]
                if reported:  # districts rolled up from their facilities: as old as the newest report shown
                    age = figure_age(snapshot, kpi, max(reported, key=lambda f: f.reported_at or 0.0), now, tr)
            else:
                note = tr("the catalog has no districts")
        elif colour_districts:
            age = ranking_age(snapshot, now, tr, self.context.language)
            ranking = snapshot.ranking
            noun = tr("Overall score") if opts.colour_by == "score" else tr("Grade")
            title = self.heading(f"{tr('Districts by')} {noun.lower()}" if self.context.language == "en" else noun)
            colouring = by_score(catalog, ranking, codes, letters=opts.colour_by == "grade")
            legend_title = noun if opts.colour_by == "grade" else f"{noun} ({tr('marks out of')} {catalog.ranking.max_marks:g})"
            if ranking is not None:
                title = f"{title} · {period_label(ranking.period, tr=self.context.tr)}"
                if ranking.source == "local":
                    legend_title = f"{legend_title} · {tr('local estimate')}"
                audit = snapshot.ranking_audit
                if audit is not None and audit.is_about(ranking) and audit.findings:
                    legend_title = f"{legend_title} · {audit_summary(audit, tr)}"
        else:  # facilities on the state's outlines
            title = self.heading(marker_title or "Facilities")
            age = marker_age or ranking_age(snapshot, now, tr, self.context.language)
            legend_title = ""
            if districts:
                note = tr("ranked by {level}, not by district").format(level=tr(catalog.ranking.level))
        if not colour_districts and not marker_colouring.markers:
            return TileMessage(title, tr("nothing to map: no districts and no facilities with a location"), age)
        try:
            boundaries = load_boundaries(self._boundaries_path(), code_field=opts.code_field,
                                         state_code=catalog.state.code, state_name=catalog.state.name)
        except BoundariesError as exc:
            return TileMessage(title, f"{tr('map unavailable')}: {exc}", age)
        match = self._match(boundaries, districts if colour_districts else ())
        fills = {f.code: f for f in colouring.fills}
        questioned = self._questioned(snapshot, codes) if opts.colour_by == "kpi" else frozenset()
        areas = tuple(
            Area(match.placed[code], fills[code].key, marked(fills[code].text, code in questioned),
                 self.context.name(catalog.entity(code), name))
            for code, name in districts if code in match.placed and code in fills
        )
        unmatched = tuple(self.context.name(catalog.entity(code), name) for code, name in match.unmatched)
        view = None if colour_districts else facility_view(boundaries, marker_colouring.markers)
        return MapModel(
            title=title, age=age, legend_title=legend_title, entries=colouring.entries, areas=areas,
            markers=marker_colouring.markers, marker_title=marker_title, marker_entries=marker_colouring.entries,
            unmatched=unmatched, credit=self._credit(boundaries, match, colour_districts), view=view, note=note,
            boundaries=boundaries, boundaries_id=id(boundaries), wide_legend=bool(marker_colouring.markers),
            grades=tuple(g for g, _ in catalog.ranking.grades),
        )

    def model_changed(self, model: object) -> None:
        """On the GUI thread: what painting keeps (outlines, brushes) follows the new model."""
        if not isinstance(model, MapModel):
            return
        if model.boundaries is not self.boundaries or model.wide_legend != self._wide_legend:
            self.boundaries = model.boundaries
            self._wide_legend = model.wide_legend
            self._drop_geometry()
        self._use_grades(model.grades)

    def _questioned(self, snapshot: Snapshot, codes: list[str]) -> frozenset[str]:
        """The districts whose value of the map's KPI is made of a value the wall questions."""
        catalog = snapshot.catalog
        kpi = catalog.kpi(self.options.kpi or "") if catalog is not None else None
        if catalog is None or kpi is None or not snapshot.feed_quality.implausible:
            return frozenset()
        series, now = snapshot.series.get(kpi.code), self.context.now()
        return frozenset(c for c in codes if questioned_in_figure(snapshot.feed_quality, catalog, series, kpi, c, now))

    def _use_grades(self, grades: tuple[str, ...]) -> None:
        if grades and grades != self.grades:
            self.grades = grades
            self.brushes = colour_table(grades)

    def _match(self, boundaries: Boundaries, districts: tuple[tuple[str, str], ...]) -> DistrictMatch:
        key = (id(boundaries), districts)
        if self.match is None or self._match_for != key:
            self.match = match_districts(districts, boundaries.names)
            self._match_for = key
        return self.match

    def _credit(self, boundaries: Boundaries, match: DistrictMatch, colour_districts: bool) -> str:
        tr = self.context.tr
        parts = [tr("Boundaries: {source}").format(source=boundaries.label)]
        if boundaries.state_by == "name":
            parts.append(tr("state found by name"))
        elif boundaries.state_by == "code" and boundaries.state_note:
            parts.append(tr("state taken by code, name differs"))
        if colour_districts:
            if match.codes == "different":
                parts.append(tr("placed by name (the file's codes are not the store's)"))
            elif match.codes == "same":
                parts.append(tr("{n} code–name disagreements (see check)").format(n=len(match.disagreements))
                             if match.disagreements else tr("code and name agree"))
            elif match.codes == "unchecked":
                parts.append(tr("placed by code (the file has no names)"))
            if match.unmatched:
                parts.append(tr("{n} not on map").format(n=len(match.unmatched)))
        return " · ".join(parts)

    def _number(self, value: float | None, unit: str) -> str:
        text = self.context.number(value, unit)
        short = {"hours": "h", "%": "%"}.get(unit, "")
        return f"{text}{' ' if short == 'h' else ''}{short}" if short else text

    def _boundaries_path(self) -> str | None:
        path = self.options.boundaries
        if path is None:
            return None
        return str(self.context.layout_dir / path)

    def _place_model(self, snapshot: Snapshot, catalog: Catalog, code: str) -> MapModel | TileMessage:
        """The map of one place (`within`): its outline filling the tile, the places under it
        coloured as districts are (areas where they have outlines, else points), its facilities."""
        tr, opts, now = self.context.tr, self.options, self.context.now()
        place = catalog.entity(code)
        if place is None:
            return TileMessage(self.heading("District map"), f"{tr('unknown entity')} {code}")
        try:
            boundaries = load_boundaries(self._boundaries_path(), code_field=opts.code_field,
                                         state_code=catalog.state.code, state_name=catalog.state.name)
        except BoundariesError as exc:
            return TileMessage(self.heading(self.context.title_of(place)), f"{tr('map unavailable')}: {exc}")
        match = self._match(boundaries, map_districts(catalog))
        under = place_map(catalog, code, match.placed)
        markers = self._markers(snapshot, catalog, alone=True, among=under.facilities)
        if isinstance(markers, str):
            return TileMessage(self.heading("District map"), markers)
        marker_colouring, marker_title, marker_age = markers
        focus = match.placed.get(code)
        if focus is None and place.lat is not None and place.lon is not None:  # a taluka: itself, in its parent
            under = replace(under, points=(*under.points, place))
            focus = match.placed.get(place.parent or "")
        coloured = [c.code for c in (*under.areas, *under.points)]
        ranked = opts.colour_by != "kpi" and any(c.level == catalog.ranking.level for c in (*under.areas, *under.points))
        kpi = catalog.kpi(opts.kpi or "") if opts.colour_by == "kpi" or not ranked else None
        if ranked:
            noun = tr("Overall score") if opts.colour_by == "score" else tr("Grade")
            colouring = by_score(catalog, snapshot.ranking, coloured, letters=opts.colour_by == "grade")
            legend_title, age = noun, ranking_age(snapshot, now, tr, self.context.language)
        elif kpi is not None:
            found = figures(catalog, snapshot.series, kpi, coloured, now)
            colouring = by_kpi(kpi, {c: f.value for c, f in found.items()}, coloured, self._number,
                               self.context.thresholds, tr)
            named = self.context.name(kpi, kpi.code)
            legend_title = named if not kpi.unit or f"({tr(kpi.unit)})" in named else f"{named} ({tr(kpi.unit)})"
            age = kpi_age(snapshot, kpi, coloured, now, tr)
        else:  # nothing to colour them by: where they are, said as such
            colouring = Colouring(tuple(DistrictFill(c, REPORTED, "") for c in coloured),
                                  (LegendEntry(REPORTED, tr("Places under it"), len(coloured)),) if coloured else ())
            legend_title, age = "", marker_age or ranking_age(snapshot, now, tr, self.context.language)
        fills = {f.code: f for f in colouring.fills}
        areas = tuple(Area(match.placed[c.code], fills[c.code].key, fills[c.code].text, self.context.name(c))
                      for c in under.areas)
        points = tuple(MarkerFill(c.code, float(c.lon or 0.0), float(c.lat or 0.0), fills[c.code].key, fills[c.code].text)
                       for c in under.points)
        view = place_view(boundaries, [k for k in (focus, *(a.boundary for a in areas)) if k is not None],
                          [(m.lon, m.lat) for m in (*points, *marker_colouring.markers)])
        if view is None:
            return TileMessage(self.heading(self.context.title_of(place)), tr("nothing to map: no outline and no places with a location"), age)
        parts = [tr("Boundaries: {source}").format(source=boundaries.label)]
        if under.off_map:
            parts.append(tr("{n} not on map").format(n=len(under.off_map)))
        return MapModel(
            title=self.heading(self.context.title_of(place)), age=age, legend_title=legend_title, entries=colouring.entries,
            areas=areas, markers=(*points, *marker_colouring.markers), marker_title=marker_title,
            marker_entries=marker_colouring.entries, unmatched=tuple(self.context.name(c) for c in under.off_map),
            credit=" · ".join(parts), view=view, boundaries=boundaries, boundaries_id=id(boundaries),
            wide_legend=bool(marker_colouring.markers), grades=tuple(g for g, _ in catalog.ranking.grades), focus=focus,
            outline_names=tuple((key, self.context.name(entity))
                                for code, key in match.placed.items() if (entity := catalog.entity(code)) is not None),
        )

    def _markers(self, snapshot: Snapshot, catalog: Catalog, *, alone: bool, among: frozenset[str] | None = None,
                 ) -> tuple[MarkerColouring, str, DataAge | None] | str:
        """Facility markers (of the facilities `among`, default all), their legend title and
        their data's age; a message for a layout mistake."""
        tr, opts, now = self.context.tr, self.options, self.context.now()
        none = MarkerColouring((), ())
        if opts.facility_kpi is not None:
            kpi = catalog.kpi(opts.facility_kpi)
            if kpi is None:
                return f"{tr('unknown KPI')} {opts.facility_kpi}"
        pairs = catalog.capacity_pairs
        if opts.occupancy_kpi is not None:
            pairs = tuple(p for p in pairs if p[0].code == opts.occupancy_kpi)
            if not pairs:
                return f"{tr('not a used/total pair in the catalog')}: {opts.occupancy_kpi}"
        facilities = located_facilities(catalog)
        if among is not None:
            facilities = tuple(f for f in facilities if f.code in among)
        if not opts.facilities or not facilities:
            return none, "", None
        codes = [f.code for f in facilities]
        if opts.facility_kpi is not None:
            kpi = catalog.kpi(opts.facility_kpi)
            assert kpi is not None
            own_pair = tuple(p for p in catalog.capacity_pairs if p[0].code == kpi.code)
            if kpi_band(kpi, self.context.thresholds)[0] is not None or not own_pair:
                colouring = by_facility_kpi(facilities, kpi, snapshot.series.get(kpi.code), self._number,
                                            self.context.thresholds, now, tr, reports=snapshot.derived.reports)
                newest = newest_reporter(snapshot.series.get(kpi.code), codes)
                return colouring, self.context.name(kpi, kpi.code), kpi_age(snapshot, kpi, newest, now, tr)
            pairs = own_pair  # "beds in use" with no threshold of its own: judged by its occupancy
        if pairs:
            colouring = by_occupancy(facilities, pairs, snapshot.series, self.context.thresholds, now, tr,
                                     reports=snapshot.derived.reports)
            if len(pairs) == 1:
                title = self.context.titled(lambda c: f"{c.tr('Occupancy')}: {c.name(pairs[0][0], pairs[0][0].code)}")
            else:
                title = tr("Occupancy, worst of {n} kinds").format(n=len(pairs))
            age = worst_age(kpi_age(snapshot, k, newest_reporter(snapshot.series.get(k.code), codes), now, tr)
                            for pair in pairs for k in pair)
            return colouring, title, age
        if alone:
            return located_only(facilities, tr), tr("Facilities"), None
        return none, "", None

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    # --- geometry (built once per size and view) ------------------------------------------------

    def _drop_geometry(self) -> None:
        self._paths_for = None
        self._outlines = None

    def relayout(self) -> None:
        self._drop_geometry()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt override)
        """Off screen (its page turned away): let go of the map's pictures and paths (two
        tile-sized pictures, ~10 MB at 1080p, issue 12); built again when next painted."""
        self._map_kept.stop()
        self._let_go_of_map()
        super().hideEvent(event)

    def _legend_below(self) -> bool:
        """A tall tile keeps the map wide and puts the legend under it."""
        body = self.body_rect()
        return body.height() > body.width() * 1.15

    def _map_rect(self) -> QRectF:
        body = self.body_rect()
        credit = self.scale.small * 1.4
        # Fixed by the options and the tile's shape, never by the figures: a new snapshot must not move the map.
        if self._legend_below():
            legend_h = body.height() * 0.3
            return QRectF(body.left(), body.top(), body.width(), body.height() - legend_h - credit - self.pad)
        ems = 12.5 if self.options.colour_by == "kpi" or self._wide_legend else 10.5
        legend_w = min(body.width() * 0.36, self.scale.small * ems)
        return QRectF(body.left(), body.top(), body.width() - legend_w - self.pad, body.height() - credit)

    def _legend_rect(self) -> QRectF:
        body, area = self.body_rect(), self._map_rect()
        if self._legend_below():
            top = area.bottom() + self.scale.small * 1.4 + self.pad
            return QRectF(body.left(), top, body.width(), body.bottom() - top)
        return QRectF(area.right() + self.pad, body.top(), body.right() - area.right() - self.pad, body.height())

    def _ensure_geometry(self, view: tuple[float, float, float, float] | None) -> None:
        boundaries = self.boundaries
        area = self._map_rect()
        key = (self.size(), area, id(boundaries), view)
        if boundaries is None or self._paths_for == key:
            return
        min_x, min_y, max_x, max_y = view or boundaries.bounds
        scale = min(area.width() / max(max_x - min_x, 1e-9), area.height() / max(max_y - min_y, 1e-9))
        dx = area.left() + (area.width() - (max_x - min_x) * scale) / 2 - min_x * scale
        dy = area.top() + (area.height() - (max_y - min_y) * scale) / 2 - min_y * scale
        self._transform = (scale, dx, dy)
        paths: dict[str, QPainterPath] = {}
        for code, shape in boundaries.districts.items():
            path = QPainterPath()
            path.setFillRule(Qt.FillRule.OddEvenFill)
            for ring in shape.rings:
                path.addPolygon(QPolygonF([QPointF(x * scale + dx, y * scale + dy) for x, y in ring]))
                path.closeSubpath()
            paths[code] = path
        self._paths = paths
        self._paths_for = key
        self.path_builds += 1

    def _outline_layer(self, area: QRectF) -> tuple[QPointF, QImage]:
        """The outlines over `area` as painted there, with where to draw them: stroked once per
        size and view (kept as each pixel's coverage, an 8-bit image coloured by its table)."""
        ratio = self.devicePixelRatioF()
        key = (self._paths_for, area, ratio)
        if self._outlines is not None and self._outlines[0] == key:
            return self._outlines[1], self._outlines[2]
        pixels = QRectF(area.left() * ratio, area.top() * ratio, area.width() * ratio, area.height() * ratio).toAlignedRect()
        origin = QPointF(pixels.left() / ratio, pixels.top() / ratio)  # whole device pixels: strokes land as on the tile
        stroked = QImage(pixels.size(), QImage.Format.Format_ARGB32_Premultiplied)
        stroked.setDevicePixelRatio(ratio)
        stroked.fill(Qt.GlobalColor.transparent)
        painter = QPainter(stroked)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(-origin)
        painter.setClipRect(area)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        colour = QColor(theme.PANEL)
        painter.setPen(QPen(colour, max(1.2, self.scale.small / 10)))
        for path in self._paths.values():
            painter.drawPath(path)
        painter.end()
        coverage = stroked.convertToFormat(QImage.Format.Format_Alpha8)  # one colour: its alpha says it all
        layer = QImage(coverage.constBits(), coverage.width(), coverage.height(), coverage.bytesPerLine(),
                       QImage.Format.Format_Indexed8).copy()
        layer.setColorTable([QColor(colour.red(), colour.green(), colour.blue(), alpha).rgba() for alpha in range(256)])
        layer.setDevicePixelRatio(ratio)
        self._outlines = (key, origin, layer)
        self.outline_strokes += 1
        return origin, layer

    def _point(self, lon: float, lat: float) -> QPointF:
        assert self.boundaries is not None
        x, y = self.boundaries.project(lon, lat)
        scale, dx, dy = self._transform
        return QPointF(x * scale + dx, y * scale + dy)

    # --- painting ---------------------------------------------------------------------------------

    def paint_model(self, painter: QPainter, rect: QRectF, model: MapModel) -> None:
        self.paint_heading(painter, model.title, model.age)
        self._ensure_geometry(model.view)
        area = self._map_rect()
        if recording_texts():  # a screenshot's audit reads the texts as they are painted on the tile
            self._paint_map(painter, model, area)
        else:
            painter.drawImage(0, 0, self._map_image(model, area))
        self._paint_legend(painter, model)
        draw_text(painter, QRectF(area.left(), area.bottom(), area.width(), self.scale.small * 1.4),
                  model.credit, int(self.scale.small * 0.85), fg=theme.TEXT_DIM, shrink=True)

    def _map_image(self, model: MapModel, area: QRectF) -> QImage:
        """The map itself (areas, outlines, labels, markers), painted once per size and model
        and blitted on every other paint: its labels alone took 40–90 ms a paint at scale."""
        ratio = self.devicePixelRatioF()
        key = (self.size(), ratio, self._paths_for, area)
        self._map_kept.start()  # (again): kept while it is used
        if self._map_cache is not None and self._map_cache[0] == key and self._map_cache[1] == model:
            return self._map_cache[2]
        image = QImage(self.size() * ratio, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self._paint_map(painter, model, area)
        painter.end()
        self._map_cache = (key, model, image)
        self.map_renders += 1
        return image

    def cleanup(self) -> None:
        self._map_kept.stop()
        self._let_go_of_map()
        super().cleanup()

    def _let_go_of_map(self) -> None:
        """The map's picture, paths and outlines let go (off screen, or unused for
        MAP_PICTURE_KEPT_MS while the window keeps its pixels), and its labels' shapes with
        them (~20 kB a label: ~1.5 MB for two maps of 33 districts); built again when next
        painted."""
        self._map_cache = None
        self._paths = {}
        self._halos = {}
        self._drop_geometry()

    def _paint_map(self, painter: QPainter, model: MapModel, area: QRectF) -> None:
        areas = {a.boundary: a for a in model.areas}
        painter.save()
        painter.setClipRect(area)
        for key, path in self._paths.items():
            shown = areas.get(key)
            fill = shown.key if shown is not None else BASE
            painter.fillPath(path, self.brushes.get(fill, self.brushes[NO_DATA]))
            if fill == NO_DATA:
                painter.fillPath(path, self.brushes["hatch"])
        if self._paths_for is not None:
            painter.drawImage(*self._outline_layer(area))
        if model.focus in self._paths:  # a map of one place: its own outline stands out
            painter.strokePath(self._paths[model.focus], QPen(QColor(theme.TEXT_DIM), max(1.5, self.scale.small / 6)))
        alone = not model.areas
        if alone:  # the outlines' names are only orientation: under every marker
            self._paint_labels(painter, model, areas)
        self._paint_markers(painter, model, urgent=False, alone=alone)
        if not alone:
            self._paint_labels(painter, model, areas)
        self._paint_markers(painter, model, urgent=True, alone=alone)
        painter.restore()

    def _paint_labels(self, painter: QPainter, model: MapModel, areas: dict[str, Area]) -> None:
        """Every district's value first (largest districts first), then names where there is room.

        With no district coloured (facilities on a base map) the outlines carry only
        their names, dimly, for orientation. Each label's shapes are stroked once and kept
        while the map shows them: the last render's are reused, the rest let go."""
        if self.boundaries is None:
            return
        previous, self._halos = self._halos, {}

        def halo(text: str, pixel_size: int, bold: bool = False) -> HaloShapes:
            key = (text, pixel_size, bold)
            shapes = self._halos[key] = previous.get(key) or _halo_shapes(text, pixel_size, bold)
            return shapes

        scale, dx, dy = self._transform
        value_px = max(9, int(self.scale.small * 0.9))
        name_px = max(8, int(self.scale.small * 0.72))
        map_rect = self._map_rect()
        keys = list(areas) if areas else list(self._paths)
        shapes = sorted(
            (self.boundaries.districts[k] for k in keys if k in self._paths),
            key=lambda s: -self._paths[s.key].boundingRect().width() * self._paths[s.key].boundingRect().height(),
        )
        taken: list[QRectF] = self._marker_rects(model) if areas else []
        placed: list[tuple[str, QPointF, QRectF]] = []
        for shape in shapes:
            centre = QPointF(shape.label_at[0] * scale + dx, shape.label_at[1] * scale + dy)
            if not areas and not map_rect.contains(centre):  # zoomed in: the middle of what is in view
                path = self._paths[shape.key]
                centre = path.boundingRect().intersected(map_rect).center()
                if not path.contains(centre):
                    continue
            if not map_rect.contains(centre):
                continue
            if not areas:
                placed.append((shape.key, centre, QRectF(centre.x(), centre.y(), 0, 0)))
                continue
            text = areas[shape.key].text
            width = text_width(text, value_px, True)
            rect = QRectF(centre.x() - width / 2 - 2, centre.y() - value_px * 0.55, width + 4, value_px * 1.1)
            if any(rect.intersects(t) for t in taken):
                continue
            taken.append(rect)
            placed.append((shape.key, centre, rect))
            halo_text(painter, QPointF(centre.x() - width / 2, centre.y() + value_px * 0.36), halo(text, value_px, True))
        if not self.options.show_names:
            return
        outline_names = dict(model.outline_names)
        for key, centre, value_rect in placed:
            name = areas[key].name if areas else outline_names.get(key, self.boundaries.districts[key].name)
            width = text_width(name, name_px)
            above = QRectF(centre.x() - width / 2 - 2, value_rect.top() - name_px * 1.15, width + 4, name_px * 1.15)
            below = QRectF(above.left(), value_rect.bottom(), above.width(), above.height())
            name_rect = next((r for r in (above, below) if not any(r.intersects(t) for t in taken)), None)
            if name_rect is None:
                continue
            taken.append(name_rect)
            halo_text(painter, QPointF(centre.x() - width / 2, name_rect.bottom() - name_px * 0.3), halo(name, name_px), dim=True)

    def _radius(self, key: str, alone: bool) -> float:
        return self.scale.small * MARKER_RADIUS.get(key, QUIET_RADIUS_ALONE if alone else QUIET_RADIUS)

    def _marker_rects(self, model: MapModel) -> list[QRectF]:
        """Where the urgent markers sit: district labels keep clear of them."""
        rects = []
        for m in model.markers:
            if m.key in URGENT:
                r = self._radius(m.key, False) * 1.15
                c = self._point(m.lon, m.lat)
                rects.append(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r))
        return rects

    def _paint_markers(self, painter: QPainter, model: MapModel, *, urgent: bool, alone: bool) -> None:
        """Quiet facilities as small dots under the labels; urgent ones large, on top, with their symbol."""
        for m in model.markers:
            if (m.key in URGENT) != urgent:
                continue
            own = self.brushes[m.key].color() if m.key not in MARKER_COLOURS and m.key in self.brushes else None
            paint_marker(painter, self._point(m.lon, m.lat), self._radius(m.key, alone), m.key, late=m.late, fill=own)

    # --- legend -----------------------------------------------------------------------------------

    def _paint_legend(self, painter: QPainter, model: MapModel) -> None:
        """Titles, every colour with its meaning and count, then what is not on the map.

        Everything must be there, so a crowded legend (ten grades, markers and a list
        of missing districts) first puts the districts' colours in two columns, then
        shrinks its type; the list of missing districts alone ends in "+N more". Under
        a tall map the legend's parts stand side by side."""
        rect = self._legend_rect()
        colours = bool(model.entries or model.legend_title or model.note)
        markers = bool(model.markers)
        if self._legend_below() and colours and markers:
            half = (rect.width() - self.pad) / 2
            self._fit_legend(painter, model, QRectF(rect.left(), rect.top(), half, rect.height()), ("colours",))
            self._fit_legend(painter, model, QRectF(rect.right() - half, rect.top(), half, rect.height()),
                             ("markers", "unmatched"))
        else:
            self._fit_legend(painter, model, rect, ("colours", "markers", "unmatched"))

    def _fit_legend(self, painter: QPainter, model: MapModel, rect: QRectF, parts: tuple[str, ...]) -> None:
        base_px = self.scale.small
        wide = rect.width() > base_px * 24  # a legend under the map: room for columns at full size
        most = 3 if wide else 2
        choice: tuple[int, int] | None = None
        for factor in (1.0, 0.92, 0.84, 0.76, 0.68, 0.6):
            px = max(7, int(base_px * factor))
            for columns in range(1, most + 1):
                if columns > 1 and len(model.entries) < 4 * columns - 3:
                    continue
                if (self._legend_height(model, rect.width(), px, columns, parts) <= rect.height()
                        and ("colours" not in parts or self._labels_fit(model, rect.width(), px, columns))):
                    choice = (px, columns)
                    break
            if choice:
                break
        px, columns = choice or (max(7, int(base_px * 0.6)), 1)
        self._draw_legend(painter, model, rect, px, columns, parts)

    def _labels_fit(self, model: MapModel, width: float, px: int, columns: int) -> bool:
        """Every colour's label readable in its column: at most a fifth smaller than `px`."""
        column_w = (width - px * (columns - 1)) / columns
        room = column_w - px * 1.05 * 1.4 - px * 0.4 - px * 2.2
        return all(text_width(e.label, px) * 0.8 <= room for e in model.entries)

    def _title_height(self, text: str, width: float, px: int) -> float:
        if not text:
            return 0.0
        return (px * 2.6 if text_width(text, px) > width else px * 1.35) + px * 0.4

    def _legend_height(self, model: MapModel, width: float, px: int, columns: int, parts: tuple[str, ...]) -> float:
        line = px * 1.55
        height = px * 0.3
        if "colours" in parts:
            height += self._title_height(model.legend_title, width, px)
            height += line * -(-len(model.entries) // columns)
            if model.note:
                height += line * 2
        if "markers" in parts and model.markers:
            height += line * 0.6 + self._title_height(model.marker_title, width, px) + line * len(model.marker_entries)
        if "unmatched" in parts and model.unmatched:
            height += line * 0.3 + px * 1.35 * 2  # the heading and at least one line of names
        return height

    def _draw_legend(self, painter: QPainter, model: MapModel, rect: QRectF, px: int, columns: int,
                     parts: tuple[str, ...]) -> None:
        tr = self.context.tr
        line = px * 1.55
        box = px * 1.05
        count_w = px * 2.2
        y = rect.top() + px * 0.3
        if "colours" in parts:
            if model.legend_title:
                y += draw_wrapped(painter, QRectF(rect.left(), y, rect.width(), line * 2), model.legend_title, px) + px * 0.4
            column_w = (rect.width() - px * (columns - 1)) / columns
            rows = -(-len(model.entries) // columns)
            for i, entry in enumerate(model.entries):
                col, row = divmod(i, rows)
                left, top = rect.left() + col * (column_w + px), y + row * line
                swatch = QRectF(left, top + (line - box) / 2, box * 1.4, box)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.fillRect(swatch, self.brushes.get(entry.key, self.brushes[NO_DATA]))
                if entry.key == NO_DATA:
                    painter.fillRect(swatch, self.brushes["hatch"])
                label = tr(entry.label) if entry.key == NO_DATA else entry.label
                text_rect = QRectF(swatch.right() + px * 0.4, top, column_w - swatch.width() - px * 0.4 - count_w, line)
                draw_text(painter, text_rect, label, px, shrink=True)  # "! warning (< 90.0%)": never clip the threshold
                draw_text(painter, QRectF(left + column_w - count_w, top, count_w, line), str(entry.count), px,
                          fg=theme.TEXT_DIM, align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            y += rows * line
            if model.note:
                y += draw_wrapped(painter, QRectF(rect.left(), y, rect.width(), line * 2), model.note, px) + px * 0.4
        if "markers" in parts and model.markers:
            if y > rect.top() + px:
                y += line * 0.6
            y += draw_wrapped(painter, QRectF(rect.left(), y, rect.width(), line * 2), model.marker_title, px) + px * 0.4
            for entry in model.marker_entries:
                late = entry.key == LATE
                paint_marker(painter, QPointF(rect.left() + box * 0.7, y + line / 2), px * 0.42,
                             REPORTED if late else entry.key, symbol=False, late=late)
                label = entry.label
                draw_text(painter, QRectF(rect.left() + box * 1.4 + px * 0.4, y, rect.width() - box * 1.4 - px * 0.4 - count_w,
                                          line), label, px, shrink=True)
                draw_text(painter, QRectF(rect.right() - count_w, y, count_w, line), str(entry.count), px,
                          fg=theme.TEXT_DIM, align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                y += line
        if "unmatched" in parts and model.unmatched:
            y += line * 0.3
            self._draw_unmatched(painter, model.unmatched, QRectF(rect.left(), y, rect.width(), rect.bottom() - y), px)

    def _draw_unmatched(self, painter: QPainter, names: tuple[str, ...], rect: QRectF, px: int) -> None:
        """'Not on map (3):' and the names, as many lines as fit, the rest counted."""
        tr = self.context.tr
        line = px * 1.35
        warn = theme.ALERT_COLOURS["warn"]
        draw_text(painter, QRectF(rect.left(), rect.top(), rect.width(), line),
                  tr("Not on map ({n}):").format(n=len(names)), px, fg=warn, shrink=True)
        lines = lay_out_names(names, rect.width(), max(1, int(rect.height() / line) - 1), px,
                              more=tr("+{n} more"))
        for i, text in enumerate(lines):
            draw_text(painter, QRectF(rect.left(), rect.top() + (i + 1) * line, rect.width(), line), text, px,
                      fg=theme.TEXT_DIM, shrink=True)


def lay_out_names(names: Sequence[str], width: float, max_lines: int, px: int, *, more: str = "+{n} more") -> list[str]:
    """Names joined by commas into at most `max_lines` lines of `width`; those that do
    not fit are counted at the end ("+3 more"), never cut off silently."""

    def wrap(shown: int) -> list[str]:
        items = [f"{n}," for n in names[:shown]]
        if items and shown == len(names):
            items[-1] = items[-1][:-1]
        if shown < len(names):
            items.append(more.format(n=len(names) - shown))
        lines: list[str] = []
        for item in items:
            if lines and text_width(f"{lines[-1]} {item}", px) <= width:
                lines[-1] = f"{lines[-1]} {item}"
            else:
                lines.append(item)
        return lines

    low, high = 0, len(names)  # the most names shown whose lines still fit
    while low < high:
        middle = (low + high + 1) // 2
        if len(wrap(middle)) <= max_lines:
            low = middle
        else:
            high = middle - 1
    return wrap(low)


def facility_view(boundaries: Boundaries, markers: Sequence[MarkerFill]) -> tuple[float, float, float, float] | None:
    """The projected extent of the facilities, padded, when they all lie in a small part
    of the state (a city); None to show the whole state."""
    if not markers:
        return None
    points = [boundaries.project(m.lon, m.lat) for m in markers]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    min_x, min_y, max_x, max_y = boundaries.bounds
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    if span_x > SMALL_AREA * (max_x - min_x) or span_y > SMALL_AREA * (max_y - min_y):
        return None
    half = max(span_x, span_y, MIN_VIEW) * 0.65
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return (cx - half, cy - half, cx + half, cy + half)


def paint_marker(painter: QPainter, centre: QPointF, r: float, key: str, *, symbol: bool = True,
                 late: bool = False, fill: QColor | None = None) -> None:
    """A facility: filled in its level's colour; a late figure only half filled (◐, as the
    wall marks late data everywhere); no data is a hollow grey ring, never a colour."""
    painter.save()
    if key == NO_DATA:
        painter.setPen(QPen(QColor(NO_DATA_HATCH), max(1.5, r * 0.4)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, r * 0.85, r * 0.85)
    else:
        urgent = key in URGENT
        fill = fill or QColor(MARKER_COLOURS.get(key, NO_DATA_HATCH))  # `fill`: a grade's or quartile's colour
        painter.setPen(QPen(QColor(theme.TEXT if urgent else theme.BACKGROUND), max(1.5, r * 0.25)))
        painter.setBrush(QColor(theme.BACKGROUND) if late else fill)
        painter.drawEllipse(centre, r, r)
        if late:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            inner = r * 0.85
            painter.drawPie(QRectF(centre.x() - inner, centre.y() - inner, 2 * inner, 2 * inner), 90 * 16, 180 * 16)
            painter.setPen(QPen(fill, max(1.0, r * 0.15)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(centre, inner, inner)
        elif symbol and urgent:
            draw_text(painter, QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r), SYMBOLS[key],
                      int(r * 1.3), fg=theme.BACKGROUND, bold=True, align=ALIGN_CENTER)
    painter.restore()


HaloShapes = tuple[QPainterPath, QPainterPath]  # a label's glyphs and its halo


def _halo_shapes(text: str, pixel_size: int, bold: bool) -> HaloShapes:
    """`text`'s glyphs from a baseline at the origin, and its halo (the glyphs' outline
    stroked with a round pen) as a shape to fill. A map keeps them while it shows the label
    (MapTile._paint_labels): its labels are the same few names and figures model after model,
    and stroking them again was half of painting a map."""
    glyphs = QPainterPath()
    glyphs.addText(QPointF(0, 0), font(pixel_size, bold), text)
    stroker = QPainterPathStroker()
    stroker.setWidth(max(2.0, pixel_size * 0.22))
    stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
    stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return glyphs, stroker.createStroke(glyphs)


def halo_text(painter: QPainter, baseline_left: QPointF, shapes: HaloShapes, *, dim: bool = False) -> None:
    """Plain text (its `_halo_shapes`) with a dark halo: legible on every fill colour of the map."""
    glyphs, halo = shapes
    painter.save()
    painter.translate(baseline_left)
    painter.fillPath(halo, QColor(theme.BACKGROUND))
    painter.fillPath(glyphs, QColor("#dfe6f0" if dim else "#ffffff"))
    painter.restore()

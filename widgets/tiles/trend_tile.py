"""A KPI over time for the state and chosen places, against its target.

Lines come from sync/rollup.py: the state's own reports, or its places rolled up by
the KPI's `aggregate` at each moment one of them reported (a sum of hospitals, not a
mean of districts); each chosen place's own reports (or its children's, rolled up).
The x axis is time itself, so irregular snapshots sit where they fell, with calendar
ticks in IST that carry the date as the span needs (widgets/time_ticks.py). The
value axis is as wide as its widest label ("12,34,567", "1.25 lakh"), never cut.

The legend is painted by the tile (names are store text: pyqtgraph's legend would
treat them as HTML); the plot holds one PlotDataItem per line, created once, and a
target InfiniteLine. Updates only call `setData`, over at most `periods` points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
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
from ..paint_kit import colour, draw_text, font, text_width
from ..painted_tile import PaintedTile, TileMessage
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
        self.plot = pg.PlotWidget(self, background=theme.PANEL)
        self.plot.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.showGrid(x=False, y=True, alpha=0.15)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setTextPen(pg.mkPen(theme.TEXT_DIM))
            axis.setPen(pg.mkPen(theme.PANEL_BORDER))
        count = min(MAX_LINES, int(options.include_state) + len(options.entities))
        self.curves = []
        for i in range(count):
            tint = LINE_COLOURS[i if options.include_state else i + 1]
            width = 4 if (options.include_state and i == 0) else 3
            self.curves.append(self.plot.plot([], [], pen=pg.mkPen(tint, width=width), symbol="o", symbolSize=7,
                                              symbolBrush=tint, symbolPen=None, connect="finite"))
        self.target_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(theme.TEXT_DIM, width=2, style=Qt.PenStyle.DashLine))
        self.plot.addItem(self.target_line)
        # an amber ring around a line's latest point when that value is questioned
        self.questioned_points = pg.ScatterPlotItem(symbol="o", pen=pg.mkPen(MARK_COLOUR, width=3), brush=None)
        self.plot.addItem(self.questioned_points)
        # the time axis is as wide as what the value axis leaves: ticks follow its real width
        self.plot.getViewBox().sigResized.connect(self._set_time_ticks)
        self.plot.hide()

    def default_heading(self) -> str:
        return "Trend"

    def build_model(self, snapshot: Snapshot) -> TrendModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, opts, now = self.context.tr, self.options, self.context.now()
        kpi = catalog.kpi(opts.kpi)
        if kpi is None:
            return TileMessage(self.heading("Trend"), f"{tr('unknown KPI')} {opts.kpi}")
        unknown = [e for e in opts.entities if catalog.entity(e) is None]
        if unknown:
            return TileMessage(self.heading(self.context.name(kpi)), f"{tr('unknown entity')} {', '.join(unknown)}")
        title = self.heading(self.context.name(kpi))
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
        if not isinstance(model, TrendModel) or model.span is None:
            self.plot.hide()
            return
        for curve, line in zip(self.curves, model.lines):
            if line.values:
                curve.setData(np.asarray(line.seconds, dtype=float), np.asarray(line.values, dtype=float))
            else:
                curve.setData([], [])
        ringed = [(line.seconds[i], line.values[i]) for line in model.lines if line.questioned
                  for i in [max((k for k, v in enumerate(line.values) if not math.isnan(v)), default=-1)] if i >= 0]
        self.questioned_points.setData([x for x, _ in ringed], [y for _, y in ringed])
        if model.target is not None:
            self.target_line.setPos(model.target)
            self.target_line.show()
        else:
            self.target_line.hide()
        self.relayout()  # the legend may take another row
        self.plot.show()

    def x_range(self, model: TrendModel) -> tuple[float, float]:
        span = model.span
        assert span is not None
        lo, hi = span
        margin = (hi - lo) * 0.03 if hi > lo else {"instant": 1800.0, "day": 43200.0, "month": 15 * 86400.0}[model.granularity]
        return lo - margin, hi + margin

    def _set_axes(self, model: TrendModel) -> None:
        """Ranges, ticks and the value axis's width, from the model and the tile's size."""
        if model.span is None:
            return
        small = self.scale.small
        left, bottom = self.plot.getAxis("left"), self.plot.getAxis("bottom")
        y_range = value_range(model)
        if y_range is not None:
            lo, hi = y_range
            plot_h = max(1.0, self.plot.height() - bottom.height())
            step, values = value_ticks(lo, hi, count=max(2, int(plot_h // (small * 2.6))))
            # a label centred within half a line of either end would stick out of the axis
            edge = (hi - lo) * small * 0.75 / plot_h
            values = [v for v in values if lo + edge <= v <= hi - edge] or values
            labels = axis_numbers(values, step, model.unit, self.context.language)
            self.plot.setYRange(lo, hi, padding=0)
            left.setTicks([list(zip(values, labels))])
            # as wide as the widest label: "12,34,567" and "1.25 lakh" are never cut
            widest = max((text_width(label, small) for label in labels), default=0.0)
            left.setWidth(int(math.ceil(widest + max(3, small // 3) + small * 0.6)))
        self.plot.setXRange(*self.x_range(model), padding=0)
        self._set_time_ticks()

    def _set_time_ticks(self) -> None:
        """Calendar ticks whose labels fit the time axis as it is now laid out."""
        model = self.model
        if not isinstance(model, TrendModel) or model.span is None:
            return
        small = self.scale.small
        bottom = self.plot.getAxis("bottom")
        width = bottom.width() if bottom.width() > 1 else self.plot.width() - self.plot.getAxis("left").width()
        lo, hi = self.x_range(model)
        ticks = time_ticks(lo, hi, model.granularity, max(1.0, width - 2), lambda text: text_width(text, small),
                           self.context.tr, gap=small * 1.2)
        bottom.setTicks([ticks])

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
        body = self.body_rect()
        legend = self._legend_height()
        self.plot.setGeometry(QRectF(body.left(), body.top() + legend, body.width(), body.height() - legend).toRect())
        tick_font = font(self.scale.small)
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setStyle(tickFont=tick_font, tickTextOffset=max(3, self.scale.small // 3))
        self.plot.getAxis("bottom").setHeight(int(self.scale.small * 2.0))
        # lines and dots as bold on a 4K wall as on 1080p; the state's line thicker
        small = self.scale.small
        for i, curve in enumerate(self.curves):
            state = self.options.include_state and i == 0
            tint = LINE_COLOURS[i if self.options.include_state else i + 1]
            curve.setPen(pg.mkPen(tint, width=max(4.0, small * 0.25) if state else max(3.0, small * 0.18)))
            curve.setSymbolSize(max(7.0, small * 0.45))
        self.questioned_points.setSize(max(16.0, small * 1.1))
        self.questioned_points.setPen(pg.mkPen(MARK_COLOUR, width=max(3.0, small * 0.15)))
        self.target_line.setPen(pg.mkPen(theme.TEXT_DIM, width=max(2.0, small * 0.1), style=Qt.PenStyle.DashLine))
        if isinstance(self.model, TrendModel):
            self._set_axes(self.model)

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

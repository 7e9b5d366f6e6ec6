"""A KPI over time for the state and chosen districts, against its target.

The legend is painted by the tile (names are store text: pyqtgraph's legend would
treat them as HTML); the plot holds one PlotDataItem per line, created once, and a
target InfiniteLine. Updates only call `setData`, over at most `periods` points.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import TrendOptions
from ...sync.series import KpiSeries
from ...sync.snapshot import Snapshot
from ...wall import theme
from ..base import TileContext
from ..data_age import DataAge, kpi_age
from ..kpi_figures import district_codes, period_label
from ..paint_kit import colour, draw_text, font, text_width
from ..painted_tile import PaintedTile, TileMessage
from ..registry import register

# Okabe–Ito order; the state is always the first (white, thicker).
LINE_COLOURS = (theme.TEXT, "#56b4e9", "#e69f00", "#009e73", "#cc79a7", "#f0e442", "#0072b2", "#d55e00")
MAX_LINES = len(LINE_COLOURS)


@dataclass(frozen=True)
class TrendLine:
    name: str
    colour: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class TrendModel:
    title: str
    unit: str
    periods: tuple[str, ...]
    lines: tuple[TrendLine, ...]
    target: float | None
    target_text: str
    age: DataAge


def _row_values(series: KpiSeries, codes: list[str], cols: np.ndarray) -> np.ndarray | None:
    rows = [r for c in codes if (r := series.row_of(c)) is not None]
    if not rows:
        return None
    block = series.values[np.ix_(rows, cols)]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN column: no value that period
        return np.nanmean(block, axis=0) if len(rows) > 1 else block[0]


@register("trend")
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
        self.plot.hide()

    def default_heading(self) -> str:
        return "Trend"

    def build_model(self, snapshot: Snapshot) -> TrendModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, opts = self.context.tr, self.options
        kpi = catalog.kpi(opts.kpi)
        if kpi is None:
            return TileMessage(self.heading("Trend"), f"{tr('unknown KPI')} {opts.kpi}")
        unknown = [e for e in opts.entities if catalog.entity(e) is None]
        if unknown:
            return TileMessage(self.heading(self.context.name(kpi)), f"{tr('unknown entity')} {', '.join(unknown)}")
        title = self.heading(self.context.name(kpi))
        series = snapshot.series.get(kpi.code)
        entities = list(opts.entities)[: MAX_LINES - int(opts.include_state)]
        age = kpi_age(snapshot, kpi, entities or [catalog.state.code, *district_codes(catalog)], self.context.now(), tr)
        if series is None or not series.periods:
            return TileMessage(title, tr("no data yet"), age)
        cols = np.arange(max(0, len(series.periods) - opts.periods), len(series.periods))
        lines: list[TrendLine] = []
        if opts.include_state:
            state = catalog.state.code
            own = series.row_of(state) is not None
            values = _row_values(series, [state] if own else list(district_codes(catalog)), cols)
            name = self.context.name(catalog.state) + ("" if own else f" ({tr('avg of districts')})")
            lines.append(TrendLine(name, LINE_COLOURS[0], tuple(float(v) for v in values) if values is not None else ()))
        for i, code in enumerate(entities):
            values = _row_values(series, [code], cols)
            lines.append(TrendLine(self.context.name(catalog.entity(code), code), LINE_COLOURS[i + 1],
                                   tuple(float(v) for v in values) if values is not None else ()))
        target_text = ""
        if kpi.target is not None:
            target_text = f"{tr('target')} {self.context.number(kpi.target, kpi.unit, decimals=0 if float(kpi.target).is_integer() else None)} {kpi.unit}".rstrip()
        return TrendModel(title=title, unit=kpi.unit, periods=tuple(series.periods[c] for c in cols),
                          lines=tuple(lines), target=kpi.target, target_text=target_text, age=age)

    def model_changed(self, model: object) -> None:
        if not isinstance(model, TrendModel):
            self.plot.hide()
            return
        x = np.arange(len(model.periods), dtype=float)
        for curve, line in zip(self.curves, model.lines):
            if line.values:
                curve.setData(x, np.asarray(line.values, dtype=float))
            else:
                curve.setData([], [])
        if model.target is not None:
            self.target_line.setPos(model.target)
            self.target_line.show()
        else:
            self.target_line.hide()
        self.plot.setXRange(-0.3, max(1, len(model.periods)) - 0.7, padding=0)
        self._set_ticks(model)
        self.plot.show()

    def _set_ticks(self, model: TrendModel) -> None:
        n = len(model.periods)
        if not n:
            return
        step = max(1, int(np.ceil(n / max(2, self.width() // max(1, self.scale.small * 6)))))
        ticks = [(float(i), period_label(p, with_year=False)) for i, p in enumerate(model.periods) if (n - 1 - i) % step == 0]
        self.plot.getAxis("bottom").setTicks([ticks])

    def _legend_height(self) -> float:
        return self.scale.small * 1.6

    def relayout(self) -> None:
        body = self.body_rect()
        legend = self._legend_height()
        self.plot.setGeometry(QRectF(body.left(), body.top() + legend, body.width(), body.height() - legend).toRect())
        tick_font = font(self.scale.small)
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setStyle(tickFont=tick_font, tickTextOffset=max(3, self.scale.small // 3))
        self.plot.getAxis("left").setWidth(int(self.scale.small * 3.2))
        self.plot.getAxis("bottom").setHeight(int(self.scale.small * 2.0))
        if isinstance(self.model, TrendModel):
            self._set_ticks(self.model)

    def paint_model(self, painter: QPainter, rect: QRectF, model: TrendModel) -> None:
        s = self.scale
        # Many KPI names already end with their unit, e.g. "… (%)": say it once.
        says_unit = not model.unit or f"({model.unit})" in model.title
        self.paint_heading(painter, model.title if says_unit else f"{model.title} ({model.unit})", model.age)
        x, h = rect.left(), self._legend_height()
        size = s.small
        entries = [(line.name, line.colour, False) for line in model.lines]
        if model.target_text:
            entries.append((model.target_text, theme.TEXT_DIM, True))
        for name, tint, dashed in entries:
            swatch = size * 1.2
            painter.setPen(colour(tint) if dashed else Qt.PenStyle.NoPen)
            painter.setBrush(Qt.BrushStyle.NoBrush if dashed else colour(tint))
            box = QRectF(x, rect.top() + (h - size * 0.35) / 2, swatch, size * 0.35)
            if dashed:
                painter.drawLine(box.left(), box.center().y(), box.right(), box.center().y())
            else:
                painter.drawRect(box)
            x += swatch + size * 0.4
            width = min(text_width(name, size), rect.right() - x)
            if width <= size:
                break
            draw_text(painter, QRectF(x, rect.top(), width + 1, h), name, size, fg=theme.TEXT if not dashed else theme.TEXT_DIM)
            x += width + size * 1.2

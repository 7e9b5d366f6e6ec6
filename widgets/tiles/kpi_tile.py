"""One KPI at a glance: value, target, marks and grade, change, and a sparkline.

For a district the marks come from the ranking on the wall; for the state the tile
shows the state's own observation when the store has one, else the mean over
districts, and says so ("avg of districts"). The sparkline is one pyqtgraph item
built once and fed with `setData`; its buffer is the bounded history of the series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import KpiOptions
from ...sync.snapshot import Snapshot
from ...wall import theme
from ..base import TileContext
from ..data_age import DataAge, kpi_age
from ..kpi_figures import achievement, district_codes, grade_for, history, is_better, kpi_marks, period_label
from ..paint_kit import ALIGN_LEFT, grade_chip, draw_text, text_width
from ..painted_tile import PaintedTile, TileMessage
from ..registry import register

BETTER, WORSE = "#009e73", "#d55e00"


@dataclass(frozen=True)
class KpiModel:
    title: str
    subtitle: str
    value: str
    unit: str
    target: str
    grade: str | None
    marks: str
    change: str
    change_colour: str
    values: tuple[float, ...]
    target_value: float | None
    age: DataAge


@register("kpi")
class KpiTile(PaintedTile):
    options: KpiOptions
    options_model = KpiOptions

    def __init__(self, options: KpiOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)
        self.plot = pg.PlotWidget(self, background=theme.PANEL)
        self.plot.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.getPlotItem().setContentsMargins(0, 0, 0, 0)
        self.line = self.plot.plot([], [], pen=pg.mkPen(theme.ACCENT, width=3), symbol="o", symbolSize=6,
                                   symbolBrush=theme.ACCENT, symbolPen=None)
        self.target_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(theme.TEXT_DIM, width=1, style=Qt.PenStyle.DashLine))
        self.plot.addItem(self.target_line)
        self.plot.hide()

    def default_heading(self) -> str:
        return "KPI"

    def build_model(self, snapshot: Snapshot) -> KpiModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr = self.context.tr
        kpi = catalog.kpi(self.options.kpi)
        if kpi is None:
            return TileMessage(self.heading("KPI"), f"{tr('unknown KPI')} {self.options.kpi}")
        entity_code = self.options.entity
        if entity_code is not None and entity_code != catalog.state.code and catalog.entity(entity_code) is None:
            return TileMessage(self.heading(self.context.name(kpi)), f"{tr('unknown entity')} {entity_code}")
        if entity_code == catalog.state.code:
            entity_code = None
        hist = history(catalog, snapshot.series.get(kpi.code), entity_code, self.options.sparkline_periods)
        place = self.context.name(catalog.entity(entity_code)) if entity_code else self.context.name(catalog.state)
        if hist.averaged:
            place += " · " + tr("avg of districts")
        if hist.periods:
            place += " · " + period_label(hist.periods[-1])
        value = hist.latest
        ach = achievement(kpi, value)
        target = ""
        if kpi.target is not None:
            whole = float(kpi.target).is_integer()
            target = f"{tr('Target')} {self.context.number(kpi.target, kpi.unit, decimals=0 if whole else None)} {kpi.unit}".rstrip()
            if ach is not None:
                target += f" · {tr('achievement')} {ach * 100:.0f}%"
        marks, _ = kpi_marks(snapshot.ranking, kpi.code, entity_code)
        marks_text = (
            f"{marks:.1f} / {catalog.ranking.max_marks:g} {tr('marks')}" if marks is not None and kpi.scoring else ""
        )
        change, colour = "", theme.TEXT_DIM
        delta = hist.change
        if delta is not None and len(hist.periods) >= 2:
            since = tr("since {when}").format(when=period_label(hist.periods[-2], with_year=False))
            if abs(delta) < 1e-9:
                change = f"= {tr('no change')} {since}"
            else:
                good = is_better(kpi, delta)
                arrow = "▲" if delta > 0 else "▼"
                verdict = tr("better") if good else tr("worse")
                change = f"{arrow} {self.context.number(abs(delta), kpi.unit)} {since} ({verdict})"
                colour = BETTER if good else WORSE
        entities = (entity_code,) if entity_code else (catalog.state.code, *district_codes(catalog))
        return KpiModel(
            title=self.heading(self.context.name(kpi)),
            subtitle=place,
            value=self.context.number(value, kpi.unit),
            unit=kpi.unit,
            target=target,
            grade=grade_for(catalog, marks) if marks is not None and kpi.scoring else None,
            marks=marks_text,
            change=change,
            change_colour=colour,
            values=hist.values,
            target_value=kpi.target,
            age=kpi_age(snapshot, kpi, entities, self.context.now(), tr),
        )

    def model_changed(self, model: object) -> None:
        if not isinstance(model, KpiModel) or len(model.values) < 2:
            self.plot.hide()
            return
        y = np.asarray(model.values, dtype=float)
        self.line.setData(np.arange(y.size, dtype=float), y, connect="finite")
        if model.target_value is not None:
            self.target_line.setPos(model.target_value)
            self.target_line.show()
        else:
            self.target_line.hide()
        self.plot.show()

    def _plot_rect(self) -> QRectF:
        body = self.body_rect()
        height = body.height() * 0.34
        return QRectF(body.left(), body.bottom() - height, body.width(), height)

    def relayout(self) -> None:
        self.plot.setGeometry(self._plot_rect().toRect())

    def paint_model(self, painter: QPainter, rect: QRectF, model: KpiModel) -> None:
        s = self.scale
        self.paint_heading(painter, model.title, model.age)
        y = rect.top()
        draw_text(painter, QRectF(rect.left(), y, rect.width(), s.body * 1.3), model.subtitle, s.small, fg=theme.TEXT_DIM)
        y += s.body * 1.3
        text_area = QRectF(rect.left(), y, rect.width(), self._plot_rect().top() - y)
        # Big figure and unit; grade chip and marks to the right.
        figure = int(min(s.figure, text_area.height() * 0.5))
        fig_rect = QRectF(text_area.left(), text_area.top(), text_area.width() * 0.62, figure * 1.15)
        used = draw_text(painter, fig_rect, model.value, figure, bold=True)
        draw_text(painter, QRectF(fig_rect.left() + used + s.small * 0.4, fig_rect.top(), fig_rect.width() - used,
                                  fig_rect.height()), model.unit, s.title, fg=theme.TEXT_DIM)
        if model.marks:
            chip = figure * 0.8
            right = QRectF(text_area.left() + text_area.width() * 0.62, fig_rect.top(), text_area.width() * 0.38, fig_rect.height())
            chip_rect = QRectF(right.right() - chip, right.center().y() - chip / 2, chip, chip)
            grade_chip(painter, chip_rect, model.grade, int(chip * 0.7))
            marks_w = min(right.width() - chip - s.small, text_width(model.marks, s.body) + s.small)
            draw_text(painter, QRectF(chip_rect.left() - marks_w - s.small * 0.5, right.top(), marks_w, right.height()),
                      model.marks, s.body, align=ALIGN_LEFT)
        line_h = s.body * 1.35
        y2 = fig_rect.bottom() + s.small * 0.3
        if model.target:
            draw_text(painter, QRectF(rect.left(), y2, rect.width(), line_h), model.target, s.body)
            y2 += line_h
        if model.change:
            draw_text(painter, QRectF(rect.left(), y2, rect.width(), line_h), model.change, s.body, fg=model.change_colour, bold=True)

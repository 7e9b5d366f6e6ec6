"""CM Helpline: per department, complaints pending over 50 / 100 / 300 days,
share closed with citizen satisfaction, and the department's grade.

The figures and the rule for the grade (the department's score in the ranking,
averaged over districts) are in grievance_figures.py. Worst first: most complaints
pending over 300 days. The satisfaction share carries the catalog's alert symbol
and colour; the grade is a chip with its letter.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import GrievanceOptions
from ...sync.alerts import alert_level
from ...sync.snapshot import Snapshot
from ...wall import theme
from ..base import TileContext
from ..data_age import DataAge, kpi_age
from ..fitted_text import draw_fitted, paint_fitted_heading
from ..grievance_figures import MEASURES, department_grievances, grievance_departments, grievance_kpi
from ..paint_kit import ALIGN_CENTER, ALIGN_RIGHT, colour, draw_text, grade_chip
from ..painted_tile import PaintedTile, TileMessage
from ..registry import register
from ..worst_age import worst_age


@dataclass(frozen=True)
class GrievanceRow:
    department: str
    pending: tuple[str, str, str]  # > 50, > 100, > 300 days
    satisfied: str
    satisfied_level: str | None
    grade: str | None


@dataclass(frozen=True)
class GrievanceModel:
    title: str
    age: DataAge | None
    rows: tuple[GrievanceRow, ...]


@register("grievance")
class GrievanceTile(PaintedTile):
    options: GrievanceOptions
    options_model = GrievanceOptions

    def __init__(self, options: GrievanceOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)

    def default_heading(self) -> str:
        return "CM Helpline grievances"

    def build_model(self, snapshot: Snapshot) -> GrievanceModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, now = self.context.tr, self.context.now()
        title = self.heading("CM Helpline grievances")
        departments = grievance_departments(catalog)
        if not departments:
            return TileMessage(title, tr("no CM Helpline KPIs in the catalog"))
        places = [catalog.state.code] + [d.code for d in catalog.entities_of_level("district")]
        age = worst_age(kpi_age(snapshot, kpi, places, now, tr)
                        for d in departments for m in MEASURES if (kpi := catalog.kpi(grievance_kpi(d, m))) is not None)
        rows = []
        for g in department_grievances(catalog, snapshot.series, snapshot.ranking)[: self.options.count]:
            num = self.context.number
            satisfied_kpi = catalog.kpi(grievance_kpi(g.department, "SATISFIED"))
            level = alert_level(satisfied_kpi, g.satisfied) if satisfied_kpi else None
            symbol = f"{theme.ALERT_SYMBOLS[level]} " if level else ""
            rows.append(GrievanceRow(
                department=self.context.name(catalog.departments_by_code.get(g.department), g.department),
                pending=(num(g.pending_50, "count"), num(g.pending_100, "count"), num(g.pending_300, "count")),
                satisfied="—" if g.satisfied is None else f"{symbol}{num(g.satisfied, '%', decimals=0)}%",
                satisfied_level=level,
                grade=g.grade,
            ))
        return GrievanceModel(title, age, tuple(rows))

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    def paint_model(self, painter: QPainter, rect: QRectF, model: GrievanceModel) -> None:
        tr = self.context.tr
        small, body = self.scale.small, self.scale.body
        self.paint_heading(painter, model.title, model.age)
        grade_w = body * 2.2
        num_w = max(body * 3.6, rect.width() * 0.11)
        sat_w = max(body * 4.6, rect.width() * 0.14)
        name_w = rect.width() - grade_w - 3 * num_w - sat_w - small
        x_nums = rect.left() + name_w
        y = rect.top()
        header_h = small * 2.6
        line = header_h / 2
        draw_text(painter, QRectF(rect.left(), y + line, name_w, line), tr("Department"), small, fg=theme.TEXT_DIM)
        draw_text(painter, QRectF(x_nums, y, 3 * num_w, line), tr("complaints pending over"), small, fg=theme.TEXT_DIM,
                  align=ALIGN_RIGHT)
        for i, days in enumerate((50, 100, 300)):
            draw_text(painter, QRectF(x_nums + i * num_w, y + line, num_w, line), f"{days} {tr('days')}", small,
                      fg=theme.TEXT_DIM, align=ALIGN_RIGHT)
        draw_text(painter, QRectF(x_nums + 3 * num_w, y, sat_w, line), tr("closed"), small, fg=theme.TEXT_DIM, align=ALIGN_RIGHT)
        draw_text(painter, QRectF(x_nums + 3 * num_w, y + line, sat_w, line), tr("satisfied"), small, fg=theme.TEXT_DIM,
                  align=ALIGN_RIGHT)
        draw_text(painter, QRectF(rect.right() - grade_w, y + line, grade_w, line), tr("Grade"), small, fg=theme.TEXT_DIM,
                  align=ALIGN_CENTER)
        y += header_h
        painter.setPen(colour(theme.PANEL_BORDER))
        painter.drawLine(int(rect.left()), int(y), int(rect.right()), int(y))
        if not model.rows:
            return
        row_h = max(body * 1.4, min(body * 1.8, (rect.bottom() - y) / len(model.rows)))
        px = int(min(body, row_h * 0.62))
        for row in model.rows:
            if y + row_h > rect.bottom() + 0.5:
                break
            draw_fitted(painter, QRectF(rect.left(), y, name_w - small, row_h), row.department, px)
            for i, value in enumerate(row.pending):
                draw_text(painter, QRectF(x_nums + i * num_w, y, num_w, row_h), value, px,
                          fg=theme.TEXT if i < 2 else theme.TEXT, bold=i == 2, align=ALIGN_RIGHT)
            fg = theme.ALERT_COLOURS[row.satisfied_level] if row.satisfied_level else theme.TEXT
            draw_text(painter, QRectF(x_nums + 3 * num_w, y, sat_w, row_h), row.satisfied, px, fg=fg,
                      bold=row.satisfied_level is not None, align=ALIGN_RIGHT)
            chip_h = px * 1.25
            grade_chip(painter, QRectF(rect.right() - grade_w * 0.8, y + (row_h - chip_h) / 2, grade_w * 0.7, chip_h), row.grade, px)
            y += row_h

"""Citizens' grievances: per department (or row), complaints pending past each age
limit, the share closed with the citizen satisfied, and the department's grade.

Which KPIs: the layout's options name them (patterns with `{department}` or explicit
rows, see GrievanceOptions); the figures and the rule for the grade are in
grievance_figures.py. Worst first: most complaints pending in the oldest column.
A figure past its threshold carries the alert symbol and colour; the grade is a chip
with its name. Columns are as wide as their widest figure, never cut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import GrievanceOptions
from ...sync.contract import Catalog, Kpi
from ...sync.snapshot import Snapshot
from ..base import TileContext
from ..data_age import DataAge, kpi_age
from ..fitted_text import draw_name, paint_fitted_heading
from ..grievance_figures import DepartmentGrievances, GrievanceLine, Judged, department_grievances, grievance_lines
from ..look import theme
from ..paint_kit import ALIGN_CENTER, ALIGN_RIGHT, colour, draw_text, grade_chip, grade_chip_width, text_width
from ..painted_tile import PaintedTile, TileMessage
from ..questioned import draw_marked, mark_width, questioned_in_figure
from ..worst_age import worst_age
from .capacity_tile import common_size, two_lines


@dataclass(frozen=True)
class Value:
    text: str
    level: str | None
    questioned: bool = False  # made of a value the wall questions (marked "?")


@dataclass(frozen=True)
class GrievanceRow:
    department: str  # the row's name
    pending: tuple[Value, ...]
    satisfied: Value | None  # None: no satisfaction column
    grade: str | None


@dataclass(frozen=True)
class GrievanceModel:
    title: str
    age: DataAge | None
    pending_heading: str
    pending_labels: tuple[str, ...]
    satisfaction_label: str | None  # None: no satisfaction column
    grades: tuple[str, ...] | None  # the catalog's grade names; None: no grade column
    rows: tuple[GrievanceRow, ...]


def _sym(level: str | None) -> str:
    return f"{theme.ALERT_SYMBOLS[level]} " if level else ""


class GrievanceTile(PaintedTile):
    options: GrievanceOptions
    options_model = GrievanceOptions

    def __init__(self, options: GrievanceOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)

    def default_heading(self) -> str:
        return "Grievances"

    def _pending_labels(self, lines: list[GrievanceLine]) -> tuple[str, ...]:
        opts, language = self.options, self.context.language
        if language in opts.pending_labels_local:
            return tuple(opts.pending_labels_local[language])
        if opts.pending_labels:
            return tuple(self.context.tr(label) for label in opts.pending_labels)
        labels = []
        for i in range(opts.pending_columns):  # the KPI's own name, from the first row that has it
            kpi = next((line.pending[i] for line in lines if line.pending[i] is not None), None)
            labels.append(self.context.name(kpi, "—"))
        return tuple(labels)

    def build_model(self, snapshot: Snapshot) -> GrievanceModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, now, opts = self.context.tr, self.context.now(), self.options
        title = self.heading(self.default_heading())
        if not opts.rows and not opts.pending and not opts.satisfaction:
            return TileMessage(title, tr("no grievance KPIs named: set pending and satisfaction in the layout"))
        lines = grievance_lines(catalog, opts)
        if not lines:
            return TileMessage(title, tr("none of the layout's grievance KPIs is in the catalog"))
        entity = opts.entity or catalog.state.code
        if entity != catalog.state.code and catalog.entity(entity) is None:
            return TileMessage(title, f"{tr('unknown entity')} {entity}")
        kpis = {k.code: k for line in lines for k in line.kpis}
        age = worst_age(kpi_age(snapshot, k, snapshot.series[k.code].entities if k.code in snapshot.series else (), now, tr)
                        for k in kpis.values())
        found = department_grievances(catalog, snapshot.series, snapshot.ranking, lines, entity=entity,
                                      thresholds=self.context.thresholds, moment=now)
        with_satisfaction = any(line.satisfaction is not None for line in lines)
        with_grade = opts.grade and any(line.department is not None for line in lines)
        def questioned(kpi: Kpi | None) -> bool:
            return kpi is not None and questioned_in_figure(snapshot.feed_quality, catalog, snapshot.series.get(kpi.code),
                                                            kpi, entity, now) > 0

        rows = tuple(self._row(catalog, g, with_satisfaction, with_grade, questioned) for g in found[: opts.count])
        return GrievanceModel(
            title=title, age=age, pending_heading=tr(opts.pending_heading) if opts.pending_columns else "",
            pending_labels=self._pending_labels(lines),
            satisfaction_label=tr(opts.satisfaction_label) if with_satisfaction else None,
            grades=tuple(name for name, _ in catalog.ranking.grades) if with_grade else None,
            rows=rows,
        )

    def _row(self, catalog: Catalog, g: DepartmentGrievances, with_satisfaction: bool, with_grade: bool,
             questioned: Callable[[Kpi | None], bool]) -> GrievanceRow:
        num = self.context.number
        line = g.line

        def pending(value: Judged, kpi: Kpi | None) -> Value:
            return Value(_sym(value.level) + num(value.value, "count", decimals=0), value.level, questioned(kpi))

        satisfied = None
        if with_satisfaction:
            s = g.satisfied
            satisfied = Value("—" if s.value is None else f"{_sym(s.level)}{num(s.value, '%', decimals=0)}%", s.level,
                              s.value is not None and questioned(line.satisfaction))
        if self.context.language in line.label_local:
            name = line.label_local[self.context.language]
        elif line.label:
            name = self.context.tr(line.label)
        else:
            name = self.context.name(catalog.departments_by_code.get(line.department or ""), line.department or "")
        return GrievanceRow(name, tuple(pending(p, k) for p, k in zip(g.pending, line.pending)), satisfied,
                            g.grade if with_grade else None)

    # --- painting -----------------------------------------------------------------------

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    @staticmethod
    def _widths(model: GrievanceModel, px: int, heading_px: int) -> list[float]:
        """Pending columns, then satisfaction: each as wide as its widest figure or heading line."""
        columns: list[tuple[list[str], list[Value]]] = [
            (pending_lines(model, label), [r.pending[i] for r in model.rows]) for i, label in enumerate(model.pending_labels)]
        if model.satisfaction_label is not None:
            columns.append((two_lines(model.satisfaction_label), [r.satisfied for r in model.rows if r.satisfied]))
        widths = []
        for lines, values in columns:
            widest = max([text_width(line, heading_px) for line in lines]
                         + [text_width(v.text, px, bold=True) + (mark_width(px) if v.questioned else 0.0) for v in values])
            widths.append(widest + px * 0.9)
        return widths

    def paint_model(self, painter: QPainter, rect: QRectF, model: GrievanceModel) -> None:
        small, body = self.scale.small, self.scale.body
        self.paint_heading(painter, model.title, model.age)
        line_h = small * 1.3
        header_h = line_h * 2
        y = rect.top()
        rows_h = rect.bottom() - y - header_h
        row_h = max(body * 1.4, min(body * 1.8, rows_h / max(1, len(model.rows))))
        px = int(min(body, row_h * 0.62))
        heading_px = min(small, px)
        grade_w = 0.0
        if model.grades is not None:
            grade_w = max(grade_chip_width(model.grades, px), px * 1.25, text_width(self.context.tr("Grade"), heading_px)) + small
        name_min = rect.width() * 0.25
        widths = self._widths(model, px, heading_px)
        while px > 8 and name_min + sum(widths) + grade_w > rect.width():  # figures shrink, never elide
            px -= 1
            heading_px = min(small, px)
            widths = self._widths(model, px, heading_px)
            if model.grades is not None:
                grade_w = max(grade_chip_width(model.grades, px), px * 1.25) + small
        name_w = rect.width() - sum(widths) - grade_w
        lefts = [rect.left() + name_w + sum(widths[:i]) for i in range(len(widths))]
        n_pending = len(model.pending_labels)
        tr = self.context.tr
        draw_text(painter, QRectF(rect.left(), y + line_h, name_w, line_h), tr("Department"), heading_px, fg=theme.TEXT_DIM)
        if n_pending:
            span = QRectF(lefts[0], y, sum(widths[:n_pending]) - px * 0.4, line_h)
            draw_text(painter, span, model.pending_heading, heading_px, fg=theme.TEXT_DIM, align=ALIGN_RIGHT, shrink=True)
        labels = [*model.pending_labels, *([model.satisfaction_label] if model.satisfaction_label is not None else [])]
        for i, (left, width, label) in enumerate(zip(lefts, widths, labels)):
            lines = pending_lines(model, label) if i < n_pending else two_lines(label)
            top = y + header_h - line_h * len(lines)
            for k, text in enumerate(lines):
                draw_text(painter, QRectF(left, top + k * line_h, width - px * 0.4, line_h), text, heading_px,
                          fg=theme.TEXT_DIM, align=ALIGN_RIGHT)
        if model.grades is not None:
            draw_text(painter, QRectF(rect.right() - grade_w, y + line_h, grade_w, line_h), tr("Grade"), heading_px,
                      fg=theme.TEXT_DIM, align=ALIGN_CENTER)
        y += header_h
        painter.setPen(colour(theme.PANEL_BORDER))
        painter.drawLine(int(rect.left()), int(y), int(rect.right()), int(y))
        name_px = common_size([r.department for r in model.rows], px, name_w - small)
        for row in model.rows:
            if y + row_h > rect.bottom() + 0.5:
                break
            draw_name(painter, QRectF(rect.left(), y, name_w - small, row_h), row.department, name_px)  # two lines before "…"
            values = [*row.pending, *([row.satisfied] if row.satisfied is not None else [])]
            for i, (left, width, value) in enumerate(zip(lefts, widths, values)):
                fg = theme.ALERT_COLOURS[value.level] if value.level else theme.TEXT
                oldest = i == n_pending - 1  # the longest-pending column reads first
                cell = QRectF(left, y, width - px * 0.4, row_h)
                if value.questioned:
                    draw_marked(painter, cell, value.text, px, True, fg=fg, bold=oldest or value.level is not None, right=True)
                else:
                    draw_text(painter, cell, value.text, px, fg=fg, bold=oldest or value.level is not None, align=ALIGN_RIGHT)
            if model.grades is not None:
                chip_h = px * 1.25
                chip_w = max(grade_chip_width(model.grades, px), chip_h)
                chip = QRectF(rect.right() - grade_w / 2 - chip_w / 2, y + (row_h - chip_h) / 2, chip_w, chip_h)
                grade_chip(painter, chip, row.grade, px, model.grades)
            y += row_h


def pending_lines(model: GrievanceModel, label: str) -> list[str]:
    """A pending column's heading: one line under the pending heading, else up to two."""
    return [label] if model.pending_heading else two_lines(label)

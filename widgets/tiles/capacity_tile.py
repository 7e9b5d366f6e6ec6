"""Crisis capacity: beds by type (vacant of total) and oxygen stock, most critical first.

During a flood or an epidemic this is the tile the room watches. Each row is a
facility or a district (options.level); the chip on the left carries the worst
alert of the row as colour *and* symbol (‼ critical, ! warning, ✓ ok), each bed
cell shows vacant / total with an occupancy bar, and oxygen stock shows hours with
the catalog's alert thresholds. The figures come from capacity_figures.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import CapacityOptions
from ...sync.snapshot import Snapshot
from ...wall import theme
from ..base import TileContext
from ..capacity_figures import OXYGEN_KPI, CapacityRow, capacity_kpis, capacity_rows
from ..data_age import DataAge, kpi_age
from ..fitted_text import draw_fitted, paint_fitted_heading
from ..paint_kit import ALIGN_RIGHT, colour, draw_chip, draw_text, text_width
from ..painted_tile import PaintedTile, TileMessage
from ..registry import register
from ..worst_age import worst_age

KIND_LABELS = {"general": "General", "oxygen": "Oxygen", "icu": "ICU", "ventilator": "Ventilator"}


@dataclass(frozen=True)
class Cell:
    text: str  # vacant, with the alert symbol when past a threshold
    total: str  # "/ 40"
    level: str | None
    occupancy: float | None  # 0..1


@dataclass(frozen=True)
class Row:
    name: str
    level: str | None
    cells: tuple[Cell, ...]
    oxygen: str
    oxygen_level: str | None


@dataclass(frozen=True)
class CapacityModel:
    title: str
    age: DataAge | None
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    summary: str  # "‼ 2 critical · ! 5 warning of 33 facilities"


def _fg(level: str | None) -> str:
    return theme.ALERT_COLOURS[level] if level else theme.TEXT


def _sym(level: str | None) -> str:
    return f"{theme.ALERT_SYMBOLS[level]} " if level else ""


@register("capacity")
class CapacityTile(PaintedTile):
    options: CapacityOptions
    options_model = CapacityOptions

    def __init__(self, options: CapacityOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)

    def default_heading(self) -> str:
        return "Hospital beds and oxygen"

    def build_model(self, snapshot: Snapshot) -> CapacityModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, opts = self.context.tr, self.options
        title = self.heading("Hospital beds and oxygen")
        missing = [c for c in capacity_kpis(opts.bed_types) if catalog.kpi(c) is None]
        if missing:
            return TileMessage(title, f"{tr('unknown KPI')} {', '.join(missing[:3])}{'…' if len(missing) > 3 else ''}")
        rows = capacity_rows(
            catalog, snapshot.series, level=opts.level, kinds=opts.bed_types,
            occupancy_warn=opts.occupancy_warn, occupancy_critical=opts.occupancy_critical,
        )
        places = [e.code for e in catalog.entities_of_level("facility")]
        now = self.context.now()
        age = worst_age(kpi_age(snapshot, kpi, places, now, tr)
                        for code in capacity_kpis(opts.bed_types) if (kpi := catalog.kpi(code)) is not None)
        if not rows:
            return TileMessage(title, tr("no bed or oxygen reports yet"), age)
        critical = sum(1 for r in rows if r.level == "critical")
        warn = sum(1 for r in rows if r.level == "warn")
        noun = tr("facilities") if opts.level == "facility" else tr("districts")
        summary = (f"{theme.ALERT_SYMBOLS['critical']} {critical} {tr('critical')} · {theme.ALERT_SYMBOLS['warn']} {warn} "
                   f"{tr('warning')} · {len(rows)} {noun} · {tr('beds vacant / total')}")
        return CapacityModel(
            title=title, age=age,
            columns=tuple(tr(KIND_LABELS[k]) for k in opts.bed_types),
            rows=tuple(self._row(catalog, r) for r in rows[: opts.count]),
            summary=summary,
        )

    def _row(self, catalog, row: CapacityRow) -> Row:  # type: ignore[no-untyped-def]
        num = self.context.number
        cells = tuple(
            Cell(
                text=_sym(b.level) + num(b.vacant, "beds"),
                total=f"/ {num(b.total, 'beds')}",
                level=b.level,
                occupancy=None if b.occupancy is None else min(1.0, b.occupancy / 100.0),
            )
            for b in row.beds
        )
        hours = "—" if row.oxygen_hours is None else f"{_sym(row.oxygen_level)}{num(row.oxygen_hours, 'hours', decimals=0)} h"
        return Row(self.context.name(catalog.entity(row.entity), row.entity), row.level, cells, hours, row.oxygen_level)

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    def paint_model(self, painter: QPainter, rect: QRectF, model: CapacityModel) -> None:
        self.paint_heading(painter, model.title, model.age)
        tr = self.context.tr
        small, body = self.scale.small, self.scale.body
        y = rect.top()
        draw_text(painter, QRectF(rect.left(), y, rect.width(), small * 1.4), model.summary, small, fg=theme.TEXT_DIM)
        y += small * 1.6
        chip_w = body * 1.5
        oxygen_w = max(body * 4.2, rect.width() * 0.13)
        name_w = rect.width() * 0.30
        cols_left = rect.left() + chip_w + small * 0.5 + name_w
        col_w = (rect.right() - oxygen_w - cols_left) / max(1, len(model.columns))
        # column headings
        header = QRectF(rect.left(), y, rect.width(), small * 1.4)
        draw_text(painter, QRectF(rect.left() + chip_w + small * 0.5, y, name_w, header.height()),
                  tr("Facility") if self.options.level == "facility" else tr("District"), small, fg=theme.TEXT_DIM)
        for i, name in enumerate(model.columns):
            draw_text(painter, QRectF(cols_left + i * col_w, y, col_w - small * 0.5, header.height()),
                      name, small, fg=theme.TEXT_DIM, align=ALIGN_RIGHT)
        draw_text(painter, QRectF(rect.right() - oxygen_w, y, oxygen_w, header.height()), tr("O₂ stock"),
                  small, fg=theme.TEXT_DIM, align=ALIGN_RIGHT)
        y += header.height() + small * 0.3
        painter.setPen(colour(theme.PANEL_BORDER))
        painter.drawLine(int(rect.left()), int(y), int(rect.right()), int(y))
        rows_h = rect.bottom() - y
        row_h = min(body * 2.1, rows_h / max(1, len(model.rows)))
        px = int(min(body, row_h * 0.5))
        for row in model.rows:
            if y + row_h > rect.bottom() + 0.5:
                break
            level = row.level or "ok"
            chip = QRectF(rect.left(), y + (row_h - px * 1.4) / 2, chip_w * 0.9, px * 1.4)
            draw_chip(painter, chip, theme.ALERT_SYMBOLS[level], theme.ALERT_COLOURS[level], px)
            text_h = row_h * 0.78
            draw_fitted(painter, QRectF(rect.left() + chip_w + small * 0.5, y, name_w - small * 0.5, text_h), row.name, px)
            for i, cell in enumerate(row.cells):
                cell_rect = QRectF(cols_left + i * col_w, y, col_w - small * 0.5, text_h)
                total_px = int(px * 0.72)
                total_w = text_width(cell.total, total_px) + total_px * 0.3
                draw_text(painter, QRectF(cell_rect.right() - total_w, y, total_w, text_h), cell.total, total_px,
                          fg=theme.TEXT_DIM, align=ALIGN_RIGHT)
                draw_text(painter, QRectF(cell_rect.left(), y, cell_rect.width() - total_w - total_px * 0.3, text_h),
                          cell.text, px, fg=_fg(cell.level), bold=cell.level is not None, align=ALIGN_RIGHT)
                if cell.occupancy is not None:
                    bar = QRectF(cell_rect.left() + cell_rect.width() * 0.25, y + text_h, cell_rect.width() * 0.75, max(3.0, row_h * 0.07))
                    painter.fillRect(bar, QColor(theme.PANEL_BORDER))
                    filled = QRectF(bar.left(), bar.top(), bar.width() * cell.occupancy, bar.height())
                    painter.fillRect(filled, QColor(theme.ALERT_COLOURS[cell.level] if cell.level else theme.TEXT_DIM))
            draw_text(painter, QRectF(rect.right() - oxygen_w, y, oxygen_w, text_h), row.oxygen, px,
                      fg=_fg(row.oxygen_level), bold=row.oxygen_level is not None, align=ALIGN_RIGHT)
            y += row_h

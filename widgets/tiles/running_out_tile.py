"""What is running out, and when: places sorted by the hours their stock or free beds have left.

An official across the room must see at once which hospital runs out of oxygen or
beds first. Each row is a place; each column a stock KPI or a used/total pair the
layout names, with the level now ("3.2 t", "12 free / 40", "9 days") over its outlook
("≈ 5 h left", "not falling", "unknown", "stale") in the colour *and* symbol of its
urgency (the layout's `critical_hours` / `warn_hours`). The projections are worked
out on the sync thread (sync/projection.py, which documents the rule) and carried by
the snapshot; this tile only looks them up and counts down to the moment each one
empties with its own clock. A projection the snapshot does not carry, a place too
few readings, and a report older than its KPI's frequency are shown as unknown or
stale, never as plenty, and are listed after the places with a number. Columns are
as wide as their widest figure and place names shrink to fit; nothing is cut to "…".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import RunningOutOptions
from ...sync.contract import Catalog, Kpi
from ...sync.projection import Projection, ProjectionRequest
from ...sync.snapshot import Snapshot
from ..base import TileContext
from ..capacity_figures import pair_label
from ..data_age import DataAge, kpi_age
from ..figure_table import TableHead, fit_columns, paint_head
from ..fitted_text import paint_fitted_heading
from ..look import theme
from ..paint_kit import ALIGN_RIGHT, draw_chip, draw_text, text_width
from ..painted_tile import PaintedTile, TileMessage
from ..questioned import draw_marked, mark_width, questioned_in_figure
from ..worst_age import worst_age
from .capacity_tile import PLACE_HEADINGS, PLACE_NOUNS, common_size, two_lines, unit_suffix

HOURS_AS_DAYS = 48.0  # from here on, hours left are said in days

Urgency = str  # "critical" | "warn" | "ok" | "unknown" | "stale" | "calm"
URGENCY_RANK = {"critical": 0, "warn": 1, "ok": 2, "calm": 3, "stale": 4, "unknown": 5}
GROUP_PROJECTED, GROUP_NOT_FALLING, GROUP_UNKNOWN = 0, 1, 2


@dataclass(frozen=True)
class Column:
    heading: str
    request: ProjectionRequest
    kpi: Kpi  # the stock, or the pair's used KPI
    unit: str  # "" for a pair (free beds)
    total: Kpi | None = None  # the pair's total KPI


@dataclass(frozen=True)
class Cell:
    level: str  # "3.2 t", "12 free / 40", "—"
    outlook: str  # "‼ ≈ 5 h left", "not falling", "unknown", "◐ stale"
    urgency: Urgency
    questioned: bool = False  # the level is made of a value the wall questions (marked "?")


@dataclass(frozen=True)
class Row:
    name: str
    urgency: Urgency
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class RunningOutModel:
    title: str
    age: DataAge | None
    place_heading: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    summary: str  # "‼ 2 under 6 h · ! 3 under 24 h · 33 facilities · 4 not projected, listed last"


def hours_text(hours: float, context: TileContext) -> str:
    """'< 1 h left', '≈ 5 h left', '≈ 3 days left' in the wall's language: whole hours
    or days rounded down, so the figure never promises more time than the trend gives
    (and 23.6 h, under a 24 h warning, never reads "24 h")."""
    if hours < 1:
        return context.tr("< 1 h left")
    if hours < HOURS_AS_DAYS:
        return context.tr("≈ {n} h left").format(n=math.floor(hours))
    return context.tr("≈ {n} days left").format(n=math.floor(hours / 24))


class RunningOutTile(PaintedTile):
    options: RunningOutOptions
    options_model = RunningOutOptions

    def __init__(self, options: RunningOutOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)

    def default_heading(self) -> str:
        return "Running out"

    # --- model ------------------------------------------------------------------------

    def _label(self, label: str | None, local: Mapping[str, str], fallback: str) -> str:
        if local.get(self.context.language):
            return local[self.context.language]
        return self.context.tr(label) if label else fallback

    def _columns(self, catalog: Catalog) -> tuple[list[Column], list[str]]:
        """The columns the layout names that the catalog knows, and the codes it does not."""
        opts, name = self.options, self.context.name
        columns: list[Column] = []
        unknown: list[str] = []
        requests = iter(opts.requests())
        for stock in opts.stock_columns:
            request, kpi = next(requests), catalog.kpi(stock.kpi)
            if kpi is None:
                unknown.append(stock.kpi)
                continue
            columns.append(Column(self._label(stock.label, stock.label_local, name(kpi, kpi.code)), request, kpi, kpi.unit))
        for pair in opts.pairs:
            request, used, total = next(requests), catalog.kpi(pair.used), catalog.kpi(pair.total)
            unknown += [code for code, kpi in ((pair.used, used), (pair.total, total)) if kpi is None]
            if used is not None and total is not None:
                fallback = pair_label(name(used, used.code), name(total, total.code))
                columns.append(Column(self._label(pair.label, pair.label_local, fallback), request, used, "", total))
        return columns, unknown

    def build_model(self, snapshot: Snapshot) -> RunningOutModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, opts = self.context.tr, self.options
        title = self.heading(self.default_heading())
        columns, unknown = self._columns(catalog)
        unknown_text = f"{tr('unknown KPI')} {', '.join(unknown[:3])}{'…' if len(unknown) > 3 else ''}" if unknown else ""
        if not columns:
            return TileMessage(title, unknown_text)
        now = self.context.now()
        age = worst_age(kpi_age(snapshot, c.kpi, snapshot.series[c.kpi.code].entities if c.kpi.code in snapshot.series else (),
                                now, tr) for c in columns)
        found = [snapshot.derived.projections_for(c.request) for c in columns]
        if any(f is None for f in found):  # not worked out for this snapshot: nothing is known
            return TileMessage(title, tr("hours left unknown: not yet worked out"), age)
        by_place: dict[str, dict[int, Projection]] = {}
        for i, projections in enumerate(found):
            for p in projections or ():
                by_place.setdefault(p.entity, {})[i] = p
        if not by_place:
            return TileMessage(title, unknown_text or tr("no stock reports yet"), age)
        ranked = sorted((self._row(snapshot, code, columns, held, now) for code, held in by_place.items()),
                        key=lambda r: r[0])
        rows = [row for _, row in ranked]
        groups = [key[0] for key, _ in ranked]
        critical = sum(1 for r in rows if r.urgency == "critical")
        warn = sum(1 for r in rows if r.urgency == "warn")
        not_projected = groups.count(GROUP_UNKNOWN)
        parts = [f"{theme.ALERT_SYMBOLS['critical']} {self._under(critical, opts.critical_hours)}",
                 f"{theme.ALERT_SYMBOLS['warn']} {self._under(warn, opts.warn_hours)}",
                 f"{len(rows)} {tr(PLACE_NOUNS[opts.level])}"]
        if not_projected:
            parts.append(tr("{n} not projected (too few or stale readings), listed last").format(n=not_projected))
        if unknown_text:
            parts.append(unknown_text)
        return RunningOutModel(
            title=title, age=age, place_heading=tr(PLACE_HEADINGS[opts.level]),
            columns=tuple(c.heading for c in columns), rows=tuple(rows[: opts.count]), summary=" · ".join(parts),
        )

    def _under(self, count: int, hours: float) -> str:
        """'2 under 6 h', or in days from two days on ('3 under 5 days')."""
        num = self.context.number
        if hours >= HOURS_AS_DAYS:
            return self.context.tr("{n} under {days} days").format(n=count, days=num(hours / 24))
        return self.context.tr("{n} under {hours} h").format(n=count, hours=num(hours))

    def _row(self, snapshot: Snapshot, code: str, columns: list[Column], held: dict[int, Projection],
             now: datetime) -> tuple[tuple[int, float, str], Row]:
        catalog = snapshot.catalog
        assert catalog is not None
        entity = catalog.entity(code) if code != catalog.state.code else catalog.state
        name = self.context.name(entity, code)
        cells: list[Cell] = []
        soonest = math.inf
        group = GROUP_UNKNOWN
        for i, column in enumerate(columns):
            p = held.get(i)
            cell, hours = self._cell(column, p, now)
            if p is not None and self._questioned(snapshot, catalog, column, code, now):
                cell = replace(cell, questioned=True)
            cells.append(cell)
            if hours is not None:
                soonest = min(soonest, hours)
                group = GROUP_PROJECTED
            elif cell.urgency == "calm":
                group = min(group, GROUP_NOT_FALLING)
        urgency = min((c.urgency for c in cells), key=URGENCY_RANK.__getitem__)
        key = (0, 0.0, name) if self.options.sort == "name" else (group, soonest, name)
        return key, Row(name, urgency, tuple(cells))

    @staticmethod
    def _questioned(snapshot: Snapshot, catalog: Catalog, column: Column, code: str, now: datetime) -> bool:
        kpis = [column.kpi] + ([column.total] if column.total is not None else [])
        return any(questioned_in_figure(snapshot.feed_quality, catalog, snapshot.series.get(k.code), k, code, now)
                   for k in kpis)

    def _level_text(self, column: Column, p: Projection) -> str:
        num = self.context.number
        if p.level is None:
            return "—"
        if column.request.kind == "free":
            return self.context.tr("{free} free / {total}").format(
                free=num(max(p.level, 0.0), "count", decimals=0), total=num(p.total, "count", decimals=0))
        suffix = unit_suffix(column.unit)
        if suffix.strip() in ("days", "day"):
            suffix = f" {self.context.tr('days')}"
        return f"{num(p.level, column.unit, 0 if suffix == ' h' else None)}{suffix}"

    def _cell(self, column: Column, p: Projection | None, now: datetime) -> tuple[Cell, float | None]:
        """The cell, and the hours left it counts with (None: no number)."""
        tr = self.context.tr
        if p is None:
            return Cell("—", tr("unknown"), "unknown"), None
        level = self._level_text(column, p)
        if p.stale_at is not None and p.stale_at <= now:
            return Cell(level, f"{theme.FRESHNESS_SYMBOLS['late']} {tr('stale')}", "stale"), None
        if p.outlook == "none_left":
            return Cell(level, f"{theme.ALERT_SYMBOLS['critical']} {tr('none left')}", "critical"), 0.0
        if p.outlook == "not_falling":
            return Cell(level, tr("not falling"), "calm"), None
        empties = p.empties_at
        if p.outlook != "falling" or empties is None:
            return Cell(level, tr("unknown"), "unknown"), None
        hours = max(0.0, (empties - now).total_seconds() / 3600.0)
        urgency = "critical" if hours < self.options.critical_hours else "warn" if hours < self.options.warn_hours else "ok"
        symbol = f"{theme.ALERT_SYMBOLS[urgency]} " if urgency != "ok" else ""
        return Cell(level, symbol + hours_text(hours, self.context), urgency), hours

    # --- painting -----------------------------------------------------------------------

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    @staticmethod
    def _widths(model: RunningOutModel, px: int, headings: list[list[str]], heading_px: int) -> list[float]:
        """Each column as wide as its widest level or outlook at `px`, or its heading."""
        widths = []
        for i, lines in enumerate(headings):
            widest = max(text_width(line, heading_px) for line in lines)
            for row in model.rows:
                cell = row.cells[i]
                level_w = text_width(cell.level, px, bold=True) + (mark_width(px) if cell.questioned else 0.0)
                widest = max(widest, level_w, text_width(cell.outlook, px, bold=True))
            widths.append(widest + px * 0.9)
        return widths

    def paint_model(self, painter: QPainter, rect: QRectF, model: RunningOutModel) -> None:
        self.paint_heading(painter, model.title, model.age)
        small, body = self.scale.small, self.scale.body
        y = rect.top()
        draw_text(painter, QRectF(rect.left(), y, rect.width(), small * 1.4), model.summary, small, fg=theme.TEXT_DIM,
                  shrink=True)
        y += small * 1.6
        head = TableHead.of([two_lines(name) for name in model.columns], small)
        rows_h = rect.bottom() - y - head.height - small * 0.3
        # rows share the height down to a size still read across a room; those that do not fit are left out
        row_h = min(body * 2.6, max(rows_h / max(1, len(model.rows)), small * 1.5))
        px = int(min(body, row_h * 0.37))  # two lines of figures a row, each line ~1.35 px tall
        chip_w = body * 1.5
        columns = fit_columns(rect, head, px, small, chip_w, rect.width() * 0.3,
                              lambda size, lines, heading_px: self._widths(model, size, lines, heading_px))
        px, name_left, lefts, widths = columns.px, columns.name_left, columns.lefts, columns.widths
        y = paint_head(painter, rect, y, head, columns, model.place_heading, small, shrink=True)
        name_room = columns.name_w - small * 0.5
        name_px = common_size([r.name for r in model.rows], int(px * 1.05), name_room)  # the longest shrink on their own
        stripe = QColor(theme.PANEL_BORDER)
        stripe.setAlpha(110)
        for index, row in enumerate(model.rows):
            if y + row_h > rect.bottom() + 0.5:
                break  # a row that does not fit is left out whole, never cut
            if index % 2:  # every other row on a faint band: a row's two lines read as one place
                painter.fillRect(QRectF(rect.left(), y, rect.width(), row_h), stripe)
            self._paint_row(painter, row, QRectF(rect.left(), y, rect.width(), row_h), chip_w, name_left, name_room,
                            name_px, lefts, widths, px)
            y += row_h

    def _paint_row(self, painter: QPainter, row: Row, band: QRectF, chip_w: float, name_left: float, name_room: float,
                   name_px: int, lefts: list[float], widths: list[float], px: int) -> None:
        chip_level = row.urgency if row.urgency in theme.ALERT_COLOURS else None
        chip_px = int(min(self.scale.body, band.height() * 0.36))
        chip = QRectF(band.left(), band.top() + (band.height() - chip_px * 1.4) / 2, chip_w * 0.9, chip_px * 1.4)
        if chip_level is not None:
            draw_chip(painter, chip, theme.ALERT_SYMBOLS[chip_level], theme.ALERT_COLOURS[chip_level], chip_px)
        else:  # nothing falling: "=" (known, steady); no number to judge by: "?" — never a green tick
            draw_chip(painter, chip, "=" if row.urgency == "calm" else "?", theme.UNGRADED, chip_px)
        draw_text(painter, QRectF(name_left, band.top(), name_room, band.height()), row.name, name_px, shrink=True)
        half = band.height() * 0.5  # each line its half of the row: Qt clips text to its rectangle
        for left, width, cell in zip(lefts, widths, row.cells):
            box_w = width - px * 0.4
            draw_marked(painter, QRectF(left, band.top(), box_w, half), cell.level, px, cell.questioned,
                        bold=True, right=True, shrink=True)
            fg = theme.ALERT_COLOURS.get(cell.urgency, theme.TEXT if cell.urgency == "calm" else theme.TEXT_DIM)
            if cell.urgency == "stale":
                fg = theme.FRESHNESS_COLOURS["late"]
            draw_text(painter, QRectF(left, band.top() + half, box_w, half), cell.outlook, px,
                      fg=fg, bold=cell.urgency in ("critical", "warn"), align=ALIGN_RIGHT, shrink=True)

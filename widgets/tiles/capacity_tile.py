"""Crisis capacity: free of total for each used/total pair, and stocks, most critical first.

During a flood or an epidemic this is the tile the room watches. Each row is a place
of the level the layout asks for (facility, district, state …); the chip on the left
carries the worst alert of the row as colour *and* symbol (‼ critical, ! warning,
✓ ok); each pair's cell shows free / total with an occupancy bar; stock columns show
their value with its alert. Which pairs and stocks: the layout's options, else the
catalog's `capacity_of` pairs — never a store's codes written here. Columns are as
wide as their widest figure ("1,640 / 2,000" of a big hospital is never cut); the
place names take the rest. The figures come from capacity_figures.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import CapacityOptions
from ...sync.contract import Catalog, Kpi
from ...sync.snapshot import Snapshot
from ..base import TileContext
from ..capacity_figures import (
    CapacityRow,
    PairFigure,
    PairSpec,
    StockFigure,
    StockSpec,
    capacity_rows,
    catalog_pair_specs,
    pair_label,
)
from ..data_age import DataAge, kpi_age
from ..figure_table import TableHead, fit_columns, paint_head
from ..fitted_text import draw_fitted, fitted_size, paint_fitted_heading
from ..look import theme
from ..look.i18n import N_
from ..paint_kit import ALIGN_RIGHT, draw_chip, draw_text, text_width
from ..painted_tile import PaintedTile, TileMessage
from ..questioned import draw_marked, mark_width, questioned_in_figure
from ..worst_age import worst_age

PLACE_HEADINGS = {"facility": N_("Facility"), "taluka": N_("Taluka"), "district": N_("District"), "zone": N_("Zone"), "state": N_("State")}
PLACE_NOUNS = {"facility": N_("facilities"), "taluka": N_("talukas"), "district": N_("districts"), "zone": N_("zones"), "state": N_("state")}
TOTAL_SCALE = 0.72  # "/ total" beside the free count, smaller


@dataclass(frozen=True)
class Cell:
    text: str  # the free count (or a stock's value), with the alert symbol when past a threshold
    total: str  # "/ 40"; "" for stocks and unknown pairs
    level: str | None
    occupancy: float | None  # 0..1; None: no bar (stock, or unknown)
    questioned: bool = False  # made from a value the wall questions (marked "?")


@dataclass(frozen=True)
class Row:
    name: str
    level: str | None
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class CapacityModel:
    title: str
    age: DataAge | None
    place_heading: str
    columns: tuple[str, ...]  # pairs, then stocks
    rows: tuple[Row, ...]
    summary: str  # "‼ 2 critical · ! 5 warning · 33 facilities · free / total"


def _fg(level: str | None) -> str:
    return theme.ALERT_COLOURS[level] if level else theme.TEXT


def _sym(level: str | None) -> str:
    return f"{theme.ALERT_SYMBOLS[level]} " if level else ""


def unit_suffix(unit: str) -> str:
    """How a stock's unit follows its figure: "12 h", "64%", "3 days"."""
    key = unit.strip().lower()
    if key in ("hours", "hour", "hrs", "h"):
        return " h"
    if key in ("%", "percent"):
        return "%"
    return f" {unit.strip()}" if 0 < len(key) <= 6 else ""


class CapacityTile(PaintedTile):
    options: CapacityOptions
    options_model = CapacityOptions

    def __init__(self, options: CapacityOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)

    def default_heading(self) -> str:
        return "Capacity"

    # --- model ------------------------------------------------------------------------

    def _specs(self, catalog: Catalog) -> tuple[list[PairSpec], list[StockSpec], list[str]]:
        """The pairs and stocks to show, and the codes the layout names that the catalog lacks."""
        opts, unknown = self.options, []
        pairs: list[PairSpec] = []
        for p in opts.pairs:
            used, total = catalog.kpi(p.used), catalog.kpi(p.total)
            unknown += [code for code, kpi in ((p.used, used), (p.total, total)) if kpi is None]
            if used is not None and total is not None:
                pairs.append(PairSpec(used, total, p.label, p.label_local))
        if not opts.pairs:
            pairs = catalog_pair_specs(catalog)
        stocks: list[StockSpec] = []
        for s in opts.stock_columns:
            kpi = catalog.kpi(s.kpi)
            if kpi is None:
                unknown.append(s.kpi)
            else:
                stocks.append(StockSpec(kpi, s.label, s.label_local))
        return pairs, stocks, unknown

    def _label(self, label: str | None, local: Mapping[str, str], fallback: str) -> str:
        """The layout's heading in the wall's language, else the catalog's names."""
        if local.get(self.context.language):
            return local[self.context.language]
        return self.context.tr(label) if label else fallback

    def _pair_heading(self, pair: PairSpec) -> str:
        name = self.context.name
        return self._label(pair.label, pair.label_local, pair_label(name(pair.used, pair.used.code), name(pair.total, pair.total.code)))

    def build_model(self, snapshot: Snapshot) -> CapacityModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, opts = self.context.tr, self.options
        title = self.heading(self.default_heading())
        pairs, stocks, unknown = self._specs(catalog)
        unknown_text = f"{tr('unknown KPI')} {', '.join(unknown[:3])}{'…' if len(unknown) > 3 else ''}" if unknown else ""
        if not pairs and not stocks:
            return TileMessage(title, unknown_text or tr("no used/total pairs: name them in the layout (pairs) "
                                                         "or in the catalog (capacity_of)"))
        now = self.context.now()
        kpis: list[Kpi] = [k for p in pairs for k in (p.used, p.total)] + [s.kpi for s in stocks]
        age = worst_age(kpi_age(snapshot, k, snapshot.series[k.code].entities if k.code in snapshot.series else (), now, tr)
                        for k in kpis)
        rows = capacity_rows(catalog, snapshot.series, pairs, stocks, level=opts.level,
                             thresholds=self.context.thresholds, moment=now)
        if not rows:
            return TileMessage(title, unknown_text or tr("no capacity reports yet"), age)
        critical = sum(1 for r in rows if r.level == "critical")
        warn = sum(1 for r in rows if r.level == "warn")
        parts = [f"{theme.ALERT_SYMBOLS['critical']} {critical} {tr('critical')}",
                 f"{theme.ALERT_SYMBOLS['warn']} {warn} {tr('warning')}",
                 f"{len(rows)} {tr(PLACE_NOUNS[opts.level])}"]
        if pairs:
            parts.append(tr("free / total"))
        if any(p.uneven for r in rows for p in r.pairs):
            parts.append(tr("≈ not every place reports both"))
        if unknown_text:
            parts.append(unknown_text)
        columns = tuple(self._pair_heading(p) for p in pairs) + tuple(
            self._label(s.label, s.label_local, self.context.name(s.kpi, s.kpi.code)) for s in stocks)
        return CapacityModel(
            title=title, age=age, place_heading=tr(PLACE_HEADINGS[opts.level]), columns=columns,
            rows=tuple(self._row(snapshot, r, pairs, stocks) for r in rows[: opts.count]),
            summary=" · ".join(parts),
        )

    def _row(self, snapshot: Snapshot, row: CapacityRow, pairs: list[PairSpec], stocks: list[StockSpec]) -> Row:
        catalog = snapshot.catalog
        assert catalog is not None

        def questioned(*kpis: Kpi) -> bool:
            return any(questioned_in_figure(snapshot.feed_quality, catalog, snapshot.series.get(k.code), k, row.entity,
                                            self.context.now()) for k in kpis)

        cells = tuple(replace(self._pair_cell(p), questioned=questioned(spec.used, spec.total))
                      for p, spec in zip(row.pairs, pairs)) + tuple(
            replace(self._stock_cell(s, f), questioned=questioned(s.kpi)) for s, f in zip(stocks, row.stocks))
        entity = catalog.entity(row.entity) if row.entity != catalog.state.code else catalog.state
        return Row(self.context.name(entity, row.entity), row.level, cells)

    def _pair_cell(self, pair: PairFigure) -> Cell:
        num = self.context.number
        if pair.free is None:
            return Cell("—", "", None, None)
        share = pair.occupancy
        return Cell(
            text=_sym(pair.level) + ("≈" if pair.uneven else "") + num(pair.free, "count", decimals=0),
            total=f"/ {num(pair.total, 'count', decimals=0)}",
            level=pair.level,
            occupancy=None if share is None else min(1.0, share / 100.0),
        )

    def _stock_cell(self, stock: StockSpec, value: StockFigure) -> Cell:
        if value.value is None:
            return Cell("—", "", None, None)
        unit = stock.kpi.unit
        decimals = 0 if unit_suffix(unit) == " h" else None
        return Cell(f"{_sym(value.level)}{self.context.number(value.value, unit, decimals)}{unit_suffix(unit)}", "",
                    value.level, None)

    # --- painting -----------------------------------------------------------------------

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    @staticmethod
    def _column_widths(model: CapacityModel, px: int, headings: list[list[str]], heading_px: int) -> list[float]:
        """Each column as wide as its widest figure at `px` (free bold, "/ total" smaller)
        or its heading's widest line, whichever is wider."""
        total_px = max(6, int(px * TOTAL_SCALE))
        widths = []
        for i, lines in enumerate(headings):
            widest = max(text_width(line, heading_px) for line in lines)
            for row in model.rows:
                cell = row.cells[i]
                width = text_width(cell.text, px, bold=cell.level is not None) + (mark_width(px) if cell.questioned else 0.0)
                if cell.total:
                    width += total_px * 0.3 + text_width(cell.total, total_px)
                widest = max(widest, width)
            widths.append(widest + px * 0.8)  # the gap before the next column
        return widths

    def paint_model(self, painter: QPainter, rect: QRectF, model: CapacityModel) -> None:
        self.paint_heading(painter, model.title, model.age)
        small, body = self.scale.small, self.scale.body
        y = rect.top()
        draw_text(painter, QRectF(rect.left(), y, rect.width(), small * 1.4), model.summary, small, fg=theme.TEXT_DIM)
        y += small * 1.6
        head = TableHead.of([two_lines(name) for name in model.columns], small)
        rows_h = rect.bottom() - y - head.height - small * 0.3
        row_h = min(body * 2.1, rows_h / max(1, len(model.rows)))
        px = int(min(body, row_h * 0.5))
        chip_w = body * 1.5
        name_min = rect.width() * 0.32  # a row is read by its place: figures shrink before names go
        columns = fit_columns(rect, head, px, small, chip_w, name_min,
                              lambda size, lines, heading_px: self._column_widths(model, size, lines, heading_px))
        px, name_left, name_w = columns.px, columns.name_left, columns.name_w
        lefts, widths = columns.lefts, columns.widths
        y = paint_head(painter, rect, y, head, columns, model.place_heading, small, shrink=False)
        total_px = max(6, int(px * TOTAL_SCALE))
        name_px = common_size([r.name for r in model.rows], int(px * 0.9), name_w - small * 0.5)
        for row in model.rows:
            if y + row_h > rect.bottom() + 0.5:
                break
            level = row.level or "ok"
            chip_px = int(min(body, row_h * 0.5))
            chip = QRectF(rect.left(), y + (row_h - chip_px * 1.4) / 2, chip_w * 0.9, chip_px * 1.4)
            draw_chip(painter, chip, theme.ALERT_SYMBOLS[level], theme.ALERT_COLOURS[level], chip_px)
            text_h = row_h * 0.78
            draw_fitted(painter, QRectF(name_left, y, name_w - small * 0.5, text_h), row.name, name_px)
            for left, width, cell in zip(lefts, widths, row.cells):
                right = left + width - px * 0.4
                total_w = text_width(cell.total, total_px) + total_px * 0.3 if cell.total else 0.0
                if cell.total:
                    draw_text(painter, QRectF(right - total_w, y, total_w, text_h), cell.total, total_px,
                              fg=theme.TEXT_DIM, align=ALIGN_RIGHT)
                figure = QRectF(left, y, right - total_w - left, text_h)
                if cell.questioned:
                    draw_marked(painter, figure, cell.text, px, True, fg=_fg(cell.level), bold=cell.level is not None,
                                right=True)
                else:
                    draw_text(painter, figure, cell.text, px, fg=_fg(cell.level), bold=cell.level is not None,
                              align=ALIGN_RIGHT)
                if cell.occupancy is not None:
                    bar_w = (right - left) * 0.8
                    bar = QRectF(right - bar_w, y + text_h, bar_w, max(3.0, row_h * 0.07))
                    painter.fillRect(bar, QColor(theme.PANEL_BORDER))
                    filled = QRectF(bar.left(), bar.top(), bar.width() * cell.occupancy, bar.height())
                    painter.fillRect(filled, QColor(theme.ALERT_COLOURS[cell.level] if cell.level else theme.TEXT_DIM))
            y += row_h


def common_size(names: list[str], pixel_size: int, width: float) -> int:
    """One size for a column of names: the size three names in four fit at whole; the
    longest few then shrink a little more on their own (and only then elide)."""
    sizes = sorted(fitted_size(name, pixel_size, width) for name in names)
    return sizes[len(sizes) // 4] if sizes else pixel_size


def two_lines(heading: str) -> list[str]:
    """A column heading on one line, or split at the space nearest its middle."""
    words = heading.split()
    if len(words) < 2 or len(heading) <= 10:
        return [heading]
    cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
    return [" ".join(words[:cut]), " ".join(words[cut:])]

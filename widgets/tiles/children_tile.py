"""A place's children in a table: the drill-down page's list to pick from.

Which places hang under a place comes only from the catalog's `parent` links (a
district's talukas and hospitals, a zone's districts, the state's districts or
facilities straight under it), never from a store's codes. Each row: the child's name
and level, its rank and grade where the ranking ranks its level, and its figures for
the page's KPIs, rolled up by each KPI's `aggregate` where the child reports none
itself — unknown is shown as "–", never as a number. A point-level child (taluka,
village, facility) without lat/lon is counted in the footer as "not on map".
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import ChildrenOptions
from ...sync import rollup
from ...sync.contract import Catalog, Entity
from ...sync.snapshot import Snapshot
from ..base import TileContext
from ..data_age import DataAge, snapshot_age
from ..fitted_text import draw_wrapped, paint_fitted_heading
from ..look import theme
from ..paint_kit import ALIGN_LEFT, ALIGN_RIGHT, colour, draw_text, grade_chip, grade_chip_width, text_width
from ..painted_tile import PaintedTile, TileMessage

POINT_LEVELS = frozenset({"taluka", "village", "facility"})  # drawn as points: need lat/lon to be on a map
UNKNOWN = "–"
HEAD_LINES = 3  # lines a column's KPI name may take


def ordered_children(catalog: Catalog, code: str) -> tuple[Entity, ...]:
    """`code`'s children, the upper levels first, then by name (the drill-down's order)."""
    return tuple(sorted(catalog.children_of(code), key=lambda e: (rollup.LEVEL_DEPTH.get(e.level, 9), e.name)))


@dataclass(frozen=True)
class ChildRow:
    code: str
    name: str
    level: str
    rank: str
    grade: str | None
    figures: tuple[str, ...]
    selected: bool


@dataclass(frozen=True)
class ChildrenModel:
    title: str
    age: DataAge
    columns: tuple[str, ...]  # the KPIs' names
    rows: tuple[ChildRow, ...]
    footer: str
    grades: tuple[str, ...]  # the catalog's grade names, best first: the chips' colours


class ChildrenTile(PaintedTile):
    options: ChildrenOptions
    options_model = ChildrenOptions

    def __init__(self, options: ChildrenOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)

    def default_heading(self) -> str:
        return "Places under it"

    def build_model(self, snapshot: Snapshot) -> ChildrenModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, now = self.context.tr, self.context.now()
        code = self.options.entity or catalog.state.code
        place = catalog.state if code == catalog.state.code else catalog.entity(code)
        if place is None:
            return TileMessage(self.heading("Places under it"), f"{tr('unknown entity')} {code}")
        heading = self.options.title or "Places under it"
        title = self.context.titled(lambda c: f"{c.title(heading, self.options.title_local)}: {c.name(place)}")
        children = ordered_children(catalog, code)
        kpis = [k for k in (catalog.kpi(c) for c in self.options.kpis) if k is not None]
        age = snapshot_age(snapshot, now, tr, kpis=kpis)
        if not children:
            return TileMessage(title, tr("no places under it in the catalog"), age)
        shown = list(children[: self.options.count])
        chosen = next((c for c in children if c.code == self.options.selected), None)
        if chosen is not None and chosen not in shown:
            shown[-1] = chosen
        ranking = snapshot.ranking if snapshot.ranking is not None and catalog.ranking else None
        rows = []
        for child in shown:
            row = ranking.row(child.code) if ranking is not None else None
            figures = []
            for kpi in kpis:
                fig = rollup.figure(catalog, snapshot.series.get(kpi.code), kpi, child.code, now)
                figures.append(UNKNOWN if fig.value is None else self.context.number(fig.value, kpi.unit))
            rows.append(ChildRow(child.code, self.context.name(child), tr(child.level.title()),
                                 str(row.rank) if row is not None and row.rank is not None else "",
                                 row.grade if row is not None else None, tuple(figures),
                                 child.code == self.options.selected))
        off_map = sum(1 for c in children if c.level in POINT_LEVELS and (c.lat is None or c.lon is None))
        parts = [tr("{n} places").format(n=len(children))]
        if len(shown) < len(children):
            parts.append(tr("{n} shown").format(n=len(shown)))
        if off_map:
            parts.append(tr("{n} not on map").format(n=off_map))
        return ChildrenModel(title, age, tuple(self.context.name(k) for k in kpis), tuple(rows), "  ·  ".join(parts),
                             tuple(name for name, _ in catalog.ranking.grades) if catalog.ranking else ())

    def paint_model(self, painter: QPainter, rect: QRectF, model: ChildrenModel) -> None:
        paint_fitted_heading(painter, self.heading_rect(), self.pad, model.title, model.age, self.scale.title,
                             self.scale.small)
        small, body = self.scale.small, self.scale.body
        footer_h = small * 1.6
        head_px = max(7, int(small * 0.8))
        head_h = head_px * 1.3 * HEAD_LINES + small * 0.3  # KPI names are long: wrapped over a few lines, never cut
        area = QRectF(rect.left(), rect.top() + head_h, rect.width(), rect.height() - head_h - footer_h)
        row_h = max(small * 1.1, min(body * 1.9, area.height() / max(1, len(model.rows))))
        px = int(min(body, row_h * 0.55))
        fig_w = max([text_width(f, px, True) for r in model.rows for f in r.figures] + [px * 3.0]) + small
        heads_w = max([text_width(name, head_px) / (HEAD_LINES - 0.6) for name in model.columns] + [0.0]) + small
        fig_w = max(fig_w, min(heads_w, rect.width() * 0.6 / max(1, len(model.columns))))
        rank_w = text_width("000", px) + small * 0.5
        chip_px = int(px * 0.8)
        grade_w = max(grade_chip_width(model.grades, chip_px), px * 1.2) + small * 0.4 \
            if any(r.grade for r in model.rows) else 0.0
        name_w = rect.width() - rank_w - grade_w - fig_w * len(model.columns)
        x_fig = rect.left() + rank_w + name_w + grade_w
        for i, name in enumerate(model.columns):  # column heads: the KPI names, small, over their figures
            draw_wrapped(painter, QRectF(x_fig + i * fig_w + small * 0.3, rect.top(), fig_w - small * 0.6, head_h), name,
                         head_px, lines=HEAD_LINES)
        y = area.top()
        drawn = 0
        for row in model.rows:
            if y + row_h > area.bottom() + 0.5:
                break
            drawn += 1
            if row.selected:
                painter.fillRect(QRectF(rect.left(), y, rect.width(), row_h), colour(theme.ACCENT).darker(250))
            draw_text(painter, QRectF(rect.left(), y, rank_w - small * 0.5, row_h), row.rank, px, fg=theme.TEXT_DIM,
                      align=ALIGN_RIGHT)
            label = f"{row.name}  · {row.level}"
            draw_text(painter, QRectF(rect.left() + rank_w, y, name_w - small * 0.5, row_h), label, px,
                      bold=row.selected, align=ALIGN_LEFT, shrink=True)
            if row.grade:
                grade_chip(painter, QRectF(rect.left() + rank_w + name_w, y + row_h * 0.15, grade_w - small * 0.4,
                                           row_h * 0.7), row.grade, chip_px, model.grades)
            for i, figure in enumerate(row.figures):
                draw_text(painter, QRectF(x_fig + i * fig_w, y, fig_w - small * 0.3, row_h), figure, px, bold=True,
                          align=ALIGN_RIGHT, fg=theme.TEXT_DIM if figure == UNKNOWN else theme.TEXT)
            y += row_h
        footer = model.footer  # rows the tile had no room for are said, never silently dropped
        if drawn < len(model.rows):
            footer += "  ·  " + self.context.tr("{n} more not shown").format(n=len(model.rows) - drawn)
        draw_text(painter, QRectF(rect.left(), rect.bottom() - footer_h, rect.width(), footer_h), footer,
                  small, fg=theme.TEXT_DIM)

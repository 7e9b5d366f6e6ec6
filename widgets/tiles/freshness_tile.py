"""Data-feeding discipline: which departments feed their KPIs late, and since when.

Officers are judged by figures their departments feed; a department that stops
feeding must show up here before its ranking silently goes stale. Worst first: each
department row gives the share of its KPIs overdue against their frequency and the
oldest one ("overdue since 3 Nov"), with the freshness symbol (◐ late, ○ not fed)
so the state reads without colour. The headline counts the departments on time.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import FreshnessOptions
from ...sync.snapshot import Snapshot
from ...wall import theme
from ..base import TileContext
from ..data_age import DataAge, short_day, snapshot_age
from ..feeding import DepartmentFeeding, department_feeding
from ..fitted_text import draw_fitted, paint_fitted_heading
from ..paint_kit import ALIGN_RIGHT, draw_text, text_width
from ..painted_tile import PaintedTile
from ..registry import register


@dataclass(frozen=True)
class FeedRow:
    state: str  # "fresh" (on time), "late" or "not_fed"
    department: str
    detail: str  # the oldest overdue KPI
    share: str  # "3 of 12 KPIs overdue"
    since: str  # "overdue since 3 Nov" / "not fed" / "on time"


@dataclass(frozen=True)
class FreshnessModel:
    title: str
    age: DataAge
    on_time: int
    departments: int
    rows: tuple[FeedRow, ...]


@register("freshness")
class FreshnessTile(PaintedTile):
    options: FreshnessOptions
    options_model = FreshnessOptions

    def __init__(self, options: FreshnessOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)

    def default_heading(self) -> str:
        return "Data feeding by department"

    def build_model(self, snapshot: Snapshot) -> FreshnessModel:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, now = self.context.tr, self.context.now()
        feeds = department_feeding(catalog, snapshot.series, now)
        rows = tuple(self._row(catalog, f) for f in feeds[: self.options.count])
        return FreshnessModel(
            title=self.heading("Data feeding by department"),
            age=snapshot_age(snapshot, now, tr, expected="P1D"),
            on_time=sum(1 for f in feeds if f.on_time), departments=len(feeds), rows=rows,
        )

    def _row(self, catalog, feed: DepartmentFeeding) -> FeedRow:  # type: ignore[no-untyped-def]
        tr = self.context.tr
        name = self.context.name(catalog.departments_by_code.get(feed.department), feed.department or tr("Other"))
        oldest = feed.oldest
        if oldest is None:
            return FeedRow("fresh", name, "", tr("{n} KPIs").format(n=feed.kpis), tr("on time"))
        kpi_name = self.context.name(catalog.kpi(oldest.kpi), oldest.kpi)
        share = tr("{n} of {m} KPIs overdue").format(n=len(feed.overdue), m=feed.kpis)
        if oldest.never_fed:
            return FeedRow("not_fed", name, kpi_name, share, tr("not fed"))
        assert oldest.overdue_since is not None
        return FeedRow("late", name, kpi_name, share, tr("overdue since {date}").format(date=short_day(oldest.overdue_since)))

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    def paint_model(self, painter: QPainter, rect: QRectF, model: FreshnessModel) -> None:
        tr = self.context.tr
        small, body = self.scale.small, self.scale.body
        self.paint_heading(painter, model.title, model.age)
        y = rect.top()
        all_ok = model.on_time == model.departments
        headline = f"{theme.FRESHNESS_SYMBOLS['fresh']} " + tr("{n} of {m} departments on time").format(n=model.on_time, m=model.departments)
        late = model.departments - model.on_time
        if late:
            headline += f"  ·  {theme.FRESHNESS_SYMBOLS['late']} " + tr("{n} behind").format(n=late)
        draw_text(painter, QRectF(rect.left(), y, rect.width(), body * 1.5), headline, body, bold=True,
                  fg=theme.FRESHNESS_COLOURS["fresh"] if all_ok else theme.TEXT)
        y += body * 1.7
        if not model.rows:
            return
        row_h = max(body * 2.0, min(body * 2.4, (rect.bottom() - y) / len(model.rows)))
        # Columns as wide as their longest text (the model is fixed per snapshot).
        px0 = int(min(body, row_h * 0.44))
        since_w = max(text_width(r.since, px0, True) for r in model.rows) + small * 0.5
        share_w = max(text_width(r.share, int(px0 * 0.85)) for r in model.rows) + small
        for row in model.rows:
            if y + row_h > rect.bottom() + 0.5:
                break
            tint = theme.FRESHNESS_COLOURS[row.state]
            px = int(min(body, row_h * 0.44))
            symbol_w = px * 1.6
            draw_text(painter, QRectF(rect.left(), y, symbol_w, row_h), theme.FRESHNESS_SYMBOLS[row.state], px, fg=tint, bold=True)
            left = rect.left() + symbol_w
            name_w = rect.right() - since_w - share_w - left - small
            half = row_h / 2
            if row.detail:
                draw_fitted(painter, QRectF(left, y + half * 0.06, name_w, half), row.department, px)
                draw_text(painter, QRectF(left, y + half, name_w, half * 0.9), row.detail, int(px * 0.78), fg=theme.TEXT_DIM)
            else:
                draw_fitted(painter, QRectF(left, y, name_w, row_h), row.department, px)
            draw_text(painter, QRectF(rect.right() - since_w - share_w, y, share_w, row_h), row.share, int(px * 0.85),
                      fg=theme.TEXT_DIM, align=ALIGN_RIGHT)
            draw_text(painter, QRectF(rect.right() - since_w, y, since_w, row_h), row.since, px, fg=tint,
                      bold=row.state != "fresh", align=ALIGN_RIGHT)
            y += row_h

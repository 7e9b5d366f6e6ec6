"""Data-feeding discipline: which departments feed their KPIs late, and since when.

Officers are judged by figures their departments feed; a department that stops
feeding must show up here before its ranking silently goes stale. Worst first: each
row gives the share of its KPIs overdue against their own frequency and the oldest
one ("overdue since 3 Nov", "overdue since 22 Nov 10:15" for a KPI due every few
minutes), with the freshness symbol (◐ late, ○ not fed) so the state reads without
colour. The headline counts the rows on time. Rows are departments when the catalog
has several, else schemes, else the KPIs themselves (widgets/feeding.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import FreshnessOptions
from ...sync.contract import Catalog
from ...sync.freshness import frequency_text, overdue_text
from ...sync.snapshot import Snapshot
from ..base import TileContext
from ..data_age import DataAge, snapshot_age
from ..feeding import FeedingFacts, GroupFeeding, GroupLevel, feeding_at, feeding_facts
from ..fitted_text import fitted_size, paint_fitted_heading
from ..look import theme
from ..look.i18n import N_
from ..paint_kit import ALIGN_RIGHT, draw_text, text_width
from ..painted_tile import PaintedTile, TileMessage
from ..per_snapshot import all_kpis_age, once, report_facts, report_times_input

HEADINGS = {"department": N_("Data feeding by department"), "scheme": N_("Data feeding by scheme"), "kpi": N_("Data feeding by KPI")}
HEADLINES = {"department": N_("{n} of {m} departments on time"), "scheme": N_("{n} of {m} schemes on time"),
             "kpi": N_("{n} of {m} KPIs on time")}


@dataclass(frozen=True)
class FeedRow:
    state: str  # "fresh" (on time), "late" or "not_fed"
    name: str  # the department's, scheme's or KPI's name
    detail: str  # the oldest overdue KPI (a department's or scheme's row)
    share: str  # "3 of 12 KPIs overdue"; for a KPI's own row, how often it is due
    since: str  # "overdue since 3 Nov" / "not fed" / "on time"

    @property
    def department(self) -> str:  # the name this field had when rows were always departments
        return self.name


@dataclass(frozen=True)
class FreshnessModel:
    title: str
    age: DataAge
    headline: str  # "5 of 7 departments on time"
    on_time: int
    groups: int
    rows: tuple[FeedRow, ...]

    @property
    def departments(self) -> int:  # the name this field had when rows were always departments
        return self.groups


class FreshnessTile(PaintedTile):
    options: FreshnessOptions
    options_model = FreshnessOptions

    def __init__(self, options: FreshnessOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)

    def default_heading(self) -> str:
        return "Data feeding"

    def model_inputs(self, snapshot: Snapshot) -> tuple[Any, ...] | None:
        if snapshot.status.reachable is False:
            return None  # ages then come from the snapshot as a whole: always build
        # All it shows is each KPI's newest report and when that falls due (and the catalog's
        # groups): those, as bytes gathered once per snapshot on the sync thread, so a poll that
        # brought no newer report (a value corrected) builds nothing.
        if snapshot.catalog is None or not snapshot.derived.derived:
            return (snapshot.catalog, snapshot.derived.derived, self.options, self.context.shown_languages)
        return (snapshot.catalog, True, report_times_input(snapshot), self.options,
                self.context.shown_languages)  # the clock: PaintedTile.refresh_ages, once a minute

    def build_model(self, snapshot: Snapshot) -> FreshnessModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, now = self.context.tr, self.context.now()
        if not snapshot.derived.derived:  # report times are worked out on the sync thread
            return TileMessage(self.heading("Data feeding"), tr("freshness unknown"), snapshot_age(snapshot, now, tr))
        # each KPI's newest report and due moment gathered once per snapshot for every such tile
        def gathered() -> FeedingFacts:
            reports = report_facts(snapshot)
            return feeding_facts(catalog, snapshot.derived.reports, None, reports.newest, reports.due, reports.due_at)

        facts = once(snapshot, "feeding_facts", gathered)
        level, feeds = feeding_at(facts, now)
        rows = tuple(self._row(catalog, level, f) for f in feeds[: self.options.count])
        on_time = sum(1 for f in feeds if f.on_time)
        return FreshnessModel(
            title=self.heading(HEADINGS[level]),
            age=all_kpis_age(snapshot, now, tr),
            headline=tr(HEADLINES[level]).format(n=on_time, m=len(feeds)),
            on_time=on_time, groups=len(feeds), rows=rows,
        )

    def _name(self, catalog: Catalog, level: GroupLevel, code: str) -> str:
        if level == "department":
            return self.context.name(catalog.departments_by_code.get(code), code or self.context.tr("Other"))
        if level == "scheme":
            return self.context.name(catalog.schemes_by_code.get(code), code)
        return self.context.name(catalog.kpi(code), code)

    def _row(self, catalog: Catalog, level: GroupLevel, feed: GroupFeeding) -> FeedRow:
        tr, now = self.context.tr, self.context.now()
        name = self._name(catalog, level, feed.code)
        oldest = feed.oldest
        if level == "kpi":
            kpi = catalog.kpi(feed.code)
            detail = ""
            share = tr("due every {age}").format(age=frequency_text(kpi.frequency, tr)) if kpi else ""
        else:
            kpi = catalog.kpi(oldest.kpi) if oldest else None
            detail = self.context.name(kpi, oldest.kpi) if oldest else ""
            share = tr("{n} of {m} KPIs overdue").format(n=len(feed.overdue), m=feed.kpis) if oldest else tr("{n} KPIs").format(n=feed.kpis)
        if oldest is None:
            return FeedRow("fresh", name, "", share, tr("on time"))
        if oldest.never_fed:
            return FeedRow("not_fed", name, detail, share, tr("not fed"))
        assert oldest.overdue_since is not None and kpi is not None
        return FeedRow("late", name, detail, share, overdue_text(kpi, oldest.overdue_since, now, tr))

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    def paint_model(self, painter: QPainter, rect: QRectF, model: FreshnessModel) -> None:
        tr = self.context.tr
        small, body = self.scale.small, self.scale.body
        self.paint_heading(painter, model.title, model.age)
        y = rect.top()
        all_ok = model.on_time == model.groups
        headline = f"{theme.FRESHNESS_SYMBOLS['fresh']} {model.headline}"
        late = model.groups - model.on_time
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
        px = int(min(body, row_h * 0.44))
        symbol_w = px * 1.6
        left = rect.left() + symbol_w

        def share_right(row: FeedRow) -> float:
            # an on-time row's short "on time" leaves its share beside it rather than in the
            # overdue rows' column, so the name has the room "overdue since 2 Dec 01:40" needs
            own_since = text_width(row.since, px, row.state != "fresh") + small * 0.5
            return rect.right() - (since_w if row.state != "fresh" else own_since)

        def name_width(row: FeedRow) -> float:
            # up to where this row's own share text starts: "Agriculture, Farmers Welfare &
            # Co-operation" beside a short "10 KPIs" is whole
            return share_right(row) - text_width(row.share, int(px * 0.85)) - left - small * 1.5

        # one size for the department names, so the column does not jump between sizes; only a
        # name that would still be cut at 85 % shrinks further, on its own row
        common_px = max(int(px * 0.85), min((fitted_size(r.name, px, name_width(r)) for r in model.rows), default=px))
        for row in model.rows:
            if y + row_h > rect.bottom() + 0.5:
                break
            tint = theme.FRESHNESS_COLOURS[row.state]
            draw_text(painter, QRectF(rect.left(), y, symbol_w, row_h), theme.FRESHNESS_SYMBOLS[row.state], px, fg=tint, bold=True)
            name_w = name_width(row)
            name_px = min(common_px, fitted_size(row.name, px, name_w))
            half = row_h / 2
            if row.detail:
                # names shrink on their own row rather than lose their end ("… over 100 days")
                draw_text(painter, QRectF(left, y + half * 0.06, name_w, half), row.name, name_px, shrink=True)
                draw_text(painter, QRectF(left, y + half, name_w, half * 0.9), row.detail, int(px * 0.78), fg=theme.TEXT_DIM,
                          shrink=True)
            else:
                draw_text(painter, QRectF(left, y, name_w, row_h), row.name, name_px, shrink=True)
            draw_text(painter, QRectF(share_right(row) - share_w, y, share_w, row_h), row.share, int(px * 0.85),
                      fg=theme.TEXT_DIM, align=ALIGN_RIGHT)
            draw_text(painter, QRectF(rect.right() - since_w, y, since_w, row_h), row.since, px, fg=tint,
                      bold=row.state != "fresh", align=ALIGN_RIGHT)
            y += row_h

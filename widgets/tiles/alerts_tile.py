"""Every figure past its warn or critical threshold: critical first, with place, value and since when.

What is judged and how is sync/alerts.py: every KPI by the catalog's alert (else the
layout's band), every used/total pair by the layout's occupancy thresholds; an
occupancy alert names the pair, the place, how full it is and how many are free.

Alerts must be impossible to miss but not garish: critical rows carry a vermillion
accent bar and a faint tint, warnings an orange bar; every row also carries the
symbol (‼ / !) so the level reads without colour, and nothing blinks. "Since when"
is the start of the unbroken run past the threshold (sync/alerts.py): for monthly
or daily figures the period ("since Aug 2026"), for faster ones the duration
("for 3 h"). When nothing is past a threshold the tile says so calmly, in green —
but only when something was judged: with no thresholds anywhere, or no reports yet
of the figures that have them, it says that instead (unknown is never all clear).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import AlertsOptions
from ...sync.alerts import ActiveAlert, Judgement, too_old_to_judge
from ...sync.contract import Catalog, Entity, Kpi
from ...sync.snapshot import Snapshot
from ..base import TileContext
from ..capacity_figures import pair_label
from ..data_age import DataAge, KpiDues, kpi_dues, worst_kpi_age
from ..fitted_text import draw_fitted, fewer_parts, paint_fitted_heading
from ..kpi_figures import Translate, period_label
from ..look import theme
from ..look.i18n import format_number
from ..paint_kit import ALIGN_CENTER, ALIGN_RIGHT, draw_chip, draw_text, text_width
from ..painted_tile import PaintedTile, TileMessage
from ..per_snapshot import once, ranking_age, selected_judgement
from ..questioned import draw_marked, mark_width, questioned_in_figure


@dataclass(frozen=True)
class AlertRow:
    level: str
    kpi: str
    place: str
    value: str
    threshold: str
    since: str
    questioned: bool = False  # the value is one the wall questions (marked "?")


@dataclass(frozen=True)
class AlertsModel:
    title: str
    age: DataAge | None
    critical: int
    warn: int
    rows: tuple[AlertRow, ...]
    more: int  # alerts not shown for lack of room / count
    judged: Literal["alerts", "clear", "no_thresholds", "no_reports"] = "alerts"
    figures: int = 0  # figures compared with a threshold


def since_text(alert: ActiveAlert, now: datetime, tr: Translate) -> str:
    """'since Aug 2026' for monthly/daily figures, 'for 3 h' for faster ones: from the
    first reading past the threshold to the latest one, since that is how long the data
    says it has lasted (a feed that stopped a day ago does not make it last a day longer)."""
    period = alert.since_period or alert.period
    if len(period) <= 10:
        return tr("since {when}").format(when=period_label(period, tr=tr))
    if alert.since is None:
        return ""
    until = min(now, alert.reported_at)
    minutes = max(0, int((until - alert.since).total_seconds() // 60))
    if minutes < 1:
        return tr("for under a minute")
    if minutes < 60:
        return tr("for {n} min").format(n=minutes)
    if minutes < 48 * 60:
        return tr("for {n} h").format(n=minutes // 60)
    return tr("for {n} d").format(n=minutes // 1440)


@lru_cache(maxsize=4096)
def _number(value: float | None, unit: str, decimals: int | None, language: str) -> str:
    """`TileContext.number` (Babel's formatting, ~0.1 ms a figure), kept: an alert's figures
    are the same poll after poll while its value holds."""
    return format_number(value, unit, decimals=decimals, language=language)


class AlertsTile(PaintedTile):
    options: AlertsOptions
    options_model = AlertsOptions

    def __init__(self, options: AlertsOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)

    def default_heading(self) -> str:
        return "Alerts"

    def model_inputs(self, snapshot: Snapshot) -> tuple[Any, ...] | None:
        if snapshot.status.reachable is False or not snapshot.derived.derived:
            return None  # ages then come from the snapshot as a whole: always build
        # The judgement (sync/alerts.py measure_all) and the report times behind the ages are
        # derived anew every poll, but only from the catalog and the series (both replaced,
        # never mutated, when they change): keyed by those. Questioned values by content.
        thresholds = self.context.thresholds
        return (snapshot.catalog, snapshot.series, thresholds, snapshot.derived.measures_for(thresholds) is not None,
                tuple(snapshot.feed_quality.implausible), self.options,
                self.context.shown_languages)  # the clock: PaintedTile.refresh_ages, once a minute

    def build_model(self, snapshot: Snapshot) -> AlertsModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, now = self.context.tr, self.context.now()
        judgement = selected_judgement(snapshot, self.context.thresholds, self.options.kpis,
                                       self.options.selects)  # e.g. only beds and oxygen
        if judgement is None:  # judged on the sync thread; not yet for this layout's thresholds
            return TileMessage(self.heading("Alerts"), tr("alerts unknown: not judged yet"), ranking_age(snapshot, now, tr, self.context.language))
        measures = snapshot.derived.measures_for(self.context.thresholds)
        if not judgement.alerts and measures is not None and too_old_to_judge(snapshot, measures, now,
                                                                              self.options.selects):
            return TileMessage(self.heading("Alerts"), tr("alerts unknown: data too old to judge"),
                               ranking_age(snapshot, now, tr, self.context.language))
        alerts, counts, alerted, dues = once(snapshot, ("alerts_shown", id(judgement), self.options.minimum),
                                             lambda: self._shown_alerts(snapshot, catalog, judgement))  # shared by like tiles
        age = worst_kpi_age(snapshot, alerted, now, tr, dues) or ranking_age(snapshot, now, tr, self.context.language)
        shown = tuple(replace(self._row(catalog, a, now), questioned=self._questioned(snapshot, a, now))
                      for a in alerts[: self.options.count])
        state: Literal["alerts", "clear", "no_thresholds", "no_reports"] = "alerts" if alerts else "clear"
        if judgement.measures == 0:
            state = "no_thresholds"
        elif judgement.figures == 0:
            state = "no_reports"
        return AlertsModel(self.heading("Alerts"), age, counts["critical"], counts["warn"], shown, len(alerts) - len(shown),
                           state, judgement.figures)

    def _shown_alerts(self, snapshot: Snapshot, catalog: Catalog, judgement: Judgement
                      ) -> tuple[tuple[ActiveAlert, ...], dict[str, int], tuple[Kpi, ...], KpiDues]:
        """The alerts this tile lists (critical only, when so set), their counts by level
        (as `count_by_level`), the KPIs they are on in catalog order (whose ages the heading
        shows) and when each KPI's newest report falls due."""
        alerts = judgement.alerts
        if self.options.minimum == "critical":
            alerts = tuple(a for a in alerts if a.level == "critical")
        levels = Counter(a.level for a in alerts)
        kpis = {a.kpi for a in alerts}
        alerted = tuple(k for k in catalog.kpis if k.code in kpis)
        return alerts, {"critical": levels["critical"], "warn": levels["warn"]}, alerted, kpi_dues(snapshot, alerted)

    def _number(self, value: float | None, unit: str = "", decimals: int | None = None) -> str:
        return _number(value, unit, decimals, self.context.language)

    def _place(self, catalog: Catalog, alert: ActiveAlert, kpi: Kpi | None) -> str:
        """'Civil Hospital · Ahmadabad · Health': the place, the district it is in (not the
        state: facilities may hang straight off it), and the KPI's department."""
        entity = catalog.entity(alert.entity)
        parent: Entity | None = catalog.entity(entity.parent) if entity is not None and entity.parent else None
        if parent is not None and (parent.code == catalog.state.code or parent.level == "state"):
            parent = None  # a hospital straight under the state: the state goes without saying
        department = catalog.department_of_kpi(kpi) if kpi is not None and not alert.is_occupancy else None
        name = self.context.name(entity, alert.entity) if alert.entity != catalog.state.code else self.context.name(catalog.state)
        within = self.context.name_here(parent) if parent is not None else ""  # the place itself is named in both
        if parent is not None and entity is not None and (within in name or parent.name in entity.name):
            within = ""  # "Civil Hospital, Junagadh" already says where it is
        parts = (name, within, self.context.name_here(department))
        return " · ".join(p for p in parts if p)

    @staticmethod
    def _questioned(snapshot: Snapshot, alert: ActiveAlert, now: datetime) -> bool:
        """Whether the figure past its threshold is made of a value the wall questions."""
        catalog = snapshot.catalog
        assert catalog is not None
        kpis = (catalog.kpi(alert.kpi), catalog.kpi(alert.total_kpi) if alert.total_kpi else None)
        return any(questioned_in_figure(snapshot.feed_quality, catalog, snapshot.series.get(k.code), k, alert.entity, now)
                   for k in kpis if k is not None)

    def _row(self, catalog: Catalog, alert: ActiveAlert, now: datetime) -> AlertRow:
        kpi = catalog.kpi(alert.kpi)
        if alert.is_occupancy:
            return self._occupancy_row(catalog, alert, kpi, now)
        unit = kpi.unit if kpi else ""
        number = self._number
        short = " h" if unit == "hours" else ("%" if unit == "%" else "")
        decimals = 0 if unit == "hours" else None  # "9 h" of oxygen, not "9.0 h"
        worse = ">" if kpi is not None and kpi.better == "lower" else "<"
        return AlertRow(
            level=alert.level,
            kpi=self.context.name(kpi, alert.kpi),
            place=self._place(catalog, alert, kpi),
            value=f"{theme.ALERT_SYMBOLS[alert.level]} {number(alert.value, unit, decimals)}{short}",
            threshold=f"{self.context.tr(alert.level if alert.level == 'critical' else 'warning')} {worse} {number(alert.threshold, unit, decimals)}{short}",
            since=since_text(alert, now, self.context.tr),
        )

    def _occupancy_row(self, catalog: Catalog, alert: ActiveAlert, used: Kpi | None, now: datetime) -> AlertRow:
        """'ICU beds' at 'Civil Hospital · Ahmadabad': '‼ 96% full', '2 free · critical ≥ 90%'."""
        tr, number, name = self.context.tr, self._number, self.context.name
        total = catalog.kpi(alert.total_kpi or "")
        label = pair_label(name(used, alert.kpi), name(total, alert.total_kpi or ""))
        level = tr("critical" if alert.level == "critical" else "warning")
        return AlertRow(
            level=alert.level,
            kpi=label,
            place=self._place(catalog, alert, used),
            value=f"{theme.ALERT_SYMBOLS[alert.level]} {tr('{share} full').format(share=number(alert.value, '%', 0) + '%')}",
            threshold=f"{tr('{n} free').format(n=number(alert.free, 'count', 0))} · {level} ≥ {number(alert.threshold, '%', 0)}%",
            since=since_text(alert, now, tr),
        )

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    def paint_model(self, painter: QPainter, rect: QRectF, model: AlertsModel) -> None:
        tr = self.context.tr
        small, body = self.scale.small, self.scale.body
        self.paint_heading(painter, model.title, model.age)
        y = rect.top()
        if not model.rows and model.judged != "alerts":
            self._paint_calm(painter, rect, model)
            return
        # The counts, large: the first thing read from across the room.
        x = rect.left()
        for level, count in (("critical", model.critical), ("warn", model.warn)):
            label = f"{theme.ALERT_SYMBOLS[level]} {count} {tr('critical' if level == 'critical' else 'warning')}"
            fg = theme.ALERT_COLOURS[level] if count else theme.TEXT_DIM
            x += draw_text(painter, QRectF(x, y, rect.right() - x, body * 1.5), label, body, fg=fg, bold=True) + body
        if model.more:
            draw_text(painter, QRectF(rect.left(), y, rect.width(), body * 1.5), tr("+{n} more").format(n=model.more), small,
                      fg=theme.TEXT_DIM, align=ALIGN_RIGHT)
        y += body * 1.7
        row_h = min(body * 2.6, (rect.bottom() - y) / max(1, len(model.rows)))
        row_h = max(row_h, body * 2.2)
        gap = max(2.0, row_h * 0.08)
        chip_px = int(min(body, row_h * 0.42))
        # value and threshold columns as wide as their widest text (up to 40 % of the row): never cut
        widest = max((max(text_width(r.value, chip_px, True) + (mark_width(chip_px) if r.questioned else 0.0),
                          text_width(r.threshold, int(chip_px * 0.75)))
                      for r in model.rows), default=0.0)
        value_w = min(rect.width() * 0.4, max(body * 3.5, widest + small * 0.5))
        # the "since" column as wide as its widest text too: the room left names the KPI and place
        since_w = min(rect.width() * 0.25, max((text_width(r.since, int(chip_px * 0.85)) for r in model.rows),
                                                default=0.0) + small)
        for row in model.rows:
            if y + row_h > rect.bottom() + 0.5:
                break
            tint = theme.ALERT_COLOURS[row.level]
            band = QRectF(rect.left(), y, rect.width(), row_h - gap)
            if row.level == "critical":
                fill = QColor(tint)
                fill.setAlpha(34)
                painter.fillRect(band, fill)
            painter.fillRect(QRectF(band.left(), band.top(), max(4.0, small * 0.28), band.height()), QColor(tint))
            left = band.left() + small * 0.7
            draw_chip(painter, QRectF(left, band.center().y() - chip_px * 0.7, chip_px * 1.6, chip_px * 1.4),
                      theme.ALERT_SYMBOLS[row.level], tint, chip_px)
            left += chip_px * 1.6 + small * 0.6
            text_w = band.right() - value_w - since_w - left - small
            half = band.height() / 2
            # the KPI's line may run on over the value column's empty left (the threshold below it is the wider)
            kpi_w = text_w + value_w - text_width(row.value, chip_px, True) - (mark_width(chip_px) if row.questioned else 0.0) - small
            draw_fitted(painter, QRectF(left, band.top() + half * 0.08, max(text_w, kpi_w), half), row.kpi, chip_px, bold=True,
                        minimum=0.6)
            place_px = int(chip_px * 0.85)  # the department, then the district, left off before the place is cut
            draw_text(painter, QRectF(left, band.top() + half, text_w, half * 0.92),
                      fewer_parts(row.place, place_px, text_w), place_px, fg=theme.TEXT_DIM, shrink=True)
            vx = band.right() - value_w - since_w
            draw_marked(painter, QRectF(vx, band.top() + half * 0.08, value_w, half), row.value, chip_px, row.questioned,
                        fg=tint, bold=True, right=True, shrink=True)
            draw_text(painter, QRectF(vx, band.top() + half, value_w, half * 0.92), row.threshold, int(chip_px * 0.75),
                      fg=theme.TEXT_DIM, align=ALIGN_RIGHT, shrink=True)
            draw_text(painter, QRectF(band.right() - since_w, band.top(), since_w - small * 0.5, band.height()), row.since,
                      int(chip_px * 0.85), fg=theme.TEXT, align=ALIGN_RIGHT, shrink=True)
            y += row_h

    def _paint_calm(self, painter: QPainter, rect: QRectF, model: AlertsModel) -> None:
        """No alert: all clear in green only when figures were judged; else what is missing."""
        tr, small, body = self.context.tr, self.scale.small, self.scale.body
        middle = QRectF(rect.left(), rect.center().y() - body * 1.6, rect.width(), body * 1.6)
        below = QRectF(rect.left(), middle.bottom(), rect.width(), small * 1.8)
        if model.judged == "clear":
            clear = tr("no figure past its critical threshold" if self.options.minimum == "critical"
                       else "no figure past its alert threshold")
            draw_text(painter, middle, f"{theme.ALERT_SYMBOLS['ok']} {clear}", body, fg=theme.ALERT_COLOURS["ok"],
                      align=ALIGN_CENTER)
            draw_text(painter, below, tr("{n} figures judged").format(n=model.figures), small, fg=theme.TEXT_DIM,
                      align=ALIGN_CENTER)
            return
        if model.judged == "no_thresholds":
            head, note = tr("nothing judged"), tr("no thresholds: set them in the layout")
        else:
            head, note = tr("nothing judged yet"), tr("no reports yet of the figures that have thresholds")
        draw_text(painter, middle, f"{theme.FRESHNESS_SYMBOLS['not_fed']} {head}", body, fg=theme.TEXT_DIM, bold=True,
                  align=ALIGN_CENTER)
        draw_text(painter, below, note, small, fg=theme.TEXT_DIM, align=ALIGN_CENTER)

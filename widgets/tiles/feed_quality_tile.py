"""Feed quality: what the wall refused, what is late, what it questions.

A row that breaks the store's contract is rejected alone and kept with its reason; a
KPI whose latest report is older than its frequency is late; a value that keeps the
contract but is hard to believe is stored, counted by the ranking as sent, and
questioned (sync/feed_quality.py). This tile puts the three counts where an operator
looks — large, in totals — then the worst departments, KPIs or places (`by`) and the
newest rejection reasons, so "why does Amreli show no cards?" has an answer on the
wall. Until the sync thread has judged the data the tile says so: an unjudged feed is
unknown, never "all clear". Reasons and names are store text: drawn as plain text,
on one line, with invisible format characters removed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from ...layouts.tile_options import FeedQualityOptions
from ...sync.contract import Catalog
from ...sync.feed_quality import FeedQuality, QualityCount, RejectedRow
from ...sync.period_time import moment_label
from ...sync.snapshot import Snapshot
from ..data_age import DataAge
from ..fitted_text import fitted_size, paint_fitted_heading
from ..kpi_figures import places_word
from ..look import theme
from ..look.i18n import N_
from ..paint_kit import ALIGN_CENTER, ALIGN_RIGHT, colour, draw_text, text_width
from ..painted_tile import PaintedTile, TileMessage
from ..per_snapshot import all_kpis_age
from ..questioned import MARK, MARK_COLOUR

UNREADABLE = "?"  # the key sync/ counts a row under when its department, KPI or place could not be read
KINDS = ("rejected", "late", "implausible")
SYMBOLS = {"rejected": "✕", "late": theme.FRESHNESS_SYMBOLS["late"], "implausible": MARK}
TINTS = {"rejected": theme.ALERT_COLOURS["critical"], "late": theme.FRESHNESS_COLOURS["late"], "implausible": MARK_COLOUR}
HEADINGS = {"department": N_("Feed quality by department"), "kpi": N_("Feed quality by KPI"), "entity": N_("Feed quality by place")}
GROUP_HEADINGS = {"department": N_("Worst departments"), "kpi": N_("Worst KPIs"), "entity": N_("Worst places")}
NO_PROBLEMS = N_("no rejected, late or implausible rows")
_INVISIBLE = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Store text made inert for one painted line: format characters (bidirectional
    overrides, zero-width spaces …) and control characters dropped, whitespace one space;
    ZWJ and ZWNJ stay (Hindi and Gujarati conjuncts need them)."""
    kept = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc") or c in "\t\n\r\u200c\u200d")
    return _INVISIBLE.sub(" ", kept).strip()


@dataclass(frozen=True)
class GroupRow:
    name: str
    counts: tuple[int, int, int]  # rejected, late, implausible
    detail: str = ""  # a KPI's department: stores name KPIs alike across departments


@dataclass(frozen=True)
class Rejection:
    where: str  # "22 Nov 10:15 · Ahmadabad · Ayushman cards issued"
    reason: str  # plain text from the sync thread, one line


@dataclass(frozen=True)
class FeedQualityModel:
    title: str
    age: DataAge
    totals: tuple[int, int, int]  # rejected, late, implausible
    labels: tuple[str, str, str]  # the three words, translated
    all_clear: str  # the neutral sentence when nothing is wrong; "" otherwise
    group_heading: str
    place_heading: str
    groups: tuple[GroupRow, ...]
    more: str  # "+ 4 more" when groups were left out
    rejection_heading: str
    rejections: tuple[Rejection, ...]


def _counts(count: QualityCount) -> tuple[int, int, int]:
    return count.rejected, count.late, count.implausible


def worst_first(groups: dict[str, QualityCount]) -> list[tuple[str, QualityCount]]:
    """Groups with something wrong, most problems first (rejections before late reports
    when equal), then by code so the order is stable between polls."""
    wrong = [(code, c) for code, c in groups.items() if not c.clean]
    return sorted(wrong, key=lambda item: (-(item[1].rejected + item[1].late + item[1].implausible),
                                           -item[1].rejected, -item[1].implausible, item[0]))


class FeedQualityTile(PaintedTile):
    options: FeedQualityOptions
    options_model = FeedQualityOptions

    def default_heading(self) -> str:
        return HEADINGS[self.options.by]

    # --- model ------------------------------------------------------------------------

    def build_model(self, snapshot: Snapshot) -> FeedQualityModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, now = self.context.tr, self.context.now()
        title = self.heading(self.default_heading())
        age = all_kpis_age(snapshot, now, tr)  # its facts gathered once per snapshot
        quality = snapshot.feed_quality
        if not quality.judged:
            return TileMessage(title, tr("unknown: feed quality not yet judged"), age)
        by = self.options.by
        groups = worst_first(dict(self._groups(quality)))
        shown = groups[: self.options.count]
        left_out = len(groups) - len(shown)
        return FeedQualityModel(
            title=title, age=age,
            totals=_counts(quality.total),
            labels=(tr("rejected"), tr("late"), tr("implausible")),
            all_clear="" if not quality.total.clean or quality.recent_rejections else tr(NO_PROBLEMS),
            group_heading=self._group_heading(catalog, [code for code, _ in shown]),
            place_heading=tr({"department": "Department", "kpi": "KPI", "entity": "Place"}[by]),
            groups=tuple(GroupRow(self._group_name(catalog, code), _counts(c), self._detail(catalog, code))
                         for code, c in shown),
            more=tr("+{n} more").format(n=left_out) if left_out else "",
            rejection_heading=tr("Newest rejections"),
            rejections=tuple(self._rejection(catalog, r) for r in quality.recent_rejections[: self.options.reasons]),
        )

    def _group_heading(self, catalog: Catalog, codes: list[str]) -> str:
        """'Worst departments', 'Worst KPIs'; places by their level when they share one
        ('Worst districts', 'Worst facilities')."""
        tr = self.context.tr
        levels = {catalog.level_of(code) for code in codes if code != UNREADABLE}
        if self.options.by != "entity" or len(levels) != 1 or None in levels:
            return tr(GROUP_HEADINGS[self.options.by])
        return tr("Worst {places}").format(places=places_word(levels.pop(), 2, tr))

    def _groups(self, quality: FeedQuality) -> dict[str, QualityCount]:
        by = self.options.by
        source = quality.by_department if by == "department" else quality.by_kpi if by == "kpi" else quality.by_entity
        return dict(source)

    def _group_name(self, catalog: Catalog, code: str) -> str:
        name, tr = self.context.name, self.context.tr
        if code == UNREADABLE:
            return tr("unreadable")
        if self.options.by == "department":
            return one_line(name(catalog.departments_by_code.get(code), code))
        if self.options.by == "kpi":
            return one_line(name(catalog.kpi(code), code))
        entity = catalog.state if code == catalog.state.code else catalog.entity(code)
        return one_line(name(entity, code))

    def _detail(self, catalog: Catalog, code: str) -> str:
        """A KPI's department, when the catalog has several (twelve departments may each
        have a "complaints pending over 100 days")."""
        kpi = catalog.kpi(code) if self.options.by == "kpi" else None
        department = catalog.department_of_kpi(kpi) if kpi is not None and len(catalog.departments) > 1 else None
        return one_line(self.context.name(department)) if department is not None else ""

    def _rejection(self, catalog: Catalog, row: RejectedRow) -> Rejection:
        name = self.context.name
        parts = [moment_label(row.received_at, self.context.tr, reference=self.context.now())]
        if row.entity:
            entity = catalog.state if row.entity == catalog.state.code else catalog.entity(row.entity)
            parts.append(name(entity, row.entity))
        if row.kpi:
            parts.append(name(catalog.kpi(row.kpi), row.kpi))
        if row.period:
            parts.append(row.period)
        return Rejection(one_line(" · ".join(parts)), one_line(row.reason))

    # --- painting -----------------------------------------------------------------------

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    def paint_model(self, painter: QPainter, rect: QRectF, model: FeedQualityModel) -> None:
        self.paint_heading(painter, model.title, model.age)
        y = self._paint_totals(painter, rect, model)
        small = self.scale.small
        room = rect.bottom() - y
        per = small * 2.7  # one rejection: where, then why
        row_h = self.scale.body * (2.6 if any(g.detail for g in model.groups) else 2.0)
        groups_h = small * 1.5 + (len(model.groups) + (1 if model.more else 0)) * row_h
        if model.all_clear or not model.groups:
            groups_h = small * 2.4
        fit = 0
        reasons_h = 0.0
        if model.rejections:
            # the newest reasons follow the groups; short of room they keep up to half the tile's rest
            fit = max(1, min(len(model.rejections), int(max(room - groups_h, room * 0.5) // per)))
            reasons_h = small * 1.6 + fit * per
        middle = QRectF(rect.left(), y, rect.width(), min(groups_h, room - reasons_h - small * 0.4))
        if model.all_clear:
            draw_text(painter, QRectF(middle.left(), middle.top(), middle.width(), small * 2.0), model.all_clear,
                      self.scale.body, fg=theme.TEXT_DIM)
        elif model.groups:
            self._paint_groups(painter, middle, model)
        if fit:
            top = middle.bottom() + small * 0.4
            self._paint_rejections(painter, QRectF(rect.left(), top, rect.width(), rect.bottom() - top), model, fit)

    def _paint_totals(self, painter: QPainter, rect: QRectF, model: FeedQualityModel) -> float:
        """Three large counts side by side; returns the y below them."""
        s = self.scale
        figure = int(min(s.figure * 0.6, rect.height() * 0.16))
        label_px = s.small
        cell_w = rect.width() / 3
        for i, (kind, count, label) in enumerate(zip(KINDS, model.totals, model.labels)):
            x = rect.left() + i * cell_w
            tint = TINTS[kind] if count else theme.TEXT_DIM
            draw_text(painter, QRectF(x, rect.top(), cell_w, figure * 1.2), f"{SYMBOLS[kind]} {count:,}", figure,
                      fg=tint, bold=True, align=ALIGN_CENTER)
            draw_text(painter, QRectF(x, rect.top() + figure * 1.2, cell_w, label_px * 1.4), label,
                      fitted_size(label, label_px, cell_w * 0.95), fg=theme.TEXT_DIM, align=ALIGN_CENTER)
        bottom = rect.top() + figure * 1.2 + label_px * 1.6
        painter.setPen(colour(theme.PANEL_BORDER))
        painter.drawLine(int(rect.left()), int(bottom), int(rect.right()), int(bottom))
        return bottom + s.small * 0.4

    def _paint_groups(self, painter: QPainter, rect: QRectF, model: FeedQualityModel) -> None:
        s = self.scale
        small = s.small
        heading_h = small * 1.5
        draw_text(painter, QRectF(rect.left(), rect.top(), rect.width() * 0.5, heading_h), model.group_heading, small,
                  fg=theme.TEXT_DIM, bold=True)
        rows = len(model.groups) + (1 if model.more else 0)
        two_lines = any(g.detail for g in model.groups)
        tallest = s.body * (2.6 if two_lines else 2.0)
        row_h = max(small * 1.5, min(tallest, (rect.height() - heading_h) / max(1, rows)))
        px = int(min(s.body, row_h * (0.42 if two_lines else 0.6)))
        header_px = int(small * 0.9)
        # each count column as wide as its heading or its widest figure
        widths = [max(text_width(label, header_px), max(text_width(f"{g.counts[i]:,}", px, True) for g in model.groups))
                  + small for i, label in enumerate(model.labels)]
        name_w = rect.width() - sum(widths) - small * 0.5
        x = rect.left() + name_w + small * 0.5
        for label, width in zip(model.labels, widths):
            draw_text(painter, QRectF(x, rect.top(), width, heading_h), label, header_px, fg=theme.TEXT_DIM,
                      align=ALIGN_RIGHT, shrink=True)
            x += width
        y = rect.top() + heading_h
        name_px = min((fitted_size(g.name, px, name_w) for g in model.groups), default=px)
        name_px = max(int(px * 0.8), name_px)
        for group in model.groups:
            if y + row_h > rect.bottom() + 0.5:
                break
            size = min(name_px, fitted_size(group.name, px, name_w))
            if group.detail:
                half = row_h / 2
                draw_text(painter, QRectF(rect.left(), y + half * 0.08, name_w, half), group.name, size)
                draw_text(painter, QRectF(rect.left(), y + half, name_w, half * 0.85), group.detail, int(px * 0.8),
                          fg=theme.TEXT_DIM)
            else:
                draw_text(painter, QRectF(rect.left(), y, name_w, row_h), group.name, size)
            x = rect.left() + name_w + small * 0.5
            for kind, count, width in zip(KINDS, group.counts, widths):
                draw_text(painter, QRectF(x, y, width, row_h), f"{count:,}" if count else "–", px,
                          fg=TINTS[kind] if count else theme.TEXT_DIM, bold=bool(count), align=ALIGN_RIGHT)
                x += width
            y += row_h
        if model.more and y + small * 1.5 <= rect.bottom() + 0.5:
            draw_text(painter, QRectF(rect.left(), y, name_w, small * 1.5), model.more, small, fg=theme.TEXT_DIM)

    def _paint_rejections(self, painter: QPainter, rect: QRectF, model: FeedQualityModel, fit: int) -> None:
        small = self.scale.small
        painter.setPen(colour(theme.PANEL_BORDER))
        painter.drawLine(int(rect.left()), int(rect.top()), int(rect.right()), int(rect.top()))
        draw_text(painter, QRectF(rect.left(), rect.top() + small * 0.1, rect.width(), small * 1.5), model.rejection_heading,
                  small, fg=theme.TEXT_DIM, bold=True)
        y = rect.top() + small * 1.6
        for rejection in model.rejections[:fit]:
            draw_text(painter, QRectF(rect.left(), y, rect.width(), small * 1.3), rejection.where, int(small * 0.85),
                      fg=theme.TEXT_DIM)
            symbol = f"{SYMBOLS['rejected']} "
            used = draw_text(painter, QRectF(rect.left(), y + small * 1.25, rect.width(), small * 1.35), symbol, small,
                             fg=TINTS["rejected"], bold=True)
            draw_text(painter, QRectF(rect.left() + used, y + small * 1.25, rect.width() - used, small * 1.35),
                      rejection.reason, small)
            y += small * 2.7

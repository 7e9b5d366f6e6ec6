"""Entities of a level ranked overall, or by sector/department/scheme/KPI.

Rows are painted text (rank, movement since last month, name, flags, score, grade
chip), so numbers sit still and nothing flickers. In mode "all" a list taller than
the tile scrolls one pixel at a time at its `seconds_per_row` speed, while it is on
screen: the rows are painted into a strip (pixmaps of STRIP_BAND_PX each, painted as they
come on show and let go as they leave it, so the strip costs the memory of what is on show,
not of the whole list: 12 MB for Gujarat's 33 districts on a 4-screen wall, issue 12), and
each step moves the pixels already shown and copies in the one line uncovered, so a
wall at rest spends almost nothing on it: each row is painted about once a lap. When the ranking
on the wall is the local estimate, a banner and a watermark say so — the officers
judged by this list must never mistake it for the central store's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QHideEvent, QPainter, QPaintEvent, QPixmap, QShowEvent
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import RankingOptions
from ...sync.contract import Catalog, Named
from ...sync.ranking.audit import RankingAudit, Verdict
from ...sync.ranking.result import RankingResult
from ...sync.snapshot import Snapshot
from ..base import TileContext
from ..data_age import DataAge, hh_mm, short_day
from ..fitted_text import fitted_size, paint_fitted_heading
from ..kpi_figures import Placed, grade_for, movement, period_label, placed
from ..look import theme
from ..paint_kit import (
    ALIGN_CENTER,
    ALIGN_LEFT,
    ALIGN_RIGHT,
    colour,
    draw_text,
    font,
    grade_chip,
    grade_chip_width,
    recording_texts,
    text_width,
)
from ..painted_tile import PaintedTile, TileMessage
from ..per_snapshot import ranking_age, ranking_content
from ..ranking_audit_words import audit_flag, audit_note

UP, DOWN = "#009e73", "#d55e00"
MIN_STEP_MS = 40  # at most 25 one-pixel steps a second, however fast a layout asks rows to pass
FLAGS_SHARE = 0.45  # the most of a row's middle that a flag ("⚠ 1 not reported") may take from the name
GRADE_SHARE = 0.18  # the most of a row a grade chip may take; the place's name needs the room more
NAME_MINIMUM = 0.65  # names shrink to this share of the row's text size before any is cut


@dataclass(frozen=True)
class RankRow:
    entity: str
    rank: str
    move: str
    move_colour: str
    name: str
    flags: str
    score: str
    grade: str | None
    highlighted: bool
    flags_colour: str = theme.FRESHNESS_COLOURS["late"]  # the alert colour when the official figures differ


@dataclass(frozen=True)
class RankingModel:
    title: str
    banner: str  # non-empty only for the local estimate
    column: str  # what the score column holds
    level_label: str
    rows: tuple[RankRow, ...]
    scrolls: bool
    age: DataAge
    grades: tuple[str, ...]  # the catalog's grade names, best first: chip colours and width
    note: str = ""  # central ranking shown: where the wall's own check (or last estimate) differed
    note_alarm: bool = False  # the note says the official ranking differs from the local check


def _groups(catalog: Catalog, by: str) -> Mapping[str, Named]:
    """The catalog's items a ranking can be grouped `by`, by code (none for an unknown grouping)."""
    tables: dict[str, Mapping[str, Named]] = {
        "sector": catalog.sectors_by_code, "department": catalog.departments_by_code,
        "scheme": catalog.schemes_by_code, "kpi": catalog.kpis_by_code,
    }
    return tables.get(by, {})


def _group_name(catalog: Catalog, by: str, code: str) -> str | None:
    item = _groups(catalog, by).get(code)
    return None if item is None else code


def ranking_inputs(ranking: RankingResult | None) -> tuple[Any, ...] | None:
    """What a tile shows of `ranking`, for its `model_inputs`: a ranking is made anew every
    poll (the wall's `computed_at` moves on; the store's gets the wall's reporting flags
    again), so it is compared by content, not identity, leaving the wall's own `computed_at`
    out (the store's is kept: audits name it). Its rows by content (`ranking_content`: a few
    memcmp calls a row, worked out once per ranking on the sync thread)."""
    if ranking is None:
        return None
    store_moment = ranking.computed_at if ranking.source == "central" else None
    return (ranking.period, ranking.source, ranking.revision, store_moment, ranking.data_as_of, ranking_content(ranking))


class RankingTile(PaintedTile):
    options: RankingOptions
    options_model = RankingOptions

    def __init__(self, options: RankingOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)
        self.scroll_offset = 0  # whole pixels into the cyclic list
        self._name_px_key: tuple[int, int, int] | None = None
        self._name_px_value = 0
        self._scroll_timer = QTimer(self)
        self._scroll_timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._scroll_timer.timeout.connect(self._scroll_step)
        self._rows_view = _ScrollingRows(self)
        self._rows_view.hide()

    def default_heading(self) -> str:
        return "District ranking"

    # --- model ------------------------------------------------------------------------

    def model_inputs(self, snapshot: Snapshot) -> tuple[Any, ...] | None:
        if snapshot.status.reachable is False:
            return None  # ages then come from the snapshot as a whole: always build
        # the age: report times derived from the catalog and series (replaced when they change)
        return (snapshot.catalog, snapshot.series, snapshot.derived.derived, ranking_inputs(snapshot.ranking),
                ranking_inputs(snapshot.previous_ranking), snapshot.ranking_audit, snapshot.ranking_differences,
                snapshot.data_as_of, self.options,
                self.context.shown_languages)  # the clock: PaintedTile.refresh_ages, once a minute

    def build_model(self, snapshot: Snapshot) -> RankingModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, opts = self.context.tr, self.options
        level = opts.level or catalog.ranking.level
        title = self._title(catalog, level)
        age = ranking_age(snapshot, self.context.now(), tr, self.context.language)
        if level != catalog.ranking.level:
            return TileMessage(title, f"{tr('no ranking for level')} {level}", age)
        if opts.by != "overall":
            if opts.code is None or _group_name(catalog, opts.by, opts.code) is None:
                return TileMessage(title, f"{tr('unknown ' + ('KPI' if opts.by == 'kpi' else opts.by))} {opts.code}", age)
        ranking = snapshot.ranking
        if ranking is None:
            return TileMessage(title, tr("no ranking yet"), age)
        ties = catalog.ranking.ties
        rows = placed(ranking, opts.by, opts.code, ties)
        before = {p.entity: p.rank for p in placed(snapshot.previous_ranking, opts.by, opts.code, ties)} if snapshot.previous_ranking else {}
        ranked = [p for p in rows if p.rank is not None]
        if opts.mode == "top":
            rows = ranked[: opts.count]
        elif opts.mode == "bottom":
            rows = ranked[-opts.count:]
        audit = snapshot.ranking_audit if snapshot.ranking_audit and snapshot.ranking_audit.is_about(ranking) else None
        shown = tuple(self._row(catalog, p, before.get(p.entity), audit) for p in rows)
        banner = ""
        if ranking.source == "local":
            as_of = ranking.data_as_of or snapshot.data_as_of
            when = ""
            if as_of is not None:
                now = self.context.now()
                when = hh_mm(as_of) if short_day(as_of) == short_day(now) else f"{short_day(as_of)} {hh_mm(as_of)}"
            banner = f"{tr('LOCAL ESTIMATE')} — {tr('computed on the wall from data as of')} {when}".rstrip()
        column = tr("Marks") if opts.by == "kpi" else tr("Score")
        note, alarm = audit_note(audit, catalog, self.context.name, tr) if audit else ("", False)
        if not note and not banner:
            note = self._differences_note(snapshot, catalog)
        return RankingModel(
            title=f"{title} · {period_label(ranking.period, tr=self.context.tr)}",
            banner=banner, note=note, note_alarm=alarm, column=column, level_label=tr(level.title()), rows=shown,
            scrolls=opts.mode == "all", age=age,
            grades=tuple(name for name, _ in catalog.ranking.grades),
        )

    def _differences_note(self, snapshot: Snapshot, catalog: Catalog) -> str:
        """'Local estimate differed for 2: Surat 4→6, Patan 7→5' — for the review meeting."""
        if self.options.by != "overall" or not snapshot.ranking_differences:
            return ""
        diffs = snapshot.ranking_differences
        parts = [f"{self.context.name_here(catalog.entity(d.entity), d.entity)} {d.central_rank or '–'}→{d.local_rank or '–'}"
                 for d in diffs[:4]]
        more = f" +{len(diffs) - 4}" if len(diffs) > 4 else ""
        return f"{self.context.tr('Local estimate differed for')} {len(diffs)}: {', '.join(parts)}{more}"

    def _title(self, catalog: Catalog, level: str) -> str:
        opts = self.options
        base = self.heading(f"{level.title()} ranking")
        if opts.by == "overall" or opts.code is None:
            return base
        item = _groups(catalog, opts.by).get(opts.code)
        if opts.title:
            return base
        code = opts.code
        return self.context.titled(lambda c: f"{c.tr(f'{level.title()} ranking')} — {c.name(item, code)}")

    def _row(self, catalog: Catalog, p: Placed, before: int | None, audit: RankingAudit | None = None) -> RankRow:
        tr = self.context.tr
        moved = movement(p.rank, before)
        if moved is None:
            move, tint = ("new" if before is None and p.rank is not None and self.snapshot and self.snapshot.previous_ranking else "–"), theme.TEXT_DIM
            move = tr(move)
        elif moved > 0:
            move, tint = f"▲{moved}", UP
        elif moved < 0:
            move, tint = f"▼{-moved}", DOWN
        else:
            move, tint = "=", theme.TEXT_DIM
        flags = []
        if p.row.not_reported:
            flags.append(f"⚠ {len(p.row.not_reported)} {tr('not reported')}")
        if p.row.provisional:
            flags.append(tr("provisional"))
        finding = audit.finding(p.entity) if audit else None
        if finding is not None:
            flags.insert(0, audit_flag(finding, tr))
        grade = p.row.grade if self.options.by == "overall" else grade_for(catalog, p.score)
        return RankRow(
            entity=p.entity,
            rank=str(p.rank) if p.rank is not None else "–",
            move=move, move_colour=tint,
            name=self.context.name(catalog.entity(p.entity), p.entity),
            flags=" · ".join(flags),
            score=f"{p.score:.2f}" if p.score is not None else "—",
            grade=grade,
            highlighted=p.entity == self.options.highlight,
            flags_colour=theme.ALERT_COLOURS["critical"] if finding and finding.verdict is Verdict.DIFFERS
            else theme.FRESHNESS_COLOURS["late"],
        )

    # --- scrolling ------------------------------------------------------------------------

    def model_changed(self, model: object) -> None:
        self._rows_view.strip = None  # new rows: painted into a new strip when next shown
        self._update_scrolling()

    def relayout(self) -> None:
        self._rows_view.strip = None
        self._update_scrolling()

    def cleanup(self) -> None:
        self._scroll_timer.stop()
        super().cleanup()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._update_scrolling()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt override)
        # a page not on screen does not scroll (it starts again where it was), nor keeps its strip
        self._scroll_timer.stop()
        self._rows_view.strip = None
        super().hideEvent(event)

    def _rows_rect(self) -> QRectF:
        body = self.body_rect()
        top = body.top() + (self.scale.body * 1.7 if isinstance(self.model, RankingModel)
                            and (self.model.banner or self.model.note) else 0)
        top += self.scale.small * 1.5  # column header
        return QRectF(body.left(), top, body.width(), body.bottom() - top)

    def row_height(self) -> float:
        model = self.model
        natural = self.scale.body * 1.55
        if not isinstance(model, RankingModel) or model.scrolls or not model.rows:
            return natural
        return max(14.0, min(natural, self._rows_rect().height() / len(model.rows)))

    def _needs_scroll(self) -> bool:
        model = self.model
        return (isinstance(model, RankingModel) and model.scrolls
                and len(model.rows) * self.row_height() > self._rows_rect().height() + 0.5)

    def _cycle(self) -> int:
        """Pixels of one lap of the list: every row and one blank row between laps."""
        rows = len(self.model.rows) if isinstance(self.model, RankingModel) else 0
        return max(1, round((rows + 1) * self.row_height()))

    def _update_scrolling(self) -> None:
        if self._needs_scroll():
            self._rows_view.setGeometry(self._rows_rect().toAlignedRect())
            self._rows_view.show()
            self.scroll_offset %= self._cycle()
            # one pixel per step: a row passes in seconds_per_row, at most 1000 / MIN_STEP_MS steps a second
            self._scroll_timer.setInterval(max(MIN_STEP_MS, round(1000 * self.options.seconds_per_row / self.row_height())))
            if self.isVisible() and not self._scroll_timer.isActive():
                self._scroll_timer.start()
        else:
            self._scroll_timer.stop()
            self._rows_view.hide()
            self.scroll_offset = 0

    def _scroll_step(self) -> None:
        if not self.isVisible() or not isinstance(self.model, RankingModel):
            self._scroll_timer.stop()
            return
        step = max(1, round(self._scroll_timer.interval() * self.row_height() / (1000 * self.options.seconds_per_row)))
        self.scroll_offset = (self.scroll_offset + step) % self._cycle()
        if isinstance(self.model, RankingModel) and self.model.banner:
            self._rows_view.update()  # the watermark stays put while the rows move: repaint the rows
        else:
            self._rows_view.scroll(0, -step)  # the pixels shown move up; only the uncovered line is painted

    def paint_strip(self, model: RankingModel, width: int, top: int = 0, height: int | None = None) -> QPixmap:
        """The strip of `model`'s rows — every row once, a blank row after them, on the panel's
        colour — or `height` pixels of it from `top` (to the strip's end at most)."""
        h = self.row_height()
        ratio = self.devicePixelRatioF()
        cycle = self._cycle()
        height = max(1, min(cycle - top, cycle if height is None else height))
        strip = QPixmap(max(1, round(width * ratio)), max(1, round(height * ratio)))
        strip.setDevicePixelRatio(ratio)
        strip.fill(colour(theme.PANEL))
        painter = QPainter(strip)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.translate(0, -top)  # whole pixels: each row's pixels as in the whole strip
        cols = self._columns(QRectF(0, 0, width, h), h, model.grades)
        for i, row in enumerate(model.rows):
            if i * h < top + height and (i + 1) * h > top:
                self._paint_row(painter, cols, i * h, h, row, i, model.grades)
        painter.end()
        return strip

    def paint_rows_directly(self, painter: QPainter, width: int, height: int, model: RankingModel) -> None:
        """The rows on show, painted text by text (a screen's audit record is being taken)."""
        h = self.row_height()
        cols = self._columns(QRectF(0, 0, width, h), h, model.grades)
        y = -float(self.scroll_offset)
        while y < height:
            for i, row in enumerate(model.rows):
                ry = y + i * h
                if ry + h >= 0 and ry <= height:
                    self._paint_row(painter, cols, ry, h, row, i, model.grades)
            y += self._cycle()

    # --- painting ---------------------------------------------------------------------------

    def _columns(self, rect: QRectF, h: float, grades: tuple[str, ...]) -> dict[str, QRectF]:
        w = rect.width()
        rank_w, move_w, score_w = w * 0.08, w * 0.09, w * 0.12
        chip = h * 0.78
        # Wide enough for the catalog's longest grade name ("Pragatisheel"), but never more
        # than GRADE_SHARE of the row: a longer name shrinks inside its chip instead.
        chip_w = max(chip, min(grade_chip_width(grades, self._chip_px(chip)), w * GRADE_SHARE))
        x = rect.left()
        cols = {"rank": QRectF(x, 0, rank_w, h), "move": QRectF(x + rank_w + h * 0.2, 0, move_w, h)}
        grade_x = rect.right() - chip_w
        score_x = grade_x - h * 0.35 - score_w
        name_x = cols["move"].right() + h * 0.2
        name_w = score_x - name_x - h * 0.3
        # name and flags share the middle row by row: a row without flags gives its name
        # the whole width, a flagged row gives its flags only what they need (_paint_row)
        cols["name"] = QRectF(name_x, 0, name_w, h)
        cols["score"] = QRectF(score_x, 0, score_w, h)
        cols["grade"] = QRectF(grade_x, (h - chip) / 2, chip_w, chip)
        return cols

    @staticmethod
    def _chip_px(chip_height: float) -> int:
        return int(chip_height * 0.7)

    def paint_model(self, painter: QPainter, rect: QRectF, model: RankingModel) -> None:
        s = self.scale
        # the title ends with the month: it shrinks to fit rather than lose it to "…"
        paint_fitted_heading(painter, self.heading_rect(), self.pad, model.title, model.age, self.scale.title, self.scale.small)
        top = rect.top()
        if model.banner:
            band = QRectF(rect.left(), top, rect.width(), s.body * 1.45)
            painter.setPen(colour(theme.ALERT_COLOURS["warn"]))
            painter.setBrush(colour(theme.ALERT_COLOURS["warn"]))
            painter.drawRoundedRect(band, 4, 4)
            draw_text(painter, band.adjusted(s.small * 0.5, 0, -s.small * 0.5, 0), model.banner, s.small,
                      fg=theme.BACKGROUND, bold=True, align=ALIGN_CENTER)
        elif model.note:
            band = QRectF(rect.left(), top, rect.width(), s.body * 1.45)
            fill = theme.ALERT_COLOURS["critical"] if model.note_alarm else theme.PANEL_BORDER
            painter.setPen(colour(fill))
            painter.setBrush(colour(fill))
            painter.drawRoundedRect(band, 4, 4)
            draw_text(painter, band.adjusted(s.small * 0.5, 0, -s.small * 0.5, 0), model.note, s.small,
                      fg=theme.BACKGROUND if model.note_alarm else theme.TEXT_DIM, bold=model.note_alarm,
                      align=ALIGN_CENTER, shrink=True)
        rows_rect = self._rows_rect()
        h = self.row_height()
        cols = self._columns(rows_rect, h, model.grades)
        header_y = rows_rect.top() - s.small * 1.5
        small = max(10, int(s.small * 0.85))
        for key, label, align in (("rank", self.context.tr("Rank"), ALIGN_RIGHT), ("name", model.level_label, ALIGN_LEFT),
                                  ("score", model.column, ALIGN_RIGHT)):
            r = cols[key]
            draw_text(painter, QRectF(r.left(), header_y, r.width(), s.small * 1.4), label, small, fg=theme.TEXT_DIM,
                      align=align)
        if self._needs_scroll():
            return  # the scrolling rows are the rows view's (_ScrollingRows)
        if model.banner:
            self.paint_watermark(painter, rows_rect)
        painter.save()
        painter.setClipRect(rows_rect)
        for i, row in enumerate(model.rows):
            self._paint_row(painter, cols, rows_rect.top() + i * h, h, row, i, model.grades)
        painter.restore()

    def paint_watermark(self, painter: QPainter, rect: QRectF) -> None:
        """A faint "LOCAL ESTIMATE" across the rows."""
        painter.save()
        watermark = QColor(theme.ALERT_COLOURS["warn"])
        watermark.setAlpha(28)
        painter.setPen(watermark)
        painter.setFont(font(int(min(rect.height() * 0.3, rect.width() / 9)), True))
        painter.drawText(rect, int(ALIGN_CENTER), self.context.tr("LOCAL ESTIMATE"))
        painter.restore()

    @staticmethod
    def _flags_width(flags: str, size: int, h: float, middle_w: float) -> float:
        """What a row's flags take from the right of its name: only what they need, at most FLAGS_SHARE."""
        if not flags:
            return 0.0
        return min(text_width(flags, int(size * 0.7)) + h * 0.3, middle_w * FLAGS_SHARE)

    def _name_px(self, size: int, h: float, middle_w: float) -> int:
        """One size for every name in the column: the largest (down to fitted_size's minimum) at
        which the longest fits beside its flags, so "Saraswati Hospi…" shrinks rather than naming
        no one and the column does not jump between sizes. Cached per model and width."""
        model = self.model
        key = (id(model), size, round(middle_w))
        if self._name_px_key != key and isinstance(model, RankingModel):
            self._name_px_key = key
            self._name_px_value = min((fitted_size(r.name, size, middle_w - self._flags_width(r.flags, size, h, middle_w) - h * 0.2, minimum=NAME_MINIMUM)
                                       for r in model.rows), default=size)
        return self._name_px_value

    def _paint_row(self, painter: QPainter, cols: dict[str, QRectF], y: float, h: float, row: RankRow, i: int,
                   grades: tuple[str, ...]) -> None:
        size = int(min(self.scale.body, h * 0.62))
        left, right = cols["rank"].left(), cols["grade"].right()
        band = QRectF(left - 2, y + 1, right - left + 4, h - 2)
        if row.highlighted:
            fill = QColor(theme.ACCENT)
            fill.setAlpha(70)
            painter.setPen(colour(theme.ACCENT))
            painter.setBrush(fill)
            painter.drawRoundedRect(band, 4, 4)
        elif i % 2:
            painter.setPen(QColor(0, 0, 0, 0))
            painter.setBrush(QColor(255, 255, 255, 10))
            painter.drawRect(band)

        def at(key: str) -> QRectF:
            r = cols[key]
            return QRectF(r.left(), y + r.top(), r.width(), r.height())

        draw_text(painter, at("rank"), row.rank, size, bold=True, align=ALIGN_RIGHT)
        draw_text(painter, at("move"), row.move, int(size * 0.85), fg=row.move_colour, bold=True, align=ALIGN_CENTER)
        middle = at("name")
        name_w = middle.width() - self._flags_width(row.flags, size, h, middle.width())
        name_px = self._name_px(size, h, at("name").width())
        if row.flags:
            # a long name keeps its room: its flags ("⚠ 1 not reported") shrink into what is left
            name_w = max(name_w, min(text_width(row.name, name_px, row.highlighted) + h * 0.2, middle.width() * 0.78))
            draw_text(painter, QRectF(middle.left() + name_w, middle.top(), middle.width() - name_w, middle.height()),
                      row.flags, int(size * 0.7), fg=row.flags_colour, align=ALIGN_RIGHT, shrink=True)
        middle.setWidth(name_w)
        draw_text(painter, middle, row.name, name_px, bold=row.highlighted)
        draw_text(painter, at("score"), row.score, size, bold=True, align=ALIGN_RIGHT)
        grade_chip(painter, at("grade"), row.grade, self._chip_px(at("grade").height()), grades)




STRIP_BAND_PX = 128  # the strip of rows is painted and kept in bands of this many pixels


class _ScrollingRows(QWidget):
    """The rows of a scrolling ranking, over the tile's rows area: copied from the tile's
    strip of rows at its scroll offset. Opaque, so moving its pixels (QWidget.scroll)
    repaints only the line uncovered and never the tile beneath. Of the strip, only the
    bands the last paint used are kept: while the rows scroll, that is the band of the
    line uncovered at the bottom (one or two); the rest of the view's pixels are already in
    the window. A full repaint (shown again, a page's fade) paints the bands on show anew.
    (The whole strip of a long list is megabytes; even the bands on show are ~0.5 MB each
    on a wide 4K tile.)"""

    def __init__(self, tile: RankingTile) -> None:
        super().__init__(tile)
        self.tile = tile
        self.strip: dict[int, QPixmap] | None = None  # the bands of the strip painted, by index; None: none yet
        self._strip_width = 0
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        model = self.tile.model
        painter = QPainter(self)
        painter.fillRect(event.rect(), colour(theme.PANEL))
        if not isinstance(model, RankingModel):
            painter.end()
            return
        if recording_texts():  # the audit record needs each text as painted
            self.tile.paint_rows_directly(painter, self.width(), self.height(), model)
        else:
            if self.strip is None or self._strip_width != self.width():
                self.strip, self._strip_width = {}, self.width()
            used = self._copy_strip(painter, event.rect(), self.strip, model)
            for index in [i for i in self.strip if i not in used]:
                del self.strip[index]
        if model.banner:
            self.tile.paint_watermark(painter, QRectF(self.rect()))
        painter.end()

    def _pieces(self, y: int, bottom: int) -> Iterator[tuple[int, int, int, int]]:
        """The view's lines `y` to `bottom` as pieces of the strip's bands: (view y, band,
        y within the band, height), wrapping round the strip's end (the list is a loop)."""
        cycle = self.tile._cycle()
        while y < bottom:
            index, within = divmod((self.tile.scroll_offset + y) % cycle, STRIP_BAND_PX)
            height = min(bottom - y, cycle - index * STRIP_BAND_PX - within, STRIP_BAND_PX - within)
            yield y, index, within, height
            y += height

    def _copy_strip(self, painter: QPainter, area: QRect, strip: dict[int, QPixmap], model: RankingModel) -> set[int]:
        """`area` of the view from the strip's bands, painting those not painted yet; returns
        the bands it used."""
        used: set[int] = set()
        for y, index, within, height in self._pieces(area.top(), area.bottom() + 1):
            used.add(index)
            band = strip.get(index)
            if band is None:
                band = strip[index] = self.tile.paint_strip(model, self.width(), index * STRIP_BAND_PX, STRIP_BAND_PX)
            ratio = band.devicePixelRatio()
            painter.drawPixmap(QRectF(area.left(), y, area.width(), height), band,
                               QRectF(area.left() * ratio, within * ratio, area.width() * ratio, height * ratio))
        return used

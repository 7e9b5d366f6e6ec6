"""One KPI at a glance: value, target, marks and grade, change, and a sparkline.

The figure is the entity's (or the state's) value at the moment shown, made by
sync/rollup.py: its own report, or its children's rolled up by the KPI's
`aggregate`. The subtitle says which, in the wall's words ("Ahmadabad · Oct 2026",
"Uttar Pradesh · sum of 224 facilities · 12 older than 1 h · 3 not reporting"), so a
partial sum is never read as a whole one. The change is since the previous point of
the same history, named in the data's own granularity ("since Sep", "since 21 Nov",
"since 10:32"). The sparkline is painted with the rest of the tile (widgets/plot_paint.py),
its x the points' real times, so irregular snapshots sit where they fell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from ...layouts.tile_options import KpiOptions
from ...sync import rollup
from ...sync.contract import Kpi
from ...sync.period_time import Translate, granularity_of, period_end, period_start, previous_label
from ...sync.snapshot import Snapshot
from ..data_age import DataAge, figure_age, kpi_age
from ..fitted_text import paint_fitted_heading
from ..kpi_figures import achievement, figure_period, figure_words, grade_for, is_better, kpi_marks
from ..look import theme
from ..paint_kit import ALIGN_LEFT, draw_text, grade_chip, grade_chip_width, text_width
from ..painted_tile import PaintedTile, TileMessage
from ..per_snapshot import questioned_of, state_marks
from ..plot_paint import Frame, data_range, draw_level, draw_line
from ..questioned import draw_marked, questioned_in_figure, questioned_words

BETTER, WORSE = "#009e73", "#d55e00"
SEPARATOR = " · "


@dataclass(frozen=True)
class KpiModel:
    title: str
    subtitle: str
    value: str
    unit: str
    target: str
    grade: str | None
    grades: tuple[str, ...]  # the catalog's grade names, best first (chip colour and width)
    marks: str  # "8.2 / 10 marks"
    marks_figure: str  # "8.2 / 10": what a narrow tile shows rather than cut the word
    change: str
    change_colour: str
    seconds: tuple[float, ...]  # x of each sparkline point: its real time
    values: tuple[float, ...]
    target_value: float | None
    age: DataAge
    questioned: int = 0  # questioned values the figure is made of (marked "?", counted in the subtitle)


def change_text(kpi: Kpi, delta: float, number: str, since: str, tr: Translate, *,
                running: bool = False) -> tuple[str, str]:
    """('▼ 29.2 since Sep (worse)', colour) for a change of `delta` since `since`.

    While the latest period is still running (2 Dec for a daily count, December on
    2 Dec for a monthly one) it is compared with a whole one: the change is shown,
    in neutral colour and marked "so far", never judged better or worse."""
    since_words = tr("since {when}").format(when=since)
    if abs(delta) < 1e-9:
        return f"= {tr('no change')} {since_words}", theme.TEXT_DIM
    arrow = "▲" if delta > 0 else "▼"
    if running:
        return f"{arrow} {number} {since_words} ({tr('so far')})", theme.TEXT_DIM
    good = is_better(kpi, delta)
    verdict = tr("better") if good else tr("worse")
    return f"{arrow} {number} {since_words} ({verdict})", BETTER if good else WORSE


def since_label(hist: rollup.History, before: int, last: int, tr: Translate, now: datetime | None = None) -> str:
    """The previous point in the data's own granularity: a month or day by its period,
    an instant by its time ('10:32', or '21 Nov 10:32' on another day than the wall's
    `now`: on 3 Dec a bare '00:59' would be read as this morning's, not 2 Dec's)."""
    granularity = granularity_of(hist.periods[last])
    if granularity == "instant":
        previous, latest = _moment(hist.seconds[before]), now or _moment(hist.seconds[last])
    else:
        previous, latest = period_start(hist.periods[before]), period_start(hist.periods[last])
    return previous_label(granularity, previous, latest, tr)


def subtitle_lines(subtitle: str, width: float, pixel_size: int, most: int = 2) -> list[str]:
    """The subtitle in at most `most` lines that break between its " · " parts."""
    lines: list[str] = []
    for part in subtitle.split(SEPARATOR):
        if lines and text_width(lines[-1] + SEPARATOR + part, pixel_size) <= width:
            lines[-1] += SEPARATOR + part
        elif len(lines) < most:
            lines.append(part)
        else:
            lines[-1] += SEPARATOR + part  # no third line: the last one is elided
    return lines


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class KpiTile(PaintedTile):
    options: KpiOptions
    options_model = KpiOptions

    def default_heading(self) -> str:
        return "KPI"

    def model_inputs(self, snapshot: Snapshot) -> tuple[Any, ...] | None:
        catalog = snapshot.catalog
        if catalog is None or snapshot.status.reachable is False or not snapshot.derived.derived:
            return None  # ages then come from the snapshot as a whole: always build
        code = self.options.entity or catalog.state.code
        marks = self._marks(snapshot, self.options.kpi, code)
        return (catalog, snapshot.series.get(self.options.kpi), marks, questioned_of(snapshot, self.options.kpi),
                self.context.language)  # the clock: PaintedTile.refresh_ages, once a minute

    @staticmethod
    def _marks(snapshot: Snapshot, kpi: str, code: str) -> float | None:
        """`kpi_marks` of the place (the state: the mean over ranked places, worked out for
        every KPI once per snapshot on the sync thread)."""
        catalog, ranking = snapshot.catalog, snapshot.ranking
        if catalog is not None and ranking is not None and code == catalog.state.code:
            return state_marks(snapshot, ranking).get(kpi)
        return kpi_marks(ranking, kpi, None if catalog is not None and code == catalog.state.code else code)[0]

    def build_model(self, snapshot: Snapshot) -> KpiModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr, now = self.context.tr, self.context.now()
        kpi = catalog.kpi(self.options.kpi)
        if kpi is None:
            return TileMessage(self.heading("KPI"), f"{tr('unknown KPI')} {self.options.kpi}")
        entity_code = self.options.entity
        if entity_code is not None and entity_code != catalog.state.code and catalog.entity(entity_code) is None:
            return TileMessage(self.heading(self.context.title_of(kpi)), f"{tr('unknown entity')} {entity_code}")
        code = entity_code or catalog.state.code
        series = snapshot.series.get(kpi.code)
        fig = rollup.figure(catalog, series, kpi, code, now)
        hist = rollup.history(catalog, series, kpi, code, now, self.options.sparkline_periods)
        place = self.context.name(catalog.entity(code)) if code != catalog.state.code else self.context.name(catalog.state)
        when = figure_period(fig, tr)
        questioned = questioned_in_figure(snapshot.feed_quality, catalog, series, kpi, code, now) if fig.value is not None else 0
        subtitle = SEPARATOR.join(part for part in (place, *figure_words(fig, kpi, tr), when,
                                                    questioned_words(questioned, tr)) if part)
        value = fig.value
        ach = achievement(kpi, value)
        target = ""
        if kpi.target is not None:
            whole = float(kpi.target).is_integer()
            target = f"{tr('Target')} {self.context.number(kpi.target, kpi.unit, decimals=0 if whole else None)} {tr(kpi.unit) if kpi.unit else ''}".rstrip()
            if ach is not None:
                target += f" · {tr('achievement')} {ach * 100:.0f}%"
        marks = self._marks(snapshot, kpi.code, code)
        marks_figure = f"{marks:.1f} / {catalog.ranking.max_marks:g}" if marks is not None and kpi.scoring else ""
        marks_text = f"{marks_figure} {tr('marks')}" if marks_figure else ""
        change, colour = "", theme.TEXT_DIM
        known = [i for i, v in enumerate(hist.values) if not math.isnan(v)]
        # The change is the history's last step, shown only when that step ends at the figure shown.
        if value is not None and len(known) >= 2 and math.isclose(hist.values[known[-1]], value, rel_tol=1e-9, abs_tol=1e-9):
            last, before = known[-1], known[-2]
            delta = hist.values[last] - hist.values[before]
            running = granularity_of(hist.periods[last]) != "instant" and period_end(hist.periods[last]) > now
            change, colour = change_text(kpi, delta, self.context.number(abs(delta), kpi.unit),
                                         since_label(hist, before, last, tr, now), tr, running=running)
        grades = tuple(name for name, _ in catalog.ranking.grades)
        return KpiModel(
            title=self.heading(self.context.title_of(kpi)),
            subtitle=subtitle,
            value=self.context.number(value, kpi.unit),
            unit=tr(kpi.unit) if kpi.unit else "",  # the wall's words for the catalog's unit ("beds" → "बिस्तर")
            target=target,
            grade=grade_for(catalog, marks) if marks is not None and kpi.scoring else None,
            grades=grades,
            marks=marks_text,
            marks_figure=marks_figure,
            change=change,
            change_colour=colour,
            seconds=hist.seconds,
            values=hist.values,
            target_value=kpi.target,
            questioned=questioned,
            age=figure_age(snapshot, kpi, fig, now, tr) if fig.reported_at is not None or series is None
            else kpi_age(snapshot, kpi, series.entities, now, tr),  # places reported, the figure is unknown
        )

    def _plot_rect(self) -> QRectF:
        body = self.body_rect()
        height = body.height() * 0.34
        return QRectF(body.left(), body.bottom() - height, body.width(), height)

    def paint_sparkline(self, painter: QPainter, model: KpiModel) -> None:
        """The last periods as a line with dots, and the target dashed when within them."""
        if len(model.values) < 2:
            return
        y_range = data_range(model.values)
        if y_range is None:
            return
        # lines and dots as bold on a 4K wall as on 1080p
        small = self.scale.small
        width, dot = max(3.0, small * 0.22), max(6.0, small * 0.45)
        inset = dot / 2 + 1  # the first and last dots whole
        frame = Frame(self._plot_rect().adjusted(inset, inset, -inset, -inset),
                      (min(model.seconds), max(model.seconds)), y_range)
        if model.target_value is not None:
            draw_level(painter, frame, model.target_value, theme.TEXT_DIM, 1.0)
        draw_line(painter, frame, model.seconds, model.values, theme.ACCENT, width, dot)

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        # a long KPI name shrinks a little before it is cut ("PMAY-G houses completed agains…")
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    def paint_model(self, painter: QPainter, rect: QRectF, model: KpiModel) -> None:
        s = self.scale
        self.paint_heading(painter, model.title, model.age)
        y = rect.top()
        # How the figure was made carries counts: it goes on a second line (between its
        # " · " parts, never inside one) rather than lose them.
        for line in subtitle_lines(model.subtitle, rect.width(), s.small):
            draw_text(painter, QRectF(rect.left(), y, rect.width(), s.small * 1.45), line, s.small, fg=theme.TEXT_DIM)
            y += s.small * 1.45
        y += s.body * 1.3 - s.small * 1.45
        text_area = QRectF(rect.left(), y, rect.width(), self._plot_rect().top() - y)
        # Big figure and unit; grade chip and marks to the right.
        figure = int(min(s.figure, text_area.height() * 0.5))
        fig_rect = QRectF(text_area.left(), text_area.top(), text_area.width() * 0.62, figure * 1.15)
        used = draw_marked(painter, fig_rect, model.value, figure, model.questioned > 0, bold=True, mark_size=int(figure * 0.6))
        draw_text(painter, QRectF(fig_rect.left() + used + s.small * 0.4, fig_rect.top(), fig_rect.width() - used,
                                  fig_rect.height()), model.unit, s.title, fg=theme.TEXT_DIM)
        if model.marks:
            chip = figure * 0.8
            right = QRectF(text_area.left() + text_area.width() * 0.62, fig_rect.top(), text_area.width() * 0.38, fig_rect.height())
            # As wide as the catalog's longest grade name needs (at most half the room), never narrower than tall.
            chip_w = min(max(chip, grade_chip_width(model.grades, int(chip * 0.7))), right.width() * 0.5)
            chip_rect = QRectF(right.right() - chip_w, right.center().y() - chip / 2, chip_w, chip)
            grade_chip(painter, chip_rect, model.grade, int(chip * 0.7), model.grades)
            room = right.width() - chip_w - s.small
            # "8.2 / 10 marks" when it fits, else "8.2 / 10": a figure is never cut, nor a word
            marks = model.marks if text_width(model.marks, int(s.body * 0.8)) <= room else model.marks_figure
            marks_w = min(room, text_width(marks, s.body) + s.small)
            draw_text(painter, QRectF(chip_rect.left() - marks_w - s.small * 0.5, right.top(), marks_w, right.height()),
                      marks, s.body, align=ALIGN_LEFT, shrink=True)
        line_h = s.body * 1.35
        y2 = fig_rect.bottom() + s.small * 0.3
        if model.target:
            draw_text(painter, QRectF(rect.left(), y2, rect.width(), line_h), model.target, s.body)
            y2 += line_h
        if model.change:
            draw_text(painter, QRectF(rect.left(), y2, rect.width(), line_h), model.change, s.body, fg=model.change_colour, bold=True)
        self.paint_sparkline(painter, model)

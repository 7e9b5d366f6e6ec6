""""Why is this district 17th?": rank, score and grade, and what cost it marks.

For the district review meeting. The figures come from sync/ranking/explain.py, so
the explanation can never disagree with the engine: sector and department scores
against the state average (mean over ranked districts of the ranking on the wall),
and the KPIs that cost the most weighted marks, with their change since last month.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from ...layouts.tile_options import BreakdownOptions
from ...sync.contract import Catalog
from ...sync.ranking.explain import Explanation
from ...sync.ranking.periods import previous_month
from ...sync.ranking.result import RankingResult
from ...sync.snapshot import Snapshot
from ..data_age import DataAge
from ..fitted_text import draw_name, paint_fitted_heading
from ..kpi_figures import Translate, grade_for, period_label
from ..look import theme
from ..look.i18n import ordinal
from ..paint_kit import ALIGN_RIGHT, colour, draw_text, grade_chip, grade_chip_width, text_width
from ..painted_tile import PaintedTile, TileMessage
from ..per_snapshot import age_input, explanation_input, group_averages, per_catalog, questioned_kpis, ranking_age
from ..questioned import draw_marked, questioned_words
from ..ranking_audit_words import official_words

UP, DOWN = "#009e73", "#d55e00"


@dataclass(frozen=True)
class GroupRow:
    name: str
    score: float | None
    average: float | None
    grade: str | None
    unreported: bool = False  # none of its KPIs reported: its score is the missing rule's, not data


@dataclass(frozen=True)
class CostRow:
    name: str
    marks: str
    lost: str
    change: str
    change_colour: str
    questioned: bool = False  # the marks come from a value the wall questions (marked "?")


@dataclass(frozen=True)
class BreakdownModel:
    title: str
    rank: str
    of: str
    score: str
    grade: str | None
    flags: str
    max_marks: float
    groups: tuple[GroupRow, ...]
    costs: tuple[CostRow, ...]
    group_heading: str
    cost_heading: str
    cost_columns: tuple[str, str, str]
    age: DataAge
    grades: tuple[str, ...]  # the catalog's grade names, best first: chip and bar colours, chip width


def month_name(period: str, tr: Translate | None = None) -> str:
    """'2026-09' → 'Sep': the month as `period_label` writes it, without its year.

    The year is dropped as the digits it is, never by cutting the label to three
    letters, which would break a translated month name ("सितंबर") mid-letter."""
    label = period_label(period, tr=tr)
    return label.removesuffix(period[:4]).strip() or label


def state_average(ranking: RankingResult | None, level: str, code: str) -> float | None:
    if ranking is None:
        return None
    scores = [s for r in ranking.ranked if (s := r.by.get(level, {}).get(code)) is not None]
    return sum(scores) / len(scores) if scores else None


@dataclass(frozen=True, eq=False)
class KpiGroups:
    """Which sector and department each of an explanation's KPIs counts under, as indices
    (-1: none), to tell in one pass which groups had none of their KPIs reported."""

    keys: tuple[tuple[str, str], ...]  # (level, code) of each group
    department: np.ndarray  # per KPI: index into keys, or -1
    sector: np.ndarray

    def unreported(self, reported: np.ndarray) -> set[tuple[str, str]]:
        """The groups that have KPIs, none of them reported."""
        size = len(self.keys)
        has = np.zeros(size, dtype=bool)
        any_reported = np.zeros(size, dtype=bool)
        for groups in (self.department, self.sector):
            counted = groups >= 0
            has[groups[counted]] = True
            any_reported[groups[counted & reported]] = True
        return {self.keys[i] for i in np.flatnonzero(has & ~any_reported).tolist()}


def kpi_groups(catalog: Catalog, codes: tuple[str, ...]) -> KpiGroups:
    """`KpiGroups` of the KPIs `codes` (an explanation's), once per catalog."""
    def make() -> KpiGroups:
        keys: dict[tuple[str, str], int] = {}
        department = np.full(len(codes), -1, dtype=np.intp)
        sector = np.full(len(codes), -1, dtype=np.intp)
        for i, code in enumerate(codes):
            kpi = catalog.kpi(code)
            found = catalog.department_of_kpi(kpi) if kpi is not None else None
            if found is not None:
                department[i] = keys.setdefault(("department", found.code), len(keys))
                sector[i] = keys.setdefault(("sector", found.sector), len(keys))
        return KpiGroups(tuple(keys), department, sector)

    return per_catalog(catalog, ("kpi_groups", codes), make)


def code_positions(catalog: Catalog, codes: tuple[str, ...]) -> dict[str, int]:
    """code -> its position in `codes`, once per catalog."""
    return per_catalog(catalog, ("code_positions", codes), lambda: {c: i for i, c in enumerate(codes)})


class BreakdownTile(PaintedTile):
    options: BreakdownOptions
    options_model = BreakdownOptions

    def default_heading(self) -> str:
        return "Why this rank"

    def model_inputs(self, snapshot: Snapshot) -> tuple[Any, ...] | None:
        if snapshot.status.reachable is False:
            return None  # ages then come from the snapshot as a whole: always build
        # The explanation is made anew every poll: compared by all it says (worked out once
        # per snapshot on the sync thread); of the ranking, how many are ranked and the
        # state's averages; the official figures' finding; the place's questioned values
        # this month; the age as worded now.
        entity, ranking, audit = self.options.entity, snapshot.ranking, snapshot.ranking_audit
        why = snapshot.derived.explanation(entity)
        finding = audit.finding(entity) if audit is not None and audit.is_about(ranking) else None
        questioned = questioned_kpis(snapshot, entity, why.period) if isinstance(why, Explanation) else ()
        ranked = (len(ranking.ranked), ranking.period, group_averages(snapshot)) if ranking is not None else None
        return (snapshot.catalog, snapshot.derived.derived, explanation_input(snapshot, entity), ranked, (finding,),
                questioned, age_input(ranking_age(snapshot, self.context.now(), self.context.tr)), self.options,
                self.context.shown_languages)  # the clock: PaintedTile.refresh_ages, once a minute

    def build_model(self, snapshot: Snapshot) -> BreakdownModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr = self.context.tr
        age = ranking_age(snapshot, self.context.now(), tr, self.context.language)
        entity = catalog.entity(self.options.entity)
        if entity is None:
            return TileMessage(self.heading("Why this rank"), f"{tr('unknown entity')} {self.options.entity}", age)
        name = self.context.title_of(entity)
        if snapshot.ranking is None:
            return TileMessage(self.heading(name), tr("no ranking yet"), age)
        why = snapshot.derived.explanation(entity.code)  # explained on the sync thread
        if why is None:
            return TileMessage(self.heading(name), tr("explanation not ready"), age)
        if not isinstance(why, Explanation):
            return TileMessage(self.heading(name), f"{self.context.name_here(entity)}: {tr('not ranked this month')}", age)
        ranked = len(snapshot.ranking.ranked)
        place = ordinal(why.rank, self.context.language) if why.rank else ""
        rank = why.rank
        title = self.heading(self.context.titled(
            lambda c: c.tr("Why is {name} {rank}?").format(name=c.name(entity), rank=ordinal(rank, c.language)))
            if rank else name)
        flags = []
        missing = why.unreported  # from the explanation's columns: no line object per KPI
        if missing:
            flags.append(f"⚠ {missing} {tr('KPIs not reported')}")
        if why.provisional:
            flags.append(tr("provisional"))
        audit = snapshot.ranking_audit
        finding = audit.finding(entity.code) if audit is not None and audit.is_about(snapshot.ranking) else None
        if finding is not None:  # the official figures on the wall and this local explanation disagree
            flags.insert(0, official_words(finding, lambda n: ordinal(n, self.context.language), tr))
        positions = code_positions(catalog, why.kpi_codes)  # only the place's own questioned values are looked at
        questioned = frozenset(code for code in questioned_kpis(snapshot, entity.code, why.period)
                               if code in positions and why.columns.reported[positions[code]])
        if questioned:  # counted by the ranking as the store sent them, and said so
            flags.append(questioned_words(len(questioned), tr))
        return BreakdownModel(
            title=f"{title} · {period_label(why.period, tr=self.context.tr)}",
            rank=place or "–",
            of=tr("of {m}").format(m=ranked),
            score=f"{why.score:.2f}" if why.score is not None else "—",
            grade=why.grade,
            flags=" · ".join(flags),
            max_marks=why.max_marks,
            groups=self._groups(snapshot, catalog, why),
            costs=self._costs(catalog, why, questioned),
            group_heading=tr("Score vs state average"),
            cost_heading=tr("KPIs costing most marks"),
            cost_columns=(tr("marks"), tr("lost"), f"{tr('vs')} {month_name(previous_month(why.period), tr)}"),
            age=age,
            grades=tuple(name for name, _ in catalog.ranking.grades),
        )

    def _groups(self, snapshot: Snapshot, catalog: Catalog, why: Explanation) -> tuple[GroupRow, ...]:
        # groups that have KPIs and none of them reported (a group without KPIs is not flagged)
        unreported = kpi_groups(catalog, why.kpi_codes).unreported(why.columns.reported)
        averages = dict(group_averages(snapshot))  # `state_average` of each, once per snapshot
        rows = []
        for level, items in (("sector", catalog.sectors), ("department", catalog.departments)):
            scores = why.by.get(level, {})
            level_rows = [
                GroupRow(self.context.name(item), scores.get(item.code), averages.get((level, item.code)),
                         grade_for(catalog, scores.get(item.code)), (level, item.code) in unreported)
                for item in items if item.code in scores
            ]
            if level == "department":  # the departments furthest below average first
                level_rows.sort(key=lambda g: (g.score or 0) - (g.average or 0))
            rows.extend(level_rows)
        return tuple(rows)

    def _costs(self, catalog: Catalog, why: Explanation, questioned: frozenset[str]) -> tuple[CostRow, ...]:
        rows = []
        for k in why.costliest(self.options.count):
            kpi = catalog.kpi(k.kpi)
            marks = f"{k.marks:.1f}" if k.marks is not None else "—"
            if not k.reported:
                marks = f"⚠ {marks}"  # not reported: counted as zero (or skipped)
            change, tint = "", theme.TEXT_DIM
            if k.change is not None and abs(k.change) >= 0.005:
                change, tint = (f"▲{k.change:.1f}", UP) if k.change > 0 else (f"▼{-k.change:.1f}", DOWN)
            elif k.change is not None:
                change = "="
            rows.append(CostRow(self.context.name(kpi, k.kpi), marks, f"−{k.marks_lost:.1f}" if k.marks_lost else "",
                                change, tint, k.kpi in questioned))
        return tuple(rows)

    # --- painting --------------------------------------------------------------------------

    def paint_model(self, painter: QPainter, rect: QRectF, model: BreakdownModel) -> None:
        s = self.scale
        # the title ends with the month: it shrinks to fit rather than lose it to "…"
        paint_fitted_heading(painter, self.heading_rect(), self.pad, model.title, model.age, self.scale.title, self.scale.small)
        # Headline: rank of N, score, grade, flags.
        head_h = s.figure * 0.75
        used = draw_text(painter, QRectF(rect.left(), rect.top(), rect.width() * 0.3, head_h), model.rank, int(head_h * 0.85), bold=True)
        x = rect.left() + used + s.small * 0.5
        draw_text(painter, QRectF(x, rect.top(), rect.width() * 0.2, head_h), model.of, s.body, fg=theme.TEXT_DIM)
        x += text_width(model.of, s.body) + s.body
        score_text = f"{model.score} / {model.max_marks:g}"
        used = draw_text(painter, QRectF(x, rect.top(), rect.width() * 0.4, head_h), score_text, s.title, bold=True)
        chip, chip_x = head_h * 0.62, x + used + s.small * 0.6
        chip_px = int(chip * 0.7)
        # As wide as the catalog's longest grade name needs (the same for every district),
        # within the headline; a name that still does not fit shrinks inside the chip.
        chip_w = max(chip, min(grade_chip_width(model.grades, chip_px), rect.right() - chip_x))
        grade_chip(painter, QRectF(chip_x, rect.top() + (head_h - chip) / 2, chip_w, chip), model.grade, chip_px, model.grades)
        top = rect.top() + head_h + s.small * 0.5
        if model.flags:
            fx = chip_x + chip_w + s.small * 0.8
            if text_width(model.flags, s.small) <= rect.right() - fx:
                draw_text(painter, QRectF(fx, rect.top(), rect.right() - fx, head_h), model.flags, s.small, fg=theme.FRESHNESS_COLOURS["late"])
            else:  # no room beside a long grade name: a line of its own under the headline
                draw_text(painter, QRectF(rect.left(), top - s.small * 0.5, rect.width(), s.small * 1.5), model.flags, s.small,
                          fg=theme.FRESHNESS_COLOURS["late"])
                top += s.small * 1.2
        gap = s.body
        left = QRectF(rect.left(), top, rect.width() * 0.38, rect.bottom() - top)
        right = QRectF(left.right() + gap, top, rect.right() - left.right() - gap, rect.bottom() - top)
        self._paint_groups(painter, left, model)
        self._paint_costs(painter, right, model)

    def _paint_groups(self, painter: QPainter, rect: QRectF, model: BreakdownModel) -> None:
        s = self.scale
        size = s.small
        draw_text(painter, QRectF(rect.left(), rect.top(), rect.width(), size * 1.5), model.group_heading, size, fg=theme.TEXT_DIM, bold=True)
        row_h = size * 2.3
        y = rect.top() + size * 1.7
        name_w = rect.width() * 0.45
        bar_x = rect.left() + name_w + size * 0.4
        bar_w = rect.right() - bar_x - size * 2.6
        for g in model.groups:
            if y + row_h > rect.bottom() + 1:
                break
            draw_name(painter, QRectF(rect.left(), y, name_w, row_h), g.name, size)
            track = QRectF(bar_x, y + row_h * 0.28, bar_w, row_h * 0.44)
            painter.setPen(colour(theme.PANEL_BORDER))
            painter.setBrush(colour(theme.BACKGROUND))
            painter.drawRect(track)
            if g.score is not None:
                bar = colour(theme.grade_colour(g.grade, model.grades))  # any number of grades, by their order
                painter.setPen(bar)
                painter.setBrush(bar)
                painter.drawRect(QRectF(track.left(), track.top(), track.width() * min(1.0, g.score / model.max_marks), track.height()))
            if g.average is not None:  # the state average as a white tick across the bar
                ax = track.left() + track.width() * min(1.0, g.average / model.max_marks)
                painter.setPen(colour(theme.TEXT))
                painter.setBrush(colour(theme.TEXT))
                painter.drawRect(QRectF(ax - 1.5, y + row_h * 0.12, 3, row_h * 0.76))
            figure = f"{g.score:.1f}" if g.score is not None else "—"
            draw_text(painter, QRectF(track.right(), y, size * 2.6, row_h), f"⚠ {figure}" if g.unreported else figure,
                      size, fg=theme.ALERT_COLOURS["warn"] if g.unreported else theme.TEXT, bold=True, align=ALIGN_RIGHT)
            y += row_h
        legend = f"│ = {self.context.tr('state average')}"
        if y + size * 1.5 <= rect.bottom() + 1:
            draw_text(painter, QRectF(bar_x, y, rect.right() - bar_x, size * 1.5), legend, int(size * 0.85), fg=theme.TEXT_DIM)

    def _paint_costs(self, painter: QPainter, rect: QRectF, model: BreakdownModel) -> None:
        s = self.scale
        size = s.small
        draw_text(painter, QRectF(rect.left(), rect.top(), rect.width() * 0.56, size * 1.5), model.cost_heading, size, fg=theme.TEXT_DIM, bold=True)
        row_h = size * 2.3
        y = rect.top() + size * 1.7
        w = rect.width()
        header_px = int(size * 0.85)
        # Each figure column is at least as wide as its header ("vs सितंबर" is longer than "vs Sep").
        marks_w, lost_w, change_w = (max(share * w, text_width(label, header_px) + size * 0.4)
                                     for share, label in zip((0.13, 0.12, 0.12), model.cost_columns))
        name_w = w - change_w - lost_w - marks_w
        x = rect.left() + name_w
        for label, width in zip(model.cost_columns, (marks_w, lost_w, change_w)):
            draw_text(painter, QRectF(x, rect.top(), width, size * 1.5), label, header_px, fg=theme.TEXT_DIM, align=ALIGN_RIGHT,
                      shrink=True)
            x += width
        for c in model.costs:
            if y + row_h > rect.bottom() + 1:
                break
            x = rect.left()
            draw_name(painter, QRectF(x, y, name_w - size * 0.3, row_h), c.name, size)
            x += name_w
            if c.questioned:
                draw_marked(painter, QRectF(x, y, marks_w, row_h), c.marks, size, True, bold=True, right=True)
            else:
                draw_text(painter, QRectF(x, y, marks_w, row_h), c.marks, size, bold=True, align=ALIGN_RIGHT)
            x += marks_w
            draw_text(painter, QRectF(x, y, lost_w, row_h), c.lost, size, fg=DOWN, align=ALIGN_RIGHT)
            x += lost_w
            draw_text(painter, QRectF(x, y, change_w, row_h), c.change, size, fg=c.change_colour, bold=True, align=ALIGN_RIGHT)
            y += row_h

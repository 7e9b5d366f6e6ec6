"""Corrective indicators: which KPIs need attention in a district or the state.

Two short lists side by side: the KPIs whose marks fell most since last month, and
those where the district sits in the bottom quarter of districts (for the state:
the quarter of KPIs with the lowest average marks). Both come from the ranking on
the wall and the previous month's ranking of the same source, so they agree with
the ranking tile.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from ...layouts.tile_options import AttentionOptions
from ...sync.contract import Catalog
from ...sync.ranking.result import RankingResult
from ...sync.snapshot import Snapshot
from ..data_age import DataAge
from ..fitted_text import draw_fitted, fitted_size, paint_fitted_heading, second_line_px
from ..kpi_figures import kpi_marks, period_label
from ..look import theme
from ..paint_kit import ALIGN_RIGHT, draw_text
from ..painted_tile import PaintedTile, TileMessage
from ..per_snapshot import age_input, marks_by_code, marks_table, per_catalog, questioned_kpis, ranked_codes, ranking_age
from ..questioned import draw_marked
from .ranking_tile import ranking_inputs

DOWN, LOW = "#d55e00", "#e69f00"
STACK_BELOW_EMS = 24  # side by side, a list narrower than this many row-text sizes cuts its KPI names


@dataclass(frozen=True)
class AttentionRow:
    name: str
    marks: str
    note: str  # "▼2.4" or "31/33"
    questioned: bool = False  # the place's marks come from a value the wall questions (marked "?")


@dataclass(frozen=True)
class AttentionModel:
    title: str
    falls_heading: str
    falls: tuple[AttentionRow, ...]
    bottom_heading: str
    bottom: tuple[AttentionRow, ...]
    empty_text: str
    age: DataAge


def _marks(ranking: RankingResult | None, kpi: str, entity: str | None) -> float | None:
    return kpi_marks(ranking, kpi, entity)[0]


def not_reported(ranking: RankingResult, kpi: str, entity: str | None) -> bool:
    """The district (or, for the state, every district) did not report `kpi`: its
    0 marks are missing data, not a measured result, and must say so."""
    rows = [r for r in ranking.ranked if entity is None or r.entity == entity]
    return bool(rows) and all(kpi in r.not_reported for r in rows)


MarksOf = Callable[[RankingResult, str, str | None], float | None]


def falls(ranking: RankingResult, previous: RankingResult | None, kpis: list[str], entity: str | None,
          marks: MarksOf = _marks) -> list[tuple[str, float, float]]:
    """(kpi, marks now, fall) for KPIs whose marks fell, biggest fall first."""
    if previous is None:
        return []
    out = []
    for code in kpis:
        now, before = marks(ranking, code, entity), marks(previous, code, entity)
        if now is not None and before is not None and before - now >= 0.005:
            out.append((code, now, before - now))
    out.sort(key=lambda t: (-t[2], t[0]))
    return out


def bottom_quarter(ranking: RankingResult, kpis: list[str], entity: str | None,
                   marks: MarksOf = _marks) -> list[tuple[str, float, int, int]]:
    """(kpi, marks, position, of) in the bottom quarter, lowest marks first.

    For a district, its position among districts by that KPI's marks (ties share the
    better place); for the state, the KPI's position among KPIs by average marks."""
    out = []
    if entity is not None:
        for code in kpis:
            mine = marks(ranking, code, entity)
            others = [m for r in ranking.ranked if (m := r.marks.get(code)) is not None]
            if mine is None or not others:
                continue
            position = 1 + sum(1 for m in others if m > mine)
            if position > math.ceil(len(others) * 0.75) and mine < max(others):
                out.append((code, mine, position, len(others)))
    else:
        averages = sorted(((m, code) for code in kpis if (m := marks(ranking, code, None)) is not None), reverse=True)
        n = len(averages)
        for i, (m, code) in enumerate(averages):
            if i + 1 > math.ceil(n * 0.75):
                out.append((code, m, i + 1, n))
    out.sort(key=lambda t: (t[1], t[0]))
    return out


def code_ranks(catalog: Catalog, codes: tuple[str, ...]) -> np.ndarray:
    """Each code's place in the sorted order of `codes` (ties of the lists' sorts), once per catalog."""
    def make() -> np.ndarray:
        ranks = np.empty(len(codes), dtype=np.intp)
        ranks[sorted(range(len(codes)), key=codes.__getitem__)] = np.arange(len(codes))
        return ranks

    return per_catalog(catalog, ("code_ranks", codes), make)


def top_falls(codes: tuple[str, ...], ranks: np.ndarray, now: np.ndarray, before: np.ndarray,
              n: int) -> list[tuple[str, float, float]]:
    """The first `n` of `falls` over `codes`, from each code's marks now and before (NaN:
    None) as arrays: the same floats in the same order, without a Python step per KPI."""
    with np.errstate(invalid="ignore"):
        fall = before - now
        rows = np.flatnonzero(~np.isnan(now) & ~np.isnan(before) & (fall >= 0.005))
    order = rows[np.lexsort((ranks[rows], -fall[rows]))][:n].tolist()
    return [(codes[k], float(now[k]), float(fall[k])) for k in order]


def lowest_quarter(codes: tuple[str, ...], ranks: np.ndarray, mine: np.ndarray, others: np.ndarray | None,
                   n: int) -> list[tuple[str, float, int, int]]:
    """The first `n` of `bottom_quarter` over `codes` as arrays: for a place, `mine` is its
    marks and `others` the ranked places' (places × codes, NaN: None); for the state
    (`others` None), `mine` is the means of marks."""
    if others is not None:
        known = ~np.isnan(others)
        count = known.sum(axis=0)
        with np.errstate(invalid="ignore"):
            position = 1 + (others > mine[None, :]).sum(axis=0)
            best = np.where(known, others, -np.inf).max(axis=0) if len(others) else np.full(len(codes), -np.inf)
            wanted = ~np.isnan(mine) & (count > 0) & (position > np.ceil(count * 0.75)) & (mine < best)
        rows = np.flatnonzero(wanted)
        order = rows[np.lexsort((ranks[rows], mine[rows]))][:n].tolist()
        return [(codes[k], float(mine[k]), int(position[k]), int(count[k])) for k in order]
    rows = np.flatnonzero(~np.isnan(mine))
    ascending = rows[np.lexsort((ranks[rows], mine[rows]))]  # `bottom_quarter`'s order, turned round
    total = len(ascending)
    low = total - math.ceil(total * 0.75)
    return [(codes[k], float(mine[k]), total - i, total) for i, k in enumerate(ascending[:min(n, low)].tolist())]


class AttentionTile(PaintedTile):
    options: AttentionOptions
    options_model = AttentionOptions

    def default_heading(self) -> str:
        return "Needs attention"

    def model_inputs(self, snapshot: Snapshot) -> tuple[Any, ...] | None:
        if snapshot.status.reachable is False:
            return None  # ages then come from the snapshot as a whole: always build
        # the rankings by content (made anew every poll); the age as worded now (its facts are
        # gathered once per snapshot); the place's questioned values in the ranking's month
        catalog, ranking = snapshot.catalog, snapshot.ranking
        code = self.options.entity if catalog is None or self.options.entity != catalog.state.code else None
        questioned = questioned_kpis(snapshot, code, ranking.period) if code is not None and ranking is not None else ()
        return (catalog, snapshot.derived.derived, ranking_inputs(ranking), ranking_inputs(snapshot.previous_ranking),
                questioned, age_input(ranking_age(snapshot, self.context.now(), self.context.tr)), self.options,
                self.context.shown_languages)  # the clock: PaintedTile.refresh_ages, once a minute

    def build_model(self, snapshot: Snapshot) -> AttentionModel | TileMessage:
        catalog = snapshot.catalog
        assert catalog is not None
        tr = self.context.tr
        age = ranking_age(snapshot, self.context.now(), tr, self.context.language)
        code = self.options.entity if self.options.entity != catalog.state.code else None
        if code is not None and catalog.entity(code) is None:
            return TileMessage(self.heading("Needs attention"), f"{tr('unknown entity')} {code}", age)
        place = catalog.entity(code) if code else catalog.state
        title = self.heading(self.context.titled(lambda c: f"{c.tr('Needs attention')} — {c.name(place)}"))
        ranking = snapshot.ranking
        if ranking is None:
            return TileMessage(title, tr("no ranking yet"), age)
        kpis = ranked_codes(snapshot)
        half = max(1, math.ceil(self.options.count / 2))
        def marks_text(kpi: str, marks: float) -> str:
            # ○ is the wall's "not fed" mark everywhere; a word would not fit this column
            return theme.FRESHNESS_SYMBOLS["not_fed"] if not_reported(ranking, kpi, code) else f"{marks:.1f}"

        # a place's own values this month (the state's are means of marks)
        questioned = frozenset(questioned_kpis(snapshot, code, ranking.period)) if code is not None else frozenset()
        # falls and the bottom quarter as in `falls` / `bottom_quarter`, over every ranked KPI
        # at once: marks as arrays gathered once per snapshot for every such tile
        ranks = code_ranks(catalog, kpis)
        mine = marks_by_code(snapshot, ranking, code, kpis)
        previous = snapshot.previous_ranking
        fallen = top_falls(kpis, ranks, mine, marks_by_code(snapshot, previous, code, kpis), half) if previous else []
        fell = [AttentionRow(self._name(catalog, k), marks_text(k, m), f"▼{d:.1f}", k in questioned) for k, m, d in fallen]
        others = marks_table(snapshot, ranking).columns(kpis) if code is not None else None
        lowest = lowest_quarter(kpis, ranks, mine, others, max(1, self.options.count - len(fell)))
        low = [AttentionRow(self._name(catalog, k), marks_text(k, m), f"{pos}/{of}", k in questioned)
               for k, m, pos, of in lowest]
        # "since Sep 2026": a two-digit year ("since Sep 26") reads as the 26th of September
        since = period_label(snapshot.previous_ranking.period, tr=tr) if snapshot.previous_ranking else ""
        return AttentionModel(
            title=f"{title} · {period_label(ranking.period, tr=self.context.tr)}",
            falls_heading=f"{tr('Biggest falls in marks since')} {since}".strip(),
            falls=tuple(fell),
            bottom_heading=tr("Bottom quarter of districts") if code else tr("Lowest quarter of KPIs (avg marks)"),
            bottom=tuple(low),
            empty_text=tr("none"),
            age=age,
        )

    def _name(self, catalog: Catalog, code: str) -> str:
        # a KPI's name in each shown language, one a line: a bilingual row shows the second under the first
        return self.context.title_of(catalog.kpi(code), code)

    def paint_model(self, painter: QPainter, rect: QRectF, model: AttentionModel) -> None:
        # the title ends with the month: it shrinks to fit rather than lose it to "…"
        paint_fitted_heading(painter, self.heading_rect(), self.pad, model.title, model.age, self.scale.title, self.scale.small)
        gap = self.scale.body
        half = (rect.width() - gap) / 2
        size = self._row_size()
        falls_h, bottom_h = self._list_height(len(model.falls)), self._list_height(len(model.bottom))
        # A tall narrow tile (a third of a 1080p screen) stacks the two lists at full width
        # when both fit: side by side their KPI names were cut to "Village land records …"
        # above an empty half tile.
        if half < size * STACK_BELOW_EMS and falls_h + gap + bottom_h <= rect.height():
            self._paint_list(painter, QRectF(rect.left(), rect.top(), rect.width(), falls_h), model.falls_heading, model.falls, DOWN, model.empty_text)
            top = rect.top() + falls_h + gap
            self._paint_list(painter, QRectF(rect.left(), top, rect.width(), rect.bottom() - top), model.bottom_heading, model.bottom, LOW, model.empty_text)
            return
        self._paint_list(painter, QRectF(rect.left(), rect.top(), half, rect.height()), model.falls_heading, model.falls, DOWN, model.empty_text)
        self._paint_list(painter, QRectF(rect.left() + half + gap, rect.top(), half, rect.height()), model.bottom_heading, model.bottom, LOW, model.empty_text)

    def _row_size(self) -> int:
        return int((self.scale.small + self.scale.body) / 2)

    def _list_height(self, rows: int) -> float:
        """A list's heading and rows (one row for the calm message when it has none)."""
        size = self._row_size()
        return size * 1.8 + max(rows, 1) * size * 2.0

    def _paint_list(self, painter: QPainter, rect: QRectF, heading: str, rows: tuple[AttentionRow, ...], tint: str, empty: str) -> None:
        draw_fitted(painter, QRectF(rect.left(), rect.top(), rect.width(), self.scale.small * 1.5), heading, self.scale.small, fg=tint, bold=True)
        size = self._row_size()
        row_h = size * 2.0
        y = rect.top() + size * 1.8
        if not rows:
            draw_text(painter, QRectF(rect.left(), y, rect.width(), row_h), f"✓ {empty}", size, fg=theme.TEXT_DIM)
        note_w, marks_w = size * 3.6, size * 2.6
        name_w = rect.width() - note_w - marks_w
        # one size for the list's names: the largest at which the longest fits, a little smaller than the rest;
        # a bilingual name ("name\nનામ") takes the row's two halves, the second language smaller
        two = any("\n" in r.name for r in rows)
        first_px = int(size * 0.78) if two else size
        second_px = second_line_px(first_px)
        name_px = first_px if two else min((fitted_size(r.name, size, name_w - size * 0.3) for r in rows), default=size)
        other_px = min((fitted_size(r.name.partition("\n")[2], second_px, name_w - size * 0.3, minimum=0.6)
                        for r in rows if "\n" in r.name), default=second_px)
        for row in rows:
            if y + row_h > rect.bottom() + 1:
                break
            first, _, second = row.name.partition("\n")
            if two:
                draw_text(painter, QRectF(rect.left(), y, name_w - size * 0.3, row_h * 0.55), first, name_px, shrink=True)
                draw_text(painter, QRectF(rect.left(), y + row_h * 0.5, name_w - size * 0.3, row_h * 0.45),
                          " · ".join(second.split("\n")), other_px, fg=theme.TEXT_DIM, shrink=True)
            else:
                draw_text(painter, QRectF(rect.left(), y, name_w - size * 0.3, row_h), first, name_px)
            marks = QRectF(rect.left() + name_w, y, marks_w, row_h)
            if row.questioned:
                draw_marked(painter, marks, row.marks, size, True, bold=True, right=True)
            else:
                draw_text(painter, marks, row.marks, size, bold=True, align=ALIGN_RIGHT)
            draw_text(painter, QRectF(rect.right() - note_w, y, note_w, row_h), row.note, size, fg=tint, bold=True, align=ALIGN_RIGHT)
            y += row_h

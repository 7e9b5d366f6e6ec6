"""Questioned values: one mark and one footnote, wherever a tile prints a figure.

The sync thread judges which stored values are hard to believe (a negative count, a
percentage outside 0–100, a value far outside the KPI's history: sync/feed_quality.py)
and the ranking still counts them as the store sent them. So the wall does not hide
or change such a value: it prints it with a small amber "?" after it, the same mark
on every tile, and a figure made from several places says how many questioned
values it includes ("1 questioned value"). Which values a figure is made of follows
sync/rollup.py: an entity's own report, else its descendants' latest reports.
"""

from __future__ import annotations

import math
from datetime import datetime

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from ..sync import rollup
from ..sync.contract import Catalog, Kpi
from ..sync.feed_quality import FeedQuality
from ..sync.series import KpiSeries
from .kpi_figures import Translate
from .look import theme
from .paint_kit import ALIGN_LEFT, ALIGN_RIGHT, draw_text, text_width

MARK = "?"
MARK_COLOUR = theme.ALERT_COLOURS["warn"]
_MAX_DEPTH = 16  # parent chains longer than the catalog's levels are cycles


def questioned_words(count: int, tr: Translate) -> str:
    """'? 1 questioned value' / '? 3 questioned values' in the wall's language; '' for none."""
    if count <= 0:
        return ""
    words = tr("1 questioned value") if count == 1 else tr("{n} questioned values").format(n=count)
    return f"{MARK} {words}"


def _within(catalog: Catalog, entity: str, ancestor: str) -> list[str] | None:
    """The codes from `entity` up to `ancestor` (both included), or None when `entity`
    is not `ancestor` nor below it. Everything is below the state."""
    chain = [entity]
    code: str | None = entity
    for _ in range(_MAX_DEPTH):
        if code == ancestor:
            return chain
        item = catalog.entity(code) if code is not None else None
        code = item.parent if item is not None else None
        if code is None:
            break
        chain.append(code)
    return chain if ancestor == catalog.state.code else None


def _has_own_report(catalog: Catalog, series: KpiSeries, kpi: Kpi, code: str, moment: datetime) -> bool:
    fig = rollup.figure(catalog, series, kpi, code, moment)
    return not fig.rolled_up and fig.period is not None


def questioned_in_figure(quality: FeedQuality, catalog: Catalog, series: KpiSeries | None, kpi: Kpi,
                         entity: str, moment: datetime) -> int:
    """How many questioned values the figure of `kpi` for `entity` at `moment` is made of:
    the entity's own latest report, or, rolled up, each descendant's latest report."""
    if series is None or not quality.implausible:
        return 0
    count = 0
    for (code, place, period) in quality.implausible:
        if code != kpi.code:
            continue
        chain = _within(catalog, place, entity)
        if chain is None:
            continue
        own = rollup.figure(catalog, series, kpi, place, moment)
        if own.rolled_up or own.period != period:
            continue  # not the report this place counts with at the moment shown
        # an ancestor with its own report stands for its children
        if any(_has_own_report(catalog, series, kpi, above, moment) for above in chain[1:]):
            continue
        count += 1
    return count


def questioned_in_month(quality: FeedQuality, series: KpiSeries | None, kpi: str, entity: str, month: str) -> str | None:
    """Why the value `entity` counts with for `kpi` in the ranking month `month` is
    questioned, or None: the month's own report, else its latest one inside the month."""
    if not quality.implausible:
        return None
    reason = quality.flag(kpi, entity, month)
    if reason is not None or series is None:
        return reason
    row = series.row_of(entity)
    if row is None:
        return None
    inside = [series.period_at(row, col) for col in range(len(series.periods))
              if not math.isnan(series.reported_at[row, col]) and series.period_at(row, col).startswith(month + "-")]
    return quality.flag(kpi, entity, max(inside)) if inside else None


def marked(text: str, questioned: bool) -> str:
    """`text` with the mark after it, for a figure or name painted as one string (a map
    label, a legend entry) where the mark cannot be drawn apart."""
    return f"{text} {MARK}" if questioned else text


def mark_width(pixel_size: int) -> float:
    """The room the mark takes after a figure at `pixel_size` (reserve it in columns)."""
    return text_width(MARK, pixel_size, True) + pixel_size * 0.15


def draw_marked(painter: QPainter, rect: QRectF, text: str, pixel_size: int, questioned: bool, *,
                fg: str = theme.TEXT, bold: bool = False, right: bool = False, mark_size: int | None = None,
                shrink: bool = False) -> float:
    """`text` (a figure) in `rect`, followed by the amber mark when `questioned` (at
    `mark_size`, default the figure's); right-aligned figures keep their right edge for
    the mark. Returns the width used."""
    if not questioned:
        return draw_text(painter, rect, text, pixel_size, fg=fg, bold=bold, align=ALIGN_RIGHT if right else ALIGN_LEFT,
                         shrink=shrink)
    mark_px = mark_size or pixel_size
    mark_w = mark_width(mark_px)
    if right:
        mark_rect = QRectF(rect.right() - mark_w, rect.top(), mark_w, rect.height())
        used = draw_text(painter, QRectF(rect.left(), rect.top(), rect.width() - mark_w, rect.height()), text,
                         pixel_size, fg=fg, bold=bold, align=ALIGN_RIGHT, shrink=shrink)
    else:
        used = draw_text(painter, QRectF(rect.left(), rect.top(), rect.width() - mark_w, rect.height()), text,
                         pixel_size, fg=fg, bold=bold, shrink=shrink)
        mark_rect = QRectF(rect.left() + used, rect.top(), mark_w, rect.height())
    draw_text(painter, mark_rect, MARK, mark_px, fg=MARK_COLOUR, bold=True, align=ALIGN_RIGHT)
    return used + mark_w

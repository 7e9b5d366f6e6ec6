"""The head of a table of figures by place, laid out and painted one way for every tile.

The capacity and running-out tiles both show places down the left and right-aligned
figure columns under headings of one or two lines, with the place heading over the
names and a rule below. How the columns are fitted (figures shrink before names are
squeezed, never elided) and how that head is drawn is the same logic for both, so it
lives here once; what fills a column and a row stays with each tile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from .look import theme
from .paint_kit import ALIGN_RIGHT, colour, draw_text

# (figure pixel size, the headings' lines, heading pixel size) -> each column's width
ColumnWidths = Callable[[int, list[list[str]], int], list[float]]


@dataclass(frozen=True)
class TableHead:
    """The column headings, each on its one or two lines, and the height they take."""

    lines: list[list[str]]
    line_h: float
    height: float

    @classmethod
    def of(cls, lines: list[list[str]], small: int) -> TableHead:
        line_h = small * 1.25
        return cls(lines, line_h, line_h * max((len(column) for column in lines), default=1))


@dataclass(frozen=True)
class TableColumns:
    """Where the names and each figure column stand once fitted, and the sizes that fit."""

    px: int  # the figures' pixel size
    heading_px: int
    widths: list[float]
    lefts: list[float]
    name_left: float
    name_w: float


def fit_columns(rect: QRectF, head: TableHead, px: int, small: int, chip_w: float, name_min: float,
                widths_at: ColumnWidths) -> TableColumns:
    """The columns at `px`, or smaller until the chip, `name_min` of names and every
    column fit `rect`'s width (figures shrink, never elide; not below 8 px)."""
    heading_px = min(small, px)
    widths = widths_at(px, head.lines, heading_px)
    while px > 8 and chip_w + name_min + sum(widths) > rect.width():
        px -= 1
        heading_px = min(small, px)
        widths = widths_at(px, head.lines, heading_px)
    name_left = rect.left() + chip_w + small * 0.5
    name_w = rect.width() - chip_w - small * 0.5 - sum(widths)
    lefts = [name_left + name_w + sum(widths[:i]) for i in range(len(widths))]
    return TableColumns(px, heading_px, widths, lefts, name_left, name_w)


def paint_head(painter: QPainter, rect: QRectF, y: float, head: TableHead, columns: TableColumns,
               place_heading: str, small: int, *, shrink: bool) -> float:
    """The place heading over the names, each column's heading on the line(s) just above
    its figures, and a rule under them; returns where the first row starts."""
    draw_text(painter, QRectF(columns.name_left, y + head.height - head.line_h, columns.name_w, head.line_h),
              place_heading, columns.heading_px, fg=theme.TEXT_DIM, shrink=shrink)
    for left, width, lines in zip(columns.lefts, columns.widths, head.lines):
        top = y + head.height - head.line_h * len(lines)  # headings sit on the line above the figures
        for k, line in enumerate(lines):
            draw_text(painter, QRectF(left, top + k * head.line_h, width - columns.px * 0.4, head.line_h), line,
                      columns.heading_px, fg=theme.TEXT_DIM, align=ALIGN_RIGHT, shrink=shrink)
    y += head.height + small * 0.3
    painter.setPen(colour(theme.PANEL_BORDER))
    painter.drawLine(int(rect.left()), int(y), int(rect.right()), int(y))
    return y

"""Places widgets on a screen's rows × columns grid, with even gutters.

Pages and pinned tiles share one geometry: `cell_rect()` turns (row, col, spans)
into pixels for the current size, so a pinned tile and a page's tiles line up
exactly and never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1


def cell_rect(width: int, height: int, rows: int, cols: int, cell: Cell, gutter: int) -> QRect:
    """The pixel rectangle of `cell` in a `width` × `height` area with `gutter` around every tile."""
    def edge(position: int, count: int, extent: int) -> int:
        return gutter + (position * (extent - gutter)) // count

    left, right = edge(cell.col, cols, width), edge(cell.col + cell.col_span, cols, width) - gutter
    top, bottom = edge(cell.row, rows, height), edge(cell.row + cell.row_span, rows, height) - gutter
    return QRect(left, top, max(1, right - left), max(1, bottom - top))


def gutter_for(width: int, height: int) -> int:
    return max(6, min(width, height) // 90)


class GridPanel(QWidget):
    """A widget whose children sit on grid cells; resizes keep them on their cells."""

    def __init__(self, rows: int, cols: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows, self.cols = rows, cols
        self.cells: dict[QWidget, Cell] = {}

    def place(self, widget: QWidget, cell: Cell) -> None:
        widget.setParent(self)
        self.cells[widget] = cell
        self._position(widget)

    def _position(self, widget: QWidget) -> None:
        widget.setGeometry(cell_rect(self.width(), self.height(), self.rows, self.cols, self.cells[widget],
                                     gutter_for(self.width(), self.height())))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        for widget in self.cells:
            self._position(widget)
        super().resizeEvent(event)

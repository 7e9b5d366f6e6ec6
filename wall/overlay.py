"""A full-window message layer: the key help and the quit confirmation.

Drawn over the tiles of every screen, dark and translucent, large type, plain text;
the wall itself keeps running underneath.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from ..widgets.base import plain_label
from ..widgets.look import theme


class Overlay(QWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._box = QVBoxLayout(self)
        self._box.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading = plain_label("", self)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.setStyleSheet(f"color: {theme.TEXT}; font-weight: 700;")
        self._box.addWidget(self.heading)
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(40)
        self._grid.setVerticalSpacing(10)
        self._box.addLayout(self._grid)
        self.footer = plain_label("", self)
        self.footer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.footer.setStyleSheet(f"color: {theme.TEXT_DIM};")
        self._box.addWidget(self.footer)
        self._cells: list[QLabel] = []
        self.hide()

    def show_message(self, heading: str, rows: Sequence[tuple[str, str]] = (), footer: str = "") -> None:
        for label in self._cells:
            self._grid.removeWidget(label)
            label.deleteLater()
        self._cells = []
        for r, (key, meaning) in enumerate(rows):
            left, right = plain_label(key, self), plain_label(meaning, self)
            left.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            left.setStyleSheet(f"color: {theme.ACCENT}; font-weight: 700;")
            right.setStyleSheet(f"color: {theme.TEXT};")
            self._grid.addWidget(left, r, 0)
            self._grid.addWidget(right, r, 1)
            self._cells += [left, right]
        self.heading.setText(heading)
        self.footer.setText(footer)
        self.footer.setVisible(bool(footer))
        host = self.parentWidget()
        if host is not None:  # always: the overlay is made with its screen as parent
            self.setGeometry(host.rect())
        self._scale()
        self.raise_()
        self.show()

    def texts(self) -> list[str]:
        return [self.heading.text(), *(c.text() for c in self._cells), self.footer.text()]

    def _scale(self) -> None:
        unit = max(12, self.height() // 36)
        for label, size in ((self.heading, int(unit * 1.6)), (self.footer, unit), *((c, unit) for c in self._cells)):
            font = label.font()
            font.setPixelSize(size)
            label.setFont(font)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        colour = QColor(theme.BACKGROUND)
        colour.setAlpha(225)
        painter.fillRect(self.rect(), colour)

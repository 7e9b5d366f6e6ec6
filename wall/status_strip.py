"""The status strip along the bottom of every screen.

Plain-text labels (store text is never interpreted as rich text), each item with a
symbol and a colour for its tone, the IST clock at the right. Text is only set when
it changes, so nothing flickers; the height follows the screen so it reads from
across the room on 1080p and 4K alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from ..widgets.base import plain_label
from ..widgets.look import theme
from .status_text import TONE_SYMBOLS, StatusItem

_WIDTHS: dict[tuple[str, tuple[str, ...]], float] = {}  # (font, the strip's texts) -> their widths' sum, the last few

TONE_COLOURS = {
    "ok": theme.ALERT_COLOURS["ok"],
    "warn": theme.ALERT_COLOURS["warn"],
    "critical": theme.ALERT_COLOURS["critical"],
    "dim": theme.TEXT_DIM,
    "plain": theme.TEXT,
}


def strip_height(screen_height: int) -> int:
    return max(30, int(screen_height * 0.042))


class StatusStrip(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusStrip")
        self.setStyleSheet(
            f"QFrame#statusStrip {{ background: {theme.PANEL}; border-top: 1px solid {theme.PANEL_BORDER}; }}"
        )
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(16, 0, 16, 0)
        self._row.setSpacing(28)
        self._labels: list[QLabel] = []
        self._tones: list[str] = []  # each label's tone as styled: a style sheet is set only when it changes
        self._shown: list[tuple[str, str]] = []
        self._row.addStretch(1)
        # a quiet mark of the wall's mode, left of the clock (presentation.py, an export's times)
        self.mark = plain_label("", self)
        self.mark.setStyleSheet(f"color: {theme.TEXT_DIM};")
        self.mark.setMinimumWidth(1)
        self.mark.setVisible(False)
        self._row.addWidget(self.mark)
        self.clock = plain_label("", self)
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.clock.setStyleSheet(f"color: {theme.TEXT}; font-weight: 600;")
        self._row.addWidget(self.clock)

    def texts(self) -> list[str]:
        """The items as shown (tests and screenshots)."""
        return [label.text() for label in [*self._labels, self.mark] if not label.isHidden()]

    def clipped_texts(self) -> list[str]:
        """Items too wide for their place even at the smallest type (audit records say so)."""
        return [label.text() for label in [*self._labels, self.mark, self.clock] if not label.isHidden()
                and QFontMetricsF(label.font()).horizontalAdvance(label.text()) > label.width() + 0.5]

    def set_items(self, items: Sequence[StatusItem]) -> None:
        wanted: list[tuple[str, str]] = [(f"{TONE_SYMBOLS[i.tone]} {i.text}".strip(), i.tone) for i in items]
        if wanted == self._shown:
            return
        self._shown = wanted
        while len(self._labels) < len(wanted):
            label = plain_label("", self)
            label.setFont(self.clock.font())
            label.setMinimumWidth(1)  # a long notice is clipped, never widens the window past its screen
            self._row.insertWidget(len(self._labels), label)
            self._labels.append(label)
            self._tones.append("")
        for i, (label, (text, tone)) in enumerate(zip(self._labels, wanted)):
            if label.text() != text:
                label.setText(text)
            if self._tones[i] != tone:  # re-styling re-polishes the label: the last sync's time changes every poll, its tone seldom
                label.setStyleSheet(f"color: {TONE_COLOURS[tone]};")
                self._tones[i] = tone
            label.setVisible(True)
        for label in self._labels[len(wanted):]:
            label.setVisible(False)
        self._fit_font()

    def set_mark(self, text: str) -> None:
        """The quiet mark left of the clock ("" hides it)."""
        if self.mark.text() != text or self.mark.isHidden() == bool(text):
            self.mark.setText(text)
            self.mark.setVisible(bool(text))
            self.mark.setFont(self.clock.font())
            self._fit_font()
            self._row.activate()  # its room now, not at the next layout pass: a grab may come first

    def set_clock(self, text: str) -> None:
        if self.clock.text() != text:
            refit = len(text) != len(self.clock.text())  # the first time, and when the date's length changes
            self.clock.setText(text)
            if refit:
                self._fit_font()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        self._fit_font()
        super().resizeEvent(event)

    def _fit_font(self) -> None:
        """One type size for the whole strip: as large as the height allows, and small
        enough that every item fits the width — a clipped "last sync 19:3" is wrong."""
        labels = [label for label in [*self._labels, self.mark] if not label.isHidden()] + [self.clock]
        margins = self._row.contentsMargins()
        room = self.width() - margins.left() - margins.right() - self._row.spacing() * len(labels)
        size = max(12, int(self.height() * 0.48))
        font = QFont(self.clock.font())

        texts = tuple(label.text() for label in labels)

        def needed(pixel_size: int) -> float:
            font.setPixelSize(pixel_size)
            key = (font.key(), texts)  # every window's strip shows the same items: measured once
            width = _WIDTHS.get(key)
            if width is None:
                metrics = QFontMetricsF(font)
                width = sum(metrics.horizontalAdvance(text) for text in texts)
                if len(_WIDTHS) >= 64:
                    _WIDTHS.clear()
                _WIDTHS[key] = width
            return width

        top = size
        total = needed(top)
        if total > room:  # the largest size that fits (9 at least): start near it, as widths grow about linearly
            size = max(9, min(top - 1, int(top * room / total) + 1)) if room > 0 else 9
            while size > 9 and needed(size) > room:
                size -= 1
            while size + 1 < top and needed(size + 1) <= room:
                size += 1
        for label in labels:
            current = label.font()
            if current.pixelSize() != size:
                current.setPixelSize(size)
                label.setFont(current)

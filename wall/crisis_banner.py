"""The banner across the top of every window: a firing crisis rule, or a critical alert.

Whatever page or layout a screen shows, what must be acted on is also said here, in
type readable across the room. The text is plain (store names never become markup)
and wraps instead of being cut; the banner grows by as many lines as it needs. A
firing crisis flashes (the part `wall/crisis_mode.py` toggles it) until acknowledged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from ..widgets.base import plain_label
from ..widgets.look import theme

Tone = Literal["crisis", "critical", "unknown"]

_CRITICAL = theme.ALERT_COLOURS["critical"]
_STYLES: dict[tuple[Tone, bool], tuple[str, str]] = {  # (tone, flash phase) -> (background, text)
    ("crisis", True): (_CRITICAL, "#ffffff"),
    ("crisis", False): (theme.BACKGROUND, _CRITICAL),
    ("critical", True): ("#3a1608", "#ffffff"),
    ("critical", False): ("#3a1608", "#ffffff"),
    ("unknown", True): (theme.PANEL, theme.TEXT),
    ("unknown", False): (theme.PANEL, theme.TEXT),
}


class CrisisBanner(QFrame):
    """Hidden until there is something to say; then one line per item, wrapped, never cut."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crisisBanner")
        self.label = plain_label("", self)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumWidth(1)  # wraps inside the window, never widens it
        box = QVBoxLayout(self)
        box.setContentsMargins(18, 6, 18, 6)
        box.addWidget(self.label)
        self.tone: Tone = "critical"
        self.flash_on = True
        self.pixel_size = 18
        self._style()
        self.hide()

    def show_lines(self, lines: Sequence[str], tone: Tone, flash_on: bool = True) -> None:
        text = "\n".join(lines)
        if not text:
            self.clear()
            return
        if text != self.label.text():
            self.label.setText(text)
        if (tone, flash_on) != (self.tone, self.flash_on):
            self.tone, self.flash_on = tone, flash_on
            self._style()
        self.show()

    def _style(self) -> None:
        # the size goes in the style sheet too: a style sheet's font replaces one set with setFont
        background, colour = _STYLES[(self.tone, self.flash_on)]
        border = _CRITICAL if self.tone != "unknown" else theme.PANEL_BORDER
        self.setStyleSheet(f"QFrame#crisisBanner {{ background: {background}; border: 4px solid {border}; }}"
                           f" QLabel {{ color: {colour}; font-weight: 700; font-size: {self.pixel_size}px;"
                           " background: transparent; border: none; }")

    def clear(self) -> None:
        self.label.setText("")
        self.hide()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()

    def fit(self, window_height: int) -> None:
        """Type sized to the window: readable from across the room at 1080p and at 4K."""
        size = max(18, window_height // 32)
        if size != self.pixel_size:
            self.pixel_size = size
            self._style()

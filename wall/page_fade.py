"""The cross-fade between two pages: two still pictures blended, and nothing else painted.

A page turn used to lay a picture of the outgoing page, translucent (an opacity
effect), over the live incoming page and fade it out at the animation's 60 Hz. A
translucent widget makes Qt repaint whatever lies beneath it on every frame: every tile
of the incoming page (maps, charts, tables) was painted again some thirty times per
turn, on a wall that turns a page every few seconds somewhere. Here the incoming page is
grabbed once too, and this opaque widget blends the two pictures over the page area
at FADE_FPS; the tiles beneath are not asked to paint until it hides.
"""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap, QRegion
from PySide6.QtWidgets import QWidget

FADE_FPS = 30


class PageFade(QWidget):
    """Blends from one picture of the page area to another, then hides."""

    finished = Signal()  # hidden again: the live page shows (done or cut short)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.outgoing: QPixmap | None = None
        self.incoming: QPixmap | None = None
        self.opacity = 1.0  # of the outgoing picture
        self.duration_ms = 1
        self._curve = QEasingCurve(QEasingCurve.Type.InOutQuad)
        self._elapsed = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(1000 // FADE_FPS)
        self._timer.timeout.connect(self._frame)
        self.hide()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self, outgoing: QPixmap, incoming: QPixmap, duration_ms: int) -> None:
        self.outgoing, self.incoming = outgoing, incoming
        self.duration_ms = max(1, duration_ms)
        self.opacity = 1.0
        self._elapsed.start()
        self.show()
        self.raise_()
        self.update()
        self._timer.start()

    def stop(self) -> None:
        """Done (or cut short): the live page shows again."""
        running = self._timer.isActive()
        self._timer.stop()
        self.hide()
        self.outgoing = self.incoming = None
        if running:
            self.finished.emit()

    def _frame(self) -> None:
        progress = self._elapsed.elapsed() / self.duration_ms
        if progress >= 1.0:
            self.stop()
            return
        self.opacity = 1.0 - self._curve.valueForProgress(progress)
        self.update(self._uncovered())

    def _uncovered(self) -> QRegion:
        """The fade's area less what lies over it (a screen's pinned tiles, raised above it):
        a frame repaints only the blend, never the pinned tiles over it thirty times a turn."""
        region = QRegion(self.rect())
        parent = self.parentWidget()
        if parent is None:
            return region
        siblings = parent.children()
        for widget in siblings[siblings.index(self) + 1:]:
            if isinstance(widget, QWidget) and widget.isVisible():
                region -= QRegion(widget.geometry().translated(-self.pos()))
        return region

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        if self.incoming is not None:
            painter.drawPixmap(0, 0, self.incoming)
        if self.outgoing is not None:
            painter.setOpacity(self.opacity)
            painter.drawPixmap(0, 0, self.outgoing)
        painter.end()

"""The cross-fade between two pages: the incoming page's picture blended in over the
outgoing page's pixels, and nothing else painted.

A page turn used to lay a picture of the outgoing page, translucent (an opacity
effect), over the live incoming page and fade it out at the animation's 60 Hz. A
translucent widget makes Qt repaint whatever lies beneath it on every frame: every tile
of the incoming page (maps, charts, tables) was painted again some thirty times per
turn, on a wall that turns a page every few seconds somewhere. Here the incoming page is
grabbed once, and this opaque widget blends it in over the page area at FADE_FPS; the
tiles beneath are not asked to paint until it hides.

The outgoing page is not grabbed at all: its pixels are already in the window, and an
opaque widget's paint leaves what it does not cover of the window's pixels as they were.
Each frame blends the incoming picture over the previous frame by the share still to
come (`blend_step`), so after frame k the window holds exactly the k-th frame's mix.
Grabbing the outgoing page painted every outgoing tile again and held a second picture
of the page area (8 MB at 1080p, 33 MB at 4K) through every turn (issue 12).
"""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap, QRegion, QResizeEvent
from PySide6.QtWidgets import QWidget

from ..widgets.paint_kit import recording_texts

FADE_FPS = 30


def blend_step(shown: float, target: float) -> float:
    """The opacity to paint the incoming picture at over a mix showing `shown` of it, so
    that the result shows `target` of it: shown + step·(1 − shown) = target."""
    if shown >= 1.0:
        return 1.0
    return min(1.0, max(0.0, (target - shown) / (1.0 - shown)))


class PageFade(QWidget):
    """Blends the picture of the incoming page in over the window's pixels, then hides."""

    finished = Signal()  # hidden again: the live page shows (done or cut short)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.incoming: QPixmap | None = None
        self.target = 0.0  # the share of the incoming picture the next frame shows
        self.shown = 0.0  # ... that the window's pixels show now
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

    def start(self, incoming: QPixmap, duration_ms: int) -> None:
        """Fade `incoming` in over what the window shows now (the outgoing page)."""
        self.incoming = incoming
        self.duration_ms = max(1, duration_ms)
        self.target = self.shown = 0.0
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
        self.incoming = None
        if running:
            self.finished.emit()

    def _frame(self) -> None:
        progress = self._elapsed.elapsed() / self.duration_ms
        if progress >= 1.0:
            self.stop()
            return
        self.target = self._curve.valueForProgress(progress)
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

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        if event.oldSize().isValid() and self.running:  # (not the size it is shown at first)
            self.stop()  # the window's pixels beneath are no longer the outgoing page: the turn is done
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        if self.incoming is None:
            return
        painter = QPainter(self)
        if recording_texts():  # a screenshot's grab paints afresh, not over the window's pixels
            painter.drawPixmap(0, 0, self.incoming)  # the page being turned to
        else:
            painter.setOpacity(blend_step(self.shown, self.target))
            painter.drawPixmap(0, 0, self.incoming)  # clipped to the region asked for
            self.shown = self.target
        painter.end()

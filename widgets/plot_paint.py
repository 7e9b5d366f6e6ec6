"""Lines over time painted straight with QPainter: the KPI tile's sparkline, the trend's lines.

A wall of 4 × 48 tiles held 136 sparklines and 16 trend charts as pyqtgraph scenes:
every poll fed each one `setData` and pyqtgraph re-laid its scene on the GUI thread
(up to a second of wall time per snapshot, and ~34 MB of resident memory for the
library). A sparkline is a dozen points: mapping them into the tile's rectangle and
drawing one polyline and its dots costs microseconds, inside the tile's one paint.

`Frame` maps data (x: POSIX seconds, y: values) into a pixel rectangle; `runs` splits a
line at unknown values (NaN) so a gap is never bridged (pyqtgraph's connect="finite").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen, QPolygonF

from .paint_kit import colour


@dataclass(frozen=True)
class Frame:
    """Data ranges shown in a pixel rectangle (y grows upwards, as on paper)."""

    rect: QRectF
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def x_of(self, x: float) -> float:
        lo, hi = self.x_range
        return self.rect.left() + (x - lo) / (hi - lo) * self.rect.width() if hi > lo else self.rect.center().x()

    def y_of(self, y: float) -> float:
        lo, hi = self.y_range
        return self.rect.bottom() - (y - lo) / (hi - lo) * self.rect.height() if hi > lo else self.rect.center().y()

    def point(self, x: float, y: float) -> QPointF:
        return QPointF(self.x_of(x), self.y_of(y))


def runs(xs: Sequence[float], ys: Sequence[float]) -> list[list[tuple[float, float]]]:
    """The (x, y) points in runs of known values: a NaN ends a run, never bridged."""
    out: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys):
        if math.isnan(y) or math.isnan(x):
            if out[-1]:
                out.append([])
        else:
            out[-1].append((x, y))
    return [run for run in out if run]


def data_range(values: Sequence[float], *, also: float | None = None, pad: float = 0.08) -> tuple[float, float] | None:
    """(lo, hi) of the known values (and `also`), widened by `pad` of the span (a flat
    line by 10 % of its value, at least 1); None without a known value."""
    known = [v for v in values if not math.isnan(v)]
    if also is not None:
        known.append(also)
    if not known:
        return None
    lo, hi = min(known), max(known)
    margin = (hi - lo) * pad if hi > lo else max(1.0, abs(hi) * 0.1)
    return lo - margin, hi + margin


def draw_line(painter: QPainter, frame: Frame, xs: Sequence[float], ys: Sequence[float], tint: str,
              width: float, dot: float) -> None:
    """A polyline of each run of known points, with a round dot of diameter `dot` on each."""
    pen = QPen(colour(tint), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    for run in runs(xs, ys):
        points = [frame.point(x, y) for x, y in run]
        if len(points) > 1:
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(QPolygonF(points))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour(tint))
        for p in points:
            painter.drawEllipse(p, dot / 2, dot / 2)


def draw_level(painter: QPainter, frame: Frame, y: float, tint: str, width: float) -> None:
    """A dashed horizontal line at value `y` across the frame (a target), if within it."""
    lo, hi = frame.y_range
    if not lo <= y <= hi:
        return
    pen = QPen(colour(tint), width, Qt.PenStyle.DashLine)
    painter.setPen(pen)
    at = frame.y_of(y)
    painter.drawLine(QPointF(frame.rect.left(), at), QPointF(frame.rect.right(), at))


def draw_ring(painter: QPainter, centre: QPointF, diameter: float, tint: str, width: float) -> None:
    painter.setPen(QPen(colour(tint), width))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(centre, diameter / 2, diameter / 2)

"""The wall's clock: Indian Standard Time and date, in the wall's language.

A one-second timer repaints only when the displayed text changes (the seconds do,
every second — that is the clock's job); the timer stops in `cleanup()`. The day and
month are named from the wall's CLDR facts (look/i18n.py), as the status strip's clock
and every other date on the wall are, not from Qt's own copy of CLDR (QLocale), which
follows Qt's upgrades rather than the wall's: one wall, one spelling of "नवंबर".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QRectF, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import ClockOptions
from ...sync.snapshot import Snapshot
from ..base import TileContext
from ..data_age import IST
from ..look import theme
from ..look.i18n import long_date
from ..paint_kit import ALIGN_CENTER, draw_text
from ..painted_tile import PaintedTile


@dataclass(frozen=True)
class ClockModel:
    time: str
    date: str
    zone: str


def clock_text(now: datetime, language: str) -> ClockModel:
    """'14:05:32' and 'Sunday, 22 November 2026' (month and day names in `language`)."""
    local = now.astimezone(IST)
    return ClockModel(local.strftime("%H:%M:%S"), long_date(local.date(), language), "IST")


class ClockTile(PaintedTile):
    options: ClockOptions
    options_model = ClockOptions
    AGE_REFRESH_MS = 0  # no data age to refresh

    def __init__(self, options: ClockOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.tick)
        self._tick.start()
        self.tick()

    def tick(self) -> None:
        self.show_model(clock_text(self.context.now(), self.context.language))

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.tick()  # the clock needs no data; a snapshot only re-checks the time

    def retranslate(self) -> None:
        self.tick()

    def cleanup(self) -> None:
        self._tick.stop()
        super().cleanup()

    def paint_model(self, painter: QPainter, rect: QRectF, model: ClockModel) -> None:
        full = QRectF(self.rect()).adjusted(self.pad, self.pad, -self.pad, -self.pad)
        show_date = self.options.show_date
        size = int(min(full.height() * (0.5 if show_date else 0.7), full.width() / 5.2))
        time_h = full.height() * (0.62 if show_date else 1.0)
        draw_text(painter, QRectF(full.left(), full.top(), full.width(), time_h), f"{model.time}", size, bold=True, align=ALIGN_CENTER)
        if show_date:
            small = int(min(full.height() * 0.16, full.width() / 18))
            draw_text(painter, QRectF(full.left(), full.top() + time_h, full.width(), full.height() - time_h),
                      f"{model.date} · {model.zone}", small, fg=theme.TEXT_DIM, align=ALIGN_CENTER)

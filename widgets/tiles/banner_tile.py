"""A title banner: logo, title and a line of free text, in the wall's language.

The logo path is relative to the layout file; a missing or unreadable image leaves
the text alone (a wall never shows a broken-image box). Painted, so the title can
never be read as rich text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QWidget

from ...layouts.tile_options import BannerOptions
from ...sync.snapshot import Snapshot
from ..base import TileContext
from ..fitted_text import fitted_size
from ..look import theme
from ..paint_kit import draw_text, text_width
from ..painted_tile import PaintedTile


@dataclass(frozen=True)
class BannerModel:
    title: str
    text: str


class BannerTile(PaintedTile):
    options: BannerOptions
    options_model = BannerOptions
    AGE_REFRESH_MS = 0

    def __init__(self, options: BannerOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)
        self.logo = self._load_logo()
        self.show_model(self._banner())

    def _load_logo(self) -> QImage | None:
        if not self.options.logo:
            return None
        path = Path(self.options.logo)
        if not path.is_absolute():
            path = self.context.layout_dir / path
        image = QImage(str(path))
        return None if image.isNull() else image

    def _banner(self) -> BannerModel:
        # one line each: the banner's type is sized to fit its line (both languages on it)
        text = self.context.one_line(self.context.title(self.options.text, self.options.text_local))
        return BannerModel(self.context.one_line(self.heading("CM Dashboard")), text)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.show_model(self._banner())

    def retranslate(self) -> None:
        self.show_model(self._banner())

    def paint_model(self, painter: QPainter, rect: QRectF, model: BannerModel) -> None:
        full = QRectF(self.rect()).adjusted(self.pad, self.pad, -self.pad, -self.pad)
        x = full.left()
        if self.logo is not None:
            side = full.height()
            scaled = self.logo.size().scaled(int(side), int(side), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(x, full.top() + (side - scaled.height()) / 2, scaled.width(), scaled.height())
            painter.drawImage(target, self.logo)
            x += scaled.width() + self.pad * 2
        width = full.right() - x
        title_size = int(full.height() * (0.42 if model.text else 0.6))
        title_size = max(8, int(min(title_size, title_size * width / max(1.0, text_width(model.title, title_size, True)))))
        text_size = fitted_size(model.text, int(title_size * 0.55), width, minimum=0.6)  # a long line shrinks, not cut
        block = title_size * 1.3 + (text_size * 1.5 if model.text else 0)
        y = full.top() + (full.height() - block) / 2
        draw_text(painter, QRectF(x, y, width, title_size * 1.3), model.title, title_size, bold=True)
        if model.text:
            draw_text(painter, QRectF(x, y + title_size * 1.3, width, text_size * 1.5), model.text, text_size, fg=theme.TEXT_DIM)

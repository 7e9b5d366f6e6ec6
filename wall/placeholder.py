"""A panel standing in for a tile that cannot be built.

A layout may name a tile type this build does not have yet, or a tile may fail to
construct; the wall must never crash or go blank for that. The panel says plainly
what is missing, in the tile's place, so the operator can report it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..layouts.tile_options import TileOptions
from ..sync.snapshot import Snapshot
from ..widgets.base import Tile, TileContext, plain_label
from ..widgets.look import theme


class PlaceholderTile(Tile):
    type_name = "placeholder"

    def __init__(self, missing_type: str, reason: str, options: TileOptions, context: TileContext,
                 parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)
        self.missing_type = missing_type
        self.reason = reason
        self.title = plain_label("", self)
        self.detail = plain_label("", self)
        for label in (self.title, self.detail):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        self.title.setStyleSheet(f"color: {theme.TEXT_DIM}; font-weight: 600;")
        self.detail.setStyleSheet(f"color: {theme.TEXT_DIM};")
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addWidget(self.detail)
        box.addStretch(1)
        self._write()

    def _write(self) -> None:
        self.title.setText(self.context.tr("Tile not available: {type}").format(type=self.missing_type))
        self.detail.setText(self.reason)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Nothing to draw from data."""

    def retranslate(self) -> None:
        self._write()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        scale = theme.TypeScale.for_height(self.height())
        cap = max(10, self.width() // 22)  # tall, narrow tiles: keep the words on a line or two
        for label, size in ((self.title, min(scale.title, cap)), (self.detail, min(scale.small, cap))):
            font = label.font()
            font.setPixelSize(size)
            label.setFont(font)
        super().resizeEvent(event)

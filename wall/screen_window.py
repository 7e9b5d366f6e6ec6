"""One window per wall screen: page header, the pages of tiles, the status strip.

Pages live in a QStackedWidget; pinned tiles sit on the same grid above it, so they
stay put while pages change. A page change is a short cross-fade: the old page and
the new one are grabbed once each and blended by an opaque widget over them
(page_fade.py), so no tile is re-rendered mid-fade and there is never a blank frame.
Tiles on hidden pages are brought up to date just before their page shows (one poll,
one repaint of what is visible).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from ..layouts.schema import ScreenSpec, TileBase
from ..sync.snapshot import Snapshot
from ..widgets.base import Tile, TileContext, plain_label
from ..widgets.look import theme
from ..widgets.painted_tile import PaintedTile
from .crisis_banner import CrisisBanner
from .grid_panel import Cell, GridPanel
from .overlay import Overlay
from .page_fade import PageFade
from .status_strip import StatusStrip, strip_height
from .tile_factory import build_tile


def _cell(spec: TileBase) -> Cell:
    return Cell(spec.row, spec.col, spec.row_span, spec.col_span)


class ScreenArea(GridPanel):
    """The tile area: the page stack under the pinned tiles, on one grid."""

    def __init__(self, rows: int, cols: int, parent: QWidget | None = None) -> None:
        super().__init__(rows, cols, parent)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("pageStack")
        self.fade = PageFade(self)  # the two pages blended during a cross-fade

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        self.stack.setGeometry(self.rect())
        self.fade.setGeometry(self.rect())
        super().resizeEvent(event)


class ScreenWindow(QWidget):
    key_pressed = Signal(QKeyEvent)
    closed = Signal()

    def __init__(self, screen: ScreenSpec | None, context: TileContext, *, fade_ms: int = 450,
                 idle_text: str = "", page_screens: Sequence[ScreenSpec] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wallWindow")
        self.screen_spec = screen
        # the layout screen each page comes from (its grid, its title) when the window
        # shows several screens in turn (wall/spread.py); else every page is `screen`'s
        self.page_screens = tuple(page_screens)
        self.context = context
        self.fade_ms = fade_ms
        self.current_page = 0
        self.paused = False
        self.snapshot: Snapshot | None = None
        self._applied: dict[int, int] = {}  # page -> id of the snapshot its tiles show

        rows, cols = (screen.rows, screen.cols) if screen else (1, 1)
        self.header = QFrame(self)
        self.header.setObjectName("pageHeader")
        self.header.setStyleSheet(f"QFrame#pageHeader {{ background: {theme.BACKGROUND}; }}")
        self.title = plain_label("", self.header)
        self.title.setStyleSheet(f"color: {theme.TEXT}; font-weight: 700;")
        self.page_marks = plain_label("", self.header)
        self.page_marks.setStyleSheet(f"color: {theme.ACCENT};")
        self.paused_label = plain_label("", self.header)
        self.paused_label.setStyleSheet(f"color: {theme.ALERT_COLOURS['warn']}; font-weight: 700;")
        self.title.setMinimumWidth(1)  # never let text widen the window past its screen
        head_row = QHBoxLayout(self.header)
        head_row.setContentsMargins(18, 0, 18, 0)
        head_row.addWidget(self.title, 1)
        head_row.addWidget(self.paused_label)
        head_row.addSpacing(24)
        head_row.addWidget(self.page_marks)

        self.area = ScreenArea(rows, cols, self)
        self.area.fade.finished.connect(self._release_pictures)
        self._holding: list[PaintedTile] = []  # the incoming page's tiles, keeping their pictures while it fades in
        self.strip = StatusStrip(self)
        self.banner = CrisisBanner(self)  # a firing crisis rule or a critical alert (wall/crisis_mode.py)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.banner)
        column.addWidget(self.area, 1)
        column.addWidget(self.strip)

        self.pinned: list[Tile] = []
        self.pages: list[list[Tile]] = []
        self.idle_label: QLabel | None = None
        if screen is None:
            self.idle_label = plain_label(idle_text, self.area.stack)
            self.idle_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.idle_label.setWordWrap(True)
            self.idle_label.setStyleSheet(f"color: {theme.TEXT_DIM};")
            self.area.stack.addWidget(self.idle_label)
        else:
            self._build_tiles(screen)
        self.help = Overlay(self)
        self.confirm = Overlay(self)
        self._write_header()

    # --- building ---------------------------------------------------------------------

    def _build_tiles(self, screen: ScreenSpec) -> None:
        for spec in screen.pinned:
            tile = build_tile(spec, self.context)
            self.area.place(tile, _cell(spec))
            self.pinned.append(tile)
        for index, page_spec in enumerate(screen.pages):
            grid = self._page_screen(index) or screen
            page = GridPanel(grid.rows, grid.cols)
            tiles = []
            for spec in page_spec.tiles:
                tile = build_tile(spec, self.context)
                page.place(tile, _cell(spec))
                tiles.append(tile)
            self.area.stack.addWidget(page)
            self.pages.append(tiles)
        for tile in self.pinned:
            tile.raise_()

    def _page_screen(self, index: int) -> ScreenSpec | None:
        """The layout screen page `index` comes from."""
        return self.page_screens[index] if index < len(self.page_screens) else self.screen_spec

    def tiles(self) -> Iterable[Tile]:
        yield from self.pinned
        for page in self.pages:
            yield from page

    def visible_tiles(self) -> list[Tile]:
        page = self.pages[self.current_page] if self.pages else []
        return [*self.pinned, *page]

    # --- data -------------------------------------------------------------------------

    def apply(self, snapshot: Snapshot) -> None:
        """Show `snapshot` on the visible tiles now; hidden pages catch up when shown."""
        self.snapshot = snapshot
        for tile in self.pinned:
            tile.apply(snapshot)
        self._bring_up_to_date(self.current_page)

    def _bring_up_to_date(self, page: int) -> None:
        if self.snapshot is None or not self.pages:
            return
        if self._applied.get(page) == self.snapshot.id:
            return
        for tile in self.pages[page]:
            tile.apply(self.snapshot)
        self._applied[page] = self.snapshot.id

    def retranslate(self) -> None:
        for tile in self.tiles():
            tile.retranslate()
        self._write_header()

    # --- pages ------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def show_page(self, index: int, animate: bool = True) -> None:
        if not self.pages:
            return
        index %= len(self.pages)
        if index == self.current_page and self.area.stack.currentIndex() == index:
            return
        self._bring_up_to_date(index)
        # (not under the help or a confirmation: that overlay's tint, painted again over the
        # fade's own pixels at each frame, would darken the page beneath it until the turn ends)
        fade = animate and self.fade_ms > 0 and self.isVisible() and not any(o.isVisible() for o in (self.help, self.confirm))
        self.current_page = index
        self.area.stack.setCurrentIndex(index)
        if fade:
            self._cross_fade()
        self._write_header()

    def _cross_fade(self) -> None:
        # the incoming page is painted once, for the fade's picture, and copied when the fade
        # ends; the outgoing page's pixels are those the window shows (page_fade.py)
        self._release_pictures()
        self._holding = [t for t in self.pages[self.current_page] if isinstance(t, PaintedTile)]
        for held in self._holding:
            held.hold_picture = True
        self.area.fade.start(self.area.stack.grab(), self.fade_ms)
        for tile in self.pinned:
            tile.raise_()

    def _release_pictures(self) -> None:
        """The fade is over: each held picture goes with the tile's next paint (the one that shows it)."""
        for held in self._holding:
            held.hold_picture = False
        self._holding = []

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self._write_header()

    def _write_header(self) -> None:
        spec = self.screen_spec
        tr = self.context.tr
        if spec is None:
            self.title.setText("")
            self.page_marks.setText("")
        else:
            page = spec.pages[self.current_page] if spec.pages else None
            page_title = ""
            if page is not None:
                page_title = self.context.one_line(self.context.title(page.title, page.title_local)) if page.title else ""
            source = self._page_screen(self.current_page) or spec
            screen_title = self.context.one_line(self.context.title(source.title, source.title_local)) if source.title else ""
            self.title.setText("  ·  ".join(t for t in (screen_title, page_title) if t))
            count = len(spec.pages)
            self.page_marks.setText(" ".join("●" if i == self.current_page else "○" for i in range(count))
                                    if count > 1 else "")
        self.paused_label.setText(f"❚❚ {tr('Rotation paused')}" if self.paused and self.page_count > 1 else "")

    # --- window -----------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        height = self.height()
        self.header.setFixedHeight(max(32, int(height * 0.045)))
        self.strip.setFixedHeight(strip_height(height))
        self.banner.fit(height)
        size = max(14, int(self.header.height() * 0.5))
        for label in (self.title, self.page_marks, self.paused_label):
            font = label.font()
            font.setPixelSize(size)
            label.setFont(font)
        if self.idle_label is not None:
            font = self.idle_label.font()
            font.setPixelSize(max(16, height // 30))
            self.idle_label.setFont(font)
        for overlay in (self.help, self.confirm):
            if overlay.isVisible():
                overlay.setGeometry(self.rect())
        super().resizeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        self.key_pressed.emit(event)

    def cleanup(self) -> None:
        self.area.fade.stop()
        for tile in self.tiles():
            tile.cleanup()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.closed.emit()
        super().closeEvent(event)

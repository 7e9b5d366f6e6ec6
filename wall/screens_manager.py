"""Windows on screens: one per monitor (or panel), showing what the layout's spread gives it.

Monitors come and go while the wall runs (a cable pulled, a projector switched on).
This part spreads the layout's screens over the outputs connected now (spread.py
decides what goes where: a screen, a share of its pages, or several screens in turn;
an output left with nothing to show gets an idle window), makes, moves and drops
windows to follow, hands every window the
latest snapshot and writes their screenshots. It knows nothing of pages, language
or keys: it says what happened with signals — `window_added` (a new window, to be
prepared by whoever cares), `windows_changed` (after every reassignment) and
`key_pressed` (from any window) — and the controller wires them on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QScreen

from ..layouts.loader import Layout
from ..layouts.schema import ScreenSpec
from ..sync.snapshot import Snapshot
from ..widgets.base import TileContext
from ..widgets.look.i18n import tr
from .placement import Output, OutputChoice, Placement, Rect, with_screen_outputs
from .screen_window import ScreenWindow
from .screenshots import save_window_images
from .spread import View, WallPlan, plan_wall

log = logging.getLogger(__name__)

HOT_PLUG_SETTLE_MS = 200  # let a burst of screen added / removed signals settle


class ScreenLike(Protocol):
    """What the wall reads of a monitor: a QScreen, or a test's stand-in for one."""

    def name(self) -> str: ...

    def geometry(self) -> QRect: ...


def outputs_of(screens: Sequence[ScreenLike]) -> list[Output]:
    """The windowing system's screens as placement `Output`s (anything with name() and geometry())."""
    result = []
    for index, screen in enumerate(screens):
        g = screen.geometry()
        result.append(Output(index, screen.name() or f"output{index}", Rect(g.x(), g.y(), g.width(), g.height())))
    return result


class ScreenManager(QObject):
    """The windows of one layout on the outputs connected now; follows hot-plug."""

    window_added = Signal(object)  # a new ScreenWindow, before it is shown
    windows_changed = Signal()  # after every (re)assignment of windows to outputs
    key_pressed = Signal(QKeyEvent)  # from any window

    def __init__(
        self,
        layout: Layout,
        context: TileContext,
        *,
        screens: Callable[[], Sequence[ScreenLike]] = QGuiApplication.screens,
        windowed: bool = False,
        fade_ms: int = 450,
        screen_outputs: Mapping[str, OutputChoice] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.layout = layout
        self.screen_outputs = dict(screen_outputs or {})  # this PC's monitor per screen id (configuration)
        self.context = context  # shared by every tile of this layout
        self.screens = screens  # injectable: tests stand in for monitors being plugged in
        self.windowed = windowed
        self.fade_ms = fade_ms
        self.windows: dict[str, ScreenWindow] = {}
        self.placements: dict[str, Placement] = {}
        self.plan: WallPlan | None = None
        self.snapshot: Snapshot | None = None
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(HOT_PLUG_SETTLE_MS)
        self._settle.timeout.connect(self.reassign)

    def start(self) -> None:
        """Follow screens plugged in or out from now on, and place the windows."""
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        app.screenAdded.connect(self._settle.start)
        app.screenRemoved.connect(self._settle.start)
        self.reassign()

    def shutdown(self) -> None:
        self._settle.stop()
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            for signal in (app.screenAdded, app.screenRemoved):
                try:
                    signal.disconnect(self._settle.start)
                except (RuntimeError, TypeError):
                    pass
        self._drop_all()

    def set_layout(self, layout: Layout, context: TileContext) -> None:
        """Replace every window with one of `layout`'s, its tiles sharing `context`."""
        self._drop_all()
        self.layout = layout
        self.context = context
        self.reassign()

    def reassign(self) -> None:
        """(Re)spread the layout's screens over the outputs connected now; keep what did not move."""
        screens = list(self.screens())
        plan = plan_wall(with_screen_outputs(self.layout.spec, self.screen_outputs), outputs_of(screens))
        self.plan = plan
        views: dict[str, View] = {v.key: v for v in plan.views}
        wanted: dict[str, Placement] = {v.key: v.placement for v in plan.views}
        for spare in plan.spare_outputs:
            wanted[f"spare:{spare.name}:{spare.index}"] = Placement(f"spare:{spare.name}", spare, spare.geometry)
        for key in list(self.windows):
            if key not in wanted:
                self._drop_window(key)
        for key, placement in wanted.items():
            window = self.windows.get(key)
            if window is None:
                window = self._make_window(views.get(key))
                self.windows[key] = window
                if self.snapshot is not None:
                    window.apply(self.snapshot)
            if self.placements.get(key) != placement or not window.isVisible():
                self._show(window, placement, screens)
            self.placements[key] = placement
        for item in plan.notes:
            log.log(logging.INFO if item.optional else logging.WARNING, "%s", item.reason)
        self.windows_changed.emit()

    def unplaced_reasons(self) -> list[str]:
        """One line per layout screen without the monitor it should have (optional ones are no fault)."""
        if self.plan is None:
            return []
        return [u.reason for u in self.plan.notes if not u.optional]

    def screen_windows(self) -> list[ScreenWindow]:
        """Windows showing layout screens, in the order of the monitors (and panels)."""
        order = [v.key for v in self.plan.views] if self.plan is not None else []
        return [self.windows[k] for k in order if k in self.windows]

    def apply(self, snapshot: Snapshot) -> None:
        """Show `snapshot` in every window (and in windows made later)."""
        self.snapshot = snapshot
        for window in self.windows.values():
            window.apply(snapshot)

    def retranslate(self, language: str) -> None:
        self.context.language = language  # shared by every tile of this layout
        for window in self.windows.values():
            window.retranslate()

    def save_screenshots(self, directory: Path) -> list[Path]:
        """One PNG per window (layout screens and spare outputs), named by output index and name."""
        entries = []
        for key, window in self.windows.items():
            placement = self.placements.get(key)
            if placement is None:
                continue
            label = window.screen_spec.id if window.screen_spec else "idle"
            panel = f"-panel{placement.panel}" if placement.panel is not None else ""
            stem = f"screen{placement.output.index}-{placement.output.name}{panel}-{label}"
            entries.append(((placement.output.index, placement.panel or 0), stem, window))
        entries.sort(key=lambda e: e[0])
        return save_window_images(directory, [(stem, window) for _, stem, window in entries],
                                  layout=(self.layout.path.stem, self.layout.name))

    # --- windows ----------------------------------------------------------------------

    def _make_window(self, view: View | None) -> ScreenWindow:
        spec: ScreenSpec | None = view.spec if view is not None else None
        unused = tr("No screen of this layout is assigned to this output", self.context.language)
        idle = "" if spec else f"{self.layout.name}\n\n{unused}"
        window = ScreenWindow(spec, self.context, fade_ms=self.fade_ms, idle_text=idle,
                              page_screens=view.page_screens if view is not None else ())
        window.setWindowTitle(f"CM Wall — {self.layout.name}" + (f" — {spec.title or spec.id}" if spec else ""))
        window.key_pressed.connect(self.key_pressed)
        self.window_added.emit(window)
        return window

    def _show(self, window: ScreenWindow, placement: Placement, screens: Sequence[ScreenLike]) -> None:
        g = placement.geometry
        rect = QRect(g.x, g.y, g.width, g.height)
        screen = screens[placement.output.index] if placement.output.index < len(screens) else None
        if isinstance(screen, QScreen):
            window.setScreen(screen)
        if self.windowed:
            window.setGeometry(rect.adjusted(g.width // 10, g.height // 10, -g.width // 10, -g.height // 10))
            window.show()
            return
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        window.setGeometry(rect)
        if placement.full_output:
            window.showFullScreen()
        else:  # a panel of a split surface: exactly its rectangle, never the whole output
            if window.isFullScreen():  # it had a monitor of its own before a hot-plug
                window.showNormal()
            window.show()
            window.setGeometry(rect)

    def _drop_window(self, key: str) -> None:
        window = self.windows.pop(key)
        self.placements.pop(key, None)
        window.cleanup()
        window.hide()
        window.deleteLater()

    def _drop_all(self) -> None:
        for key in list(self.windows):
            self._drop_window(key)

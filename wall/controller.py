"""The wall while it runs: windows on screens, pages in rotation, keys, language.

`WallController` owns the windows of the current layout (one per matched screen, an
idle one on any spare output), hands each new snapshot to them, turns pages by the
shared clock, follows monitors plugged in or out, and carries out the operator's
keys. It does no I/O of its own beyond writing screenshots the operator asks for;
data arrives as snapshots, refreshes go out through the `refresh` callback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QScreen

from ..layouts.loader import CRISIS, SHIPPED_LAYOUTS, Layout, LayoutError, load_layout
from ..layouts.schema import ScreenSpec
from ..sync.alerts import count_by_level, judge
from ..sync.snapshot import Snapshot
from ..widgets.base import TileContext
from ..widgets.look.i18n import LANGUAGES, tr
from .keys import CONFIRM_KEYS, HELP_ROWS, Action, action_for
from .placement import Assignment, Output, Placement, Rect, assign_screens
from .rotation import Rotation
from .screen_window import ScreenWindow
from .screenshots import save_window_images
from .status_text import clock_text, status_items

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
TICK_MS = 250
NOTICE_SECONDS = 12


@dataclass
class Notice:
    text: str
    until: datetime | None  # None: until the cause goes away


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


class WallController(QObject):
    layout_changed = Signal(str)
    language_changed = Signal(str)
    pages_changed = Signal()
    screenshots_saved = Signal(list)
    quit_confirmed = Signal()

    def __init__(
        self,
        layout: Layout,
        *,
        clock: Clock,
        data_clock: Clock | None = None,
        refresh: Callable[[], None] = lambda: None,
        screenshot_dir: Path = Path("."),
        language: str | None = None,
        windowed: bool = False,
        fade_ms: int = 450,
        screens: Callable[[], Sequence[ScreenLike]] = QGuiApplication.screens,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.layout = layout
        self.home_layout = layout
        self.clock = clock  # turns pages, times notices
        self.data_clock = data_clock or clock  # the moment shown (tiles, strip): differs in --as-of / replay
        self.refresh = refresh
        self.screenshot_dir = screenshot_dir
        self.language_override = language
        self.windowed = windowed
        self.fade_ms = fade_ms
        self.screens = screens  # injectable: tests stand in for monitors being plugged in
        self.rotation = Rotation(enabled=layout.spec.rotation)
        self.context = self._context()
        self.windows: dict[str, ScreenWindow] = {}
        self.placements: dict[str, Placement] = {}
        self.assignment: Assignment | None = None
        self.snapshot: Snapshot | None = None
        self.alert_counts = {"critical": 0, "warn": 0}
        self.alerts_judged: int | None = None  # figures compared with a threshold in the last snapshot
        self.notices: list[Notice] = []
        self.quit_pending = False
        self.help_shown = False
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self._screens_timer = QTimer(self)
        self._screens_timer.setSingleShot(True)
        self._screens_timer.setInterval(200)  # let a burst of hot-plug signals settle
        self._screens_timer.timeout.connect(self.screens_changed)
        self._quit_timer = QTimer(self)
        self._quit_timer.setSingleShot(True)
        self._quit_timer.setInterval(10_000)
        self._quit_timer.timeout.connect(self.cancel_quit)

    # --- life cycle -------------------------------------------------------------------

    @property
    def language(self) -> str:
        return self.language_override or self.layout.spec.language

    def _context(self) -> TileContext:
        return TileContext(language=self.language, now=self.data_clock, layout_dir=self.layout.directory,
                           thresholds=self.layout.spec.judging())

    def start(self) -> None:
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        app.screenAdded.connect(self._screens_timer.start)
        app.screenRemoved.connect(self._screens_timer.start)
        self.screens_changed()
        self.tick()
        self._timer.start()

    def shutdown(self) -> None:
        for timer in (self._timer, self._screens_timer, self._quit_timer):
            timer.stop()
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            for signal in (app.screenAdded, app.screenRemoved):
                try:
                    signal.disconnect(self._screens_timer.start)
                except (RuntimeError, TypeError):
                    pass
        for key in list(self.windows):
            self._drop_window(key)

    # --- screens and windows ----------------------------------------------------------

    def screens_changed(self) -> None:
        """(Re)match the layout's screens to the outputs connected now; keep what did not move."""
        screens = list(self.screens())
        outputs = outputs_of(screens)
        assignment = assign_screens(self.layout.spec, outputs)
        self.assignment = assignment
        wanted: dict[str, Placement] = {p.screen_id: p for p in assignment.placements}
        for spare in assignment.spare_outputs:
            wanted[f"spare:{spare.name}:{spare.index}"] = Placement(f"spare:{spare.name}", spare, spare.geometry)
        for key in list(self.windows):
            if key not in wanted:
                self._drop_window(key)
        specs = {s.id: s for s in self.layout.spec.screens}
        for key, placement in wanted.items():
            window = self.windows.get(key)
            if window is None:
                window = self._make_window(specs.get(key))
                self.windows[key] = window
                if self.snapshot is not None:
                    window.apply(self.snapshot)
            if self.placements.get(key) != placement or not window.isVisible():
                self._show(window, placement, screens)
            self.placements[key] = placement
        for item in assignment.unplaced:
            log.log(logging.INFO if item.optional else logging.WARNING, "%s", item.reason)
        self._sync_pages(animate=False)
        self._update_strips()

    def _make_window(self, spec: ScreenSpec | None) -> ScreenWindow:
        idle = "" if spec else f"{self.layout.name}\n\n{tr('No screen of this layout is assigned to this output', self.language)}"
        window = ScreenWindow(spec, self.context, fade_ms=self.fade_ms, idle_text=idle)
        window.setWindowTitle(f"CM Wall — {self.layout.name}" + (f" — {spec.title or spec.id}" if spec else ""))
        window.key_pressed.connect(self.handle_key)
        window.set_paused(self.rotation.paused)
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
            window.show()
            window.setGeometry(rect)

    def _drop_window(self, key: str) -> None:
        window = self.windows.pop(key)
        self.placements.pop(key, None)
        window.cleanup()
        window.hide()
        window.deleteLater()

    def screen_windows(self) -> list[ScreenWindow]:
        """Windows of layout screens, in layout order."""
        order = [s.id for s in self.layout.spec.screens]
        return [self.windows[k] for k in order if k in self.windows]

    # --- data -------------------------------------------------------------------------

    def apply_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        judgement = judge(snapshot, self.context.thresholds)  # the layout's, as the alerts tiles judge
        self.alert_counts = count_by_level(judgement.alerts)
        self.alerts_judged = judgement.figures
        for window in self.windows.values():
            window.apply(snapshot)
        self._update_strips()

    # --- the clock --------------------------------------------------------------------

    def tick(self) -> None:
        self._sync_pages(animate=True)
        self._update_strips()

    def current_pages(self) -> dict[str, int]:
        return {key: w.current_page for key, w in self.windows.items() if w.screen_spec is not None}

    def _sync_pages(self, animate: bool) -> None:
        now = self.clock()
        changed = False
        for key, window in self.windows.items():
            spec = window.screen_spec
            if spec is None:
                continue
            page = self.rotation.page(key, [p.dwell for p in spec.pages], now)
            if page != window.current_page:
                window.show_page(page, animate=animate)
                changed = True
        if changed:
            self.pages_changed.emit()

    def _update_strips(self) -> None:
        now = self.clock()
        self.notices = [n for n in self.notices if n.until is None or n.until > now]
        notices = [n.text for n in self.notices]
        if self.assignment is not None:
            notices += [u.reason for u in self.assignment.unplaced if not u.optional]
        shown = self.data_clock()
        items = status_items(self.snapshot, shown, self.language, critical_alerts=self.alert_counts["critical"],
                             warn_alerts=self.alert_counts["warn"], notices=tuple(notices),
                             alerts_judged=self.alerts_judged)
        clock = clock_text(shown, self.language)
        for window in self.windows.values():
            window.strip.set_items(items)
            window.strip.set_clock(clock)

    def notify(self, text: str, seconds: float = NOTICE_SECONDS) -> None:
        log.info("%s", text)
        self.notices.append(Notice(text, self.clock() + timedelta(seconds=seconds)))
        self._update_strips()

    # --- operator keys ----------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.quit_pending:
            if key in CONFIRM_KEYS:
                self.confirm_quit()
            else:
                self.cancel_quit()
            return
        if self.help_shown and key in (Qt.Key.Key_Escape, Qt.Key.Key_F1, Qt.Key.Key_Question, Qt.Key.Key_H):
            self.toggle_help()
            return
        action = action_for(key)
        if action is not None:
            self.perform(action)

    def perform(self, action: Action) -> None:
        handlers: dict[Action, Callable[[], object]] = {
            Action.NEXT_PAGE: lambda: self.step_pages(1),
            Action.PREVIOUS_PAGE: lambda: self.step_pages(-1),
            Action.TOGGLE_PAUSE: self.toggle_pause,
            Action.TOGGLE_CRISIS: self.toggle_crisis,
            Action.NEXT_LAYOUT: self.next_layout,
            Action.NEXT_LANGUAGE: self.next_language,
            Action.REFRESH: self.refresh_now,
            Action.SCREENSHOT: self.take_screenshots,
            Action.HELP: self.toggle_help,
            Action.QUIT: self.request_quit,
        }
        handlers[action]()

    def step_pages(self, delta: int) -> None:
        self.rotation.step(delta, self.current_pages())
        self._sync_pages(animate=True)

    def toggle_pause(self) -> None:
        if self.rotation.paused:
            self.rotation.resume()
        else:
            self.rotation.pause(self.current_pages())
        for window in self.windows.values():
            window.set_paused(self.rotation.paused)
        self._sync_pages(animate=True)

    def toggle_crisis(self) -> None:
        if self.layout.path.stem == CRISIS:
            self.switch_layout(self.home_layout)
        else:
            self.switch_layout(CRISIS)

    def next_layout(self) -> None:
        stem = self.layout.path.stem
        following = SHIPPED_LAYOUTS[(SHIPPED_LAYOUTS.index(stem) + 1) % len(SHIPPED_LAYOUTS)] \
            if stem in SHIPPED_LAYOUTS else SHIPPED_LAYOUTS[0]
        self.switch_layout(following)

    def switch_layout(self, layout: Layout | str) -> bool:
        """Replace every window's tiles with `layout`'s; on a bad layout keep the current one."""
        if isinstance(layout, str):
            try:
                layout = load_layout(layout)
            except LayoutError as err:
                log.error("cannot switch layout: %s", err.report())
                self.notify(f"{tr('Cannot switch layout', self.language)}: {err}")
                return False
        for key in list(self.windows):
            self._drop_window(key)
        self.layout = layout
        self.rotation = Rotation(enabled=layout.spec.rotation)
        self.context = self._context()
        self.screens_changed()
        self.layout_changed.emit(layout.name)
        return True

    def next_language(self) -> None:
        self.set_language(LANGUAGES[(LANGUAGES.index(self.language) + 1) % len(LANGUAGES)])

    def set_language(self, language: str) -> None:
        self.language_override = language
        self.context.language = language  # shared by every tile of this layout
        for window in self.windows.values():
            window.retranslate()
        self._update_strips()
        if self.help_shown:
            self._show_help()
        self.language_changed.emit(language)

    def refresh_now(self) -> None:
        self.refresh()
        self.notify(tr("Refreshing data…", self.language), seconds=5)

    def take_screenshots(self, directory: Path | None = None) -> list[Path]:
        if directory is None:
            directory = self.screenshot_dir / self.clock().strftime("%Y%m%d-%H%M%S")
        try:
            paths = self.save_screenshots(directory)
        except OSError as err:
            self.notify(f"{tr('Screenshot failed', self.language)}: {err}")
            return []
        self.notify(f"{tr('Screenshots saved', self.language)}: {directory}")
        self.screenshots_saved.emit(paths)
        return paths

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

    def toggle_help(self) -> None:
        self.help_shown = not self.help_shown
        if self.help_shown:
            self._show_help()
        else:
            for window in self.windows.values():
                window.help.hide()

    def _show_help(self) -> None:
        language = self.language
        rows = [(keys, tr(action.value, language)) for keys, action in HELP_ROWS]
        footer = f"{self.layout.name}  ·  {tr('Store', language)}: {self._store_label()}"
        for window in self.windows.values():
            window.help.show_message(tr("Operator keys", language), rows, footer)

    def _store_label(self) -> str:
        return self.snapshot.status.store_url if self.snapshot else "—"

    def request_quit(self) -> None:
        self.quit_pending = True
        language = self.language
        for window in self.windows.values():
            window.confirm.show_message(tr("Quit the wall?", language), (),
                                        tr("Press Y or Enter to quit; any other key cancels.", language))
        self._quit_timer.start()

    def cancel_quit(self) -> None:
        self.quit_pending = False
        self._quit_timer.stop()
        for window in self.windows.values():
            window.confirm.hide()

    def confirm_quit(self) -> None:
        self.cancel_quit()
        self.quit_confirmed.emit()

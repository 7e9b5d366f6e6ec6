"""The operator's commands: the one place where an `Action` (keys.py) becomes what the wall does.

Keys are the way in today; a crisis rule or a control page will be others, and every
one of them goes through `perform(action)`. What the windows answer themselves —
the help overlay, the quit confirmation, screenshots — is done here; everything
else is asked of the part that owns it with a signal (page step, pause, crisis,
layout, language, refresh), so this module imports none of those parts. The table
in `perform` covers every Action; a new one fails loudly until it is given an effect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

from ..widgets.look.i18n import tr
from .keys import CONFIRM_KEYS, HELP_ROWS, Action, action_for
from .screen_window import ScreenWindow

QUIT_CONFIRM_MS = 10_000  # an unanswered "Quit the wall?" goes away by itself
HELP_CLOSE_KEYS = (Qt.Key.Key_Escape, Qt.Key.Key_F1, Qt.Key.Key_Question, Qt.Key.Key_H)
REFRESH_NOTICE_SECONDS = 5.0
SCREENSHOT_NOTICE_SECONDS = 12.0

Clock = Callable[[], datetime]


class Commands(QObject):
    """Keys and actions in; overlays, screenshots and requests to the other parts out."""

    page_step_requested = Signal(int)  # +1 next page, -1 previous
    pause_toggle_requested = Signal()
    crisis_toggle_requested = Signal()
    acknowledge_requested = Signal()  # the crisis banner seen: stop flashing (the layout stays)
    presentation_toggle_requested = Signal()  # presentation mode for a delegation on / back to live
    next_layout_requested = Signal()
    drill_into_requested = Signal()  # open the picked place (drill_down.py)
    drill_open_requested = Signal(str)  # open this place (a tap on the control page)
    drill_pick_requested = Signal(int)  # +1 next place, -1 previous
    drill_up_requested = Signal()
    drill_home_requested = Signal()
    next_language_requested = Signal()
    refresh_requested = Signal()
    notice_posted = Signal(str, float)  # text for the strip, seconds to show it
    screenshots_saved = Signal(list)  # the PNG paths
    quit_confirmed = Signal()
    performed = Signal(object)  # an Action the operator gave on this PC, after its effect (for the peers)

    def __init__(
        self,
        *,
        windows: Callable[[], Iterable[ScreenWindow]],
        language: Callable[[], str],
        layout_name: Callable[[], str],
        store_label: Callable[[], str],
        save_screenshots: Callable[[Path], list[Path]],
        clock: Clock,
        screenshot_dir: Path = Path("."),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.windows = windows
        self.language = language
        self.layout_name = layout_name
        self.store_label = store_label
        self.save_screenshots = save_screenshots
        self.clock = clock  # names screenshot folders
        self.screenshot_dir = screenshot_dir
        self.quit_pending = False
        self.help_shown = False
        self._quit_timer = QTimer(self)
        self._quit_timer.setSingleShot(True)
        self._quit_timer.setInterval(QUIT_CONFIRM_MS)
        self._quit_timer.timeout.connect(self.cancel_quit)
        self._effects: dict[Action, Callable[[], object]] = {
            Action.NEXT_PAGE: lambda: self.page_step_requested.emit(1),
            Action.PREVIOUS_PAGE: lambda: self.page_step_requested.emit(-1),
            Action.TOGGLE_PAUSE: self.pause_toggle_requested.emit,
            Action.TOGGLE_CRISIS: self.crisis_toggle_requested.emit,
            Action.ACKNOWLEDGE: self.acknowledge_requested.emit,
            Action.TOGGLE_PRESENTATION: self.presentation_toggle_requested.emit,
            Action.NEXT_LAYOUT: self.next_layout_requested.emit,
            Action.DRILL_INTO: self.drill_into_requested.emit,
            Action.DRILL_NEXT_CHILD: lambda: self.drill_pick_requested.emit(1),
            Action.DRILL_PREVIOUS_CHILD: lambda: self.drill_pick_requested.emit(-1),
            Action.DRILL_UP: self.drill_up_requested.emit,
            Action.DRILL_HOME: self.drill_home_requested.emit,
            Action.NEXT_LANGUAGE: self.next_language_requested.emit,
            Action.REFRESH: self.refresh,
            Action.SCREENSHOT: self.take_screenshots,
            Action.HELP: self.toggle_help,
            Action.QUIT: self.request_quit,
        }
        missing = set(Action) - set(self._effects)
        assert not missing, f"actions without an effect: {missing}"

    def stop(self) -> None:
        self._quit_timer.stop()

    # --- ways in ----------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> None:
        """A key on any window: answers a pending quit or closes help first, else its action."""
        key = event.key()
        if self.quit_pending:
            if key in CONFIRM_KEYS:
                self.confirm_quit()
            else:
                self.cancel_quit()
            return
        if self.help_shown and key in HELP_CLOSE_KEYS:
            self.toggle_help()
            return
        action = action_for(key)
        if action is not None:
            self.perform(action)

    def perform(self, action: Action, *, given_here: bool = True, place: str | None = None) -> None:
        """Carry out one operator command, wherever it came from; one given on this PC (not
        received from another PC of the wall) is announced with `performed`. `place`:
        DRILL_INTO opens that place instead of the picked one."""
        if place is not None and action is Action.DRILL_INTO:
            self.drill_open_requested.emit(place)
        else:
            self._effects[action]()
        if given_here:
            self.performed.emit(action)

    # --- what is done here ------------------------------------------------------------

    def refresh(self) -> None:
        self.refresh_requested.emit()
        self.notice_posted.emit(tr("Refreshing data…", self.language()), REFRESH_NOTICE_SECONDS)

    def take_screenshots(self, directory: Path | None = None) -> list[Path]:
        """Every window to PNG in `directory` (default: a folder named by the time); a notice either way."""
        if directory is None:
            directory = self.screenshot_dir / self.clock().strftime("%Y%m%d-%H%M%S")
        language = self.language()
        try:
            paths = self.save_screenshots(directory)
        except OSError as err:
            self._screenshot_notice(f"{tr('Screenshot failed', language)}: {err}")
            return []
        self._screenshot_notice(f"{tr('Screenshots saved', language)}: {directory}")
        self.screenshots_saved.emit(paths)
        return paths

    def toggle_help(self) -> None:
        self.help_shown = not self.help_shown
        if self.help_shown:
            self._show_help()
        else:
            for window in self.windows():
                window.help.hide()

    def follow_language(self, language: str) -> None:
        """The help overlay, if shown, in the new language."""
        if self.help_shown:
            self._show_help()

    def request_quit(self) -> None:
        self.quit_pending = True
        language = self.language()
        for window in self.windows():
            window.confirm.show_message(tr("Quit the wall?", language), (),
                                        tr("Press Y or Enter to quit; any other key cancels.", language))
        self._quit_timer.start()

    def cancel_quit(self) -> None:
        self.quit_pending = False
        self._quit_timer.stop()
        for window in self.windows():
            window.confirm.hide()

    def confirm_quit(self) -> None:
        self.cancel_quit()
        self.quit_confirmed.emit()

    def _show_help(self) -> None:
        language = self.language()
        rows = [(keys, tr(action.value, language)) for keys, action in HELP_ROWS]
        footer = f"{self.layout_name()}  ·  {tr('Store', language)}: {self.store_label()}"
        for window in self.windows():
            window.help.show_message(tr("Operator keys", language), rows, footer)

    def _screenshot_notice(self, text: str) -> None:
        self.notice_posted.emit(text, SCREENSHOT_NOTICE_SECONDS)

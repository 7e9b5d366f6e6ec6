"""The wall while it runs: its parts made and wired, and the few entry points callers use.

Each job is a part of its own, and no part imports another (a contract in
pyproject.toml); they talk through Qt signals connected here:

- `ScreenManager` (screens_manager.py): windows on the outputs connected now, hot-plug;
- `PageTurner` (pages.py): the tick, pages by the shared clock, stepping and pausing;
- `LanguageChoice` (language.py): the language shown;
- `LayoutChoice` (layout_choice.py): the layout shown, crisis and back;
- `StatusBoard` (status_board.py): the status strip, notices, alert counts;
- `Commands` (commands.py): every operator command (keys today), help, quit, screenshots;
- `CrisisMode` (crisis_mode.py): the crisis layout by rule and back, the banner on every window;
- `DrillDown` (drill_down.py): a generated page per place, state → district → taluka, and back;
- `Presentation` (presentation.py): presentation mode for delegations — data held, sensitive
  tiles hidden, a quiet mark on every strip; live snapshots still reach the crisis part.

`WallController` does no I/O of its own beyond the screenshots the operator asks
for; data arrives as snapshots, refreshes go out through the `refresh` callback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from ..layouts.loader import SHIPPED_LAYOUTS, Layout
from ..sync.snapshot import Snapshot
from ..widgets import per_snapshot
from ..widgets.base import TileContext
from ..widgets.view_models import ModelStage
from .commands import Commands
from .crisis_mode import CrisisMode
from .drill_down import IDLE_SECONDS, DrillDown
from .keys import Action
from .language import LanguageChoice
from .layout_choice import LayoutChoice
from .pages import PageTurner
from .placement import OutputChoice
from .presentation import Presentation
from .screen_window import ScreenWindow
from .screens_manager import ScreenLike, ScreenManager
from .status_board import NOTICE_SECONDS, StatusBoard

Clock = Callable[[], datetime]


class WallController(QObject):
    """Composition root of the running wall; its signals are what the rest of the app listens to."""

    layout_changed = Signal(str)
    language_changed = Signal(str)
    pages_changed = Signal()
    screenshots_saved = Signal(list)
    quit_confirmed = Signal()
    crisis_recorded = Signal(tuple)  # CrisisEvents (layout switches) for the local store's crisis log
    crisis_acknowledged = Signal()  # the operator acknowledged the crisis banner
    command_given = Signal(object, object)  # an Action given on this PC and the state it left (for the peers)

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
        screen_outputs: Mapping[str, OutputChoice] | None = None,
        drill_idle_seconds: float = IDLE_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        # `clock` turns pages and times notices; `data_clock` is the moment shown (tiles,
        # strip), which differs in --as-of / replay.
        self.data_clock = data_clock or clock
        self.models = ModelStage(parent=self)  # every tile's view model, built off the GUI thread
        self.languages = LanguageChoice(layout.spec.language, language, parent=self)
        self.layouts = LayoutChoice(layout, language=lambda: self.language, parent=self)
        self.screens = ScreenManager(layout, self._context(layout), screens=screens, windowed=windowed,
                                     fade_ms=fade_ms, screen_outputs=screen_outputs, parent=self)
        self.pages = PageTurner(clock, lambda: self.screens.windows, enabled=layout.spec.rotation, parent=self)
        self.status = StatusBoard(clock=clock, data_clock=self.data_clock, windows=lambda: self.screens.windows.values(),
                                  language=lambda: self.language, unplaced=self.screens.unplaced_reasons)
        self.commands = Commands(windows=lambda: self.screens.windows.values(), language=lambda: self.language,
                                 layout_name=lambda: self.layout.name, store_label=self.status.store_label,
                                 save_screenshots=self.save_screenshots, clock=clock,
                                 screenshot_dir=screenshot_dir, parent=self)
        self.crisis = CrisisMode(layout, current=lambda: self.layout, switch=self.layouts.switch,
                                 windows=lambda: self.screens.windows.values(), language=lambda: self.language,
                                 clock=self.data_clock, parent=self)
        self.layouts.crisis = self.crisis.target() or self.layouts.crisis  # C goes where the rules would
        self.drill = DrillDown(current=lambda: self.layout, show=self.layouts.switch,
                               snapshot=lambda: self.screens.snapshot, idle_seconds=drill_idle_seconds, parent=self)
        self.presentation = Presentation(windows=lambda: self.screens.windows.values(),
                                         language=lambda: self.language, clock=clock, parent=self)
        self._wire(refresh)

    def _wire(self, refresh: Callable[[], None]) -> None:
        screens, pages, status, commands = self.screens, self.pages, self.status, self.commands
        screens.window_added.connect(pages.prepare)
        screens.windows_changed.connect(pages.follow_windows)
        screens.windows_changed.connect(status.refresh)
        screens.key_pressed.connect(commands.handle_key)
        pages.ticked.connect(status.refresh)
        pages.pages_changed.connect(self.pages_changed)
        self.languages.changed.connect(screens.retranslate)
        self.languages.changed.connect(lambda _language: status.refresh())
        self.languages.changed.connect(commands.follow_language)
        self.languages.changed.connect(self.language_changed)
        self.layouts.changed.connect(self._show_layout)
        self.layouts.changed.connect(self.crisis.follow_layout)
        self.layouts.refused.connect(status.notify)
        commands.page_step_requested.connect(pages.step)
        commands.pause_toggle_requested.connect(pages.toggle_pause)
        commands.crisis_toggle_requested.connect(self.layouts.toggle_crisis)
        commands.acknowledge_requested.connect(self.crisis.acknowledge)
        commands.presentation_toggle_requested.connect(self.presentation.toggle)
        screens.window_added.connect(self.presentation.prepare)
        screens.windows_changed.connect(self.presentation.follow_windows)
        self.languages.changed.connect(lambda _language: self.presentation.refresh())
        self.presentation.notice.connect(status.notify)
        self.presentation.changed.connect(lambda _active: self._show_latest())
        self.crisis.recorded.connect(self.crisis_recorded)
        self.crisis.acknowledge_requested.connect(self.crisis_acknowledged)
        screens.windows_changed.connect(self.crisis.refresh)
        self.languages.changed.connect(lambda _language: self.crisis.refresh())
        commands.next_layout_requested.connect(self.layouts.next_layout)
        commands.drill_into_requested.connect(self.drill.into_selected)
        commands.drill_open_requested.connect(self.drill.open)
        commands.drill_pick_requested.connect(self.drill.pick)
        commands.drill_up_requested.connect(self.drill.up)
        commands.drill_home_requested.connect(self.drill.go_home)
        self.layouts.changed.connect(self.drill.follow_layout)
        commands.next_language_requested.connect(self.languages.next)
        commands.refresh_requested.connect(refresh)
        commands.notice_posted.connect(status.notify)
        commands.screenshots_saved.connect(self.screenshots_saved)
        commands.quit_confirmed.connect(self.quit_confirmed)
        commands.performed.connect(lambda action: self.command_given.emit(action, self.shared_state()))

    def _context(self, layout: Layout) -> TileContext:
        return TileContext(language=self.language, now=self.data_clock, layout_dir=layout.directory,
                           thresholds=layout.spec.judging(), models=self.models, languages=layout.spec.languages)

    def _show_layout(self, layout: Layout) -> None:
        self.languages.follow_layout(layout.spec.language)
        self.pages.reset(enabled=layout.spec.rotation)
        self.screens.set_layout(layout, self._context(layout))
        if self.layouts.in_crisis:  # a crisis layout is never shown on held data (C, a peer, a rule)
            self.presentation.stop()
        self.layout_changed.emit(layout.name)

    # --- what the rest of the app and the tests read ---------------------------------

    @property
    def layout(self) -> Layout:
        return self.layouts.current

    @property
    def language(self) -> str:
        return self.languages.current

    @property
    def context(self) -> TileContext:
        """What every tile of the current layout shares (language, the shown moment, thresholds)."""
        return self.screens.context

    def screen_windows(self) -> list[ScreenWindow]:
        """Windows of layout screens, in layout order."""
        return self.screens.screen_windows()

    def current_pages(self) -> dict[str, int]:
        return self.pages.current_pages()

    # --- life cycle and data ----------------------------------------------------------

    def start(self) -> None:
        self.screens.start()
        self.pages.start()

    def shutdown(self) -> None:
        self.pages.stop()
        self.commands.stop()
        self.crisis.stop()
        self.screens.shutdown()
        self.models.close()

    def apply_snapshot(self, snapshot: Snapshot) -> None:
        per_snapshot.release_later(snapshot)  # the one it replaces is freed off the GUI thread, not as it is let go here
        shown = self.presentation.take(snapshot)  # the held snapshot in presentation mode
        self.status.take(self.presentation.for_strip(snapshot), self.context.thresholds)  # as the alerts tiles judge
        if shown is not self.screens.snapshot:
            self.screens.apply(shown)
        self.status.refresh()
        self.crisis.take(snapshot, self.context.thresholds)  # always live; may switch layout: after the windows
        self.presentation.refresh()

    def _show_latest(self) -> None:
        """Presentation mode began or ended: the windows show the snapshot to show now."""
        if self.presentation.latest is not None:
            self.apply_snapshot(self.presentation.latest)

    # --- commands ---------------------------------------------------------------------

    def perform(self, action: Action) -> None:
        """One operator command, from a key or from anywhere else."""
        self.commands.perform(action)

    # --- one wall, several PCs (peers.py) ----------------------------------------------

    def layout_reference(self) -> str:
        """The layout as another PC of the wall can load it: a shipped name, else its file."""
        path = self.layout.path
        return path.stem if path.stem in SHIPPED_LAYOUTS else str(path)

    def shared_state(self) -> dict[str, Any]:
        """What the operator's commands leave behind: layout, drill-down, language, rotation and presentation mode."""
        return {"layout": self.layout_reference(), "drill": self.drill.shared_state(), "language": self.language,
                "rotation": self.pages.shared_state(), "presentation": self.presentation.active}

    def peer_status(self) -> dict[str, Any]:
        """What this PC shows now, for the peer endpoint's status."""
        return {**self.shared_state(), "pages": self.current_pages(), "pages_at": self.pages.clock().timestamp(),
                "paused": self.pages.paused, "next_turn_in": self.pages.seconds_to_next_turn()}

    def adopt_shared(self, values: Mapping[str, Any]) -> None:
        """Another PC of the wall's layout, language and/or rotation (peer_protocol.py SharedState):
        shown here as it is there. Never announced again, so it is not sent on."""
        layout, language, rotation = values.get("layout"), values.get("language"), values.get("rotation")
        if isinstance(layout, str) and layout != self.layout_reference() and not self.crisis.holds_the_wall():
            self.layouts.switch(layout)
        drill = values.get("drill")
        if isinstance(drill, Mapping) and not self.crisis.holds_the_wall():
            self.drill.adopt(drill)
        if isinstance(language, str) and language != self.language:
            self.languages.set(language)
        if isinstance(rotation, Mapping):
            self.pages.adopt_state(rotation)
        presentation = values.get("presentation")
        if isinstance(presentation, bool) and presentation != self.presentation.active:
            if presentation:
                self.presentation.start()  # refused here too during a crisis, or before any data
            else:
                self.presentation.stop()

    def open_place(self, code: str) -> None:
        """Open one place's page (a tap on the control page): `DRILL_INTO` with that place,
        announced to the other PCs like a key, with the place opened in the shared state."""
        self.commands.perform(Action.DRILL_INTO, place=code)

    def perform_received(self, action: Action) -> None:
        """A command another PC of the wall performed (refresh, screenshot, acknowledge): done
        here too, and not sent on."""
        self.commands.perform(action, given_here=False)

    def switch_layout(self, layout: Layout | str) -> bool:
        """Replace every window's tiles with `layout`'s; on a bad layout keep the current one."""
        return self.layouts.switch(layout)

    def set_language(self, language: str) -> None:
        self.languages.set(language)

    def notify(self, text: str, seconds: float = NOTICE_SECONDS) -> None:
        """A notice on every strip for `seconds`."""
        self.status.notify(text, seconds)

    def take_screenshots(self, directory: Path | None = None) -> list[Path]:
        return self.commands.take_screenshots(directory)

    def save_screenshots(self, directory: Path) -> list[Path]:
        """One PNG (and audit record) per window, for `--screenshot`, replay sets and the
        operator's key; every tile first shows the model of the snapshot it was given."""
        self.models.flush()
        return self.screens.save_screenshots(directory)

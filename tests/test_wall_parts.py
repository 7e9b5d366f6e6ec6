"""The running wall's parts, each on its own: pages, commands, screens, language, layout, strip.

tests/test_wall_controller.py drives the whole wall through its keys; here each part
is built alone with stand-ins for what it is given, so a fault points at one part.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cmwall.layouts.loader import Layout, load_layout
from cmwall.wall.commands import Commands
from cmwall.wall.controller import WallController
from cmwall.wall.keys import Action
from cmwall.wall.language import LanguageChoice
from cmwall.wall.layout_choice import LayoutChoice
from cmwall.wall.pages import PageTurner
from cmwall.wall.screen_window import ScreenWindow
from cmwall.wall.screens_manager import ScreenManager
from cmwall.wall.status_board import StatusBoard
from cmwall.widgets.base import TileContext
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtTest import QSignalSpy, QTest
from pytestqt.qtbot import QtBot

from .synthetic import snapshot as synthetic_snapshot
from .test_wall_controller import LAYOUT, Clock, FakeScreen


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    path = tmp_path / "test_wall.toml"
    path.write_text(LAYOUT, encoding="utf-8")
    return load_layout(path)


def windows_of(layout: Layout, context: TileContext) -> dict[str, ScreenWindow]:
    return {spec.id: ScreenWindow(spec, context, fade_ms=0) for spec in layout.spec.screens}


def texts(window: ScreenWindow) -> str:
    return " | ".join(window.strip.texts())


# Parts change these flags between asserts; reading them through a call keeps the type
# checker from holding on to what an earlier assert found.
def flag(value: bool) -> bool:
    return value


# --- pages ----------------------------------------------------------------------------


@pytest.fixture
def turner(qtbot: QtBot, layout: Layout) -> Iterator[tuple[PageTurner, Clock, dict[str, ScreenWindow]]]:
    clock = Clock()
    windows = windows_of(layout, TileContext(now=clock))
    turner = PageTurner(clock, lambda: windows, enabled=True)
    yield turner, clock, windows
    turner.stop()
    for window in windows.values():
        window.cleanup()


def test_pages_turn_on_their_clock_and_say_so(qtbot: QtBot, turner: tuple[PageTurner, Clock, dict[str, ScreenWindow]]) -> None:
    pages, clock, windows = turner
    turned, ticked = QSignalSpy(pages.pages_changed), QSignalSpy(pages.ticked)
    pages.tick()
    assert pages.current_pages() == {"left": 0, "right": 0} and turned.count() == 0
    clock.advance(10)  # the first page of "left" dwells 10 s; "right" has one page
    pages.tick()
    assert pages.current_pages() == {"left": 1, "right": 0} and turned.count() == 1
    clock.advance(20)
    pages.tick()
    assert pages.current_pages()["left"] == 0 and turned.count() == 2 and ticked.count() == 3


def test_paused_pages_stay_put_step_by_hand_and_resume_on_the_clock(
        qtbot: QtBot, turner: tuple[PageTurner, Clock, dict[str, ScreenWindow]]) -> None:
    pages, clock, windows = turner
    pages.tick()
    pages.toggle_pause()
    assert flag(pages.paused) and flag(windows["left"].paused)
    clock.advance(12)
    pages.tick()
    assert windows["left"].current_page == 0  # frozen though the clock says page 1
    pages.step(1)
    assert windows["left"].current_page == 1
    pages.step(1)
    assert windows["left"].current_page == 0
    pages.toggle_pause()
    assert not flag(pages.paused) and not flag(windows["left"].paused)
    assert windows["left"].current_page == 1  # 12 s into the cycle, as any other wall shows


def test_a_window_made_while_paused_shows_it_and_a_new_layout_unpauses(
        qtbot: QtBot, layout: Layout, turner: tuple[PageTurner, Clock, dict[str, ScreenWindow]]) -> None:
    pages, *_ = turner
    pages.toggle_pause()
    late = ScreenWindow(layout.spec.screens[0], TileContext(), fade_ms=0)
    pages.prepare(late)
    assert late.paused
    pages.reset(enabled=True)
    assert not flag(pages.paused)
    late.cleanup()


def test_stepping_without_rotation_moves_from_the_page_shown(
        qtbot: QtBot, turner: tuple[PageTurner, Clock, dict[str, ScreenWindow]]) -> None:
    pages, clock, windows = turner
    pages.reset(enabled=False)
    clock.advance(12)
    pages.tick()
    assert windows["left"].current_page == 0  # a layout without rotation never turns by the clock
    pages.step(-1)
    assert windows["left"].current_page == 1


# --- commands -------------------------------------------------------------------------


class CommandsRig:
    """Commands with one idle window, what it asked for, and what it wrote."""

    def __init__(self, tmp_path: Path, save_fails: bool = False) -> None:
        self.window = ScreenWindow(None, TileContext(), fade_ms=0)
        self.window.resize(1280, 720)
        self.saved_to: list[Path] = []
        self.save_fails = save_fails
        self.commands = Commands(windows=lambda: [self.window], language=lambda: "en",
                                 layout_name=lambda: "Test wall", store_label=lambda: "https://store.example",
                                 save_screenshots=self.save, clock=Clock(), screenshot_dir=tmp_path / "shots")
        self.spies = {name: QSignalSpy(getattr(self.commands, name)) for name in (
            "page_step_requested", "pause_toggle_requested", "crisis_toggle_requested", "acknowledge_requested", "next_layout_requested",
            "next_language_requested", "refresh_requested", "notice_posted", "screenshots_saved", "quit_confirmed",
            "presentation_toggle_requested", "drill_into_requested", "drill_pick_requested", "drill_up_requested",
            "drill_home_requested")}

    def save(self, directory: Path) -> list[Path]:
        if self.save_fails:
            raise OSError("disk full")
        self.saved_to.append(directory)
        return [directory / "screen0.png"]

    def emitted(self) -> dict[str, list[list[object]]]:
        """Each signal that fired, with the arguments of each emission."""
        return {name: [spy.at(i) for i in range(spy.count())] for name, spy in self.spies.items() if spy.count()}

    def close(self) -> None:
        self.commands.stop()
        self.window.cleanup()


@pytest.fixture
def rig(qtbot: QtBot, tmp_path: Path) -> Iterator[CommandsRig]:
    rig = CommandsRig(tmp_path)
    yield rig
    rig.close()


# What each action must ask of the other parts (signal name -> argument lists), and nothing else.
ASKED: dict[Action, dict[str, list[list[object]]]] = {
    Action.NEXT_PAGE: {"page_step_requested": [[1]]},
    Action.PREVIOUS_PAGE: {"page_step_requested": [[-1]]},
    Action.TOGGLE_PAUSE: {"pause_toggle_requested": [[]]},
    Action.TOGGLE_CRISIS: {"crisis_toggle_requested": [[]]},
    Action.ACKNOWLEDGE: {"acknowledge_requested": [[]]},
    Action.TOGGLE_PRESENTATION: {"presentation_toggle_requested": [[]]},
    Action.NEXT_LAYOUT: {"next_layout_requested": [[]]},
    Action.DRILL_INTO: {"drill_into_requested": [[]]},
    Action.DRILL_NEXT_CHILD: {"drill_pick_requested": [[1]]},
    Action.DRILL_PREVIOUS_CHILD: {"drill_pick_requested": [[-1]]},
    Action.DRILL_UP: {"drill_up_requested": [[]]},
    Action.DRILL_HOME: {"drill_home_requested": [[]]},
    Action.NEXT_LANGUAGE: {"next_language_requested": [[]]},
    Action.REFRESH: {"refresh_requested": [[]], "notice_posted": [["Refreshing data…", 5.0]]},
    Action.HELP: {},
    Action.QUIT: {},
}


def test_every_action_has_a_known_effect() -> None:
    assert set(ASKED) | {Action.SCREENSHOT} == set(Action)


@pytest.mark.parametrize("action", list(ASKED), ids=lambda a: a.name)
def test_each_action_asks_the_right_part(rig: CommandsRig, action: Action) -> None:
    rig.commands.perform(action)
    assert rig.emitted() == ASKED[action]


def test_the_screenshot_action_writes_a_timed_folder_and_says_where(rig: CommandsRig, tmp_path: Path) -> None:
    rig.commands.perform(Action.SCREENSHOT)
    assert rig.saved_to == [tmp_path / "shots" / "20261122-100000"]
    emitted = rig.emitted()
    assert emitted["screenshots_saved"] == [[[tmp_path / "shots" / "20261122-100000" / "screen0.png"]]]
    [[notice, _]] = emitted["notice_posted"]
    assert notice == f"Screenshots saved: {tmp_path / 'shots' / '20261122-100000'}"


def test_a_failed_screenshot_is_a_notice_not_a_crash(qtbot: QtBot, tmp_path: Path) -> None:
    rig = CommandsRig(tmp_path, save_fails=True)
    try:
        assert rig.commands.take_screenshots() == []
        assert rig.emitted() == {"notice_posted": [["Screenshot failed: disk full", 12.0]]}
    finally:
        rig.close()


def test_help_shows_the_keys_and_the_store_then_hides(rig: CommandsRig) -> None:
    rig.commands.perform(Action.HELP)
    assert flag(rig.commands.help_shown) and not rig.window.help.isHidden()
    shown = rig.window.help.texts()
    assert "Operator keys" in shown and "Pause / resume rotation" in shown
    assert "Test wall  ·  Store: https://store.example" in shown
    rig.commands.follow_language("en")  # a language change redraws help while it is shown
    assert not rig.window.help.isHidden()
    rig.commands.handle_key(key_event(Qt.Key.Key_Escape))  # Esc closes help, never asks to quit
    assert not flag(rig.commands.help_shown) and rig.window.help.isHidden() and not flag(rig.commands.quit_pending)


def key_event(which: Qt.Key) -> QKeyEvent:
    return QKeyEvent(QEvent.Type.KeyPress, which, Qt.KeyboardModifier.NoModifier)


def test_quit_waits_for_confirmation(rig: CommandsRig) -> None:
    commands = rig.commands
    commands.handle_key(key_event(Qt.Key.Key_Q))
    assert flag(commands.quit_pending) and not rig.window.confirm.isHidden()
    commands.handle_key(key_event(Qt.Key.Key_Right))  # any other key cancels, and does nothing else
    assert not flag(commands.quit_pending) and rig.window.confirm.isHidden()
    assert rig.emitted() == {}
    commands.handle_key(key_event(Qt.Key.Key_Escape))
    commands.handle_key(key_event(Qt.Key.Key_Return))
    assert rig.emitted() == {"quit_confirmed": [[]]} and rig.window.confirm.isHidden()


def test_keys_become_actions(rig: CommandsRig) -> None:
    for which in (Qt.Key.Key_N, Qt.Key.Key_PageUp, Qt.Key.Key_L, Qt.Key.Key_F5, Qt.Key.Key_A):  # A: no action
        rig.commands.handle_key(key_event(which))
    emitted = rig.emitted()
    assert emitted["page_step_requested"] == [[1], [-1]]
    assert emitted["next_language_requested"] == [[]] and emitted["refresh_requested"] == [[]]


# --- screens --------------------------------------------------------------------------


@pytest.fixture
def manager(qtbot: QtBot, layout: Layout) -> Iterator[tuple[ScreenManager, list[FakeScreen]]]:
    screens = [FakeScreen("WALL-1", 0), FakeScreen("WALL-2", 1280)]
    manager = ScreenManager(layout, TileContext(now=Clock()), screens=lambda: screens, fade_ms=0)
    yield manager, screens
    manager.shutdown()


def test_screens_get_windows_and_hot_plug_reassigns_them(qtbot: QtBot, manager: tuple[ScreenManager, list[FakeScreen]]) -> None:
    screens_manager, screens = manager
    added, changed = QSignalSpy(screens_manager.window_added), QSignalSpy(screens_manager.windows_changed)
    screens_manager.start()
    left, right = screens_manager.screen_windows()
    assert added.count() == 2 and changed.count() == 1 and screens_manager.unplaced_reasons() == []
    screens.pop()
    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication)
    primary = app.primaryScreen()
    with qtbot.waitSignal(screens_manager.windows_changed, timeout=2000):
        app.screenRemoved.emit(primary)  # what the windowing system says when a monitor goes
    [alone] = screens_manager.screen_windows()  # right's page joins left's rotation
    assert alone not in (left, right) and alone.page_count == 3
    assert screens_manager.unplaced_reasons() == ["2 screens on 1 monitor: 'right' shown in turn"]
    screens_manager.apply(synthetic_snapshot(snapshot_id=7))
    screens += [FakeScreen("WALL-2", 1280), FakeScreen("WALL-3", 2560)]
    with qtbot.waitSignal(screens_manager.windows_changed, timeout=2000):
        app.screenAdded.emit(primary)
    [first, second, back] = screens_manager.screen_windows()  # left's two pages share out over two monitors
    assert back is not right and back.snapshot is not None and back.snapshot.id == 7  # a new window shows the data
    assert [w.geometry().x() for w in (first, second, back)] == [0, 1280, 2560]
    assert all(w.screen_spec is not None for w in screens_manager.windows.values())  # no idle window
    assert added.count() == 6 and screens_manager.unplaced_reasons() == []


def test_keys_on_any_window_come_out_of_the_manager(qtbot: QtBot, manager: tuple[ScreenManager, list[FakeScreen]]) -> None:
    screens_manager, _ = manager
    screens_manager.start()
    keys: list[int] = []
    screens_manager.key_pressed.connect(lambda event: keys.append(event.key()))
    QTest.keyClick(screens_manager.screen_windows()[1], Qt.Key.Key_N)
    assert keys == [Qt.Key.Key_N]


def test_a_new_layout_replaces_every_window(qtbot: QtBot, manager: tuple[ScreenManager, list[FakeScreen]]) -> None:
    screens_manager, _ = manager
    screens_manager.start()
    old = screens_manager.screen_windows()
    crisis = load_layout("crisis")
    context = TileContext(language="hi")
    screens_manager.set_layout(crisis, context)
    windows = screens_manager.screen_windows()
    assert [w.screen_spec.id for w in windows if w.screen_spec] == ["totals+hospitals", "map+trends"]
    assert not set(windows) & set(old) and all(w.context is context for w in windows)
    screens_manager.retranslate("gu")
    assert context.language == "gu"


# --- language and layout --------------------------------------------------------------


def test_the_chosen_language_wins_over_the_layouts(qtbot: QtBot) -> None:
    languages = LanguageChoice("gu")
    spy = QSignalSpy(languages.changed)
    languages.follow_layout("hi")  # a new layout's language, shown while nobody chose one
    assert languages.current == "hi" and spy.count() == 0
    languages.next()
    languages.next()
    assert (languages.current, spy.count(), spy.at(1)) == ("en", 2, ["en"])
    languages.follow_layout("gu")
    assert languages.current == "en"


def test_layouts_switch_to_crisis_and_home_and_refuse_a_bad_one(qtbot: QtBot, layout: Layout) -> None:
    choice = LayoutChoice(layout, language=lambda: "en")
    changed, refused = QSignalSpy(choice.changed), QSignalSpy(choice.refused)
    choice.toggle_crisis()
    assert flag(choice.in_crisis) and changed.count() == 1 and changed.at(0)[0] is choice.current
    choice.toggle_crisis()
    assert choice.current is layout and not flag(choice.in_crisis)
    assert choice.switch("no_such_layout") is False
    assert choice.current is layout and changed.count() == 2
    assert refused.count() == 1 and str(refused.at(0)[0]).startswith("Cannot switch layout: ")
    choice.next_layout()  # from a layout file of one's own: the first shipped layout
    assert choice.current.path.stem == "cm_residence"
    choice.next_layout()
    assert choice.current.path.stem == "crisis"


# --- status strip ---------------------------------------------------------------------


def test_the_strip_shows_notices_until_they_expire_and_screens_without_an_output(qtbot: QtBot, layout: Layout) -> None:
    clock = Clock()
    window = ScreenWindow(layout.spec.screens[0], TileContext(now=clock), fade_ms=0)
    unplaced = ["screen 'right': output #1 is not connected"]
    board = StatusBoard(clock=clock, data_clock=clock, windows=lambda: [window], language=lambda: "en",
                        unplaced=lambda: unplaced)
    try:
        board.refresh()
        assert "screen 'right': output #1 is not connected" in texts(window)
        assert "Connecting to the central store" in texts(window)  # no snapshot yet: never "all clear"
        board.notify("Refreshing data…", 5)
        assert "Refreshing data…" in texts(window)
        clock.advance(6)
        unplaced.clear()
        board.refresh()
        assert "Refreshing data…" not in texts(window) and "not connected" not in texts(window)
        assert board.store_label() == "—"
        snapshot = synthetic_snapshot()
        board.take(snapshot, TileContext().thresholds)
        assert board.store_label() == snapshot.status.store_url
    finally:
        window.cleanup()


# --- the wiring -----------------------------------------------------------------------


def test_the_controller_wires_commands_to_the_parts(qtbot: QtBot, layout: Layout) -> None:
    clock = Clock()
    controller = WallController(layout, clock=clock, fade_ms=0, screens=lambda: [FakeScreen("A", 0)])
    controller.start()
    try:
        left = controller.screen_windows()[0]
        with qtbot.waitSignal(controller.language_changed) as language:
            controller.perform(Action.NEXT_LANGUAGE)
        assert language.args == ["hi"] and controller.context.language == "hi"
        with qtbot.waitSignal(controller.pages_changed):
            controller.perform(Action.NEXT_PAGE)
        assert controller.current_pages() == {"left+right": 1}  # one monitor: both screens' pages in turn
        assert controller.switch_layout("no_such_layout") is False
        assert any("no_such_layout" in t for t in left.strip.texts())  # refused, said on the strip
        with qtbot.waitSignal(controller.layout_changed) as changed:
            controller.perform(Action.TOGGLE_CRISIS)
        assert changed.args is not None and changed.args[0] == controller.layout.name
        assert controller.language == "hi"  # the operator's choice outlives the layout
        assert all(w.context.language == "hi" for w in controller.screen_windows())
        # a new layout starts on the clock, unstepped (one monitor: every crisis screen in turn, from the first)
        assert list(controller.current_pages().values()) == [0]
    finally:
        controller.shutdown()

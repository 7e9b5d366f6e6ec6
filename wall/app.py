"""The wall process: `run(config) -> exit code`.

Sets up Qt (refusing at once when there is no display, unless it only takes
screenshots: then offscreen), tells systemd when it is up and alive (watchdog.py), the theme and
fonts, loads the layout, starts the data side (backend.py) and the windows
(controller.py), and tears everything down in order on the way out. Bad input — an
invalid layout, an unreadable token file, an unwritable data directory — is one
clear line on stderr and a non-zero exit, never a traceback. `--screenshot DIR`
renders every screen once the first sync has succeeded, writes one PNG (and its
audit JSON) per screen and exits. With `--as-of` / `replay` the data comes from the
local store instead (sync/history.py): the tiles and the status strip take "now"
from the moment shown, while pages turn and notices expire by the real clock
(screenshots take the page that was on screen at that moment).
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .config import WallConfig
from .display import NoDisplay, choose_platform

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
SCREENSHOT_TIMEOUT_S = 60.0
SCREENSHOT_SETTLE_MS = 1200  # let tiles finish coalesced repaints before grabbing

if TYPE_CHECKING:
    from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType
    from PySide6.QtWidgets import QApplication

    from ..sync.history import HistoryService
    from ..sync.snapshot import Snapshot
    from .bridge import SnapshotBridge
    from .config import ControlConfig, PeerConfig
    from .control_panel import ControlPanel
    from .controller import WallController
    from .peers import PeerLink

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def _error(message: str) -> None:
    print(f"cm-wall: error: {message}", file=sys.stderr)


def run(config: WallConfig, *, clock: Clock = utc_now, screenshot_timeout: float = SCREENSHOT_TIMEOUT_S) -> int:
    from .memory import limit_malloc_arenas

    limit_malloc_arenas()  # before any thread allocates: freed memory stays reusable (wall/memory.py)
    try:  # before anything else: a wall with no display to show it on refuses at once
        note = choose_platform(offscreen_ok=config.screenshot_dir is not None)
    except NoDisplay as err:
        print(f"cm-wall: {err}", file=sys.stderr)
        return EXIT_FAILED
    if note:
        print(note, file=sys.stderr)

    from ..layouts.loader import AUTO, LayoutError, auto_layout_name, load_layout
    from ..widgets.look.i18n import LANGUAGES

    if config.language is not None and config.language not in LANGUAGES:
        _error(f"unknown language {config.language!r}: expected one of {', '.join(LANGUAGES)}")
        return EXIT_BAD_INPUT
    layout = None
    if config.layout != AUTO:  # fail fast, before any window exists
        try:
            layout = load_layout(config.layout)
        except LayoutError as err:
            print(f"cm-wall: error: invalid layout\n{err.report()}", file=sys.stderr)
            return EXIT_BAD_INPUT

    from PySide6.QtWidgets import QApplication

    from ..sync.history import HistoryService
    from .backend import BackendError, build_backend
    from .bridge import SnapshotBridge
    from .controller import WallController
    from .idle import BlankingInhibitor, CursorHider, MemoryKeeper
    from .watchdog import ServiceWatchdog, sync_stall_limit

    _route_qt_messages()
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "cm-wall"])
    assert isinstance(app, QApplication)
    _style(app)
    memory = MemoryKeeper()  # before the sync and model threads start: they share its capped arenas
    if layout is None:
        name = auto_layout_name(len(app.screens()))
        log.info("layout: %s (%d screens connected)", name, len(app.screens()))
        try:
            layout = load_layout(name)
        except LayoutError as err:
            print(f"cm-wall: error: invalid layout\n{err.report()}", file=sys.stderr)
            return EXIT_BAD_INPUT

    peer_token = None
    joins_peers = config.peers is not None and config.history_moment is None
    if joins_peers:
        from .peer_server import PeerTokenError, load_peer_token

        assert config.peers is not None
        try:
            peer_token = load_peer_token(config.peers.token_file)
        except PeerTokenError as err:
            _error(str(err))
            return EXIT_BAD_INPUT

    control_token = None
    if config.control is not None and config.screenshot_dir is None:  # a tablet drives a live wall
        from .control_server import ControlTokenError, load_control_token

        try:
            control_token = load_control_token(config.control.token_file)
        except ControlTokenError as err:
            _error(str(err))
            return EXIT_BAD_INPUT

    bridge = SnapshotBridge()
    try:
        backend = build_backend(config, bridge.deliver)
    except BackendError as err:
        _error(str(err))
        return EXIT_BAD_INPUT

    screenshot_mode = config.screenshot_dir is not None
    data_clock = clock
    history_start = config.history_moment
    if history_start is not None:
        def data_clock() -> datetime:  # the moment of the history snapshot on screen
            latest = bridge.latest
            return latest.history.moment if latest is not None and latest.history is not None else history_start

    controller = WallController(
        layout,
        clock=data_clock if screenshot_mode else clock,
        data_clock=data_clock,
        refresh=backend.refresh_now,
        screenshot_dir=config.data_dir / "screenshots",
        language=config.language,
        windowed=config.windowed,
        fade_ms=0 if screenshot_mode else 450,
        screen_outputs=config.screen_outputs,  # this PC's monitor per layout screen (configuration file)
        drill_idle_seconds=config.drill_idle_minutes * 60.0,
    )
    bridge.snapshot_applied.connect(controller.apply_snapshot)
    memory.follow(bridge.snapshot_applied, controller.layout_changed)  # the garbage collector settles on complete data
    controller.quit_confirmed.connect(app.quit)
    backend.want(layout.spec.wants())  # alerts and explanations derived on the sync thread
    controller.layout_changed.connect(lambda _name: backend.want(controller.layout.spec.wants()))
    backend.watch_crisis(layout.spec.crisis.models())  # the home layout's rules, judged on the sync thread
    controller.crisis_recorded.connect(backend.record_crisis)  # written on the sync thread, never here
    controller.crisis_acknowledged.connect(backend.acknowledge_crisis)
    backend.poll_observations_every(layout.spec.sync.poll_observations)  # a crisis layout polls more often
    controller.layout_changed.connect(
        lambda _name: backend.poll_observations_every(controller.layout.spec.sync.poll_observations))
    peers: PeerLink | None = None
    if joins_peers:
        assert config.peers is not None and peer_token is not None
        try:
            peers = join_peers(config.peers, peer_token, controller, backend.catch_up, bridge)
        except OSError as err:
            _error(f"cannot listen for the wall's other PCs on {config.peers.bind}:{config.peers.port}: "
                   f"{err.strerror or err}")
            controller.shutdown()
            backend.stop()
            return EXIT_BAD_INPUT
    control: ControlPanel | None = None
    if control_token is not None:
        assert config.control is not None
        try:
            control = open_control_page(config.control, control_token, controller)
        except OSError as err:
            _error(f"cannot serve the control page on {config.control.bind}:{config.control.port}: "
                   f"{err.strerror or err}")
            if peers is not None:
                peers.stop()
            controller.shutdown()
            backend.stop()
            return EXIT_BAD_INPUT
    clock_watch = None
    if not screenshot_mode and history_start is None:
        from .clock_sync import ClockSyncWatch

        clock_watch = ClockSyncWatch(language=lambda: controller.language)
        clock_watch.condition_changed.connect(controller.status.set_condition)
    cursor = CursorHider()
    inhibitor = BlankingInhibitor()
    watchdog = ServiceWatchdog(backend.heartbeat, stall_after_s=sync_stall_limit(config.deadline))
    outcome = {"code": EXIT_OK}
    if config.drill is not None:
        open_drill_page(config.drill, controller, bridge, outcome)
    job: _SnapshotWaiter | None = None
    restore_signals = _quit_on_signals(app)
    try:
        controller.start()
        memory.start()
        if not screenshot_mode:
            inhibitor.inhibit()
        backend.start()
        if peers is not None:
            peers.start()
        if control is not None:
            control.start()
        if clock_watch is not None:
            clock_watch.start()
        watchdog.start(f"showing {layout.name} on {len(app.screens())} screen(s)")  # READY=1, then WATCHDOG=1
        if screenshot_mode and history_start is not None:
            assert config.screenshot_dir is not None
            assert isinstance(backend.service, HistoryService)  # a moment in history: the history backend
            job = HistoryScreenshotJob(controller, bridge, backend.service, config, screenshot_timeout, outcome)
        elif screenshot_mode:
            assert config.screenshot_dir is not None
            job = ScreenshotJob(controller, bridge, config.screenshot_dir, config.screenshot_stall, outcome,
                                deadline_s=config.screenshot_deadline)
        code = app.exec()
        return outcome["code"] if screenshot_mode else code
    finally:
        watchdog.stop()
        memory.stop()
        restore_signals()
        if job is not None:
            job.stop()
        if clock_watch is not None:
            clock_watch.stop()
        if control is not None:
            control.stop()
        if peers is not None:
            peers.stop()
        controller.shutdown()
        backend.stop()
        cursor.stop()
        inhibitor.release()


def open_drill_page(code: str, controller: WallController, bridge: SnapshotBridge, outcome: dict[str, int]) -> None:
    """--drill: the place's page once the catalog is known; a code the catalog does not
    know ends the run with one line and exit 2 (bad input), not a wall on the wrong page."""
    from PySide6.QtWidgets import QApplication

    def on_snapshot(snapshot: Snapshot) -> None:
        if snapshot.catalog is None:
            return
        bridge.snapshot_applied.disconnect(on_snapshot)
        if not controller.drill.open(code):
            _error(f"--drill {code}: no place of that code in the store's catalog (`main.py catalog` lists them)")
            outcome["code"] = EXIT_BAD_INPUT
            QApplication.exit(EXIT_BAD_INPUT)

    bridge.snapshot_applied.connect(on_snapshot)


def join_peers(config: PeerConfig, token: str, controller: WallController, catch_up: Callable[[], None],
               bridge: SnapshotBridge) -> PeerLink:
    """This PC as one of several driving one wall (README "Several PCs, one wall"): operator
    commands given here go to the peers and theirs are performed here, each PC's data version
    is published and a PC behind a peer polls at once, peers' clocks are compared. Raises
    OSError when the peer port cannot be bound."""
    from .peer_protocol import data_version
    from .peers import PeerLink, PeerSettings, host_name

    settings = PeerSettings(peers=config.peers, port=config.port, token=token, bind=config.bind,
                            wall_id=config.wall_id or host_name())
    link = PeerLink(settings, language=lambda: controller.language, parent=controller)
    controller.command_given.connect(link.broadcast)
    link.adopt_requested.connect(controller.adopt_shared)
    link.command_received.connect(controller.perform_received)
    link.operator_action.connect(controller.perform)
    link.catch_up_requested.connect(catch_up)
    link.condition_changed.connect(controller.status.set_condition)
    link.notice.connect(controller.notify)
    controller.pages.ticked.connect(lambda: link.publish(controller.peer_status()))
    bridge.snapshot_applied.connect(lambda snapshot: link.set_data_version(data_version(snapshot)))
    return link


def open_control_page(config: ControlConfig, token: str, controller: WallController) -> ControlPanel:
    """The tablet's control page (README "A tablet as the remote"): its requests are performed as
    keys are (and so sent to the wall's other PCs), and it is told what the wall shows on every
    tick. Raises OSError when the control port cannot be bound."""
    from .control_panel import ControlPanel, ControlSettings, wall_state

    settings = ControlSettings(port=config.port, token=token, bind=config.bind, lapse_after=config.lease_seconds)
    panel = ControlPanel(settings, lambda: wall_state(controller), parent=controller)
    panel.action_requested.connect(controller.perform)
    panel.place_requested.connect(controller.open_place)
    panel.notice.connect(controller.notify)
    controller.pages.ticked.connect(panel.publish)
    return panel


# Qt messages that say nothing to an operator (the offscreen plugin's size-hint notice).
_QUIET_QT_MESSAGES = ("does not support propagateSizeHints",)


def _route_qt_messages() -> None:
    """Qt's own warnings go to the log (not raw to stderr), minus known noise."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("cmwall.qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if any(noise in message for noise in _QUIET_QT_MESSAGES):
            return
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def _style(app: QApplication) -> None:
    from PySide6.QtGui import QFont

    from ..widgets.look import theme

    font = QFont()
    font.setFamilies(theme.FONT_FAMILIES)
    font.setPixelSize(16)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    app.setApplicationName("CM Wall")
    app.setStyleSheet(theme.stylesheet())


def _quit_on_signals(app: QApplication) -> Callable[[], None]:
    """SIGINT/SIGTERM quit the event loop cleanly (Python handles signals between Qt events)."""
    from PySide6.QtCore import QTimer

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda *_: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)

    def restore() -> None:
        wake.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore


def single_shot(interval_ms: int, slot: Callable[[], object]) -> QTimer:
    """A stopped single-shot timer calling `slot` (screenshot settle and give-up timers)."""
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer


class _SnapshotWaiter:
    """What both screenshot jobs share: a settle and a give-up timer, fed by snapshots."""

    _settle: QTimer
    _timeout: QTimer
    bridge: SnapshotBridge

    def on_snapshot(self, snapshot: Snapshot) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        self._settle.stop()
        self._timeout.stop()
        try:
            self.bridge.snapshot_applied.disconnect(self.on_snapshot)
        except (RuntimeError, TypeError):
            pass


class ScreenshotJob(_SnapshotWaiter):
    """Waits for the first successful sync, lets the tiles settle, writes the PNGs, quits.
    A long first sync is waited for as long as it makes progress (its partial snapshots
    show more rows stored); `timeout_s` without progress, or `deadline_s` in all, ends it."""

    def __init__(self, controller: WallController, bridge: SnapshotBridge, directory: Path, timeout_s: float,
                 outcome: dict[str, int], deadline_s: float | None = None) -> None:
        self.controller = controller
        self.bridge = bridge
        self.directory = directory
        self.outcome = outcome
        self.timeout_s = timeout_s
        self.deadline_s = deadline_s
        self.last_error: str | None = None
        self.rows_so_far = 0  # the long first sync's rows stored, from its partial snapshots
        self.had_data = False  # a snapshot with data (the local store's, or a partial one) was seen
        self.armed = False
        self._settle = single_shot(SCREENSHOT_SETTLE_MS, self.capture)
        from PySide6.QtCore import Qt

        self._timeout = single_shot(int(timeout_s * 1000), self.give_up)  # no progress for this long
        self._timeout.setTimerType(Qt.TimerType.PreciseTimer)  # restarted often: its time left is exact
        self._timeout.start()
        self._deadline = single_shot(int((deadline_s or 0) * 1000), self.past_deadline)
        if deadline_s is not None:
            self._deadline.start()
        bridge.snapshot_applied.connect(self.on_snapshot)

    def on_snapshot(self, snapshot: Snapshot) -> None:
        self.last_error = snapshot.status.last_error or self.last_error
        if not self.armed and snapshot.status.failure_kind in ("auth", "tls"):
            self.refuse(snapshot.status.last_error or "the store refused the wall")
            return
        if snapshot.series and not self.had_data and not self.armed:  # the local store read: progress too
            self.had_data = True
            self._timeout.start()
        progress = snapshot.status.syncing
        if progress is not None:  # part of the data: never the picture, but the sync lives
            if progress.rows > self.rows_so_far and not self.armed:
                self.rows_so_far = progress.rows
                self._timeout.start()  # restarted: wait as long as rows keep coming
            return
        if self.armed or snapshot.status.last_success is None or snapshot.catalog is None:
            return
        self.armed = True
        self._timeout.stop()  # the picture is coming: only the settle is left
        self._deadline.stop()
        self._settle.start()

    def stop(self) -> None:
        self._deadline.stop()
        super().stop()

    def past_deadline(self) -> None:
        from PySide6.QtWidgets import QApplication

        self._settle.stop()
        self._timeout.stop()
        _error(f"the screenshot deadline of {self.deadline_s:g} s passed before the first sync ended"
               f"{self._so_far()}; no screenshots written")
        self.outcome["code"] = EXIT_FAILED
        QApplication.quit()

    def _so_far(self) -> str:
        return f" ({self.rows_so_far:,} rows stored so far)" if self.rows_so_far else ""

    def refuse(self, reason: str) -> None:
        """A refused token or an untrusted certificate will not cure itself before the
        timeout: say so at once, in one line, and exit as for bad input."""
        from PySide6.QtWidgets import QApplication

        self._settle.stop()
        self._timeout.stop()
        _error(f"no screenshots written: {reason}")
        self.outcome["code"] = EXIT_BAD_INPUT
        QApplication.quit()

    def capture(self) -> None:
        from PySide6.QtWidgets import QApplication

        self._timeout.stop()
        self._deadline.stop()
        try:
            paths = self.controller.save_screenshots(self.directory)
        except OSError as err:
            _error(f"cannot write screenshots: {err}")
            self.outcome["code"] = EXIT_FAILED
        else:
            print(f"cm-wall: wrote {len(paths)} screenshot(s) to {self.directory}")
            for path in paths:
                print(f"  {path.name}")
            self.outcome["code"] = EXIT_OK
        QApplication.quit()

    def give_up(self) -> None:
        from PySide6.QtWidgets import QApplication

        self._settle.stop()
        self._deadline.stop()
        reason = f" (last error: {self.last_error})" if self.last_error else ""
        if self.rows_so_far:
            _error(f"the first sync made no progress for {self.timeout_s:g} s{self._so_far()}; "
                   f"no screenshots written{reason}")
        else:
            _error(f"no successful sync within {self.timeout_s:g} s; no screenshots written{reason}")
        self.outcome["code"] = EXIT_FAILED
        QApplication.quit()


HISTORY_STEP_SETTLE_MS = 300  # after the first set: a controller tick turns the page to the moment's


def history_stamp(moment: datetime) -> str:
    """'20261121-1032': the IST moment of a replay screenshot set, as a directory name."""
    from ..sync.period_time import IST

    return moment.astimezone(IST).strftime("%Y%m%d-%H%M%S" if moment.second else "%Y%m%d-%H%M")


class HistoryScreenshotJob(_SnapshotWaiter):
    """`--as-of T --screenshot DIR`: one set of the wall at T into DIR. `replay --screenshot DIR`:
    a set at every `screenshot_every` replayed seconds from --from to --to, each in
    DIR/<YYYYMMDD-HHMM>/, stepped one moment at a time (not in real time), then quit."""

    def __init__(self, controller: WallController, bridge: SnapshotBridge, service: HistoryService, config: WallConfig,
                 timeout_s: float, outcome: dict[str, int]) -> None:
        self.controller = controller
        self.bridge = bridge
        self.service = service
        self.directory = config.screenshot_dir
        self.outcome = outcome
        self.timeout_s = timeout_s
        plan = config.replay
        if plan is None:
            assert config.as_of is not None
            self.moments = [config.as_of]
        else:
            self.moments = plan.moments_every(config.screenshot_every or 60.0 * plan.speed)
        self.index = 0
        self.written: list[Path] = []
        self._settle = single_shot(SCREENSHOT_SETTLE_MS, self.capture)
        self._timeout = single_shot(int(timeout_s * 1000), self.give_up)
        self._timeout.start()
        bridge.snapshot_applied.connect(self.on_snapshot)

    def on_snapshot(self, snapshot: Snapshot) -> None:
        view = snapshot.history
        if view is None or self._settle.isActive() or self.index >= len(self.moments):
            return
        if view.moment != self.moments[self.index]:
            return
        if snapshot.status.local_store_error:
            self.fail(f"cannot read the local store: {snapshot.status.local_store_error}")
            return
        self._settle.start()

    def capture(self) -> None:
        from PySide6.QtWidgets import QApplication

        moment = self.moments[self.index]
        assert self.directory is not None
        target = self.directory if len(self.moments) == 1 else self.directory / history_stamp(moment)
        try:
            self.written += self.controller.save_screenshots(target)
        except OSError as err:
            self.fail(f"cannot write screenshots: {err}")
            return
        self.index += 1
        if self.index < len(self.moments):
            self._timeout.start()  # each step gets the full time
            self._settle.setInterval(HISTORY_STEP_SETTLE_MS)
            self.service.show(self.moments[self.index])
            return
        self._timeout.stop()
        sets = f" in {len(self.moments)} sets" if len(self.moments) > 1 else ""
        print(f"cm-wall: wrote {len(self.written)} screenshot(s){sets} to {self.directory}")
        for path in self.written[:12]:
            print(f"  {path.relative_to(self.directory)}")
        if len(self.written) > 12:
            print(f"  … and {len(self.written) - 12} more")
        self.outcome["code"] = EXIT_OK
        QApplication.quit()

    def fail(self, message: str) -> None:
        from PySide6.QtWidgets import QApplication

        self._settle.stop()
        self._timeout.stop()
        _error(message)
        self.outcome["code"] = EXIT_FAILED
        QApplication.quit()

    def give_up(self) -> None:
        self.fail(f"the local store gave no snapshot within {self.timeout_s:g} s; screenshots incomplete")


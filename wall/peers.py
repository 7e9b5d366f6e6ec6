"""The other PCs of the wall: commands sent and received, data versions and clocks compared.

A part of the running wall (like pages.py or commands.py: it imports no other part).
It runs the peer endpoint (peer_server.py) and, on a pool of worker threads, sends
every operator command given on this PC to the peers and asks each peer for its
status every few seconds. Nothing here blocks the GUI thread: what arrives on the
worker or server threads crosses to the GUI thread through queued signals, like
snapshots do (bridge.py). Out of this part come the shared state to show
(`adopt_requested`: layout, language, rotation newer on a peer), commands to perform
(`command_received` from a peer, `operator_action` given through this PC's endpoint),
a request to poll now when a peer shows other data (`catch_up_requested`), and the
strip's warnings (`condition_changed`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from ..widgets.look.i18n import tr
from .keys import Action
from .peer_protocol import (
    CLOCK_SKEW_WARN_S,
    LOCAL_ONLY,
    STATE_ACTIONS,
    CommandNumbers,
    DataVersion,
    PeerCommand,
    SeenCommands,
    SharedState,
    aspects_of,
    clock_skew,
)
from .peer_server import PeerClient, PeerError, PeerServer

log = logging.getLogger(__name__)

PEER_CHECK_S = 2.0  # peers' data versions and clocks compared this often: well within one poll
PEER_TIMEOUT_S = 2.0
COMMANDS_KEPT = 50  # the last commands performed here, in the status (for the operator and tests)
SEND_FAILED_NOTICE_S = 15.0


def host_name() -> str:
    return socket.gethostname() or "wall-pc"


@dataclass(frozen=True)
class PeerSettings:
    """How this PC joins its wall: whom to tell, where to listen, the shared token."""

    peers: tuple[str, ...]  # the other PCs' peer endpoints, e.g. http://wall-pc-2:8790
    port: int  # 0: any free port (tests)
    token: str
    bind: str = "0.0.0.0"
    wall_id: str = field(default_factory=lambda: host_name())
    timeout: float = PEER_TIMEOUT_S
    check_every: float = PEER_CHECK_S


@dataclass(frozen=True)
class PeerCheck:
    """One peer's answer to a status request (or why there was none)."""

    peer: str
    version: DataVersion | None = None
    skew: float | None = None  # seconds its clock is ahead of ours
    lamport: object = None  # its command clock
    shared: object = None  # its SharedState.to_json()
    error: str | None = None


class PeerLink(QObject):
    """This PC's side of the wall's peer-to-peer talk."""

    adopt_requested = Signal(object)  # {aspect: value} newer on a peer than shown here: show it, do not send on
    command_received = Signal(object)  # an Action without state from a peer, first arrival only: perform it
    operator_action = Signal(object)  # an Action given at this PC through the endpoint: perform and send
    catch_up_requested = Signal()  # a peer polling the same store shows other data: poll now
    condition_changed = Signal(str, object)  # strip warning key, its text or None when it has gone
    notice = Signal(str, float)  # a passing notice for the strip

    _command_arrived = Signal(object)  # from the server's threads
    _operator_arrived = Signal(object)
    _checked = Signal(object)  # list[PeerCheck] from a worker thread
    _send_failed = Signal(object)  # list[str] from a worker thread

    def __init__(self, settings: PeerSettings, language: Callable[[], str] = lambda: "en",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.language = language  # the strip's words
        self.origin = f"{settings.wall_id}/{os.getpid()}-{time.time_ns() // 1_000_000}"  # new on every start
        self.numbers = CommandNumbers(self.origin)
        self.seen = SeenCommands()
        self.shared = SharedState()
        self.version: DataVersion | None = None
        self.version_since: float | None = None  # wall-clock seconds when this PC first showed `version`
        self._state: Mapping[str, Any] = {}
        self._performed: deque[dict[str, Any]] = deque(maxlen=COMMANDS_KEPT)
        self._lock = threading.Lock()  # _state, _performed and version: read by the server's threads
        self._pool = ThreadPoolExecutor(max_workers=max(2, len(settings.peers)), thread_name_prefix="wall-peers")
        self._client = PeerClient(settings.token, settings.timeout)
        self._checking = False
        self.server = PeerServer(settings.bind, settings.port, settings.token, status=self.status,
                                 on_command=self._command_arrived.emit, on_operator=self._operator_arrived.emit)
        queued = Qt.ConnectionType.QueuedConnection
        self._command_arrived.connect(self._on_command, queued)
        self._operator_arrived.connect(self.operator_action, queued)
        self._checked.connect(self._on_checked, queued)
        self._send_failed.connect(self._on_send_failed, queued)
        self._timer = QTimer(self)
        self._timer.setInterval(int(settings.check_every * 1000))
        self._timer.timeout.connect(self.check_peers)

    @property
    def port(self) -> int:
        return self.server.port

    def start(self) -> None:
        self.server.start()
        log.info("peer endpoint on %s:%d; peers: %s", self.settings.bind, self.port,
                 ", ".join(self.settings.peers) or "none")
        self._timer.start()
        self.check_peers()

    def stop(self) -> None:
        self._timer.stop()
        self.server.stop()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._client.close()

    # --- what this PC shows (GUI thread in, server threads out) ------------------------

    def publish(self, state: Mapping[str, Any]) -> None:
        """What the wall shows now (pages, layout, language …), for the status endpoint."""
        with self._lock:
            self._state = dict(state)

    def set_data_version(self, version: DataVersion) -> None:
        with self._lock:
            if version != self.version:
                self.version, self.version_since = version, time.time()

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {"wall_id": self.settings.wall_id, "origin": self.origin, **self._state,
                    "data_version": self.version.to_json() if self.version else None,
                    "data_version_since": self.version_since,
                    "lamport": self.numbers.highest, "shared": self.shared.to_json(),
                    "commands": list(self._performed)}

    # --- commands ---------------------------------------------------------------------

    def broadcast(self, action: Action, state: Mapping[str, Any]) -> None:
        """An operator command performed on this PC, leaving `state`: to every peer, in the background."""
        if action in LOCAL_ONLY:
            return
        command = PeerCommand(self.origin, self.numbers.next(), action, aspects_of(action, state))
        self.seen.first_time(command)
        self.shared.take((command.number, command.origin), command.state)
        self._remember(command)
        if self.settings.peers:
            self._pool.submit(self._send_to_all, command)

    def _send_to_all(self, command: PeerCommand) -> None:
        failures = []
        for peer in self.settings.peers:
            try:
                self._client.send(peer, command)
            except PeerError as err:
                failures.append(str(err))
            except Exception:  # a bug must not silence the other peers
                log.exception("sending to %s failed", peer)
                failures.append(peer)
        if failures:
            self._send_failed.emit(failures)

    @Slot(object)
    def _on_send_failed(self, failures: list[str]) -> None:
        log.warning("command not delivered: %s", "; ".join(failures))
        self.notice.emit(f"{tr('Command not delivered to', self.language())}: {'; '.join(failures)}", SEND_FAILED_NOTICE_S)

    @Slot(object)
    def _on_command(self, command: PeerCommand) -> None:
        if not self.seen.first_time(command):
            log.debug("duplicate command %s #%d ignored", command.origin, command.number)
            return
        self.numbers.observe(command.number)
        self._remember(command)
        fresh = self.shared.take((command.number, command.origin), aspects_of(command.action, command.state))
        if fresh:
            self.adopt_requested.emit(fresh)
        if command.action not in STATE_ACTIONS:
            self.command_received.emit(command.action)

    def _remember(self, command: PeerCommand) -> None:
        with self._lock:
            self._performed.append({"origin": command.origin, "number": command.number, "action": command.action.name})

    # --- data versions and clocks --------------------------------------------------------

    def check_peers(self) -> None:
        """Ask every peer for its status on a worker thread (one round at a time)."""
        if self._checking or not self.settings.peers:
            return
        self._checking = True
        self._pool.submit(self._check_all)

    def _check_all(self) -> None:
        results = []
        for peer in self.settings.peers:
            try:
                document, sent, received = self._client.status(peer)
            except PeerError as err:
                results.append(PeerCheck(peer, error=str(err)))
                continue
            except Exception:  # a bug must not stop the checks for good (`_checking` is reset on the answer)
                log.exception("asking %s for its status failed", peer)
                results.append(PeerCheck(peer, error=peer))
                continue
            peer_time = document.get("time")
            skew = clock_skew(sent, received, peer_time) if isinstance(peer_time, (int, float)) else None
            results.append(PeerCheck(peer, DataVersion.from_json(document.get("data_version")), skew,
                                     document.get("lamport"), document.get("shared")))
        self._checked.emit(results)

    @Slot(object)
    def _on_checked(self, results: list[PeerCheck]) -> None:
        self._checking = False
        for result in results:  # a command missed, or this PC restarted: the newer state shown here too
            self.numbers.observe(result.lamport)
            fresh = self.shared.take_json(result.shared)
            if fresh:
                log.info("taking the wall's %s from %s", ", ".join(fresh), result.peer)
                self.adopt_requested.emit(fresh)
        with self._lock:
            mine = self.version
        if mine is not None and any(mine.behind(r.version) for r in results):
            log.info("a peer shows other data than this PC: polling now")
            self.catch_up_requested.emit()
        unreachable = [r.error for r in results if r.error]
        self.condition_changed.emit("peers", f"{tr('Wall PC not reachable', self.language())}: {'; '.join(unreachable)}"
                                    if unreachable else None)
        skewed = [f"{r.peer} {r.skew:+.1f} s" for r in results if r.skew is not None and abs(r.skew) > CLOCK_SKEW_WARN_S]
        self.condition_changed.emit("peer-clock", f"{tr('Clock differs from wall PC', self.language())}: {', '.join(skewed)}"
                                    if skewed else None)

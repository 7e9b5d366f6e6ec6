"""Is this PC's clock synchronised? Asked of systemd-timesyncd or chrony, off the GUI thread.

Pages turn by the clock (rotation.py) and the PCs of one wall poll at the same
instants (sync/service.py), so a wall PC's clock must follow NTP; the install guide
requires it and the status strip says when it is not so, or when neither
`timedatectl` nor `chronyc` can tell ("unknown" is never shown as "fine").
`time_sync_state()` is the plain check; `ClockSyncWatch` runs it every few minutes
on a worker thread and hands the answer to the GUI thread with a queued signal.
"""

from __future__ import annotations

import logging
import subprocess
import threading
from collections.abc import Callable, Sequence
from typing import Literal

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from ..widgets.look.i18n import tr

log = logging.getLogger(__name__)

SyncState = Literal["synchronised", "not synchronised", "unknown"]
CHECK_EVERY_S = 300.0
COMMAND_TIMEOUT_S = 5.0

Runner = Callable[[Sequence[str]], str | None]  # a command's stdout, None if it could not answer


def run_command(command: Sequence[str]) -> str | None:
    try:
        done = subprocess.run(list(command), capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def time_sync_state(run: Runner = run_command) -> SyncState:
    """systemd's NTPSynchronized, else chrony's tracking (leap status 'Normal' = synchronised)."""
    answer = run(("timedatectl", "show", "-p", "NTPSynchronized", "--value"))
    if answer is not None and answer.strip() in ("yes", "no"):
        return "synchronised" if answer.strip() == "yes" else "not synchronised"
    answer = run(("chronyc", "-c", "tracking"))
    if answer is not None and answer.strip():
        fields = answer.strip().split(",")
        if len(fields) >= 14:  # the last field is the leap status
            return "synchronised" if fields[-1].strip() == "Normal" else "not synchronised"
    return "unknown"


def condition_text(state: SyncState, language: str) -> str | None:
    """The strip's warning for `state`; None when the clock is synchronised."""
    if state == "synchronised":
        return None
    return tr("Clock not synchronised" if state == "not synchronised" else "Clock sync unknown", language)


class ClockSyncWatch(QObject):
    """Checks the clock's sync now and every `every_s` seconds; `condition_changed` on the GUI thread."""

    condition_changed = Signal(str, object)  # "clock", warning text or None
    _answered = Signal(str)

    def __init__(self, language: Callable[[], str], *, run: Runner = run_command, every_s: float = CHECK_EVERY_S,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.run = run
        self.state: SyncState | None = None
        self._answered.connect(self._on_answer, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setInterval(int(every_s * 1000))
        self._timer.timeout.connect(self.check)
        self._busy = False

    def start(self) -> None:
        self.check()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def check(self) -> None:
        if self._busy:
            return
        self._busy = True
        threading.Thread(target=lambda: self._answered.emit(time_sync_state(self.run)), name="clock-sync-check",
                         daemon=True).start()

    @Slot(str)
    def _on_answer(self, state: str) -> None:
        self._busy = False
        if state != self.state:
            log.info("clock sync: %s", state)
        self.state = state  # type: ignore[assignment]  # one of SyncState, from time_sync_state
        self.condition_changed.emit("clock", condition_text(self.state or "unknown", self.language()))

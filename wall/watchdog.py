"""Telling systemd that the wall is up and still alive (sd_notify), for the shipped
`Type=notify` unit with `WatchdogSec=` (docs/deploy/cm-wall.service, docs/install.md).

READY=1 goes once the event loop runs with the windows up, so `systemctl start` and
the boot order wait for a wall that shows something. WATCHDOG=1 then goes every half
watchdog period, from a timer on the GUI thread — a tick proves the event loop runs —
and only while the sync thread's heartbeat (sync/heartbeat.py) is younger than the
stall limit. If either thread hangs, the pings stop and systemd kills and restarts the
wall (Restart=on-failure covers a watchdog timeout). Outside systemd (no
$NOTIFY_SOCKET) it does nothing. The protocol is spoken by `systemd-watchdog`, a small
typed pure-Python library.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import QTimer
from systemd_watchdog.systemd_watchdog import WatchDog

from ..sync.heartbeat import Heartbeat

log = logging.getLogger(__name__)

SYNC_STALL_MIN_S = 120.0


def sync_stall_limit(deadline_s: float) -> float:
    """How long the sync thread may go without a beat before the wall counts as hung.
    It beats around every request, and a request is bounded by the deadline, so a poll
    can spend at most a few deadlines between beats (catalog, a feed page, the ranking)."""
    return max(SYNC_STALL_MIN_S, 3 * deadline_s)


class ServiceWatchdog:
    def __init__(self, sync_heartbeat: Heartbeat | None, *, stall_after_s: float,
                 notifier: WatchDog | None = None) -> None:
        self.notifier = notifier or WatchDog()
        self.sync_heartbeat = sync_heartbeat  # None: nothing polls (--as-of, replay)
        self.stall_after_s = stall_after_s
        self.ticks = 0
        self.pings = 0
        self.stalled = False
        self._send_failed = False
        self._ready = QTimer()
        self._ready.setSingleShot(True)
        self._ready.setInterval(0)  # fires once the event loop runs: the windows are up
        self._tick = QTimer()
        self._tick.setInterval(max(1, int(self.notifier.timeout_td / timedelta(milliseconds=1)) // 2))
        self._tick.timeout.connect(self.tick)

    @property
    def enabled(self) -> bool:
        return self.notifier.is_enabled

    def start(self, status: str) -> None:
        if not self.enabled:
            return
        self._ready.timeout.connect(lambda: self._say(lambda: self._announce(status)))
        self._ready.start()
        self._tick.start()

    def tick(self) -> None:
        """On the GUI thread: ping systemd if the sync thread made progress lately."""
        self.ticks += 1
        age = self.sync_heartbeat.age() if self.sync_heartbeat is not None else 0.0
        if age <= self.stall_after_s:
            if self.stalled:
                log.warning("sync thread progressing again; watchdog pings resumed")
                self.stalled = False
            self.pings += 1
            self._say(self.notifier.notify)
            return
        if not self.stalled:
            self.stalled = True
            message = f"sync thread stalled: no progress for {age:.0f} s; watchdog pings stopped"
            log.error("%s", message)
            self._say(lambda: self.notifier.status(message))

    def stop(self) -> None:
        self._ready.stop()
        self._tick.stop()
        if self.enabled:
            self._say(lambda: self.notifier.status("stopping"))

    def _announce(self, status: str) -> None:
        self.notifier.ready()
        self.notifier.status(status)

    def _say(self, send: Callable[[], None]) -> None:
        try:
            send()
        except OSError as err:  # systemd gone or the socket closed: say it once, keep the wall up
            if not self._send_failed:
                log.warning("cannot notify systemd: %s", err)
            self._send_failed = True

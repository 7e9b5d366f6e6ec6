"""When the sync thread last made progress, for the service watchdog. Qt-free.

A wall whose sync thread hangs keeps painting its last snapshot, so the windows alone
cannot prove the wall is alive. The sync service beats this heartbeat whenever a job
starts or ends, after every feed page it stores, and from a short job of its own while
it is idle; the wall's watchdog (wall/watchdog.py) stops telling systemd "alive" once
the heartbeat is older than its limit. A float written by one thread and read by
another needs no lock in CPython.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Monotonic = Callable[[], float]

BEAT_EVERY_S = 5.0  # the idle sync thread's own beat: well inside any sensible stall limit


class Heartbeat:
    def __init__(self, monotonic: Monotonic = time.monotonic) -> None:
        self.monotonic = monotonic
        self._last = monotonic()

    def beat(self) -> None:
        self._last = self.monotonic()

    def age(self) -> float:
        """Seconds since the last beat."""
        return self.monotonic() - self._last

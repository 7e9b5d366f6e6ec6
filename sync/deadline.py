"""A whole-request deadline for httpx, which has only per-operation timeouts.

httpx's read timeout restarts with every byte, so a store that trickles its headers
or its body a byte at a time is never cut off (encode/httpx#1450). The client checks
the clock after every body chunk, but a read that waits for the next byte cannot
check anything. This watchdog learns the request's socket through httpx's documented
`trace` request extension (the connection events of httpcore) and, when the deadline
passes, shuts that socket down from a timer thread: the blocked read returns at once,
whether it waits for a header byte or a body byte, and the client reports a stall.

`shutdown()` (not `close()`) is what wakes a read blocked in another thread; it is
called through the plain socket type so a TLS socket's own bookkeeping is left alone.
The client opens one connection per request (no keep-alive), so the socket shut down
is never one that a later request could be reusing.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

CONNECTION_EVENTS = frozenset({"connection.connect_tcp.complete", "connection.start_tls.complete"})


class DeadlineWatchdog:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._expired = False
        self._disarmed = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    @property
    def expired(self) -> bool:
        with self._lock:
            return self._expired

    def arm(self) -> None:
        self._timer.start()

    def disarm(self) -> None:
        """The request is over (answered or failed): never touch its socket again."""
        with self._lock:
            self._disarmed = True
            self._socket = None
        self._timer.cancel()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx's `trace` extension: remember the socket as soon as it is connected."""
        if event not in CONNECTION_EVENTS:
            return
        stream = info.get("return_value")
        found = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(found, socket.socket):
            return
        with self._lock:
            if self._disarmed:
                return
            self._socket = found
            late = self._expired
        if late:  # connected only after the deadline passed
            _shut(found)

    def _expire(self) -> None:
        with self._lock:
            if self._disarmed:
                return
            self._expired = True
            found = self._socket
        if found is not None:
            _shut(found)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing to wake
        socket.socket.shutdown(sock, socket.SHUT_RDWR)

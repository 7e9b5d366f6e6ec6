"""The HTTP machinery the wall's own endpoints share — Qt-free, on threads.

The peer endpoint (peer_server.py) and the tablet's control page (control_server.py)
both listen on a `ThreadingHTTPServer` on a thread of its own, never the GUI thread,
answer JSON, check a bearer token in constant time and refuse a body that is too
large or has no honest length. Those rules live here once, so the two endpoints
cannot drift apart. A token is never logged: request lines go to the debug log only,
and a token travels in a header, never in a URL. A client that keeps sending wrong
tokens is refused for a while (`WrongTokenGuard`), so the token cannot be guessed at
the speed of the network.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64_000
WRONG_TOKENS_ALLOWED = 10  # wrong tokens from one address within WRONG_TOKEN_WINDOW_S ...
WRONG_TOKEN_WINDOW_S = 60.0  # ... refuse it, token unread, until that many fall out of the window


class QuietHTTPServer(ThreadingHTTPServer):
    """A client that hung up before its answer (its short timeout ran out, a tablet went to
    sleep) is its business: a line in the debug log, not a traceback on stderr."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("endpoint: request from %s failed", client_address, exc_info=True)


def bearer_matches(header: str, token: str) -> bool:
    """`Authorization: Bearer <token>`, compared in constant time."""
    return hmac.compare_digest(header.encode("utf-8"), f"Bearer {token}".encode())


class WrongTokenGuard:
    """Counts wrong tokens per client address; thread-safe (each request has its thread).

    After `allowed` wrong tokens within `window_s` seconds an address is refused without
    its token being read until the oldest of them is `window_s` old: a typo or two on a
    tablet costs nothing, a script trying tokens gets 10 a minute. A right token clears
    the address's count."""

    def __init__(self, endpoint_name: str, allowed: int = WRONG_TOKENS_ALLOWED, window_s: float = WRONG_TOKEN_WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.endpoint_name = endpoint_name
        self.allowed = allowed
        self.window_s = window_s
        self.clock = clock
        self._lock = threading.Lock()
        self._wrong: dict[str, deque[float]] = {}

    def wait_s(self, address: str) -> float:
        """Seconds `address` must still wait before its token is read again (0: read it now)."""
        with self._lock:
            times = self._recent(address)
            if len(times) < self.allowed:
                return 0.0
            return max(0.0, times[0] + self.window_s - self.clock())

    def wrong(self, address: str) -> None:
        with self._lock:
            times = self._recent(address)
            times.append(self.clock())
            self._wrong[address] = times
            if len(times) == self.allowed:
                log.warning("%s: %d wrong tokens from %s within %g s; refusing it for a while",
                            self.endpoint_name, self.allowed, address, self.window_s)

    def right(self, address: str) -> None:
        with self._lock:
            self._wrong.pop(address, None)

    def _recent(self, address: str) -> deque[float]:
        times = self._wrong.get(address, deque())
        while times and times[0] <= self.clock() - self.window_s:
            times.popleft()
        if not times:
            self._wrong.pop(address, None)  # an address that stopped trying is forgotten
        return times


class JsonHandler(BaseHTTPRequestHandler):
    """A request handler that answers JSON and reads bounded bodies; endpoints subclass it."""

    endpoint_name = "endpoint"  # in the debug log's lines
    extra_headers: tuple[tuple[str, str], ...] = ()  # sent with every answer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug(f"{self.endpoint_name}: " + format, *args)

    def _send(self, code: int, body: bytes, content_type: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in self.extra_headers + headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _answer(self, code: int, document: Mapping[str, Any], headers: tuple[tuple[str, str], ...] = ()) -> None:
        self._send(code, json.dumps(document).encode("utf-8"), "application/json", headers)

    def _token_accepted(self, token: str, guard: WrongTokenGuard, refusal: str) -> bool:
        """True for the right bearer token; else answers 401 with `refusal`, or 429 with
        Retry-After while `guard` refuses this client for its wrong tokens."""
        address = str(self.client_address[0])
        wait = guard.wait_s(address)
        if wait > 0:
            self._answer(429, {"error": "too many wrong tokens; try again later"},
                         (("Retry-After", str(max(1, round(wait)))),))
            return False
        if bearer_matches(self.headers.get("Authorization", ""), token):
            guard.right(address)
            return True
        guard.wrong(address)
        self._answer(401, {"error": refusal})
        return False

    def _body(self) -> bytes | None:
        """The request's body, or None after answering 400 (no honest length) or 413 (too large)."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:  # never a read of "everything until the client hangs up"
            self._answer(400, {"error": "Content-Length must be a whole number of bytes"})
            return None
        if length > MAX_BODY_BYTES:
            self._answer(413, {"error": "too large"})
            return None
        return self.rfile.read(length)


class Endpoint:
    """A `QuietHTTPServer` serving `handler` on a daemon thread of its own."""

    def __init__(self, host: str, port: int, handler: type[BaseHTTPRequestHandler], thread_name: str) -> None:
        self.httpd = QuietHTTPServer((host, port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                       name=thread_name, daemon=True)

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.thread.join(timeout=5)
        self.httpd.server_close()

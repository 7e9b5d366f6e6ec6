"""The HTTP machinery the wall's own endpoints share — Qt-free, on threads.

The peer endpoint (peer_server.py) and the tablet's control page (control_server.py)
both listen on a `ThreadingHTTPServer` on a thread of its own, never the GUI thread,
answer JSON, check a bearer token in constant time and refuse a body that is too
large or has no honest length. Those rules live here once, so the two endpoints
cannot drift apart. A token is never logged: request lines go to the debug log only,
and a token travels in a header, never in a URL.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64_000


class QuietHTTPServer(ThreadingHTTPServer):
    """A client that hung up before its answer (its short timeout ran out, a tablet went to
    sleep) is its business: a line in the debug log, not a traceback on stderr."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("endpoint: request from %s failed", client_address, exc_info=True)


def bearer_matches(header: str, token: str) -> bool:
    """`Authorization: Bearer <token>`, compared in constant time."""
    return hmac.compare_digest(header.encode("utf-8"), f"Bearer {token}".encode())


class JsonHandler(BaseHTTPRequestHandler):
    """A request handler that answers JSON and reads bounded bodies; endpoints subclass it."""

    endpoint_name = "endpoint"  # in the debug log's lines
    extra_headers: tuple[tuple[str, str], ...] = ()  # sent with every answer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug(f"{self.endpoint_name}: " + format, *args)

    def _send(self, code: int, body: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in self.extra_headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _answer(self, code: int, document: Mapping[str, Any]) -> None:
        self._send(code, json.dumps(document).encode("utf-8"), "application/json")

    def _bearer_ok(self, token: str) -> bool:
        return bearer_matches(self.headers.get("Authorization", ""), token)

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

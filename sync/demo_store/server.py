"""Serving the demo store over a real socket, with the standard library only.

A threading wsgiref server: one thread per connection, quiet by default (no line
per request on stderr, which would drown a wall's log over weeks).
`serve_in_thread` is what tests and the wall's "run with the demo store" mode use;
`serve_forever` is the blocking form for the command line.
"""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .app import DemoStoreApp
from .live_store import LiveStore


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


class _LoggingHandler(WSGIRequestHandler):
    pass


def make_demo_server(store: LiveStore, host: str = "127.0.0.1", port: int = 0, quiet: bool = True) -> WSGIServer:
    handler = _QuietHandler if quiet else _LoggingHandler
    return make_server(host, port, DemoStoreApp(store), server_class=_ThreadingWSGIServer, handler_class=handler)


def _url(server: WSGIServer, host: str) -> str:
    port = server.server_address[1]
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


@dataclass
class RunningServer:
    """A demo store served from a background thread."""

    url: str
    server: WSGIServer
    thread: threading.Thread
    store: LiveStore
    _stopped: bool = field(default=False, repr=False)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def stop(self) -> None:
        """Stop serving, close the socket and join the thread (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_in_thread(store: LiveStore, host: str = "127.0.0.1", port: int = 0, quiet: bool = True) -> RunningServer:
    """Serve `store` on host:port (0 = a free port) from a daemon thread."""
    server = make_demo_server(store, host, port, quiet)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="demo-store", daemon=True
    )
    thread.start()
    return RunningServer(_url(server, host), server, thread, store)


def serve_forever(store: LiveStore, host: str = "127.0.0.1", port: int = 0, quiet: bool = True,
                  on_ready: Any = None) -> None:
    """Serve until interrupted; `on_ready(url)` is called once the socket is listening."""
    server = make_demo_server(store, host, port, quiet)
    try:
        if on_ready is not None:
            on_ready(_url(server, host))
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()

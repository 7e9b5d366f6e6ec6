"""A small API v1 store on loopback that misbehaves on request, for fault tests.

A real HTTP server (standard library, one thread per connection), so the client's
sockets, timeouts, streaming and TLS are exercised as they are against a real store;
httpx's MockTransport would skip exactly the parts that fail in the field. It serves
a tiny catalog (tests/store_fakes.py), an observations feed paged by a numeric cursor,
and a ranking, each with an ETag. A test queues faults per path: an HTTP status, a
silent connection, a reset, a truncated or non-JSON body, a body trickled one byte at
a time (or its headers), a huge body, an older cursor, a 304 without an ETag. Each fault lasts for
`times` requests (None: until `clear`). `TlsFiles` makes a throwaway self-signed
certificate with the openssl command line.
"""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from .store_fakes import CATALOG, observation

CATALOG_PATH = "/v1/catalog"
OBSERVATIONS_PATH = "/v1/observations"
RANKING_PATH = "/v1/rankings"

FaultKind = Literal["status", "silence", "reset", "truncate", "not_json", "trickle", "trickle_headers", "huge",
                    "huge_declared", "older_cursor", "not_modified"]


@dataclass
class Fault:
    kind: FaultKind
    times: int | None = 1  # requests it affects; None: until cleared
    status: int = 500  # "status": the code sent
    interval: float = 2.0  # "trickle": seconds between bytes
    size_mb: float = 200.0  # "huge": how much is sent (chunked, no Content-Length)
    hold: float = 30.0  # "silence": how long the connection is held without an answer


def ranking_doc(period: str = "2026-10", revision: str = "r-1") -> dict[str, Any]:
    return {"revision": revision, "period": period, "computed_at": "2026-11-03T13:00:00+05:30",
            "rows": [{"entity": "438", "score": 8.2, "rank": 1, "grade": "A", "marks": {"PMJAY.CARDS": 8.2}},
                     {"entity": "439", "score": 6.1, "rank": 2, "grade": "B", "marks": {"PMJAY.CARDS": 6.1}}]}


@dataclass
class FaultStore:
    """The documents served and the faults queued; shared with the server's threads."""

    catalog: dict[str, Any] = field(default_factory=lambda: dict(CATALOG))
    observations: list[dict[str, Any]] = field(default_factory=lambda: [
        observation("438", 82.4, "2026-09"), observation("439", 61.0, "2026-09"),
        observation("438", 84.0), observation("439", 63.5)])
    ranking: dict[str, Any] | None = field(default_factory=ranking_doc)
    page_limit: int = 2  # the store's own cap on a page, so a feed takes several pages
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    faults: dict[str, deque[Fault]] = field(default_factory=dict)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, path: str, fault: Fault) -> None:
        with self.lock:
            self.faults.setdefault(path, deque()).append(fault)

    def clear(self, path: str | None = None) -> None:
        with self.lock:
            if path is None:
                self.faults.clear()
            else:
                self.faults.pop(path, None)

    def add_observation(self, entity: str, value: float, period: str = "2026-10") -> None:
        with self.lock:
            self.observations.append(observation(entity, value, period))

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for p, _ in self.requests if p == path)

    def take(self, path: str, query: dict[str, str]) -> Fault | None:
        """Log the request; the fault to apply to it, if any."""
        with self.lock:
            self.requests.append((path, query))
            queue = self.faults.get(path)
            if not queue:
                return None
            fault = queue[0]
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    queue.popleft()
            return fault

    def document(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any] | None, str | None]:
        """(status, body, ETag) of a well-behaved answer."""
        with self.lock:
            if path == CATALOG_PATH:
                return 200, self.catalog, f'"{self.catalog["revision"]}"'
            if path == OBSERVATIONS_PATH:
                start = int(query.get("since") or 0)
                end = min(len(self.observations), start + min(int(query.get("limit", 5000)), self.page_limit))
                page = {"cursor": str(end), "more": end < len(self.observations),
                        "observations": self.observations[start:end]}
                return 200, page, None
            if path == RANKING_PATH:
                if self.ranking is None or query.get("period", self.ranking["period"]) != self.ranking["period"]:
                    return 404, {"error": "no ranking"}, None
                return 200, self.ranking, f'"{self.ranking["revision"]}"'
            return 404, {"error": "unknown path"}, None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        store = self.server.store
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        fault = store.take(url.path, query)
        self.close_connection = True
        try:
            self._answer(store, url.path, query, fault)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, TimeoutError):
            pass  # the client gave up (deadline, size cap): that is what is being tested

    def _answer(self, store: FaultStore, path: str, query: dict[str, str], fault: Fault | None) -> None:
        status, doc, etag = store.document(path, query)
        if fault is None:
            if etag is not None and self.headers.get("If-None-Match") == etag:
                self._head(304, {"ETag": etag, "Content-Length": "0"})
                return
            self._send(status, json.dumps(doc).encode(), etag)
            return
        body = json.dumps(doc).encode()
        if fault.kind == "status":
            self._send(fault.status, b'{"error": "injected"}', None)
        elif fault.kind == "silence":
            store.stopping.wait(fault.hold)
        elif fault.kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        elif fault.kind == "truncate":
            self._head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))})
            self.wfile.write(body[: len(body) // 2])
        elif fault.kind == "not_json":
            self._send(200, b"<html><body>Proxy login required</body></html>", None, "text/html")
        elif fault.kind == "trickle":
            self._head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))})
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                if store.stopping.wait(fault.interval):
                    return
        elif fault.kind == "trickle_headers":  # the status line at once, then headers a byte at a time
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for byte in b"X-Padding: " + b"x" * 500 + b"\r\n":
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                if store.stopping.wait(fault.interval):
                    return
        elif fault.kind == "huge":
            self._head(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
            chunk = b" " * (1024 * 1024)
            for _ in range(int(fault.size_mb)):
                if store.stopping.is_set():
                    return
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        elif fault.kind == "huge_declared":
            self._head(200, {"Content-Type": "application/json",
                             "Content-Length": str(int(fault.size_mb * 1024 * 1024))})
        elif fault.kind == "older_cursor":
            assert doc is not None
            self._send(200, json.dumps({**doc, "cursor": "0", "more": True}).encode(), None)
        elif fault.kind == "not_modified":
            self._head(304, {"Content-Length": "0"})  # no ETag, whatever was asked

    def _head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()

    def _send(self, status: int, body: bytes, etag: str | None, content_type: str = "application/json") -> None:
        headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
        if etag is not None:
            headers["ETag"] = etag
        self._head(status, headers)
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    store: FaultStore

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # refused handshakes and dropped clients are the point here, not noise


@dataclass
class RunningFaultStore:
    url: str
    store: FaultStore
    server: _Server
    thread: threading.Thread

    def stop(self) -> None:
        self.store.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve_faults(store: FaultStore | None = None, tls: TlsFiles | None = None) -> RunningFaultStore:
    """Serve `store` on a free loopback port, over TLS with `tls`'s certificate if given."""
    store = store or FaultStore()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.store = store
    scheme = "http"
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls.certificate, tls.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
                              name="fault-store")
    thread.start()
    return RunningFaultStore(f"{scheme}://127.0.0.1:{server.server_address[1]}", store, server, thread)


def refused_url() -> str:
    """A loopback URL where nothing listens: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@dataclass(frozen=True)
class TlsFiles:
    certificate: Path
    key: Path

    @classmethod
    def self_signed(cls, directory: Path) -> TlsFiles:
        """A throwaway certificate for 127.0.0.1 that no CA vouches for."""
        cert, key = directory / "store.pem", directory / "store.key"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True,
        )
        return cls(cert, key)

"""The store both walls poll in bench_browser_compare.py, with the browser wall's files.

One process serves the demo central store's API v1 (Gujarat profile) and, beside it,
the static files of the Chromium + ECharts dashboard (bench/browser_wall/), so the
browser loads its pages from the store's own origin: no CORS, no proxy, no flag that
disables the browser's security. A real portal would serve its dashboard the same way.

`--at-rest` (the benchmark's default) stops the store's clock at start: every poll
after the first is answered 304 by both walls, which is what "at rest" means in
issue 12. Without it the store moves with the system clock, as the demo store does.
Nothing is downloaded: the files served are the ones on disk.

    python bench/browser_wall/serve.py --static DIR [--port 0] [--at-rest]

Prints `READY <url>` once listening.
"""

from __future__ import annotations

import argparse
import mimetypes
import socketserver
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cmwall.sync.demo_store.app import DemoStoreApp
from cmwall.sync.demo_store.store import DemoStore


class _Threading(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        pass


def static_and_store(store_app: DemoStoreApp, root: Path) -> Callable[..., Iterable[bytes]]:
    """API v1 from the demo store; every other path a file under `root`."""
    root = root.resolve()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/") or "/"
        if path.startswith("/v1/") or path == "/healthz":
            return store_app(environ, start_response)
        file = (root / path.lstrip("/")).resolve()
        if path.endswith("/"):
            file = file / "index.html"
        if root not in file.parents or not file.is_file():
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        body = file.read_bytes()
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--static", type=Path, required=True, help="the browser wall's files")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--at-rest", action="store_true", help="stop the store's clock at start (every later poll: 304)")
    args = parser.parse_args()
    if args.at_rest:
        frozen = datetime.now(UTC)
        store = DemoStore(clock=lambda: frozen)
    else:
        store = DemoStore()
    server = make_server("127.0.0.1", args.port, static_and_store(DemoStoreApp(store), args.static),
                         server_class=_Threading, handler_class=_Quiet)
    print(f"READY http://127.0.0.1:{server.server_port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()

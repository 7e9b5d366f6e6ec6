"""The demo store as a WSGI application: routing, auth, ETags, errors.

WSGI keeps the store testable in-process (httpx.WSGITransport) and servable by
the standard library's threaded server (server.py) with no extra dependency.
Every GET answers JSON with a strong ETag (a hash of the body); a matching
If-None-Match gets 304 with an empty body. With a token configured, every /v1/
request needs `Authorization: Bearer <token>` (401 otherwise); /healthz is open
so a supervisor can probe the process without the secret.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import orjson

from .live_store import BadRequest, LiveStore, Resource

StartResponse = Callable[..., Any]
JSON = "application/json; charset=utf-8"

_REASONS = {
    200: "200 OK", 304: "304 Not Modified", 400: "400 Bad Request", 401: "401 Unauthorized",
    404: "404 Not Found", 405: "405 Method Not Allowed", 500: "500 Internal Server Error",
    503: "503 Service Unavailable",
}


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    return any(tag.strip() == etag for tag in header.split(","))


class DemoStoreApp:
    """WSGI callable serving API v1 from a demo store of any profile."""

    def __init__(self, store: LiveStore) -> None:
        self.store = store

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "") or "/"
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        try:
            if method not in ("GET", "HEAD"):
                return self._error(start_response, 405, "only GET is supported", [("Allow", "GET, HEAD")])
            if path == "/healthz":
                resource = self.store.health()
            else:
                if not self.store.check_token(environ.get("HTTP_AUTHORIZATION")):
                    return self._error(
                        start_response, 401, "missing or wrong bearer token", [("WWW-Authenticate", "Bearer")]
                    )
                found = self._route(path, query)
                if found is None:
                    what = "no ranking to publish" if path.rstrip("/") == "/v1/rankings" else f"no such resource: {path}"
                    return self._error(start_response, 404, what)
                resource = found
        except BadRequest as exc:
            return self._error(start_response, 400, str(exc))
        except ImportError as exc:  # the ranking engine is not installed
            return self._error(start_response, 503, f"ranking engine unavailable: {exc}")
        headers = [("ETag", resource.etag), ("Cache-Control", "no-cache")]
        if _etag_matches(environ.get("HTTP_IF_NONE_MATCH"), resource.etag):
            start_response(_REASONS[304], headers)
            return [b""]
        headers += [("Content-Type", JSON), ("Content-Length", str(len(resource.body)))]
        start_response(_REASONS[200], headers)
        return [b""] if method == "HEAD" else [resource.body]

    def _route(self, path: str, query: dict[str, list[str]]) -> Resource | None:
        path = path.rstrip("/")

        def one(name: str) -> str | None:
            values = query.get(name)
            if not values:
                return None
            if len(values) > 1:
                raise BadRequest(f"{name} given more than once")
            return values[0]

        if path == "/v1/catalog":
            return self.store.catalog()
        if path == "/v1/observations":
            return self.store.observations(since=one("since"), limit=one("limit"))
        if path == "/v1/rankings":
            return self.store.ranking(one("period"))
        return None

    @staticmethod
    def _error(
        start_response: StartResponse, status: int, message: str, extra: list[tuple[str, str]] | None = None
    ) -> Iterable[bytes]:
        body = orjson.dumps({"error": message, "status": status})
        headers = [("Content-Type", JSON), ("Content-Length", str(len(body)))] + (extra or [])
        start_response(_REASONS[status], headers)
        return [body]

"""HTTP client for the central store's API v1.

One code path for every store the wall talks to — a state's remote store or the
embedded demo store on loopback. It sends the bearer token (never logging it),
verifies TLS by default, remembers ETags so unchanged documents cost a 304, and
validates every body against the contract before anything else sees it. Every
failure becomes a `StoreError` whose message is fit for the status strip.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from .contract import Catalog, ObservationPage, Ranking

log = logging.getLogger(__name__)

DocT = TypeVar("DocT", bound=BaseModel)


class StoreError(Exception):
    """A poll that failed; `str()` is a one-line, human-readable reason."""


class StoreUnreachable(StoreError):
    """Network trouble: refused, timed out, DNS, TLS."""


class StoreRejected(StoreError):
    """The store answered, but not with 2xx/304 (e.g. 401, 500)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class StoreContractError(StoreError):
    """The store answered 2xx with a body that does not match API v1."""


@dataclass(frozen=True)
class Fetched(Generic[DocT]):
    """A validated document, or `doc is None` when the store said 304."""

    doc: DocT | None
    etag: str | None

    @property
    def not_modified(self) -> bool:
        return self.doc is None


class StoreClient:
    """A synchronous API v1 client; safe to use from one worker thread at a time."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = 10.0,
        verify: bool | str = True,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Accept": "application/json", "User-Agent": "cm-wall/0.1"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout),
            verify=verify,
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> StoreClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- documents -------------------------------------------------------------

    def get_catalog(self, etag: str | None = None) -> Fetched[Catalog]:
        return self._get("/v1/catalog", Catalog, etag=etag)

    def get_observations(self, since: str | None, limit: int = 5000) -> ObservationPage:
        params: dict[str, str | int] = {"limit": limit}
        if since is not None:
            params["since"] = since
        fetched = self._get("/v1/observations", ObservationPage, params=params)
        assert fetched.doc is not None  # no ETag sent, so never a 304
        return fetched.doc

    def get_ranking(self, period: str | None = None, etag: str | None = None) -> Fetched[Ranking] | None:
        """The store's published ranking, or None when it has none (404)."""
        params: dict[str, str | int] | None = {"period": period} if period else None
        try:
            return self._get("/v1/rankings", Ranking, params=params, etag=etag)
        except StoreRejected as err:
            if err.status == 404:
                return None
            raise

    def fetch_catalog(self) -> Catalog:
        fetched = self.get_catalog()
        assert fetched.doc is not None
        return fetched.doc

    def iter_observation_pages(self, since: str | None = None, limit: int = 5000) -> Iterator[ObservationPage]:
        """Follow the cursor until the store says there is no more."""
        while True:
            page = self.get_observations(since, limit)
            yield page
            if not page.more or page.cursor == since:
                return
            since = page.cursor

    # --- plumbing ----------------------------------------------------------------

    def _get(
        self,
        path: str,
        model: type[DocT],
        *,
        params: dict[str, str | int] | None = None,
        etag: str | None = None,
    ) -> Fetched[DocT]:
        headers = {"If-None-Match": etag} if etag else None
        try:
            response = self._http.get(path, params=params, headers=headers)
        except httpx.TimeoutException:
            raise StoreUnreachable(f"{self.base_url}{path}: timed out") from None
        except httpx.HTTPError as err:
            raise StoreUnreachable(f"{self.base_url}{path}: {_reason(err)}") from None
        if response.status_code == 304 and etag:
            return Fetched(None, etag)
        if not 200 <= response.status_code < 300:
            raise StoreRejected(
                f"{self.base_url}{path}: HTTP {response.status_code} {response.reason_phrase}".rstrip(),
                response.status_code,
            )
        try:
            doc = model.model_validate(json.loads(response.content))
        except json.JSONDecodeError as err:
            raise StoreContractError(f"{path}: body is not JSON ({err.msg} at {err.pos})") from None
        except ValidationError as err:
            raise StoreContractError(f"{path}: {_first_problem(err)}") from None
        return Fetched(doc, response.headers.get("ETag"))


def _reason(err: httpx.HTTPError) -> str:
    text = str(err) or type(err).__name__
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "TLS certificate not trusted"
    if isinstance(err, httpx.ConnectError):
        return f"cannot connect ({text})"
    return text


def _first_problem(err: ValidationError) -> str:
    """A one-line account of a contract violation: count, first field path, message."""
    problems = err.errors()
    first = problems[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"does not match API v1: {where}: {first['msg']}{more}"

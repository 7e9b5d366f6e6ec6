"""HTTP client for the central store's API v1.

One code path for every store the wall talks to — a state's remote store or the
embedded demo store on loopback. It sends the bearer token (never logging it),
verifies TLS by default, remembers ETags so unchanged documents cost a 304, and
validates every body against the contract before anything else sees it. Every
failure becomes a `StoreError` whose message is fit for the status strip, and
whose `kind` lets the wall name it (outage, stall, refused token, untrusted TLS …).

httpx's timeouts are per network operation, not per request: a store that sends
one byte every few seconds would never time out. So every response is streamed,
each request carries a whole-request deadline (checked after every chunk; a read
still waiting on a trickle when it passes is woken by sync/deadline.py), and a body
is refused once it passes a size cap,
so neither time nor memory depends on the store behaving.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Generic, Literal, TypeVar, overload

import httpx
from pydantic import BaseModel, ValidationError

from .contract import Catalog, Ranking
from .deadline import DeadlineWatchdog
from .page_parsing import PageContractError, ReceivedPage, parse_observation_page

log = logging.getLogger(__name__)

DocT = TypeVar("DocT", bound=BaseModel)

DEFAULT_TIMEOUT_S = 10.0  # each network wait (connect, each read)
DEFAULT_DEADLINE_S = 30.0  # the whole request, first byte sent to last byte read
DEFAULT_MAX_BODY_MB = 64.0  # a catalog or an observations page larger than this is refused
MEGABYTE = 1024 * 1024

# What went wrong, for the wall to word: see the StoreError subclasses below.
FailureKind = Literal["error", "unreachable", "stalled", "tls", "rejected", "auth", "contract", "too_large"]


class StoreError(Exception):
    """A poll that failed; `str()` is a one-line, human-readable reason."""

    kind: FailureKind = "error"


class StoreUnreachable(StoreError):
    """Network trouble: refused, timed out, DNS, connection dropped."""

    kind: FailureKind = "unreachable"


class StoreStalled(StoreUnreachable):
    """The store answered too slowly: the whole-request deadline passed."""

    kind: FailureKind = "stalled"


class StoreCertificateUntrusted(StoreUnreachable):
    """The store's TLS certificate could not be verified (wrong CA, self-signed, wrong name)."""

    kind: FailureKind = "tls"


class StoreRejected(StoreError):
    """The store answered, but not with 2xx/304 (e.g. 404, 500)."""

    kind: FailureKind = "rejected"

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class StoreAuthRefused(StoreRejected):
    """401 or 403: the store refused the bearer token (missing, wrong, expired)."""

    kind: FailureKind = "auth"


class StoreContractError(StoreError):
    """The store answered 2xx with a body that does not match API v1."""

    kind: FailureKind = "contract"


class StoreBodyTooLarge(StoreContractError):
    """The body passed the size cap; it was not read further."""

    kind: FailureKind = "too_large"


@dataclass(frozen=True)
class Body:
    """A document's raw bytes as received (`content is None` when the store said 304)."""

    content: bytes | None
    etag: str | None


@dataclass(frozen=True)
class Fetched(Generic[DocT]):
    """A validated document, or `doc is None` when the store said 304."""

    doc: DocT | None
    etag: str | None

    @property
    def not_modified(self) -> bool:
        return self.doc is None


def _tls_context(base_url: str, verify: bool | str) -> ssl.SSLContext | bool:
    """What the client verifies TLS with. A CA bundle path becomes an SSL context (httpx
    deprecates verify=<path>). A plain-HTTP store is the only host the client ever talks to
    (it follows no redirect), so it never opens TLS: it gets a context that verifies and
    trusts nothing, instead of the default one holding the whole CA bundle (~0.7 MB, kept
    for the wall's life: issue 12's memory at rest)."""
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    if verify and httpx.URL(base_url).scheme == "http":
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verify_mode CERT_REQUIRED, check_hostname: nothing passes
    return verify


class StoreClient:
    """A synchronous API v1 client; safe to use from one worker thread at a time."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
        deadline: float = DEFAULT_DEADLINE_S,
        max_body_mb: float = DEFAULT_MAX_BODY_MB,
        verify: bool | str = True,
        transport: httpx.BaseTransport | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        headers = {"Accept": "application/json", "User-Agent": "cm-wall/0.1"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.deadline = deadline
        self.max_body_mb = max_body_mb
        self._monotonic = monotonic
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout),
            verify=_tls_context(self.base_url, verify),
            transport=transport,
            follow_redirects=False,
            # One connection per request, so the deadline watchdog (sync/deadline.py) can
            # only ever shut down the socket of the request it guards.
            limits=httpx.Limits(max_keepalive_connections=0),
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

    @overload
    def get_observations(self, since: str | None, limit: int = 5000, etag: None = None) -> ReceivedPage: ...

    @overload
    def get_observations(self, since: str | None, limit: int = 5000, *, etag: str | None) -> ReceivedPage | None: ...

    def get_observations(self, since: str | None, limit: int = 5000, etag: str | None = None) -> ReceivedPage | None:
        """The page after `since`, with its ETag. With `etag` — the ETag of an earlier answer
        to the same `since` and `limit` — a 304 comes back as None: that answer still holds."""
        params: dict[str, str | int] = {"limit": limit}
        if since is not None:
            params["since"] = since
        body = self._get_body("/v1/observations", params=params, etag=etag)
        if body.content is None:  # 304: only ever when an ETag was sent
            return None
        try:  # rows that break API v1 are set aside one by one; a broken envelope refuses the page
            page = parse_observation_page(body.content)
        except PageContractError as err:
            raise StoreContractError(f"/v1/observations: {err}") from None
        return replace(page, etag=body.etag) if body.etag else page

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

    def iter_observation_pages(
        self, since: str | None = None, limit: int = 5000, etag: str | None = None
    ) -> Iterator[ReceivedPage]:
        """Follow the cursor until the store says there is no more. A store whose cursor
        comes back to one already followed would be paged forever: that is refused.

        `etag` goes with the first request only (it is the ETag of an earlier answer to
        `since`); a 304 to it yields no page at all: nothing new, at the cost of one 304."""
        followed = {since}
        while True:
            page = self.get_observations(since, limit, etag=etag)
            if page is None:
                return
            etag = None
            if page.more and page.cursor in followed:
                raise StoreContractError(
                    f"/v1/observations: cursor went back to {page.cursor[:40]!r} after {str(since)[:40]!r}; "
                    "paging stopped")
            yield page
            if not page.more:
                return
            followed.add(page.cursor)
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
        body = self._get_body(path, params=params, etag=etag)
        if body.content is None:
            return Fetched(None, body.etag)
        return Fetched(validate_document(path, model, body.content), body.etag)

    def _get_body(self, path: str, *, params: dict[str, str | int] | None = None, etag: str | None = None) -> Body:
        """The raw body of a 2xx answer within the deadline and the size cap (None on 304)."""
        headers = {"If-None-Match": etag} if etag else None
        where = f"{self.base_url}{path}"
        started = self._monotonic()
        watchdog = DeadlineWatchdog(self.deadline)  # wakes a read that waits for a trickle
        watchdog.arm()
        try:
            with self._http.stream("GET", path, params=params, headers=headers,
                                   timeout=self._network_timeout(), extensions={"trace": watchdog.trace}) as response:
                try:
                    if response.status_code == 304 and etag:
                        return Body(None, etag)
                    if not 200 <= response.status_code < 300:
                        raise _refusal(where, response)
                    content = self._read_capped(where, response, started)
                    return Body(content, response.headers.get("ETag"))
                finally:
                    watchdog.disarm()  # before the connection closes
        except httpx.TimeoutException:
            if watchdog.expired or self._monotonic() - started >= self.deadline:
                raise self._stalled(where) from None
            raise StoreUnreachable(f"{where}: timed out") from None
        except httpx.HTTPError as err:
            if watchdog.expired:  # the watchdog cut the connection
                raise self._stalled(where) from None
            raise _network_failure(where, err) from None
        finally:
            watchdog.disarm()

    def _network_timeout(self) -> httpx.Timeout:
        """Each network wait is capped by the per-read timeout and by the deadline."""
        return httpx.Timeout(min(self.timeout, self.deadline))

    def _read_capped(self, where: str, response: httpx.Response, started: float) -> bytes:
        """The body chunk by chunk: refused past the size cap, cut at the deadline."""
        limit = int(self.max_body_mb * MEGABYTE)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large(where)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():  # decoded: a compressed bomb counts at its real size
            size += len(chunk)
            if size > limit:
                raise self._too_large(where)
            chunks.append(chunk)
            if self._monotonic() - started >= self.deadline:
                raise self._stalled(where)
        return b"".join(chunks)

    def _stalled(self, where: str) -> StoreStalled:
        return StoreStalled(f"{where}: no complete answer within {self.deadline:g} s (store stalling)")

    def _too_large(self, where: str) -> StoreBodyTooLarge:
        return StoreBodyTooLarge(f"{where}: refused: body larger than {self.max_body_mb:g} MB")


def validate_document(path: str, model: type[DocT], content: bytes) -> DocT:
    """`content` parsed and checked against API v1; a StoreContractError in one line if it is not."""
    try:
        # Straight from the bytes: a ranking at 3,400 KPIs holds ~340,000 marks, and a dict tree
        # of them first would cost ~30 MB more at the sync's peak.
        return model.model_validate_json(content)
    except ValidationError as err:
        if not any(problem["type"] == "json_invalid" for problem in err.errors()):
            raise StoreContractError(f"{path}: {_first_problem(err)}") from None
    try:  # not JSON to pydantic's parser: the standard library's reads it (a lone surrogate) or says why not
        return model.model_validate(json.loads(content))
    except json.JSONDecodeError as err:
        raise StoreContractError(f"{path}: body is not JSON ({err.msg} at {err.pos})") from None
    except UnicodeDecodeError as err:
        raise StoreContractError(f"{path}: body is not JSON (not UTF-8 at byte {err.start})") from None
    except ValidationError as err:
        raise StoreContractError(f"{path}: {_first_problem(err)}") from None


def _refusal(where: str, response: httpx.Response) -> StoreRejected:
    status = response.status_code
    if status in (401, 403):
        return StoreAuthRefused(f"{where}: store refused the token (HTTP {status})", status)
    return StoreRejected(f"{where}: HTTP {status} {response.reason_phrase}".rstrip(), status)


def _network_failure(where: str, err: httpx.HTTPError) -> StoreUnreachable:
    untrusted = _certificate_problem(err)
    if untrusted is not None:
        return StoreCertificateUntrusted(
            f"{where}: store's TLS certificate is not trusted ({untrusted}) — check --ca-bundle")
    return StoreUnreachable(f"{where}: {_reason(err)}")


def _certificate_problem(err: BaseException) -> str | None:
    """The verifier's complaint when `err` comes from a certificate that failed verification."""
    seen: BaseException | None = err
    for _ in range(10):  # a chain of causes is short; never follow a loop
        if seen is None:
            break
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen.verify_message or "verification failed"
        seen = seen.__cause__ or seen.__context__
    return "verification failed" if "CERTIFICATE_VERIFY_FAILED" in str(err) else None


def _reason(err: httpx.HTTPError) -> str:
    text = str(err) or type(err).__name__
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

"""The peer endpoint of one wall PC, and the client that talks to the others' — Qt-free, on threads.

Every wall process of a multi-PC wall listens on its peer port (a `ThreadingHTTPServer`
on its own thread, never the GUI thread) for:

- `GET  /v1/peer/status`   what this PC shows now: pages, layout, language, data version, clock;
- `POST /v1/peer/command`  a `PeerCommand` from another PC of the wall: performed here, not sent on;
- `POST /v1/peer/operator` `{"action": NAME}`: an operator command given at this PC (a control
  page, a script): performed here and sent to every peer, as a key on this PC would be.

Every request needs the wall's peer token as a bearer token (compared in constant
time); the token is never logged. What arrives is handed to callbacks, which the Qt
side turns into queued signals.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx

from ..sync.token import TokenError, load_secret
from .http_endpoint import Endpoint, JsonHandler, WrongTokenGuard
from .keys import Action
from .peer_protocol import PeerCommand, PeerMessageError, decode_command

log = logging.getLogger(__name__)

STATUS_PATH = "/v1/peer/status"
COMMAND_PATH = "/v1/peer/command"
OPERATOR_PATH = "/v1/peer/operator"
PEER_TOKEN_ENV = "CMWALL_PEER_TOKEN"
PEER_TOKEN_FILE_ENV = "CMWALL_PEER_TOKEN_FILE"


class PeerTokenError(Exception):
    """No usable peer token: one line naming the file or the variables."""


def load_peer_token(token_file: Path | None) -> str:
    """The wall's shared peer token from `token_file`, else $CMWALL_PEER_TOKEN_FILE, else
    $CMWALL_PEER_TOKEN; a secret like the store's token: never on the command line, never logged."""
    try:
        token = (load_secret(PEER_TOKEN_ENV, PEER_TOKEN_FILE_ENV, token_file, what="peer token") or "").strip()
    except TokenError as err:
        raise PeerTokenError(str(err)) from None
    if not token:
        raise PeerTokenError(f"a wall of several PCs needs a peer token: set {PEER_TOKEN_ENV} or "
                             f"{PEER_TOKEN_FILE_ENV} (or --peer-token-file), the same on every PC")
    return token


class PeerError(Exception):
    """A peer did not answer as it should: one line for the strip."""


class PeerServer:
    """The HTTP endpoint on its own thread; `on_command`, `on_operator` and `status` are
    called on the server's threads and must be thread-safe."""

    def __init__(self, host: str, port: int, token: str, *, status: Callable[[], Mapping[str, Any]],
                 on_command: Callable[[PeerCommand], None], on_operator: Callable[[Action], None]) -> None:
        self.token = token
        self.status = status
        self.on_command = on_command
        self.on_operator = on_operator
        self.guard = WrongTokenGuard("peer endpoint")
        self.endpoint = Endpoint(host, port, self._handler(), "wall-peer-endpoint")

    @property
    def port(self) -> int:
        return self.endpoint.port

    def start(self) -> None:
        self.endpoint.start()

    def stop(self) -> None:
        self.endpoint.stop()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(JsonHandler):
            server_version = "cm-wall-peer"
            endpoint_name = "peer endpoint"

            def _authorised(self) -> bool:
                return self._token_accepted(server.token, server.guard, "the wall's peer token is required")

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if not self._authorised():
                    return
                if self.path != STATUS_PATH:
                    self._answer(404, {"error": "not found"})
                    return
                self._answer(200, {**server.status(), "time": time.time()})

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                if not self._authorised():
                    return
                body = self._body()
                if body is None:
                    return
                try:
                    if self.path == COMMAND_PATH:
                        server.on_command(decode_command(body))
                    elif self.path == OPERATOR_PATH:
                        server.on_operator(operator_action(body))
                    else:
                        self._answer(404, {"error": "not found"})
                        return
                except PeerMessageError as err:
                    self._answer(400, {"error": str(err)})
                    return
                self._answer(202, {"accepted": True})

        return Handler


def operator_action(body: bytes) -> Action:
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PeerMessageError(f"not JSON: {err}") from None
    name = document.get("action") if isinstance(document, dict) else None
    if not isinstance(name, str) or name not in Action.__members__:
        raise PeerMessageError(f"action must be one of {', '.join(Action.__members__)}")
    return Action[name]


class PeerClient:
    """Requests to the other PCs' endpoints, with a short timeout: a PC that is off or
    unreachable costs a notice on the strip, never a stall."""

    def __init__(self, token: str, timeout: float) -> None:
        self._http = httpx.Client(timeout=timeout, headers={"Authorization": f"Bearer {token}"}, trust_env=False)

    def close(self) -> None:
        self._http.close()

    def send(self, peer: str, command: PeerCommand) -> None:
        self._request("POST", peer, COMMAND_PATH, json=command.to_json())

    def status(self, peer: str) -> tuple[dict[str, Any], float, float]:
        """(the peer's status, our time when asked, our time when answered)."""
        sent = time.time()
        response = self._request("GET", peer, STATUS_PATH)
        received = time.time()
        try:
            document = response.json()
        except ValueError:
            raise PeerError(f"{peer} (no status)") from None
        if not isinstance(document, dict):
            raise PeerError(f"{peer} (no status)")
        return document, sent, received

    def _request(self, method: str, peer: str, path: str, json: Any = None) -> httpx.Response:
        url = peer.rstrip("/") + path
        try:
            response = self._http.request(method, url, json=json)
        except httpx.HTTPError as err:  # off, unreachable or too slow: the strip names the PC, the log why
            log.debug("peer %s: %s", peer, err)
            raise PeerError(peer) from None
        if response.status_code >= 300:  # e.g. 401: not the same peer token
            raise PeerError(f"{peer} (HTTP {response.status_code})")
        return response

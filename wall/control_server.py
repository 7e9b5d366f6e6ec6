"""The control page's endpoint: a tablet drives the wall over HTTP — Qt-free, on threads.

At the CM residence the wall is run from a tablet, not from the keyboard behind the
screens. With `--control-port` this PC serves (from its own thread, through the
machinery the peer endpoint uses: http_endpoint.py):

- `GET  /` and its script and style: the control page itself, all from the wall (no CDN);
- `GET  /v1/control/state`   what the wall shows now, the controls, and who holds the lease;
- `POST /v1/control/lease`   `{"name": …, "take_over": bool}`: become the controller (control_lease.py);
- `POST /v1/control/release` `{"lease": …}`: give the wall up;
- `POST /v1/control/command` `{"lease": …, "action": NAME}` (an `Action` of keys.py), or
  `{"lease": …, "page": {"screen": ID, "index": N}}`, or `{"lease": …, "language": CODE}`, or
  `{"lease": …, "entity": CODE}` (open one of the places the drill-down lists now).

Every `/v1/control/` request needs the control token as a bearer token (compared in
constant time, never logged, never in a URL); a command also needs the lease's key.
What is asked is handed to `on_request` as a `ControlRequest`, which the Qt side
(control_panel.py) turns into the same `Action`s a key gives, so other PCs of the
wall follow as they do for keys. The page renders every text with `textContent`:
names and titles are plain text, never markup.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from importlib import resources
from pathlib import Path
from typing import Any

from ..sync.token import TokenError, load_secret
from .control_lease import ControlLease, LeaseRefused
from .http_endpoint import Endpoint, JsonHandler, WrongTokenGuard
from .keys import Action

log = logging.getLogger(__name__)

STATE_PATH = "/v1/control/state"
LEASE_PATH = "/v1/control/lease"
RELEASE_PATH = "/v1/control/release"
COMMAND_PATH = "/v1/control/command"
LEASE_HEADER = "X-Control-Lease"
CONTROL_TOKEN_ENV = "CMWALL_CONTROL_TOKEN"
CONTROL_TOKEN_FILE_ENV = "CMWALL_CONTROL_TOKEN_FILE"
MIN_TOKEN_CHARS = 12  # typed on a tablet, yet not guessed by someone else on the LAN

PAGE_FILES = {  # URL path → (file in control_page/, content type)
    "/": ("index.html", "text/html; charset=utf-8"),
    "/control.js": ("control.js", "text/javascript; charset=utf-8"),
    "/control.css": ("control.css", "text/css; charset=utf-8"),
}
SECURITY_HEADERS = (
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    # Only the wall's own script and style; no frames around it, no form posting elsewhere.
    ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
)


@dataclass(frozen=True)
class Control:
    """One button of the page: the Action it gives, its group, its label, and for a toggle the
    label shown while `when` (a true value in the wall's state) holds."""

    action: str  # an Action's name in keys.py
    group: str
    label: str
    when: str | None = None
    on_label: str | None = None


# The page's buttons, in order. Adding a control is one line; a line whose Action does not
# exist (yet) in keys.py is left off the page instead of failing.
CONTROLS: tuple[Control, ...] = (
    Control("PREVIOUS_PAGE", "pages", "◀  Previous page"),
    Control("NEXT_PAGE", "pages", "Next page  ▶"),
    Control("TOGGLE_PAUSE", "pages", "Pause rotation", when="paused", on_label="Resume rotation"),
    Control("NEXT_LAYOUT", "show", "Next layout"),
    Control("TOGGLE_CRISIS", "crisis", "Crisis layout on", when="crisis_showing", on_label="Crisis layout off"),
    Control("ACKNOWLEDGE", "crisis", "Acknowledge crisis"),
    Control("TOGGLE_PRESENTATION", "presentation", "Presentation mode on", when="presenting", on_label="Back to live"),
    Control("DRILL_INTO", "drill", "Open the state / the picked place"),
    Control("DRILL_UP", "drill", "▲  Up"),
    Control("DRILL_HOME", "drill", "⌂  Home (back to the rotation)"),
    Control("REFRESH", "wall", "Refresh data now"),
    Control("SCREENSHOT", "wall", "Screenshot of every screen"),
)


def controls() -> list[dict[str, Any]]:
    """The page's buttons whose Action exists, as JSON."""
    return [{"action": c.action, "group": c.group, "label": c.label, "when": c.when, "on_label": c.on_label}
            for c in CONTROLS if c.action in Action.__members__]


CONTROL_ACTIONS = frozenset(c.action for c in CONTROLS)


class ControlTokenError(Exception):
    """No usable control token: one line naming the file or the variables."""


def load_control_token(token_file: Path | None) -> str:
    """The control page's token from `token_file`, else $CMWALL_CONTROL_TOKEN_FILE, else
    $CMWALL_CONTROL_TOKEN: a secret like the store's token, never on the command line, never logged."""
    try:
        token = (load_secret(CONTROL_TOKEN_ENV, CONTROL_TOKEN_FILE_ENV, token_file, what="control token") or "").strip()
    except TokenError as err:
        raise ControlTokenError(str(err)) from None
    if not token:
        raise ControlTokenError(f"a control page needs a control token: set {CONTROL_TOKEN_ENV} or "
                                f"{CONTROL_TOKEN_FILE_ENV} (or --control-token-file)")
    if len(token) < MIN_TOKEN_CHARS:
        raise ControlTokenError(f"the control token is too short: at least {MIN_TOKEN_CHARS} characters")
    return token


@dataclass(frozen=True)
class ControlRequest:
    """One thing the controller asked for: an Action, a page of a screen, or a language."""

    action: Action | None = None
    screen: str | None = None
    page: int | None = None
    language: str | None = None
    entity: str | None = None  # a place the drill-down lists now: open its page


class RequestError(ValueError):
    """A command the endpoint cannot carry out (answered 400)."""


def parse_command(document: object, state: Mapping[str, Any]) -> ControlRequest:
    """The command in `document`, checked against what the wall shows (`state`)."""
    if not isinstance(document, dict):
        raise RequestError("a command must be a JSON object")
    if "action" in document:
        name = document["action"]
        if not isinstance(name, str) or name not in CONTROL_ACTIONS or name not in Action.__members__:
            raise RequestError(f"action must be one of {', '.join(c['action'] for c in controls())}")
        return ControlRequest(action=Action[name])
    if "page" in document:
        page = document["page"]
        screens = {s.get("id"): s for s in state.get("screens", ()) if isinstance(s, Mapping)}
        screen = page.get("screen") if isinstance(page, dict) else None
        index = page.get("index") if isinstance(page, dict) else None
        if screen not in screens:
            raise RequestError("page.screen must be one of the wall's screens")
        count = len(screens[screen].get("pages", ()))
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < count:
            raise RequestError(f"page.index must be a page of screen {screen}: 0 to {count - 1}")
        return ControlRequest(screen=screen, page=index)
    if "language" in document:
        language = document["language"]
        codes = [entry.get("code") for entry in state.get("languages", ()) if isinstance(entry, Mapping)]
        if language not in codes:
            raise RequestError(f"language must be one of {', '.join(str(c) for c in codes)}")
        return ControlRequest(language=language)
    if "entity" in document:
        entity = document["entity"]
        drill = state.get("drill")
        listed = [c.get("code") for c in drill.get("children", ()) if isinstance(c, Mapping)] \
            if isinstance(drill, Mapping) else []
        if not isinstance(entity, str) or entity not in listed:
            raise RequestError("entity must be one of the places the drill-down lists now")
        return ControlRequest(entity=entity)
    raise RequestError("a command names an action, a page, a language or an entity")


def page_file(name: str) -> bytes:
    return resources.files(__package__).joinpath("control_page", name).read_bytes()


class ControlServer:
    """The control page's endpoint on its own thread. `state` and `on_request` are called on the
    server's threads and must be thread-safe."""

    def __init__(self, host: str, port: int, token: str, lease: ControlLease, *,
                 state: Callable[[], Mapping[str, Any]], on_request: Callable[[ControlRequest], None]) -> None:
        self.token = token
        self.lease = lease
        self.state = state
        self.on_request = on_request
        self.guard = WrongTokenGuard("control endpoint")
        self.endpoint = Endpoint(host, port, self._handler(), "wall-control-endpoint")

    @property
    def port(self) -> int:
        return self.endpoint.port

    def start(self) -> None:
        self.endpoint.start()

    def stop(self) -> None:
        self.endpoint.stop()

    def lease_view(self, key: object) -> dict[str, Any]:
        holder = self.lease.holder()
        return {"lease": holder.to_json() if holder is not None else None, "you_hold": self.lease.holds(key),
                "lapse_after_s": self.lease.lapse_after}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(JsonHandler):
            server_version = "cm-wall-control"
            endpoint_name = "control endpoint"
            extra_headers = SECURITY_HEADERS

            def _authorised(self) -> bool:
                return self._token_accepted(server.token, server.guard, "the control token is wrong or missing")

            def _json_body(self) -> dict[str, Any] | None:
                body = self._body()
                if body is None:
                    return None
                try:
                    document = json.loads(body.decode("utf-8") or "{}")
                except (UnicodeDecodeError, json.JSONDecodeError):
                    self._answer(400, {"error": "the body must be a JSON object"})
                    return None
                if not isinstance(document, dict):
                    self._answer(400, {"error": "the body must be a JSON object"})
                    return None
                return document

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = self.path.split("?", 1)[0]
                if path in PAGE_FILES:
                    name, content_type = PAGE_FILES[path]
                    self._send(200, page_file(name), content_type)
                    return
                if not self._authorised():
                    return
                if path != STATE_PATH:
                    self._answer(404, {"error": "not found"})
                    return
                key = self.headers.get(LEASE_HEADER)
                self._answer(200, {"wall": dict(server.state()), "controls": controls(), **server.lease_view(key)})

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                if not self._authorised():
                    return
                document = self._json_body()
                if document is None:
                    return
                if self.path == LEASE_PATH:
                    self._take_lease(document)
                elif self.path == RELEASE_PATH:
                    released = server.lease.release(document.get("lease"))
                    self._answer(200, {"released": released, **server.lease_view(None)})
                elif self.path == COMMAND_PATH:
                    self._command(document)
                else:
                    self._answer(404, {"error": "not found"})

            def _take_lease(self, document: Mapping[str, Any]) -> None:
                try:
                    key, holder = server.lease.acquire(document.get("name"), take_over=document.get("take_over") is True)
                except LeaseRefused as refused:
                    self._answer(409, {"error": str(refused), "lease": refused.holder.to_json()})
                    return
                log.info("control page: the wall is now controlled by %s", holder.name)
                self._answer(200, {"key": key, "lease": holder.to_json(), "you_hold": True})

            def _command(self, document: Mapping[str, Any]) -> None:
                key = document.get("lease")
                if not server.lease.holds(key):
                    holder = server.lease.holder()
                    self._answer(409, {"error": "this controller does not hold the lease",
                                       "lease": holder.to_json() if holder is not None else None})
                    return
                try:
                    request = parse_command(document, server.state())
                except RequestError as err:
                    self._answer(400, {"error": str(err)})
                    return
                server.lease.renew(key)
                server.on_request(request)
                self._answer(202, {"accepted": True})

        return Handler

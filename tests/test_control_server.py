"""The control page's endpoint over HTTP, without Qt: token, lease, commands, the page's files.

A fake wall state and a list standing in for the GUI side: what the endpoint hands on
is exactly what a tablet asked for, and only when the token is right and the asker
holds the lease. The lease's clock is the test's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cmwall.wall.control_lease import ControlLease
from cmwall.wall.control_server import (
    COMMAND_PATH,
    LEASE_PATH,
    RELEASE_PATH,
    STATE_PATH,
    ControlRequest,
    ControlServer,
    ControlTokenError,
    load_control_token,
)
from cmwall.wall.keys import Action

TOKEN = "control-test-token-1234"
STATE = {
    "layout": "Single screen", "language": "en", "paused": False,
    "languages": [{"code": "en", "name": "English"}, {"code": "hi", "name": "हिन्दी"}],
    "screens": [{"id": "main", "title": "Main", "page": 0, "pages": ["Overview", "Health", "Crisis"]}],
    "drill": {"active": True, "entity": "438", "name": "Ahmadabad", "selected": None,
              "children": [{"code": "3782", "name": "Daskroi", "level": "taluka"},
                           {"code": "F-0001", "name": "Civil Hospital, Asarwa", "level": "facility"}]},
}


class Endpoint:
    def __init__(self) -> None:
        self.now = 0.0
        self.lease = ControlLease(120.0, monotonic=lambda: self.now, wall_clock=lambda: 1_780_000_000.0 + self.now)
        self.requests: list[ControlRequest] = []
        self.server = ControlServer("127.0.0.1", 0, TOKEN, self.lease, state=lambda: STATE,
                                    on_request=self.requests.append)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.http = httpx.Client(base_url=self.url, timeout=5.0, trust_env=False)

    def post(self, path: str, body: Any, token: str = TOKEN) -> httpx.Response:
        return self.http.post(path, json=body, headers={"Authorization": f"Bearer {token}"})

    def get(self, path: str, token: str = TOKEN, lease: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        if lease:
            headers["X-Control-Lease"] = lease
        return self.http.get(path, headers=headers)

    def take(self, name: str, take_over: bool = False) -> httpx.Response:
        return self.post(LEASE_PATH, {"name": name, "take_over": take_over})


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    made = Endpoint()
    made.server.start()
    yield made
    made.http.close()
    made.server.stop()


def test_the_page_is_served_by_the_wall_itself_without_any_outside_address(endpoint: Endpoint) -> None:
    for path, kind in (("/", "text/html"), ("/control.js", "text/javascript"), ("/control.css", "text/css")):
        response = endpoint.http.get(path)
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"
        assert "http://" not in response.text and "https://" not in response.text and "//cdn" not in response.text
    assert 'src="/control.js"' in endpoint.http.get("/").text


def test_without_the_right_token_nothing_is_told_or_done(endpoint: Endpoint) -> None:
    for response in (endpoint.get(STATE_PATH, token="wrong-token-9999"), endpoint.http.get(STATE_PATH),
                     endpoint.post(LEASE_PATH, {"name": "intruder"}, token="nope"),
                     endpoint.post(COMMAND_PATH, {"action": "NEXT_PAGE"}, token=TOKEN[:-1]),
                     endpoint.post(COMMAND_PATH, {"action": "NEXT_PAGE"}, token=TOKEN + "x")):
        assert response.status_code == 401
        assert "layout" not in response.text and TOKEN not in response.text
    assert endpoint.requests == [] and endpoint.lease.holder() is None


def test_the_holder_commands_and_a_second_controller_is_refused_and_told_who(endpoint: Endpoint) -> None:
    first = endpoint.take("Protocol desk")
    assert first.status_code == 200
    key = first.json()["key"]
    assert endpoint.post(COMMAND_PATH, {"lease": key, "action": "NEXT_PAGE"}).status_code == 202
    endpoint.now += 60
    second = endpoint.take("CMO tablet")
    assert second.status_code == 409
    holder = second.json()["lease"]
    assert holder["name"] == "Protocol desk" and holder["since"] == 1_780_000_000.0
    assert holder["idle_s"] == 60 and holder["lapses_in_s"] == 60 and key not in second.text
    refused = endpoint.post(COMMAND_PATH, {"lease": "made-up", "action": "NEXT_PAGE"})
    assert refused.status_code == 409 and refused.json()["lease"]["name"] == "Protocol desk"
    state = endpoint.get(STATE_PATH).json()
    assert state["you_hold"] is False and state["lease"]["name"] == "Protocol desk" and state["wall"] == STATE
    assert endpoint.get(STATE_PATH, lease=key).json()["you_hold"] is True
    assert endpoint.requests == [ControlRequest(action=Action.NEXT_PAGE)]


def test_take_over_after_the_lapse_or_with_confirmation_and_the_old_holder_is_then_refused(endpoint: Endpoint) -> None:
    old = endpoint.take("Protocol desk").json()["key"]
    confirmed = endpoint.take("CMO tablet", take_over=True)
    assert confirmed.status_code == 200 and confirmed.json()["lease"]["name"] == "CMO tablet"
    assert endpoint.post(COMMAND_PATH, {"lease": old, "action": "TOGGLE_PAUSE"}).status_code == 409
    endpoint.now += 121  # the CMO tablet went quiet: anyone may take over
    lapsed = endpoint.take("Protocol desk")
    assert lapsed.status_code == 200 and lapsed.json()["lease"]["name"] == "Protocol desk"
    assert endpoint.requests == []


def test_release_hands_the_wall_over_at_once(endpoint: Endpoint) -> None:
    key = endpoint.take("Protocol desk").json()["key"]
    assert endpoint.post(RELEASE_PATH, {"lease": key}).json()["released"] is True
    assert endpoint.take("CMO tablet").status_code == 200


def test_choosing_a_page_or_a_language_is_checked_against_what_the_wall_shows(endpoint: Endpoint) -> None:
    key = endpoint.take("Protocol desk").json()["key"]
    ok: list[dict[str, Any]] = [{"page": {"screen": "main", "index": 2}}, {"language": "hi"}, {"action": "TOGGLE_CRISIS"}]
    for body in ok:
        assert endpoint.post(COMMAND_PATH, {"lease": key, **body}).status_code == 202, body
    bad: list[dict[str, Any]] = [{"page": {"screen": "main", "index": 3}}, {"page": {"screen": "side", "index": 0}},
           {"page": {"screen": "main", "index": True}}, {"language": "ta"}, {"action": "QUIT"},
           {"action": "HELP"}, {"action": "NO_SUCH"}, {}, {"action": ["NEXT_PAGE"]}]
    for body in bad:
        assert endpoint.post(COMMAND_PATH, {"lease": key, **body}).status_code == 400, body
    assert endpoint.requests == [ControlRequest(screen="main", page=2), ControlRequest(language="hi"),
                                 ControlRequest(action=Action.TOGGLE_CRISIS)]


def test_malformed_bodies_are_answered_not_hung(endpoint: Endpoint) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    assert endpoint.http.post(LEASE_PATH, content=b"[1, 2]", headers=headers).status_code == 400
    assert endpoint.http.post(LEASE_PATH, content=b"\xff{", headers=headers).status_code == 400
    assert endpoint.http.post(LEASE_PATH, content=b"x" * 70_000, headers=headers).status_code == 413
    assert endpoint.http.post("/v1/control/other", json={}, headers=headers).status_code == 404


def test_the_controls_offered_are_actions_the_keys_have(endpoint: Endpoint) -> None:
    controls = endpoint.get(STATE_PATH).json()["controls"]
    names = [c["action"] for c in controls]
    assert {"NEXT_PAGE", "PREVIOUS_PAGE", "TOGGLE_PAUSE", "NEXT_LAYOUT", "TOGGLE_CRISIS", "ACKNOWLEDGE",
            "SCREENSHOT"} <= set(names)
    assert set(names) <= set(Action.__members__) and "QUIT" not in names


def test_the_token_comes_from_a_file_or_the_environment_never_empty_or_short(tmp_path: Any,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CMWALL_CONTROL_TOKEN", raising=False)
    monkeypatch.delenv("CMWALL_CONTROL_TOKEN_FILE", raising=False)
    with pytest.raises(ControlTokenError, match="CMWALL_CONTROL_TOKEN"):
        load_control_token(None)
    monkeypatch.setenv("CMWALL_CONTROL_TOKEN", "short")
    with pytest.raises(ControlTokenError, match="too short") as short:
        load_control_token(None)
    assert "short" not in str(short.value).replace("too short", "")
    monkeypatch.setenv("CMWALL_CONTROL_TOKEN", TOKEN)
    assert load_control_token(None) == TOKEN
    file = tmp_path / "control-token"
    file.write_text("from-the-file-5678\n", encoding="utf-8")
    assert load_control_token(file) == "from-the-file-5678"
    monkeypatch.setenv("CMWALL_CONTROL_TOKEN_FILE", str(file))
    assert load_control_token(None) == "from-the-file-5678"


def test_opening_a_place_is_checked_against_the_places_the_drill_down_lists(endpoint: Endpoint) -> None:
    key = endpoint.take("Review meeting").json()["key"]
    assert endpoint.post(COMMAND_PATH, {"lease": key, "entity": "F-0001"}).status_code == 202
    for bad in ("439", "", 3782, None, ["3782"]):  # another district's taluka, nothing, not a code
        assert endpoint.post(COMMAND_PATH, {"lease": key, "entity": bad}).status_code == 400, bad
    for action in ("DRILL_INTO", "DRILL_UP", "DRILL_HOME"):
        assert endpoint.post(COMMAND_PATH, {"lease": key, "action": action}).status_code == 202, action
    assert endpoint.requests == [ControlRequest(entity="F-0001"), ControlRequest(action=Action.DRILL_INTO),
                                 ControlRequest(action=Action.DRILL_UP), ControlRequest(action=Action.DRILL_HOME)]
    groups = {c["action"]: c["group"] for c in endpoint.get(STATE_PATH).json()["controls"]}
    assert groups["DRILL_UP"] == groups["DRILL_HOME"] == groups["DRILL_INTO"] == "drill"


def test_a_client_that_keeps_guessing_is_refused_for_a_while_even_with_the_right_token(endpoint: Endpoint) -> None:
    from cmwall.wall.http_endpoint import WRONG_TOKENS_ALLOWED

    for n in range(WRONG_TOKENS_ALLOWED):
        assert endpoint.get(STATE_PATH, token=f"guess-{n}").status_code == 401
    refused = endpoint.get(STATE_PATH)  # the right token, too late: not even read
    assert refused.status_code == 429 and "layout" not in refused.text
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert endpoint.post(COMMAND_PATH, {"action": "NEXT_PAGE"}).status_code == 429
    assert endpoint.requests == []


def test_the_wrong_token_guard_forgets_old_guesses_and_a_right_token_clears_them() -> None:
    from cmwall.wall.http_endpoint import WrongTokenGuard

    now = [0.0]
    guard = WrongTokenGuard("test endpoint", allowed=3, window_s=60.0, clock=lambda: now[0])
    guard.wrong("10.0.0.5")
    guard.wrong("10.0.0.5")
    assert guard.wait_s("10.0.0.5") == 0.0  # a typo or two costs nothing
    now[0] = 10.0
    guard.wrong("10.0.0.5")
    assert guard.wait_s("10.0.0.5") == pytest.approx(50.0)  # until the first guess is a minute old
    assert guard.wait_s("10.0.0.6") == 0.0  # another tablet is not held up
    now[0] = 61.0
    assert guard.wait_s("10.0.0.5") == 0.0  # the oldest fell out of the window
    guard.wrong("10.0.0.5")
    guard.wrong("10.0.0.5")
    assert guard.wait_s("10.0.0.5") == pytest.approx(9.0)
    guard.right("10.0.0.5")
    assert guard.wait_s("10.0.0.5") == 0.0

"""The control page's requests on the GUI side: the same Actions a key gives, in the right number.

Choosing a page is stepping there and choosing a language is going round to it, so the
other PCs of a wall follow with the commands they already know; and a request made
over HTTP arrives on the GUI thread as a queued signal, never run on the server's thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cmwall.wall.control_panel import ControlPanel, ControlSettings
from cmwall.wall.control_server import COMMAND_PATH, LEASE_PATH, ControlRequest
from cmwall.wall.keys import Action
from pytestqt.qtbot import QtBot

TOKEN = "panel-test-token-2718"


class FakeWall:
    def __init__(self) -> None:
        self.page = 1
        self.language = "en"
        self.drill: dict[str, Any] = {"active": False, "entity": None, "name": "Gujarat", "selected": None,
                                      "children": [{"code": c, "name": c, "level": "district"}
                                                   for c in ("438", "439", "440")]}

    def state(self) -> dict[str, Any]:
        return {"language": self.language, "languages": [{"code": c, "name": c} for c in ("en", "hi", "gu")],
                "screens": [{"id": "main", "title": "Main", "page": self.page, "pages": ["a", "b", "c", "d"]}],
                "drill": self.drill}


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[tuple[ControlPanel, FakeWall, list[Action]]]:
    wall = FakeWall()
    made = ControlPanel(ControlSettings(port=0, token=TOKEN, bind="127.0.0.1"), wall.state)
    performed: list[Action] = []
    made.action_requested.connect(performed.append)
    yield made, wall, performed
    made.stop()


@pytest.mark.parametrize(("page", "steps"), [
    (3, [Action.NEXT_PAGE, Action.NEXT_PAGE]),
    (0, [Action.PREVIOUS_PAGE]),
    (1, []),
])
def test_choosing_a_page_steps_there_from_the_page_shown_now(panel: Any, page: int, steps: list[Action]) -> None:
    control, _wall, performed = panel
    control.carry_out(ControlRequest(screen="main", page=page))
    assert performed == steps


@pytest.mark.parametrize(("shown", "chosen", "steps"), [("en", "gu", 2), ("hi", "en", 2), ("gu", "en", 1), ("hi", "hi", 0)])
def test_choosing_a_language_goes_round_to_it(panel: Any, shown: str, chosen: str, steps: int) -> None:
    control, wall, performed = panel
    wall.language = shown
    control.carry_out(ControlRequest(language=chosen))
    assert performed == [Action.NEXT_LANGUAGE] * steps


@pytest.mark.parametrize(("active", "selected"), [(False, None), (True, None), (True, "440")])
def test_tapping_a_listed_place_asks_for_that_place_by_its_code(panel: Any, active: bool, selected: str | None) -> None:
    control, wall, performed = panel
    places: list[str] = []
    control.place_requested.connect(places.append)
    wall.drill.update(active=active, selected=selected, entity="24" if active else None)
    control.carry_out(ControlRequest(entity="439"))
    assert places == ["439"] and performed == []  # the place travels as its code, not as steps on a list


def test_a_place_no_longer_listed_is_not_opened(panel: Any) -> None:
    control, _wall, performed = panel
    places: list[str] = []
    control.place_requested.connect(places.append)
    control.carry_out(ControlRequest(entity="3782"))
    assert performed == [] and places == []


def test_a_command_over_http_is_performed_on_the_gui_thread(panel: Any, qtbot: QtBot) -> None:
    control, _wall, performed = panel
    threads: list[threading.Thread] = []
    control.action_requested.connect(lambda _action: threads.append(threading.current_thread()))
    control.start()
    url = f"http://127.0.0.1:{control.port}"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=url, headers=auth, timeout=5.0, trust_env=False) as http:
        key = http.post(LEASE_PATH, json={"name": "Protocol desk"}).json()["key"]
        with qtbot.waitSignal(control.action_requested, timeout=5000):
            assert http.post(COMMAND_PATH, json={"lease": key, "action": "TOGGLE_PAUSE"}).status_code == 202
    assert performed == [Action.TOGGLE_PAUSE]
    assert threads == [threading.main_thread()]


def test_the_wall_says_when_control_changes_hands_in_its_own_language(panel: Any, qtbot: QtBot) -> None:
    from cmwall.wall.control_server import RELEASE_PATH

    control, wall, _performed = panel
    notices: list[str] = []
    control.notice.connect(notices.append)
    control.start()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{control.port}", headers=auth, timeout=5.0, trust_env=False) as http:
        with qtbot.waitSignal(control.notice, timeout=5000):
            http.post(LEASE_PATH, json={"name": "Protocol desk"})
        wall.language = "gu"
        with qtbot.waitSignal(control.notice, timeout=5000):
            key = http.post(LEASE_PATH, json={"name": "CMO tablet", "take_over": True}).json()["key"]
        with qtbot.waitSignal(control.notice, timeout=5000):
            http.post(RELEASE_PATH, json={"lease": key})
    assert notices[0] == "Control page: Protocol desk has control"
    assert "CMO tablet" in notices[1] and "Protocol desk" in notices[1] and "Control page" not in notices[1]
    assert "CMO tablet" in notices[2] and notices[2] != notices[1]

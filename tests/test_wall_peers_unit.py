"""Several PCs, one wall — the parts that need no second process: pages as a function of
the clock, the shared state's last-writer-wins, duplicate and loop suppression, data
versions, aligned polls, the clock-sync check, and the peer endpoint's door."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

import httpx
import pytest
from cmwall.layouts.loader import load_layout
from cmwall.sync.service import aligned_interval
from cmwall.wall.app import join_peers
from cmwall.wall.bridge import SnapshotBridge
from cmwall.wall.clock_sync import ClockSyncWatch, condition_text, time_sync_state
from cmwall.wall.config import PeerConfig
from cmwall.wall.controller import WallController
from cmwall.wall.keys import Action
from cmwall.wall.peer_protocol import (
    CommandNumbers,
    DataVersion,
    PeerCommand,
    PeerMessageError,
    SeenCommands,
    SharedState,
    aspects_of,
    clock_skew,
    decode_command,
)
from cmwall.wall.peer_server import COMMAND_PATH, OPERATOR_PATH, STATUS_PATH, PeerServer
from cmwall.wall.peers import PEER_TIMEOUT_S, PeerLink, PeerSettings
from cmwall.wall.rotation import Rotation, page_at
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from .processes import free_port

DWELLS = [30.0, 20.0, 10.0]  # one cycle: 60 s
T0 = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)


# --- the page is a function of the clock ------------------------------------------------


def test_two_walls_at_the_same_moment_show_the_same_page_whenever_they_started() -> None:
    early, late = Rotation(), Rotation()  # one wall started hours before the other: no state differs
    for second in range(0, 180, 7):
        now = T0 + timedelta(seconds=second)
        assert early.page("main", DWELLS, now) == late.page("main", DWELLS, now)


def test_the_page_follows_the_clock_through_the_cycle() -> None:
    assert page_at(DWELLS, T0) == (0, 30.0)
    assert page_at(DWELLS, T0 + timedelta(seconds=31)) == (1, 19.0)
    assert page_at(DWELLS, T0 + timedelta(seconds=55)) == (2, 5.0)
    assert page_at(DWELLS, T0 + timedelta(seconds=61))[0] == 0  # the next cycle


def test_a_wall_given_another_walls_stepping_shows_its_page() -> None:
    here, there = Rotation(), Rotation()
    there.step(1, {"main": 0})
    here.offset = there.offset  # what PageTurner.adopt_state carries over
    now = T0 + timedelta(seconds=12)
    assert here.page("main", DWELLS, now) == there.page("main", DWELLS, now) == 1


# --- shared state: last writer wins, the same on every PC -------------------------------


def test_two_operators_at_once_leave_every_pc_with_the_same_state() -> None:
    a, b = SharedState(), SharedState()
    numbers_a, numbers_b = CommandNumbers("A"), CommandNumbers("B")
    from_a = PeerCommand("A", numbers_a.next(), Action.NEXT_LANGUAGE, {"language": "hi"})
    from_b = PeerCommand("B", numbers_b.next(), Action.NEXT_LANGUAGE, {"language": "gu"})
    a.take((from_a.number, "A"), from_a.state)  # each performed its own first …
    b.take((from_b.number, "B"), from_b.state)
    taken_by_a = a.take((from_b.number, "B"), from_b.state)  # … then received the other's
    taken_by_b = b.take((from_a.number, "A"), from_a.state)
    assert taken_by_a == {"language": "gu"} and taken_by_b == {}
    assert a.to_json() == b.to_json()


def test_a_pc_that_missed_commands_takes_the_newer_state_from_a_peers_status() -> None:
    peer, restarted = SharedState(), SharedState()
    peer.take((5, "A"), {"rotation": {"paused": True, "offset": 0, "frozen": {"main": 2}}})
    peer.take((6, "A"), {"language": "hi"})
    fresh = restarted.take_json(json.loads(json.dumps(peer.to_json())))
    assert fresh == {"rotation": {"paused": True, "offset": 0, "frozen": {"main": 2}}, "language": "hi"}
    assert restarted.take_json(peer.to_json()) == {}  # nothing newer the second time


def test_a_command_outranks_everything_its_pc_has_seen() -> None:
    numbers = CommandNumbers("C")
    numbers.observe(41)  # a peer's status said its clock was at 41
    numbers.observe("junk")
    assert numbers.next() == 42


def test_a_command_carries_only_the_aspects_it_changes() -> None:
    state = {"layout": "crisis", "language": "hi", "rotation": {"paused": False, "offset": 0, "frozen": {}}}
    assert aspects_of(Action.NEXT_LANGUAGE, state) == {"language": "hi"}
    assert aspects_of(Action.NEXT_LAYOUT, state) == {"layout": "crisis", "rotation": state["rotation"]}
    assert aspects_of(Action.REFRESH, state) == {}


# --- duplicates and loops ----------------------------------------------------------------


def test_a_command_arriving_twice_is_performed_once() -> None:
    seen = SeenCommands()
    command = PeerCommand("A/1", 3, Action.REFRESH)
    assert seen.first_time(command)
    assert not seen.first_time(command)
    # Sent in parallel, commands overtake each other: an earlier one arriving late still counts.
    assert seen.first_time(PeerCommand("A/1", 2, Action.ACKNOWLEDGE))
    assert not seen.first_time(PeerCommand("A/1", 2, Action.ACKNOWLEDGE))
    assert seen.first_time(PeerCommand("B/1", 3, Action.REFRESH))  # another origin counts apart
    assert seen.first_time(PeerCommand("A/1", 4, Action.REFRESH))


def test_a_command_round_trips_and_bad_ones_are_refused_with_the_field() -> None:
    command = PeerCommand("A/1", 7, Action.TOGGLE_PAUSE, {"rotation": {"paused": True}})
    assert decode_command(json.dumps(command.to_json()).encode()) == command
    with pytest.raises(PeerMessageError, match="command.action"):
        decode_command(b'{"origin": "A", "number": 1, "action": "FORMAT_DISK"}')
    with pytest.raises(PeerMessageError, match="command.number"):
        decode_command(b'{"origin": "A", "number": -1, "action": "REFRESH"}')
    with pytest.raises(PeerMessageError, match="not JSON"):
        decode_command(b"\xff")


# --- data versions and clocks -------------------------------------------------------------


def test_a_pc_is_behind_a_peer_of_the_same_store_with_other_data() -> None:
    mine = DataVersion("http://store", "100", "c-1", "r-1")
    assert mine.behind(DataVersion("http://store", "101", "c-1", "r-1"))
    assert mine.behind(DataVersion("http://store", "100", "c-1", "r-2"))
    assert not mine.behind(DataVersion("http://store", "100", "c-1", "r-1"))
    assert not mine.behind(DataVersion("http://other-store", "101", "c-1", "r-1"))  # not comparable
    assert not mine.behind(None)
    assert DataVersion.from_json(mine.to_json()) == mine
    assert DataVersion.from_json({"store": "x", "cursor": 5}) is None


def test_clock_skew_is_measured_against_the_middle_of_the_round_trip() -> None:
    assert clock_skew(sent=100.0, received=100.2, peer_time=101.6) == pytest.approx(1.5)
    assert clock_skew(sent=100.0, received=100.2, peer_time=100.1) == pytest.approx(0.0)


@pytest.mark.parametrize("seconds", [2.0, 10.0, 7.5, 300.0])
def test_polls_fall_on_the_same_instants_on_every_pc(seconds: float) -> None:
    starts = [T0 + timedelta(seconds=s) for s in (0.3, 1.1, 4.9)]  # PCs started at different moments
    firsts = [aligned_interval(seconds, start).start_date.timestamp() for start in starts]
    for start, first in zip(starts, firsts, strict=True):
        assert start.timestamp() < first <= start.timestamp() + seconds
        assert first / seconds == pytest.approx(round(first / seconds))  # a multiple of the interval


def answers(table: dict[str, str | None]) -> object:
    def run(command: Sequence[str]) -> str | None:
        return table.get(command[0])
    return run


def test_the_clock_check_asks_timesyncd_then_chrony_and_never_guesses() -> None:
    assert time_sync_state(answers({"timedatectl": "yes\n"})) == "synchronised"  # type: ignore[arg-type]
    assert time_sync_state(answers({"timedatectl": "no\n"})) == "not synchronised"  # type: ignore[arg-type]
    tracking = "A9FEA9FE,169.254.169.254,3,1764580000.1,0.000001,0.0,0.0,-1.2,0.0,0.0,0.0,0.0,64.0,Normal\n"
    assert time_sync_state(answers({"chronyc": tracking})) == "synchronised"  # type: ignore[arg-type]
    unsynced = tracking.replace("Normal", "Not synchronised")
    assert time_sync_state(answers({"chronyc": unsynced})) == "not synchronised"  # type: ignore[arg-type]
    assert time_sync_state(answers({})) == "unknown"  # type: ignore[arg-type]
    assert condition_text("synchronised", "en") is None
    assert condition_text("not synchronised", "en") == "Clock not synchronised"
    assert condition_text("unknown", "en") == "Clock sync unknown"


# --- the peer endpoint's door ----------------------------------------------------------


@pytest.fixture
def endpoint() -> Iterator[tuple[PeerServer, list[object]]]:
    arrived: list[object] = []
    server = PeerServer("127.0.0.1", 0, "s3cret", status=lambda: {"layout": "x"}, on_command=arrived.append,
                        on_operator=arrived.append)
    server.start()
    yield server, arrived
    server.stop()


def test_the_endpoint_answers_only_with_the_peer_token(endpoint: tuple[PeerServer, list[object]]) -> None:
    server, arrived = endpoint
    base = f"http://127.0.0.1:{server.port}"
    command = PeerCommand("A/1", 1, Action.REFRESH).to_json()
    assert httpx.get(base + STATUS_PATH).status_code == 401
    assert httpx.post(base + COMMAND_PATH, json=command, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert arrived == []
    good = {"Authorization": "Bearer s3cret"}
    status = httpx.get(base + STATUS_PATH, headers=good).json()
    assert status["layout"] == "x" and abs(status["time"] - datetime.now(UTC).timestamp()) < 5
    assert httpx.post(base + COMMAND_PATH, json=command, headers=good).status_code == 202
    assert httpx.post(base + OPERATOR_PATH, json={"action": "NEXT_PAGE"}, headers=good).status_code == 202
    assert httpx.post(base + OPERATOR_PATH, json={"action": "nope"}, headers=good).status_code == 400
    for length in ("-1", "lots"):  # never read until the client hangs up, never left unanswered
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
            raw.sendall(f"POST {OPERATOR_PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
                        f"Content-Length: {length}\r\n\r\n".encode())
            answer = raw.recv(64)
            assert answer[:8] in (b"HTTP/1.0", b"HTTP/1.1") and answer[9:12] == b"400", answer
    assert arrived == [PeerCommand("A/1", 1, Action.REFRESH), Action.NEXT_PAGE]


# --- two walls in one process: keys on one, the same wall on both, no echo ---------------


class FakeScreen:
    def __init__(self, name: str) -> None:
        self._name = name

    def name(self) -> str:
        return self._name

    def geometry(self) -> QRect:
        return QRect(0, 0, 1280, 720)


@pytest.fixture
def two_walls(qtbot: QtBot) -> Iterator[list[tuple[WallController, PeerLink, list[int]]]]:
    ports = [free_port(), free_port()]
    walls = []
    for index, port in enumerate(ports):
        other = ports[1 - index]
        controller = WallController(load_layout("single_screen"), clock=lambda: datetime.now(UTC), fade_ms=0,
                                    screens=lambda: [FakeScreen("W")])
        catch_ups: list[int] = []
        config = PeerConfig(peers=(f"http://127.0.0.1:{other}",), port=port, bind="127.0.0.1", wall_id=f"pc{index}")
        link = join_peers(config, "s3cret", controller, partial(catch_ups.append, 1), SnapshotBridge())
        controller.start()
        link.start()
        walls.append((controller, link, catch_ups))
    yield walls
    for controller, link, _ in walls:
        link.stop()
        controller.shutdown()


def test_a_key_on_one_pc_changes_every_pc_and_is_not_sent_back(
        qtbot: QtBot, two_walls: list[tuple[WallController, PeerLink, list[int]]]) -> None:
    (a, link_a, _), (b, link_b, _) = two_walls
    given_on_b: list[object] = []
    b.command_given.connect(lambda action, _state: given_on_b.append(action))
    QTest.keyClick(a.screen_windows()[0], Qt.Key.Key_L)  # next language, on PC a
    qtbot.waitUntil(lambda: b.language == "hi", timeout=5000)
    QTest.keyClick(a.screen_windows()[0], Qt.Key.Key_Space)  # pause, on PC a
    qtbot.waitUntil(lambda: b.pages.paused, timeout=5000)
    assert b.current_pages() == a.current_pages()
    assert given_on_b == []  # performed on b, never announced by b: nothing goes back to a
    actions_on_a = [c["action"] for c in link_a.status()["commands"]]
    assert actions_on_a == ["NEXT_LANGUAGE", "TOGGLE_PAUSE"]  # a's own two, no echo from b
    assert [c["action"] for c in link_b.status()["commands"]] == actions_on_a


def test_a_key_on_either_pc_reaches_the_other_but_quit_stays_local(
        qtbot: QtBot, two_walls: list[tuple[WallController, PeerLink, list[int]]]) -> None:
    (a, link_a, _), (b, _link_b, _) = two_walls
    QTest.keyClick(b.screen_windows()[0], Qt.Key.Key_Right)  # next page, on PC b
    qtbot.waitUntil(lambda: a.pages.rotation.offset == 1, timeout=5000)
    QTest.keyClick(b.screen_windows()[0], Qt.Key.Key_Q)  # quit asks on b only
    assert b.commands.quit_pending
    qtbot.waitUntil(lambda: len(link_a.status()["commands"]) == 1, timeout=5000)
    assert not a.commands.quit_pending
    QTest.keyClick(b.screen_windows()[0], Qt.Key.Key_N)  # any other key cancels


def test_a_pc_behind_a_peer_polls_at_once(
        qtbot: QtBot, two_walls: list[tuple[WallController, PeerLink, list[int]]]) -> None:
    (_a, link_a, catch_ups_a), (_b, link_b, catch_ups_b) = two_walls
    link_a.set_data_version(DataVersion("http://store", "100", "c-1", "r-1"))
    link_b.set_data_version(DataVersion("http://store", "101", "c-1", "r-1"))
    qtbot.waitUntil(lambda: bool(catch_ups_a) and bool(catch_ups_b), timeout=6000)
    link_a.set_data_version(DataVersion("http://store", "101", "c-1", "r-1"))
    settled = len(catch_ups_a), len(catch_ups_b)
    for link in (link_a, link_b):
        with qtbot.waitSignal(link._checked, timeout=6000):
            link.check_peers()
    assert (len(catch_ups_a), len(catch_ups_b)) == settled  # the same data: nobody polls out of turn


def test_a_peer_that_does_not_answer_is_named_on_the_strip_and_a_command_to_it_costs_a_notice(qtbot: QtBot) -> None:
    gone = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    link = PeerLink(PeerSettings(peers=(gone,), port=0, token="s3cret", bind="127.0.0.1", timeout=0.5))
    conditions: list[tuple[str, object]] = []
    notices: list[str] = []
    link.condition_changed.connect(lambda key, text: conditions.append((key, text)))
    link.notice.connect(lambda text, _seconds: notices.append(text))
    link.start()
    try:
        qtbot.waitUntil(lambda: ("peers", f"Wall PC not reachable: {gone}") in conditions, timeout=5000)
        assert ("peer-clock", None) in conditions  # no clock to compare is no clock warning
        link.broadcast(Action.NEXT_PAGE, {"rotation": {"paused": False, "offset": 1, "frozen": {}}})
        qtbot.waitUntil(lambda: notices == [f"Command not delivered to: {gone}"], timeout=5000)
    finally:
        link.stop()


def test_a_configuration_naming_every_pc_of_the_wall_this_one_included_makes_no_echo(qtbot: QtBot) -> None:
    port = free_port()
    link = PeerLink(PeerSettings(peers=(f"http://127.0.0.1:{port}",), port=port, token="s3cret", bind="127.0.0.1"))
    adopted: list[object] = []
    link.adopt_requested.connect(adopted.append)
    link.start()
    try:
        # Longer than a send may take (PEER_TIMEOUT_S): a send that failed would have said so by then.
        with qtbot.waitSignal(link._send_failed, timeout=int(PEER_TIMEOUT_S * 1000) + 1500, raising=False) as failed:
            link.broadcast(Action.NEXT_LANGUAGE, {"language": "hi"})
        assert not failed.signal_triggered  # it reached itself …
        with qtbot.waitSignal(link._checked, timeout=5000):
            link.check_peers()
        assert adopted == []  # … and took nothing from itself
        assert [c["action"] for c in link.status()["commands"]] == ["NEXT_LANGUAGE"]  # performed once
    finally:
        link.stop()


def test_the_clock_check_puts_its_warning_on_every_strip_until_the_clock_is_synchronised(qtbot: QtBot) -> None:
    controller = WallController(load_layout("single_screen"), clock=lambda: datetime.now(UTC), fade_ms=0,
                                screens=lambda: [FakeScreen("W")])
    controller.start()
    state = {"timedatectl": "no\n"}
    watch = ClockSyncWatch(language=lambda: controller.language, run=lambda command: state.get(command[0]))
    watch.condition_changed.connect(controller.status.set_condition)
    strip = controller.screen_windows()[0].strip
    try:
        watch.start()
        qtbot.waitUntil(lambda: any(t.endswith("Clock not synchronised") for t in strip.texts()), timeout=5000)
        state["timedatectl"] = "yes\n"
        with qtbot.waitSignal(watch.condition_changed, timeout=5000):
            watch.check()
        assert not any("Clock" in t for t in strip.texts())
    finally:
        watch.stop()
        controller.shutdown()

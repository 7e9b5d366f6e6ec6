"""Several PCs, one wall: three real wall processes on one machine, one demo store.

Each process is `main.py` offscreen with its own data directory and peer port on
loopback, the other two named as its peers, all polling the same demo store served
from this test. What each shows is read from its peer endpoint's status: the same
page at the same moment, the same data version within one poll of a store change,
and an operator command given at one PC performed on all three (once each).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from cmwall.sync.demo_store import serve_in_thread
from cmwall.sync.demo_store.profiles import make_store
from cmwall.sync.demo_store.server import RunningServer
from cmwall.sync.period_time import IST

from .processes import free_port, wait_for

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "main.py"
TOKEN = "peer-test-token"
POLL_S = 3.0  # the walls' observation poll interval
WALLS = 3
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class Wall:
    def __init__(self, process: subprocess.Popen[str], url: str, log: Path) -> None:
        self.process, self.url, self.log = process, url, log

    def status(self) -> dict[str, Any] | None:
        try:
            response = httpx.get(self.url + "/v1/peer/status", headers=AUTH, timeout=5.0)
        except httpx.HTTPError:
            return None
        document: dict[str, Any] = response.json()
        return document if response.status_code == 200 else None

    def post(self, path: str, body: dict[str, Any]) -> int:
        return httpx.post(self.url + path, json=body, headers=AUTH, timeout=2.0).status_code


@pytest.fixture(scope="module")
def store() -> Iterator[RunningServer]:
    # Its clock stands still: the store changes only when a test says so (a live demo store
    # adds reports every few seconds, so "the same cursor" would be a moving target).
    started = datetime.now(IST)
    server = serve_in_thread(make_store("gujarat", seed=7, clock=lambda: started))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def walls(store: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Wall]]:
    base = tmp_path_factory.mktemp("wall-pcs")
    ports = [free_port() for _ in range(WALLS)]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CMWALL_") and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", CMWALL_PEER_TOKEN=TOKEN, CMWALL_CONFIG=str(base / "none.toml"))
    (base / "none.toml").write_text("", encoding="utf-8")  # no PC configuration of this machine's user
    # The year of history goes into one data directory once, copied for each PC: three
    # first syncs at once would make this test measure the machine rather than the wall.
    seed = base / "seed"
    subprocess.run([sys.executable, str(MAIN), "sync", "--store", store.url, "--data-dir", str(seed)],
                   env=env, cwd=str(base), check=True, capture_output=True, timeout=60)
    for index in range(WALLS):
        shutil.copytree(seed, base / f"pc{index}", ignore=shutil.ignore_patterns("*.lock", "*.log*"))
    started = []
    for index, port in enumerate(ports):
        peers = [arg for other in ports if other != port for arg in ("--peer", f"http://127.0.0.1:{other}")]
        log = base / f"pc{index}.log"
        process = subprocess.Popen(
            [sys.executable, str(MAIN), "--store", store.url, "--data-dir", str(base / f"pc{index}"),
             "--layout", "single_screen", "--poll-observations", str(POLL_S), "--peer-port", str(port),
             "--peer-bind", "127.0.0.1", "--wall-id", f"pc{index}", *peers],
            env=env, cwd=str(base), stdout=subprocess.DEVNULL, stderr=log.open("w"), text=True)
        started.append(Wall(process, f"http://127.0.0.1:{port}", log))
    try:
        wait_for(lambda: all((s := w.status()) is not None and (s.get("data_version") or {}).get("cursor")
                             for w in started), 60, "every wall PC up, synced and answering on its peer endpoint")
        yield started
    finally:
        for wall in started:
            wall.process.send_signal(signal.SIGTERM)
        for wall in started:
            try:
                wall.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                wall.process.kill()
                wall.process.wait()
        for wall in started:
            assert "Traceback" not in wall.log.read_text(encoding="utf-8"), wall.log.read_text(encoding="utf-8")


def statuses(walls: list[Wall]) -> list[dict[str, Any]]:
    found = [w.status() for w in walls]
    assert all(s is not None for s in found), "a wall PC stopped answering"
    return [s for s in found if s is not None]


def test_every_pc_shows_the_same_page_at_the_same_moment(walls: list[Wall]) -> None:
    """Each status says which pages a PC showed at which moment and when its next page
    turn is due. PCs whose next turn falls on the same instant are in the same slot of
    the rotation and must show the same pages; PCs that kept time by themselves (a timer
    from their start) would never have their turns on the same instant."""
    agreeing = 0
    deadline = time.monotonic() + 30
    while agreeing < 3:
        assert time.monotonic() < deadline, "no three samples of the PCs in the same slot of the rotation within 30 s"
        found = statuses(walls)
        turns = [s["pages_at"] + s["next_turn_in"] for s in found]
        if max(turns) - min(turns) > 0.5:  # a turn between two samples: another slot, no comparison
            continue
        assert len({repr(s["pages"]) for s in found}) == 1, [s["pages"] for s in found]
        agreeing += 1


def test_a_store_change_reaches_every_pc_within_one_poll(walls: list[Wall], store: RunningServer) -> None:
    wait_for(lambda: len({repr(s["data_version"]) for s in statuses(walls)}) == 1, 2 * POLL_S + 5,
             "the PCs agree on the data version before the change")
    live = store.store
    month = datetime.now(IST).strftime("%Y-%m")
    changed_at_wall = time.time()
    cursor = str(live.add_report(live.kpi_codes[0], live.entity_codes[1], month, 1234.0, time.time()))

    def all_have_it() -> bool:
        return all(s["data_version"]["cursor"] == cursor for s in statuses(walls))

    try:  # generous: a loaded CI machine may be slow to poll at all; agreement is what is asserted
        wait_for(all_have_it, 10 * POLL_S, f"every PC at the store's new cursor {cursor}")
    except AssertionError:
        raise AssertionError([s["data_version"] for s in statuses(walls)]) from None
    found = statuses(walls)
    assert len({repr(s["data_version"]) for s in found}) == 1
    # Within one poll: each PC says when it first showed the new data; they poll at the same
    # aligned instants, so the first and the last are less than one poll interval apart.
    since = [s["data_version_since"] for s in found]
    assert max(since) - min(since) <= POLL_S, f"the PCs took the change {max(since) - min(since):.1f} s apart"
    assert min(since) >= changed_at_wall - 0.5  # it is this change they show, not an older version


def test_an_operator_command_at_one_pc_is_performed_on_every_pc_once(walls: list[Wall]) -> None:
    first, second, third = walls
    assert httpx.post(first.url + "/v1/peer/operator", json={"action": "NEXT_LANGUAGE"}, timeout=2.0).status_code == 401
    assert first.post("/v1/peer/operator", {"action": "NEXT_LANGUAGE"}) == 202
    wait_for(lambda: all(s["language"] == "hi" for s in statuses(walls)), 5, "every PC in Hindi")
    assert third.post("/v1/peer/operator", {"action": "TOGGLE_PAUSE"}) == 202
    wait_for(lambda: all(s["paused"] for s in statuses(walls)), 5, "every PC paused")
    found = statuses(walls)
    assert len({repr(s["pages"]) for s in found}) == 1  # frozen on the same pages
    for status in found:
        assert [c["action"] for c in status["commands"]] == ["NEXT_LANGUAGE", "TOGGLE_PAUSE"]  # once each

    # A command as a peer sends it, arriving twice (a retry): performed once, and not sent on.
    command = {"origin": "test/1", "number": 10**6, "action": "REFRESH", "state": {}}
    assert second.post("/v1/peer/command", command) == 202
    assert second.post("/v1/peer/command", command) == 202
    wait_for(lambda: any(c["origin"] == "test/1" for c in statuses([second])[0]["commands"]), 5,
             "the peer's command performed")
    assert third.post("/v1/peer/operator", {"action": "TOGGLE_PAUSE"}) == 202  # a later command from elsewhere …
    wait_for(lambda: not any(s["paused"] for s in statuses(walls)), 5, "every PC rotating again")
    found = statuses(walls)  # … has come through; the peer's command had its one chance before it
    assert [c["origin"] for c in found[1]["commands"]].count("test/1") == 1
    assert not any(c["origin"] == "test/1" for s in (found[0], found[2]) for c in s["commands"])

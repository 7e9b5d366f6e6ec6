"""The systemd watchdog (wall/watchdog.py): READY=1 once the wall is up, WATCHDOG=1 while
both the GUI thread and the sync thread make progress, none once the sync thread hangs.

systemd is played by a Unix datagram socket named in $NOTIFY_SOCKET, as systemd does for
a `Type=notify` unit; the sync thread is the real `SyncService` with a stand-in worker
whose observation poll can be made to hang.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from cmwall.sync.service import Intervals, SyncService
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.worker import SyncWorker
from cmwall.wall.watchdog import ServiceWatchdog
from pytestqt.qtbot import QtBot
from systemd_watchdog.systemd_watchdog import WatchDog

MAIN = Path(__file__).resolve().parents[1] / "main.py"
WATCHDOG_USEC = 100_000  # a tick every 50 ms


class FakeSystemd:
    """The notify socket: every datagram the wall sent, in order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(str(path))
        self.socket.setblocking(False)
        self.messages: list[str] = []

    def read(self) -> list[str]:
        while True:
            try:
                data = self.socket.recv(4096)
            except BlockingIOError:
                return self.messages
            self.messages.extend(line for line in data.decode().splitlines() if line)

    def count(self, message: str) -> int:
        return self.read().count(message)

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def systemd(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSystemd]:
    with tempfile.TemporaryDirectory(prefix="cmwall-notify-") as folder:  # short: a socket path has 108 bytes
        fake = FakeSystemd(Path(folder) / "notify")
        monkeypatch.setenv("NOTIFY_SOCKET", str(fake.path))
        monkeypatch.setenv("WATCHDOG_USEC", str(WATCHDOG_USEC))
        monkeypatch.delenv("WATCHDOG_PID", raising=False)
        try:
            yield fake
        finally:
            fake.close()


class HangingWorker:
    """Stands in for SyncWorker: quick polls, until `hang` is set; then the observation
    poll blocks the one sync thread until `release` is set."""

    def __init__(self) -> None:
        self.hang = threading.Event()
        self.release = threading.Event()
        self.hung = threading.Event()
        self.progress = lambda: None
        self.client = self.store = self

    def poll_observations(self) -> Snapshot | None:
        if self.hang.is_set():
            self.hung.set()
            self.release.wait(30)
        return None

    def load_local(self) -> Snapshot | None:
        return None

    poll_all = poll_catalog = poll_ranking = load_local

    def close(self) -> None:
        self.release.set()


@pytest.fixture
def sync_service() -> Iterator[tuple[SyncService, HangingWorker]]:
    worker = HangingWorker()
    service = SyncService(cast(SyncWorker, worker), lambda _snapshot: None,
                          Intervals(catalog=300, observations=0.05, ranking=300))
    service.start()
    try:
        yield service, worker
    finally:
        worker.release.set()
        service.stop()


def test_ready_then_pings_while_the_sync_thread_progresses_and_none_once_it_hangs(
        qtbot: QtBot, systemd: FakeSystemd, sync_service: tuple[SyncService, HangingWorker]) -> None:
    service, worker = sync_service
    watchdog = ServiceWatchdog(service.heartbeat, stall_after_s=0.5, notifier=WatchDog())
    watchdog.start("showing Test on 1 screen(s)")
    try:
        qtbot.waitUntil(lambda: systemd.count("READY=1") == 1, timeout=5000)
        assert "STATUS=showing Test on 1 screen(s)" in systemd.read()
        qtbot.waitUntil(lambda: systemd.count("WATCHDOG=1") >= 5, timeout=5000)  # healthy: pings keep coming

        worker.hang.set()  # the sync thread stops making progress
        qtbot.waitUntil(worker.hung.is_set, timeout=5000)
        qtbot.waitUntil(lambda: any("sync thread stalled" in m for m in systemd.read()), timeout=5000)
        ticks = watchdog.ticks
        qtbot.waitUntil(lambda: watchdog.ticks >= ticks + 5, timeout=5000)  # five more periods, no ping
        messages = systemd.read()
        stalled_at = next(i for i, m in enumerate(messages) if "sync thread stalled" in m)
        assert "WATCHDOG=1" not in messages[stalled_at:]

        worker.release.set()  # a poll that comes back: pings resume
        worker.hang.clear()
        pings = systemd.count("WATCHDOG=1")
        qtbot.waitUntil(lambda: systemd.count("WATCHDOG=1") >= pings + 3, timeout=5000)
    finally:
        watchdog.stop()
    assert systemd.read()[-1] == "STATUS=stopping"


def test_outside_systemd_it_does_nothing(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    watchdog = ServiceWatchdog(None, stall_after_s=1.0, notifier=WatchDog())
    watchdog.start("showing")
    assert not watchdog.enabled and not watchdog._tick.isActive()
    watchdog.stop()


def test_the_running_wall_notifies_systemd(tmp_path: Path, systemd: FakeSystemd, qtbot: QtBot) -> None:
    """The real wall process, as systemd starts it: READY=1 once its windows are up and the
    demo store serves, then WATCHDOG=1 again and again; SIGTERM ends it cleanly."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    wall = subprocess.Popen([sys.executable, str(MAIN), "--data-dir", str(tmp_path / "data")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        qtbot.waitUntil(lambda: systemd.count("READY=1") == 1 or wall.poll() is not None, timeout=60_000)
        assert wall.poll() is None, wall.communicate()[1]
        qtbot.waitUntil(lambda: systemd.count("WATCHDOG=1") >= 3, timeout=10_000)
    finally:
        wall.send_signal(signal.SIGTERM)
        _out, err = wall.communicate(timeout=60)
    assert wall.returncode == 0, err
    assert "Traceback" not in err
    assert systemd.read()[-1] == "STATUS=stopping"

"""The wall's Qt-free parts: backend wiring against the embedded demo store, display choice."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cmwall.sync.service import Intervals
from cmwall.sync.snapshot import Snapshot
from cmwall.wall.backend import BackendError, build_backend
from cmwall.wall.config import WallConfig
from cmwall.wall.display import NoDisplay, choose_platform

QT_FREE_WALL_MODULES = ["cmwall.wall.backend", "cmwall.wall.placement", "cmwall.wall.rotation",
                        "cmwall.wall.status_text", "cmwall.wall.display", "cmwall.widgets.look.i18n", "cmwall.wall.config"]


def test_wall_logic_modules_import_without_qt() -> None:
    from .test_architecture import BLOCK_QT

    result = subprocess.run([sys.executable, "-c", BLOCK_QT, *QT_FREE_WALL_MODULES], capture_output=True,
                            text=True, cwd="/")
    assert result.returncode == 0, result.stderr


def test_backend_serves_the_demo_store_and_delivers_synced_snapshots(tmp_path: Path) -> None:
    received: list[Snapshot] = []
    synced = threading.Event()

    def on_snapshot(snapshot: Snapshot) -> None:
        received.append(snapshot)
        if snapshot.status.last_success is not None and snapshot.catalog is not None:
            synced.set()

    backend = build_backend(WallConfig(data_dir=tmp_path, intervals=Intervals(3600, 3600, 3600)), on_snapshot)
    try:
        assert backend.is_demo and backend.store_url.startswith("http://127.0.0.1:")
        backend.start()
        assert synced.wait(60), [s.status for s in received]
    finally:
        backend.stop()
    assert (tmp_path / "cm-wall.sqlite").exists()
    assert received[-1].status.reachable is True
    assert [s.id for s in received] == sorted(s.id for s in received)
    assert not backend.service.scheduler.running and backend.demo_server is None


def test_backend_refuses_an_unreadable_token_file(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="cannot read token file"):
        build_backend(WallConfig(data_dir=tmp_path, token_file=tmp_path / "missing"), lambda s: None)


def test_offscreen_is_chosen_only_without_a_display_for_a_screenshot_job() -> None:
    env: dict[str, str] = {}
    assert "no display found" in (choose_platform(env, offscreen_ok=True) or "")
    assert env["QT_QPA_PLATFORM"] == "offscreen"
    assert choose_platform({"DISPLAY": ":0"}, offscreen_ok=False) is None
    explicit = {"QT_QPA_PLATFORM": "offscreen:configfile=x.json"}
    assert choose_platform(explicit, offscreen_ok=False) is None
    assert explicit["QT_QPA_PLATFORM"] == "offscreen:configfile=x.json"


def test_a_wall_to_be_seen_refuses_without_a_display() -> None:
    env: dict[str, str] = {}
    with pytest.raises(NoDisplay, match="DISPLAY and WAYLAND_DISPLAY are unset"):
        choose_platform(env, offscreen_ok=False)
    assert "QT_QPA_PLATFORM" not in env

"""What the wall PC's service depends on: the shipped systemd unit is valid and says what
the wall does (notify, watchdog, restart), the session autostart starts that unit, and a
wall started without a display refuses at once instead of painting offscreen forever.
"""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cmwall.wall.app import EXIT_BAD_INPUT, EXIT_FAILED

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "docs" / "deploy"
UNIT = DEPLOY / "cm-wall.service"
AUTOSTART = DEPLOY / "cm-wall-autostart.desktop"
SHIPPED_EXEC = "/opt/cm-wall/bin/cm-wall"  # where docs/install.md installs the wall


def unit_sections(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True, comment_prefixes=("#", ";"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def verify(unit_text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`systemd-analyze --user verify` on `unit_text`, with ExecStart pointed at a stand-in
    executable (verify checks that the command exists; the wall is not installed here)."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: .ci/setup installs it (Debian package systemd)"
    stand_in = tmp_path / "cm-wall"
    stand_in.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    stand_in.chmod(0o755)
    unit = tmp_path / "units" / UNIT.name
    unit.parent.mkdir()
    unit.write_text(unit_text.replace(SHIPPED_EXEC, str(stand_in)), encoding="utf-8")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "SYSTEMD_LOG_COLOR": "0"}
    return subprocess.run([analyze, "--user", "verify", str(unit)], capture_output=True, text=True, env=env,
                          timeout=60)


def test_the_shipped_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    text = UNIT.read_text(encoding="utf-8")
    assert f"ExecStart={SHIPPED_EXEC}\n" in text
    result = verify(text, tmp_path)
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stdout + result.stderr


def test_verify_would_catch_a_broken_unit(tmp_path: Path) -> None:
    """verify exits 0 on unknown keys and bad values, so the test above also demands silence."""
    broken = UNIT.read_text(encoding="utf-8").replace("Restart=on-failure", "Restart=sometimes\nWatchdogSecs=60")
    result = verify(broken, tmp_path)
    output = result.stdout + result.stderr
    assert "restart specifier" in output and "WatchdogSecs" in output


def test_the_unit_runs_the_wall_as_it_behaves() -> None:
    service = unit_sections(UNIT)["Service"]
    assert service["Type"] == "notify" and service["NotifyAccess"] == "main"  # READY=1 from wall/watchdog.py
    assert service["WatchdogSec"].endswith("s") and int(service["WatchdogSec"][:-1]) >= 10
    assert service["Restart"] == "on-failure"  # a crash, a kill by the watchdog, no display yet (exit 1)
    assert service["RestartPreventExitStatus"] == str(EXIT_BAD_INPUT)  # bad configuration: no restart loop
    assert EXIT_FAILED != EXIT_BAD_INPUT
    assert unit_sections(UNIT)["Install"]["WantedBy"] == "graphical-session.target"


def test_the_session_autostart_starts_the_shipped_unit_on_the_session_display() -> None:
    entry = unit_sections(AUTOSTART)["Desktop Entry"]
    assert entry["Type"] == "Application"
    command = shlex.split(entry["Exec"])
    assert command[:2] == ["sh", "-c"]
    script = command[2]
    assert "systemctl --user import-environment DISPLAY XAUTHORITY WAYLAND_DISPLAY" in script
    assert f"systemctl --user start {UNIT.name}" in script


def test_without_a_display_the_wall_refuses_at_once(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / "data")],
                            capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=60)
    assert result.returncode == EXIT_FAILED
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cm-wall: no display: DISPLAY and WAYLAND_DISPLAY are unset")
    assert "--screenshot" in lines[0] and "docs/install.md" in lines[0]
    assert not (tmp_path / "data" / "cm-wall.sqlite").exists()  # nothing started: no store, no sync


@pytest.mark.parametrize("explicit", ["--screenshot", "QT_QPA_PLATFORM"])
def test_a_screenshot_job_or_an_explicit_platform_still_runs_without_a_display(tmp_path: Path, explicit: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    args = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(tmp_path / "data"), "--layout", "single_screen"]
    if explicit == "QT_QPA_PLATFORM":
        env["QT_QPA_PLATFORM"] = "offscreen"
        args += ["--as-of", "2026-11-21T10:00"]  # no local store there: exit 2 after the platform was accepted
        result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=120)
        assert result.returncode == EXIT_BAD_INPUT and "no display" not in result.stderr, result.stderr
        return
    result = subprocess.run([*args, "--screenshot", str(tmp_path / "shots")], capture_output=True, text=True, env=env,
                            cwd=str(tmp_path), timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "shots").glob("*.png"))) == 1

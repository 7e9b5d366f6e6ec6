"""The real entry point, headless: `python main.py --screenshot DIR` on emulated monitors.

Each run is a subprocess: the offscreen platform's screen configuration must be set
before a QApplication exists, and the wall's process is what ships.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "main.py"


def screens_file(tmp_path: Path, screens: list[tuple[str, int, int]]) -> Path:
    x = 0
    entries = []
    for name, width, height in screens:
        entries.append({"name": name, "x": x, "y": 0, "width": width, "height": height,
                        "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1})
        x += width
    path = tmp_path / "screens.json"
    path.write_text(json.dumps({"screens": entries}), encoding="utf-8")
    return path


def run_wall(tmp_path: Path, *args: str, platform: str = "offscreen", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "CMWALL_TOKEN",
                                                            "CMWALL_TOKEN_FILE")}
    if platform:
        env["QT_QPA_PLATFORM"] = platform
    else:
        env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run([sys.executable, str(MAIN), "--data-dir", str(tmp_path / "data"), *args],
                          capture_output=True, text=True, timeout=timeout, env=env, cwd=str(tmp_path))


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr


def test_four_emulated_monitors_get_the_residence_wall(tmp_path: Path) -> None:
    config = screens_file(tmp_path, [(f"WALL-{i}", 1920, 1080) for i in range(1, 5)])
    shots = tmp_path / "shots"
    result = run_wall(tmp_path, "--screenshot", str(shots), platform=f"offscreen:configfile={config}")
    assert_clean(result)
    names = sorted(p.name for p in shots.glob("*.png"))
    assert names == ["screen0-WALL-1-overview.png", "screen1-WALL-2-map.png",
                     "screen2-WALL-3-service.png", "screen3-WALL-4-trends.png"]
    for path in shots.glob("*.png"):
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1920, 1080)


def test_no_display_selects_offscreen_itself(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    result = run_wall(tmp_path, "--screenshot", str(shots), "--layout", "delegation", "--language", "gu",
                      platform="")
    assert_clean(result)
    assert result.stderr.count("no display found") == 1
    assert len(list(shots.glob("*.png"))) == 1


def test_split_surface_layout_writes_one_png_per_panel(tmp_path: Path) -> None:
    layout = tmp_path / "split.toml"
    layout.write_text("""schema_version = 1
name = "Split"
[[surfaces]]
id = "big"
rows = 1
cols = 2
bezel_px = [40, 0]
[[screens]]
id = "a"
surface = "big"
panel = 0
rows = 1
cols = 1
  [[screens.pages]]
  dwell = 30
    [[screens.pages.tiles]]
    type = "ranking"
    row = 0
    col = 0
[[screens]]
id = "b"
surface = "big"
panel = 1
rows = 1
cols = 1
  [[screens.pages]]
  dwell = 30
    [[screens.pages.tiles]]
    type = "kpi"
    row = 0
    col = 0
    options = { kpi = "PMJAY.CARDS" }
""", encoding="utf-8")
    config = screens_file(tmp_path, [("VIDEOWALL", 3840, 1080)])
    shots = tmp_path / "shots"
    result = run_wall(tmp_path, "--screenshot", str(shots), "--layout", str(layout),
                      platform=f"offscreen:configfile={config}")
    assert_clean(result)
    sizes = {p.name: (QImage(str(p)).width(), QImage(str(p)).height()) for p in shots.glob("*.png")}
    assert sizes == {"screen0-VIDEOWALL-panel0-a.png": (1900, 1080), "screen0-VIDEOWALL-panel1-b.png": (1900, 1080)}


@pytest.mark.parametrize(("args", "message"), [
    (("--layout", "no_such_layout"), "no such layout: expected one of cm_residence"),
    (("--token-file", "/nonexistent/token"), "cannot read token file /nonexistent/token"),
])
def test_bad_input_is_one_clear_line_and_a_nonzero_exit(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run_wall(tmp_path, "--screenshot", str(tmp_path / "shots"), *args, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_layout_file_lists_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('schema_version = 1\nname = "x"\n[[screens]]\nid = "a"\nrow = 2\n', encoding="utf-8")
    result = run_wall(tmp_path, "--layout", str(bad), timeout=60)
    assert result.returncode == 2
    assert f"{bad}: screens[0].pages: required field is missing" in result.stderr
    assert f"{bad}: screens[0].row: unknown key" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_command_via_main(tmp_path: Path) -> None:
    ok = subprocess.run([sys.executable, str(MAIN), "check", "crisis"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert "OK" in ok.stdout

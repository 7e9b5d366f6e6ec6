"""The wall as a package: the wheel `pip install` builds holds everything the installed
wall loads at run time, and the installed copy runs without the source tree.

A file left out of `[tool.setuptools.package-data]` would not fail loudly: a missing
language catalogue silently shows English, a missing layout fails only on the wall
PC. So the wheel is built here (offline: no dependencies, no build isolation) and
compared with the package folders file by file, then installed into a folder outside
the checkout and run from there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_FOLDERS = ("sync", "wall", "widgets", "layouts")  # installed as cmwall.<folder>


def source_files() -> set[str]:
    """Every file of the package folders, as its path inside the wheel."""
    found = set()
    for folder in PACKAGE_FOLDERS:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                found.add(f"cmwall/{path.relative_to(ROOT).as_posix()}")
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the checkout (the build writes build/ and egg-info
    beside its sources: never into the tree others work in)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for folder in PACKAGE_FOLDERS:
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                             "-q", ".", "-w", str(work / "dist")], cwd=source, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    (built,) = (work / "dist").glob("cm_wall-*.whl")
    return built


def test_the_wheel_holds_every_file_of_the_package_folders(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(source_files() - names)
    assert not missing, f"left out of the wheel (pyproject [tool.setuptools] packages / package-data): {missing}"


def test_the_wheel_holds_the_runtime_data_and_the_command(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    from cmwall.layouts.loader import SHIPPED_LAYOUTS
    from cmwall.widgets.look.i18n import LANGUAGES

    for layout in (*SHIPPED_LAYOUTS, "city_crisis"):
        assert f"cmwall/layouts/{layout}.toml" in names
    for language in LANGUAGES:
        if language != "en":
            assert f"cmwall/widgets/look/catalogues/{language}/LC_MESSAGES/cmwall.mo" in names
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "cm-wall = cmwall.wall.cli:main" in archive.read(entry_points).decode()


def test_the_installed_copy_runs_without_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    """Installed into a folder of its own (dependencies from this environment), then run
    from outside the checkout: layouts, catalogues and the demo store come from the install."""
    target = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target",
                             str(target), str(wheel)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    script = """
import sys
from pathlib import Path
import cmwall.wall
assert Path(cmwall.wall.__file__).is_relative_to(Path(sys.argv[1])), cmwall.wall.__file__
from cmwall.layouts.loader import SHIPPED_LAYOUTS, load_layout
from cmwall.widgets.look.i18n import tr
for name in SHIPPED_LAYOUTS:
    load_layout(name)
assert tr("Alerts", "hi") != "Alerts" and tr("Alerts", "gu") != "Alerts"
from cmwall.wall.cli import main
sys.exit(main(["rank", "--format", "table"]))
"""
    env = {**os.environ, "PYTHONPATH": str(target)}
    ran = subprocess.run([sys.executable, "-c", script, str(target)], cwd=outside, capture_output=True, text=True,
                         env=env, timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert "Rank" in ran.stdout and "Score" in ran.stdout

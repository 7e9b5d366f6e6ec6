"""Architecture rules that code review alone would let slip.

sync/ and layouts/ must import with Qt absent (they run in the sync thread, the
`rank`/`check` commands and the demo store), and the card's generic folder names
must be installed under the cmwall namespace only. The layers (wall above widgets
above layouts above sync; look and language below every tile) are import-linter
contracts in pyproject.toml, checked here.
"""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from types import ModuleType

import cmwall.layouts
import cmwall.sync

ROOT = Path(__file__).resolve().parents[1]

BLOCK_QT = """
import importlib.abc, sys
class BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'):
            raise ImportError('Qt is blocked in this test: ' + name)
sys.meta_path.insert(0, BlockQt())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
print('imported', len(sys.argv) - 1)
"""


def modules_of(package: ModuleType) -> list[str]:
    return [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]


def test_sync_and_layouts_import_without_qt() -> None:
    names = modules_of(cmwall.sync) + modules_of(cmwall.layouts)
    assert "cmwall.sync.worker" in names and "cmwall.layouts.tile_options" in names
    result = subprocess.run([sys.executable, "-c", BLOCK_QT, *names], capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stderr
    assert f"imported {len(names)}" in result.stdout


def test_generic_folder_names_are_not_importable_as_top_level_modules() -> None:
    script = "import importlib.util as u; print([n for n in ('sync','wall','widgets','layouts') if u.find_spec(n)])"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd="/")
    assert result.stdout.strip() == "[]", result.stdout
    assert Path(cmwall.sync.__path__[0]).resolve() == ROOT / "sync"


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` over a `cmwall` package laid out from the card's folders in `tree`.

    The editable install maps the folders into a namespace the import graph builder
    cannot walk, so the package is laid out plainly and Python started without site
    hooks (-S), with the installed libraries on the path."""
    site = sysconfig.get_paths()["purelib"]
    return subprocess.run(
        [sys.executable, "-S", "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
         str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True, text=True, cwd=tree, env={"PYTHONPATH": f"{tree}:{site}", "PATH": "/usr/bin:/bin"},
    )


def package_tree(tmp_path: Path, copy: bool = False) -> Path:
    package = tmp_path / "cmwall"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in ("sync", "wall", "widgets", "layouts"):
        if copy:
            shutil.copytree(ROOT / name, package / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (package / name).symlink_to(ROOT / name)
    return tmp_path


def test_the_layers_hold(tmp_path: Path) -> None:
    result = lint_imports(package_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_build(tmp_path: Path) -> None:
    tree = package_tree(tmp_path, copy=True)
    (tree / "cmwall" / "widgets" / "look" / "upward.py").write_text("from ...wall import controller\n")
    result = lint_imports(tree)
    assert result.returncode != 0 and "BROKEN" in result.stdout, result.stdout


def test_a_wall_part_importing_another_breaks_the_build(tmp_path: Path) -> None:
    tree = package_tree(tmp_path, copy=True)
    pages = tree / "cmwall" / "wall" / "pages.py"
    pages.write_text(pages.read_text() + "\nfrom .commands import Commands  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0 and "never import each other BROKEN" in result.stdout, result.stdout


def test_a_layer_importing_the_command_line_breaks_the_build(tmp_path: Path) -> None:
    tree = package_tree(tmp_path, copy=True)
    (tree / "cmwall" / "layouts" / "back_door.py").write_text("from ..wall.cli import check  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0 and "nothing imports it BROKEN" in result.stdout, result.stdout


def test_ruff_finds_nothing() -> None:
    """The lint rules in pyproject.toml ([tool.ruff]) hold on the whole tree."""
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run([str(ruff), "check", "--no-cache", str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing(tmp_path: Path) -> None:
    """`mypy --strict` ([tool.mypy] in pyproject.toml) on the package and on the tests,
    benchmarks and docs scripts; the package is laid out plainly as for lint-imports."""
    tree = package_tree(tmp_path)
    for targets in (["-p", "cmwall"], ["tests", "bench", "docs", "main.py"]):
        result = subprocess.run(
            [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
             "--cache-dir", str(tmp_path / "cache"), *targets],
            capture_output=True, text=True, cwd=ROOT, env={**os.environ, "MYPYPATH": str(tree)},
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Success: no issues found" in result.stdout

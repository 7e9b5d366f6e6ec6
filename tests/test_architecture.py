"""Architecture rules that code review alone would let slip.

sync/ and layouts/ must import with Qt absent (they run in the sync thread, the
`rank`/`check` commands and the demo store), and the card's generic folder names
must be installed under the cmwall namespace only.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

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


def modules_of(package) -> list[str]:  # type: ignore[no-untyped-def]
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

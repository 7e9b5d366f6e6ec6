"""The ranking package must import and run with Qt unavailable (STYLE: sync/ is Qt-free)."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
sys.modules["PySide6"] = None  # any import of PySide6 now raises ImportError
import cmwall.sync.ranking, cmwall.wall.cli.rank, cmwall.sync.ranking.explain
assert not any(m.startswith("PySide6") for m in sys.modules if sys.modules[m] is not None)
"""


def test_ranking_imports_without_qt() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr

"""Nothing the wall does loads pyqtgraph: charts paint themselves (widgets/plot_paint.py)
and the screenshot audit reads their texts as painted, so the wall does not carry its
memory and start-up cost (issue 12: RSS at start). Run in a fresh interpreter, since
another test of the session may have loaded it."""

from __future__ import annotations

import os
import subprocess
import sys

RECORD_A_TILE = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
import cmwall.wall.app, cmwall.wall.controller, cmwall.widgets.registry
from cmwall.wall import audit
from cmwall.widgets.base import TileContext
from cmwall.widgets.tiles.trend_tile import TrendTile
tile = TrendTile(TrendTile.options_model(kpi="BEDS"), TileContext())
tile.resize(400, 260)
tile.show()
with audit.recording() as rec:
    tile.grab()
    audit.tile_record(tile, rec, None)
print('pyqtgraph' in sys.modules)
"""


def test_the_wall_and_its_screenshot_audit_never_import_pyqtgraph() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", RECORD_A_TILE], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"

"""Render every registered tile type from the demo data to docs/widgets/<name>.png.

    .venv/bin/python docs/render_widgets.py [--size 960x540] [--language en|hi|gu]

Serves the embedded demo store on loopback at a fixed time, polls it once like the
wall does, and grabs each tile (built from tests/tile_examples.py) — the pictures
in the docs are therefore exactly what the wall shows for that data.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cmwall.sync.client import StoreClient  # noqa: E402
from cmwall.sync.demo_store import DemoStore, serve_in_thread  # noqa: E402
from cmwall.sync.derive import derive  # noqa: E402
from cmwall.sync.derived_facts import Wants  # noqa: E402
from cmwall.sync.local_store import LocalStore  # noqa: E402
from cmwall.sync.worker import SyncWorker  # noqa: E402
from cmwall.widgets.base import TileContext  # noqa: E402
from cmwall.widgets.look import theme  # noqa: E402
from cmwall.widgets.registry import registered  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.tile_examples import EXAMPLE_OPTIONS  # noqa: E402

NOW = datetime(2026, 11, 22, 11, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="960x540")
    parser.add_argument("--language", default="en", choices=("en", "hi", "gu"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "widgets")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])
    app.setStyleSheet(theme.stylesheet())
    running = serve_in_thread(DemoStore(seed=0, clock=lambda: NOW))
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            worker = SyncWorker(StoreClient(running.url), LocalStore(Path(data_dir)), clock=lambda: NOW)
            snapshot = worker.poll_all()
            worker.client.close()
            worker.store.close()
    finally:
        running.stop()
    assert snapshot is not None
    args.out.mkdir(parents=True, exist_ok=True)
    context = TileContext(language=args.language, now=lambda: NOW, layout_dir=ROOT / "layouts")
    suffix = "" if args.language == "en" else f".{args.language}"
    for name, cls in sorted(registered().items()):
        tile = cls(cls.options_model(**EXAMPLE_OPTIONS.get(name, {})), context)
        tile.resize(width, height)
        tile.show()
        # what the wall's sync thread derives for a layout showing this tile (alerts, explanations, projections)
        tile.apply(derive(snapshot, Wants((context.thresholds,), tile.options.explains(), tile.options.projects())))
        app.processEvents()
        path = args.out / f"{name}{suffix}.png"
        tile.grab().toImage().save(str(path))
        tile.cleanup()
        tile.deleteLater()
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

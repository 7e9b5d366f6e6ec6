"""The shipped bilingual layout (the delegation tour in English and Gujarati) on a wall of
four 1080p screens cuts no title and no figure to "…": the screenshots' audit records
list every text that was cut, and the titles (each language on its own line) and every
text with a figure in it must not be among them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cmwall.layouts.loader import load_layout
from cmwall.sync.snapshot import Snapshot
from cmwall.wall.controller import WallController
from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from .conftest import DEMO_NOW

BILINGUAL = Path(__file__).resolve().parent.parent / "layouts" / "bilingual.toml"


class FakeScreen:
    def __init__(self, index: int) -> None:
        self.index = index
        self._rect = QRect(1920 * index, 0, 1920, 1080)

    def name(self) -> str:
        return f"HD-{self.index}"

    def geometry(self) -> QRect:
        return self._rect


def cut_titles_and_figures(record: dict[str, Any]) -> list[str]:
    cut = []
    for tile in record["tiles"]:
        titles = set((tile.get("title") or "").split("\n"))
        cut += [f"{tile['type']}: {text}" for text in tile["elided"]
                if text in titles or any(c.isdigit() for c in text)]
    return cut


def test_the_bilingual_tour_cuts_no_title_and_no_figure(qtbot: QtBot, tmp_path: Path, demo_snapshot: Snapshot) -> None:
    screens = [FakeScreen(i) for i in range(4)]
    controller = WallController(load_layout(str(BILINGUAL)), clock=lambda: DEMO_NOW, fade_ms=0,
                                screens=lambda: screens, windowed=True)
    controller.start()
    try:
        controller.apply_snapshot(demo_snapshot)
        pngs = controller.save_screenshots(tmp_path / "shots")
    finally:
        controller.shutdown()
    records = [json.loads(png.with_suffix(".json").read_text(encoding="utf-8")) for png in pngs]
    assert len(records) == 4
    tiles = [tile for record in records for tile in record["tiles"]]
    assert any("\n" in (tile.get("title") or "") for tile in tiles)  # titles are in both languages
    assert [cut for record in records for cut in cut_titles_and_figures(record)] == []

"""The one contract every registered tile type keeps, checked over all of them.

Parametrised at collection time from the registry, so a new tile type is covered
the moment it registers (and must add example options to tests/tile_examples.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from cmwall.sync.snapshot import Snapshot
from cmwall.wall.audit import recording, tile_record
from cmwall.widgets.base import Tile, TileContext
from cmwall.widgets.registry import registered
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from .conftest import DEMO_NOW
from .derived import show
from .imaging import image_array
from .tile_examples import EXAMPLE_OPTIONS

TILE_TYPES = sorted(registered())
SIZES = ((320, 180), (960, 540), (1920, 1080), (3840, 2160))
NOT_DATA = {"clock", "banner"}  # show no snapshot data, so a snapshot need not repaint them


def make_tile(qtbot: QtBot, name: str, context: TileContext) -> Tile:
    cls = registered()[name]
    assert name in EXAMPLE_OPTIONS, f"add example options for {name!r} to tests/tile_examples.py"
    tile = cls(cls.options_model(**EXAMPLE_OPTIONS[name]), context)
    qtbot.addWidget(tile)
    return tile


def assert_not_blank(tile: Tile, state: str = "ok") -> None:
    """The tile painted its heading and what its state calls for, as the audit record
    of a screenshot reads it (not merely some colours)."""
    with recording() as rec:
        pixels = image_array(tile.grab().toImage())
    record = tile_record(tile, rec, None)
    where = f"{tile.type_name} at {tile.width()}×{tile.height()}"
    assert record["state"] == state, f"{where}: {record['state']} ({record.get('message')}), expected {state}"
    assert record["title"] and record["texts"], f"{where} painted no text"
    if state == "ok" and tile.type_name not in NOT_DATA:
        assert len(record["texts"]) >= 3, f"{where} shows only {record['texts']}"
    colours = np.unique(pixels.reshape(-1, 3)[:: max(1, pixels.size // 60000)], axis=0)
    assert len(colours) > 4, f"{where} rendered a blank image"


def assert_no_running_timers(tile: Tile) -> None:
    running = [t for t in tile.findChildren(QTimer) if t.isActive()]
    assert not running, f"{tile.type_name}: {len(running)} QTimer(s) still running after cleanup()"


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


@pytest.mark.parametrize("name", TILE_TYPES)
def test_tile_keeps_the_contract(qtbot: QtBot, name: str, demo_snapshot: Snapshot, newer_demo_snapshots: tuple[Snapshot, ...], tile_context: TileContext) -> None:
    tile = make_tile(qtbot, name, tile_context)
    tile.resize(*SIZES[1])
    tile.show()
    show(tile, demo_snapshot)
    for width, height in SIZES:
        tile.resize(width, height)
        QApplication.processEvents()
        assert_not_blank(tile)
    tile.resize(*SIZES[1])
    for snapshot in newer_demo_snapshots:
        show(tile, snapshot)
        QApplication.processEvents()
    assert tile.apply_count == 1 + len(newer_demo_snapshots)
    assert_not_blank(tile)
    tile.cleanup()
    assert_no_running_timers(tile)


@pytest.mark.parametrize("name", TILE_TYPES)
def test_tile_waits_calmly_before_first_data(qtbot: QtBot, name: str, demo_snapshot: Snapshot, tile_context: TileContext) -> None:
    tile = make_tile(qtbot, name, tile_context)
    tile.resize(640, 360)
    tile.show()
    show(tile, replace(demo_snapshot, catalog=None, ranking=None, previous_ranking=None, series={}))
    QApplication.processEvents()
    assert_not_blank(tile, "ok" if name in NOT_DATA else "waiting")
    tile.retranslate()
    tile.cleanup()
    assert_no_running_timers(tile)


@pytest.mark.parametrize("name", TILE_TYPES)
def test_one_snapshot_update_repaints_once(qtbot: QtBot, name: str, demo_snapshot: Snapshot, tile_context: TileContext) -> None:
    tile = make_tile(qtbot, name, tile_context)
    tile.resize(960, 540)
    tile.show()
    qtbot.waitExposed(tile)
    show(tile, demo_snapshot)
    QApplication.processEvents()
    counter = PaintCounter()
    tile.installEventFilter(counter)
    # The store goes out of reach: every data tile must now say "cached" — one repaint.
    away = replace(
        demo_snapshot, id=demo_snapshot.id + 1,
        status=replace(demo_snapshot.status, reachable=False, unreachable_since=DEMO_NOW - timedelta(minutes=5)),
    )
    show(tile, away)
    QApplication.processEvents()
    QApplication.processEvents()
    expected = (0, 1) if name in NOT_DATA else (1,)
    assert counter.count in expected, f"{name}: {counter.count} paints for one snapshot"
    tile.cleanup()


def test_every_tile_type_has_example_options() -> None:
    missing = set(TILE_TYPES) - set(EXAMPLE_OPTIONS)
    assert not missing, f"no example options for {sorted(missing)}"


def test_snapshots_move_forward(newer_demo_snapshots: tuple[Snapshot, ...]) -> None:
    ids = [s.id for s in newer_demo_snapshots]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)

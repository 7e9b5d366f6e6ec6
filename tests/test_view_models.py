"""On a wall, tiles' view models are built off the GUI thread and applied a few per turn.

widgets/view_models.py: what a tile shows must be the model of its newest snapshot,
built on the stage's worker thread, applied on the GUI thread only when it differs
from the model on screen, and no more per event-loop turn than the budget allows.
"""

from __future__ import annotations

import threading
from typing import Any

from cmwall.sync.snapshot import Snapshot
from cmwall.widgets.base import TileContext
from cmwall.widgets.per_snapshot import once
from cmwall.widgets.tiles.kpi_tile import KpiModel, KpiTile
from cmwall.widgets.view_models import ModelStage
from pytestqt.qtbot import QtBot

from tests.hand_snapshots import NOW, at, catalog, snapshot

KPIS = [{"code": "BEDS", "name": "Beds in use", "scheme": "S", "unit": "beds", "better": "lower",
         "level": "district", "frequency": "PT1H", "aggregate": "sum"}]


def snap(value: float, ident: int = 1) -> Snapshot:
    s = snapshot(catalog([dict(k) for k in KPIS]), [("BEDS", "438", "2026-11-22T10:00", value, at(1))])
    return Snapshot(id=ident, created_at=s.created_at, status=s.status, catalog=s.catalog, series=s.series,
                    data_as_of=s.data_as_of)


class WatchedKpiTile(KpiTile):
    """Notes on which threads its models were built, and for which snapshots."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.built_on: list[str] = []
        self.built_for: list[int] = []

    def build_model(self, snapshot: Snapshot) -> Any:
        self.built_on.append(threading.current_thread().name)
        self.built_for.append(snapshot.id)
        return super().build_model(snapshot)


def wall_tiles(qtbot: QtBot, stage: ModelStage, count: int = 1) -> list[WatchedKpiTile]:
    context = TileContext(now=lambda: NOW, models=stage)
    tiles = []
    for _ in range(count):
        tile = WatchedKpiTile(KpiTile.options_model(kpi="BEDS", entity="438"), context)
        qtbot.addWidget(tile)
        tile.resize(400, 260)
        tile.show()
        tiles.append(tile)
    return tiles


def test_models_are_built_off_the_gui_thread_and_shown(qtbot: QtBot) -> None:
    stage = ModelStage()
    try:
        [tile] = wall_tiles(qtbot, stage)
        tile.apply(snap(42))
        qtbot.waitUntil(lambda: isinstance(tile.model, KpiModel), timeout=10_000)
        assert isinstance(tile.model, KpiModel) and tile.model.value == "42"
        assert tile.built_on and threading.main_thread().name not in tile.built_on
    finally:
        stage.close()


def test_an_unchanged_model_is_not_painted_again(qtbot: QtBot) -> None:
    stage = ModelStage()
    try:
        [tile] = wall_tiles(qtbot, stage)
        tile.apply(snap(42, ident=1))
        qtbot.waitUntil(lambda: isinstance(tile.model, KpiModel), timeout=10_000)
        qtbot.waitUntil(lambda: stage.pending() == 0, timeout=10_000)
        paints, applied = tile.paint_count, stage.applied
        tile.apply(snap(42, ident=2))  # a new snapshot, the same figure
        qtbot.waitUntil(lambda: stage.applied == applied + 1, timeout=10_000)
        assert tile.paint_count == paints
        tile.apply(snap(43, ident=3))
        qtbot.waitUntil(lambda: isinstance(tile.model, KpiModel) and tile.model.value == "43", timeout=10_000)
        assert tile.paint_count > paints
    finally:
        stage.close()


def test_models_are_applied_a_few_per_turn(qtbot: QtBot) -> None:
    stage = ModelStage(budget_ms=0.0)  # no time to spare: one model per event-loop turn
    try:
        tiles = wall_tiles(qtbot, stage, count=6)
        for tile in tiles:
            tile.apply(snap(7))
        qtbot.waitUntil(lambda: all(isinstance(t.model, KpiModel) for t in tiles), timeout=10_000)
        assert stage.turns >= len(tiles)
    finally:
        stage.close()


def test_a_tile_asked_again_before_its_build_gets_the_newest_snapshot_only(qtbot: QtBot) -> None:
    stage = ModelStage()
    gate = threading.Event()
    blocker = WatchedKpiTile(KpiTile.options_model(kpi="BEDS"), TileContext(now=lambda: NOW, models=stage))
    qtbot.addWidget(blocker)
    original = blocker.build_model

    def held(snapshot: Snapshot) -> Any:
        gate.wait(10)
        return original(snapshot)

    blocker.build_model = held  # type: ignore[method-assign]
    try:
        [tile] = wall_tiles(qtbot, stage)
        blocker.apply(snap(1, ident=1))  # holds the worker while the tile is asked twice
        tile.apply(snap(10, ident=2))
        tile.apply(snap(11, ident=3))
        gate.set()
        qtbot.waitUntil(lambda: isinstance(tile.model, KpiModel) and tile.model.value == "11", timeout=10_000)
        assert tile.built_for == [3]
    finally:
        gate.set()
        stage.close()


def test_a_fact_is_made_once_per_snapshot() -> None:
    made: list[int] = []

    def make(value: int) -> int:
        made.append(value)
        return value

    first, second = snap(1, ident=1), snap(1, ident=2)
    assert once(first, "k", lambda: make(5)) == 5
    assert once(first, "k", lambda: make(6)) == 5
    assert once(second, "k", lambda: make(7)) == 7
    assert made == [5, 7]

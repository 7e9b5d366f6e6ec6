"""A tile whose figures do not change lets go of the older snapshot (issue 12, the wall's memory).

widgets/painted_tile.py skips a snapshot whose inputs are those of the model it shows;
it used to keep the snapshot that model was built from for good, and with it every
series, ranking and fact of that poll: at 3,400 KPIs the idle tiles of a four-screen
wall held up to 8 snapshots (~60 MB). The newer snapshot stands for the same model, so
it takes the older one's place — but only once the model is on screen: the model stage
shows a build only for the snapshot its tile last asked for, and a build on its way must
not be thrown away (the tile would keep an older figure).
"""

from __future__ import annotations

import threading
import weakref

from cmwall.sync.derive import derive
from cmwall.sync.derived_facts import Wants
from cmwall.sync.snapshot import Snapshot
from cmwall.widgets.base import TileContext
from cmwall.widgets.tiles.kpi_tile import KpiModel, KpiTile
from cmwall.widgets.view_models import ModelStage
from pytestqt.qtbot import QtBot

from tests.hand_snapshots import NOW, at, catalog, snapshot
from tests.test_view_models import held_tile

KPIS = [{"code": "BEDS", "name": "Beds in use", "scheme": "S", "unit": "beds", "better": "lower",
         "level": "district", "frequency": "PT1H", "aggregate": "sum"}]


def first_snapshot(value: float) -> Snapshot:
    made = snapshot(catalog([dict(k) for k in KPIS]), [("BEDS", "438", "2026-11-22T10:00", value, at(1))])
    return derive(Snapshot(id=1, created_at=made.created_at, status=made.status, catalog=made.catalog,
                           series=made.series, data_as_of=made.data_as_of), Wants(()))


def next_poll(previous: Snapshot) -> Snapshot:
    """The next poll's snapshot with nothing new: the same catalog and series objects."""
    return derive(Snapshot(id=previous.id + 1, created_at=previous.created_at, status=previous.status,
                           catalog=previous.catalog, series=previous.series, data_as_of=previous.data_as_of),
                  Wants(()))


def wall_tile(qtbot: QtBot, stage: ModelStage) -> KpiTile:
    tile = KpiTile(KpiTile.options_model(kpi="BEDS", entity="438"), TileContext(now=lambda: NOW, models=stage))
    qtbot.addWidget(tile)
    tile.resize(400, 260)
    tile.show()
    return tile


def test_an_unchanged_tile_holds_the_newest_snapshot_not_its_first(qtbot: QtBot) -> None:
    stage = ModelStage()
    try:
        tile = wall_tile(qtbot, stage)
        first = first_snapshot(42)
        tile.apply(first)
        qtbot.waitUntil(lambda: isinstance(tile.model, KpiModel) and stage.settled(tile), timeout=10_000)
        shown, gone = tile.model, weakref.ref(first)
        second = next_poll(first)
        del first
        tile.apply(second)
        assert tile.skipped == 1 and tile.model is shown  # nothing built again
        assert tile.model_snapshot is second
        assert gone() is None  # nothing on the tile keeps the first poll's data
    finally:
        stage.close()


def test_a_build_on_its_way_keeps_its_snapshot_and_is_shown(qtbot: QtBot) -> None:
    stage = ModelStage()
    gate = threading.Event()
    blocker = held_tile(qtbot, stage, gate)
    try:
        tile = wall_tile(qtbot, stage)
        blocker.apply(first_snapshot(1))  # holds the worker while the tile is asked
        first = first_snapshot(42)
        tile.apply(first)
        second = next_poll(first)
        tile.apply(second)  # the same inputs while the first build waits
        assert tile.skipped == 1 and not stage.settled(tile)
        assert tile.model_snapshot is first
        gate.set()
        qtbot.waitUntil(lambda: isinstance(tile.model, KpiModel) and stage.settled(tile), timeout=10_000)
        assert tile.model.value == "42"  # the build for the first snapshot was shown, not dropped
        third = next_poll(second)
        tile.apply(third)
        assert tile.model_snapshot is third
    finally:
        gate.set()
        stage.close()

"""On a wall, tiles' view models are built off the GUI thread and applied a few per turn.

widgets/view_models.py: what a tile shows must be the model of its newest snapshot,
built on the stage's worker thread, applied on the GUI thread only when it differs
from the model on screen, and no more per event-loop turn than the budget allows.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from types import MappingProxyType
from typing import Any

import pytest
from cmwall.sync.derive import derive
from cmwall.sync.derived_facts import Wants
from cmwall.sync.snapshot import Snapshot
from cmwall.widgets import view_models
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


def held_tile(qtbot: QtBot, stage: ModelStage, gate: threading.Event, kind: type[KpiTile] = KpiTile) -> KpiTile:
    """A KPI tile whose builds wait for `gate` (up to 10 s): it holds the stage's one worker
    while other tiles are asked for."""
    tile = kind(KpiTile.options_model(kpi="BEDS"), TileContext(now=lambda: NOW, models=stage))
    qtbot.addWidget(tile)
    original = tile.build_model

    def held(snapshot: Snapshot) -> Any:
        gate.wait(10)
        return original(snapshot)

    tile.build_model = held  # type: ignore[method-assign]
    return tile


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
        qtbot.waitUntil(lambda: tile.paint_count > paints, timeout=10_000)  # in the window's next paint event
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
    blocker = held_tile(qtbot, stage, gate, WatchedKpiTile)
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


TWO_KPIS = KPIS + [{"code": "O2", "name": "Oxygen hours", "scheme": "S", "unit": "h", "level": "district",
                    "frequency": "PT1H"}]


def derived_snap(beds: float, oxygen: float, ident: int, keep_beds_of: Snapshot | None = None) -> Snapshot:
    """A snapshot as the sync thread makes them; with `keep_beds_of`, its BEDS series object
    is that snapshot's (the sync keeps the series of a KPI no observation touched)."""
    s = snapshot(catalog([dict(k) for k in TWO_KPIS]), [("BEDS", "438", "2026-11-22T10:00", beds, at(1)),
                                                        ("O2", "438", "2026-11-22T10:00", oxygen, at(1))])
    series = dict(s.series)
    if keep_beds_of is not None:
        series["BEDS"] = keep_beds_of.series["BEDS"]
    made = Snapshot(id=ident, created_at=s.created_at, status=s.status,
                    catalog=keep_beds_of.catalog if keep_beds_of else s.catalog,
                    series=MappingProxyType(series), data_as_of=s.data_as_of)
    return derive(made, Wants(()))


def test_a_tile_whose_inputs_did_not_change_is_not_built_again(qtbot: QtBot) -> None:
    stage = ModelStage()
    try:
        [tile] = wall_tiles(qtbot, stage)
        first = derived_snap(42, 10, ident=1)
        tile.apply(first)
        qtbot.waitUntil(lambda: isinstance(tile.model, KpiModel) and stage.pending() == 0, timeout=10_000)
        tile.apply(derived_snap(99, 11, ident=2, keep_beds_of=first))  # only the oxygen changed
        assert tile.skipped == 1 and tile.built_for == [1] and stage.pending() == 0
        tile.apply(derived_snap(43, 11, ident=3, keep_beds_of=None))  # a new BEDS series: built again
        qtbot.waitUntil(lambda: tile.model.value == "43", timeout=10_000)
        assert tile.built_for == [1, 3]
    finally:
        stage.close()


def test_a_model_on_its_way_is_shown_when_the_next_snapshot_changes_nothing_it_shows(qtbot: QtBot) -> None:
    stage = ModelStage()
    try:
        [tile] = wall_tiles(qtbot, stage)
        first = derived_snap(42, 10, ident=1)
        tile.apply(first)
        tile.apply(derived_snap(99, 11, ident=2, keep_beds_of=first))  # at once: the first is still on its way
        qtbot.waitUntil(lambda: isinstance(tile.model, KpiModel), timeout=10_000)
        assert tile.model.value == "42" and tile.snapshot is not None and tile.snapshot.id == 2
    finally:
        stage.close()


def test_a_tile_is_built_again_when_the_minute_changes(qtbot: QtBot) -> None:
    moments = [NOW]
    stage = ModelStage()
    try:
        tile = WatchedKpiTile(KpiTile.options_model(kpi="BEDS", entity="438"),
                              TileContext(now=lambda: moments[-1], models=stage))
        qtbot.addWidget(tile)
        first = derived_snap(42, 10, ident=1)
        tile.apply(first)
        qtbot.waitUntil(lambda: stage.pending() == 0, timeout=10_000)
        tile.refresh_ages()  # the minute has not turned: nothing to build
        tile.apply(derived_snap(99, 11, ident=2, keep_beds_of=first))  # nor did the tile's data change
        assert stage.pending() == 0 and tile.built_for == [1]
        moments.append(NOW + timedelta(minutes=1))  # "updated 1 min ago" must count on
        tile.refresh_ages()
        qtbot.waitUntil(lambda: len(tile.built_for) == 2, timeout=10_000)
    finally:
        stage.close()


class NotingKpiTile(KpiTile):
    """Notes its `word` in `order` when its model is built; waits for `gate` if given."""

    def __init__(self, order: list[str], word: str, gate: threading.Event | None, context: TileContext) -> None:
        super().__init__(KpiTile.options_model(kpi="BEDS"), context)
        self.order, self.word, self.gate = order, word, gate
        self.started = threading.Event()

    def build_model(self, snapshot: Snapshot) -> Any:
        self.started.set()
        if self.gate is not None:
            self.gate.wait(10)
        self.order.append(self.word)
        return super().build_model(snapshot)


def build_order(qtbot: QtBot, stage: ModelStage) -> list[str]:
    """The order the stage builds a refresh asked first and a data change asked after it."""
    gate, order = threading.Event(), list[str]()
    context = TileContext(now=lambda: NOW, models=stage)
    blocker, aged, changed = (NotingKpiTile(order, word, g, context)
                              for word, g in (("blocker", gate), ("age refresh", None), ("data", None)))
    for tile in (blocker, aged, changed):
        qtbot.addWidget(tile)
    try:
        blocker.apply(snap(1, ident=1))  # holds the worker while both are asked for
        assert blocker.started.wait(10)
        stage.request(aged, snap(5, ident=2), refresh=True)  # asked first, but only the clock moved
        changed.apply(snap(6, ident=3))
        gate.set()
        qtbot.waitUntil(lambda: stage.pending() == 0, timeout=10_000)
    finally:
        gate.set()
    return order[1:]


def test_data_changes_are_built_before_the_minute_s_age_refreshes(qtbot: QtBot) -> None:
    stage = ModelStage()
    try:
        assert build_order(qtbot, stage) == ["data", "age refresh"]
    finally:
        stage.close()


def test_a_refresh_that_waited_long_goes_before_data(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(view_models, "REFRESH_WAIT_S", 0.0)  # every refresh has waited long enough
    stage = ModelStage()
    try:
        assert build_order(qtbot, stage) == ["age refresh", "data"]  # an age a minute behind is not honest
    finally:
        stage.close()


def test_flush_shows_every_model_asked_for_before_a_screenshot(qtbot: QtBot) -> None:
    stage = ModelStage(budget_ms=0.0)  # at most one model per turn when left to the event loop
    try:
        tiles = wall_tiles(qtbot, stage, count=6)
        for tile in tiles:
            tile.apply(snap(42))
        assert stage.flush(timeout_s=30)  # no event loop turn in between
        assert all(isinstance(tile.model, KpiModel) and tile.model.value == "42" for tile in tiles)
        assert stage.pending() == 0
    finally:
        stage.close()


class SteppedTiles:
    """Tiles whose builds each wait for the test's go-ahead, so the test decides when
    snapshots come relative to the stage's builds (slower than polls, as at state scale)."""

    def __init__(self, qtbot: QtBot, stage: ModelStage, count: int) -> None:
        self.go = threading.Semaphore(0)
        self.entered = 0  # builds begun (the worker waits in the last one)
        self.order: list[int] = []  # which tile each build was for
        self.tiles = wall_tiles(qtbot, stage, count)
        for index, tile in enumerate(self.tiles):
            original = tile.build_model

            def stepped(snapshot: Snapshot, original: Any = original, index: int = index) -> Any:
                self.entered += 1
                self.go.acquire(timeout=10)
                self.order.append(index)
                return original(snapshot)

            tile.build_model = stepped  # type: ignore[method-assign]

    def ask_all(self, value: float, ident: int) -> None:
        for tile in self.tiles:
            tile.apply(snap(value, ident=ident))


def test_a_tile_asked_again_while_waiting_keeps_its_place_in_the_queue(qtbot: QtBot) -> None:
    stage = ModelStage()
    stepped = SteppedTiles(qtbot, stage, count=3)
    try:
        stepped.ask_all(1, ident=1)  # queue: 0 1 2; the worker waits in 0's build
        qtbot.waitUntil(lambda: stepped.entered == 1, timeout=10_000)
        stepped.go.release()  # 0 built; the worker waits in 1's build
        qtbot.waitUntil(lambda: stepped.entered == 2, timeout=10_000)
        stepped.ask_all(2, ident=2)  # 2 has waited longest: it stays first
        for _ in range(10):
            stepped.go.release()
        qtbot.waitUntil(lambda: len(stepped.order) == 5, timeout=10_000)
        assert stepped.order == [0, 1, 2, 0, 1]
    finally:
        for _ in range(10):
            stepped.go.release()
        stage.close()


def test_every_tile_shows_new_figures_though_polls_come_faster_than_the_stage_builds(qtbot: QtBot) -> None:
    """At state scale a poll comes before the stage has built every tile of the last one:
    each tile must still be built in turn and show a figure newer than its last one,
    never keep an old figure for as long as polls keep coming."""
    stage = ModelStage()
    stepped = SteppedTiles(qtbot, stage, count=3)
    try:
        stepped.ask_all(1, ident=1)
        for ident in range(2, 11):  # one build per poll: three tiles, each built every third poll
            qtbot.waitUntil(lambda ident=ident: stepped.entered == ident - 1, timeout=10_000)  # type: ignore[misc]
            turns = stage.turns
            stepped.go.release()
            qtbot.waitUntil(lambda turns=turns: stage.turns > turns, timeout=10_000)  # type: ignore[misc]
            stepped.ask_all(ident, ident=ident)
        assert sorted(set(stepped.order)) == [0, 1, 2]
        shown = [tile.model.value if isinstance(tile.model, KpiModel) else None for tile in stepped.tiles]
        assert all(value is not None and float(value) >= 6 for value in shown), shown
    finally:
        for _ in range(20):
            stepped.go.release()
        stage.close()


def test_results_waiting_for_a_slow_gui_thread_do_not_pile_up(qtbot: QtBot) -> None:
    """A wall PC runs for weeks: when the GUI thread applies models more slowly than the
    worker builds them, only the newest result per tile may wait (each holds its
    snapshot's data), and it is the one shown."""
    stage = ModelStage()
    try:
        [tile] = wall_tiles(qtbot, stage)
        for ident in range(1, 6):  # no event processed between the polls: nothing is applied
            tile.apply(snap(ident, ident=ident))
            with stage._changed:  # the worker notifies after each result it queues
                assert stage._changed.wait_for(lambda ident=ident: stage.built == ident, timeout=10)  # type: ignore[misc]
        assert stage.pending() == 1
        qtbot.waitUntil(lambda: isinstance(tile.model, KpiModel) and tile.model.value == "5", timeout=10_000)
        assert stage.pending() == 0 and stage.applied == 1
    finally:
        stage.close()

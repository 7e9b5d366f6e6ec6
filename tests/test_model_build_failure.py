"""A tile whose model cannot be built says so instead of showing its old figure as current.

widgets/painted_tile.py, widgets/view_models.py: when `build_model` raises, the tile
shows "could not show this: <reason>" (never the previous model, which would pass an
old figure off as the snapshot's), logs the traceback once, and forgets what its last
model was built from, so the next snapshot — even one with the same inputs — builds
it again.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from cmwall.sync.snapshot import Snapshot
from cmwall.widgets.base import TileContext
from cmwall.widgets.painted_tile import BuildFailure
from cmwall.widgets.tiles.kpi_tile import KpiModel, KpiTile
from cmwall.widgets.view_models import ModelStage
from pytestqt.qtbot import QtBot

from tests.hand_snapshots import NOW
from tests.test_view_models import derived_snap


class FlakyKpiTile(KpiTile):
    """Builds its model normally until told to fail."""

    failing = False

    def build_model(self, snapshot: Snapshot) -> Any:
        if self.failing:
            raise ValueError("no series for BEDS\nsecond line of the reason")
        return super().build_model(snapshot)


def flaky_tile(qtbot: QtBot, stage: ModelStage | None) -> FlakyKpiTile:
    tile = FlakyKpiTile(KpiTile.options_model(kpi="BEDS", entity="438"), TileContext(now=lambda: NOW, models=stage))
    qtbot.addWidget(tile)
    tile.resize(400, 260)
    tile.show()
    return tile


def shown(tile: FlakyKpiTile, stage: ModelStage | None, qtbot: QtBot, done: Any) -> None:
    if stage is not None:
        qtbot.waitUntil(lambda: bool(done()) and stage.pending() == 0, timeout=10_000)
    assert done()


@pytest.mark.parametrize("on_stage", [True, False], ids=["model stage", "GUI thread"])
def test_a_failed_build_shows_a_message_and_the_next_snapshot_builds_again(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture, on_stage: bool
) -> None:
    stage = ModelStage() if on_stage else None
    try:
        tile = flaky_tile(qtbot, stage)
        first = derived_snap(42, 10, ident=1)
        tile.apply(first)
        shown(tile, stage, qtbot, lambda: isinstance(tile.model, KpiModel) and tile.model.value == "42")

        tile.failing = True
        with caplog.at_level(logging.ERROR):
            tile.apply(derived_snap(43, 10, ident=2))  # a new BEDS figure whose build fails
            shown(tile, stage, qtbot, lambda: isinstance(tile.model, BuildFailure))
            tile.apply(derived_snap(44, 10, ident=3))  # fails the same way again
            shown(tile, stage, qtbot, lambda: tile.snapshot is not None and tile.snapshot.id == 3)
        model = tile.model
        assert isinstance(model, BuildFailure)  # not the old "42" passed off as the new snapshot's
        assert model.text == "could not show this: no series for BEDS second line of the reason"
        tracebacks = [r for r in caplog.records if r.exc_info is not None]
        assert len(tracebacks) == 1  # logged once, not at every poll that retries

        tile.failing = False
        repeat = derived_snap(99, 11, ident=4, keep_beds_of=first)  # the same BEDS inputs as a model built before
        tile.apply(repeat)
        shown(tile, stage, qtbot, lambda: isinstance(tile.model, KpiModel))
        assert tile.model.value == "42" and tile.skipped == 0
    finally:
        if stage is not None:
            stage.close()


def test_a_long_reason_is_cut_to_one_short_line() -> None:
    from cmwall.widgets.painted_tile import REASON_CHARS, short_reason

    reason = short_reason(KeyError("x" * 500))
    assert len(reason) == REASON_CHARS and reason.endswith("…")
    assert short_reason(RuntimeError()) == "RuntimeError"

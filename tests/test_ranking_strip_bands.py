"""The scrolling ranking keeps only the bands of its strip of rows that are on show
(widgets/tiles/ranking_tile.py; issue 12: the whole strip of a long list was 12 MB of a
wall at rest), and those bands are the whole strip's pixels, cut: the wall shows what it
showed when it painted the whole list at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from cmwall.widgets.base import TileContext
from cmwall.widgets.tiles import ranking_tile
from cmwall.widgets.tiles.ranking_tile import RankingModel, RankingTile
from pytestqt.qtbot import QtBot

from . import synthetic
from .derived import show

BAND = 40  # small bands: the synthetic list of eight districts spans several


@pytest.fixture
def tile(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> RankingTile:
    monkeypatch.setattr(ranking_tile, "STRIP_BAND_PX", BAND)
    ctx = TileContext(language="en", now=lambda: synthetic.NOW, layout_dir=Path(__file__).parent)
    tile = RankingTile(RankingTile.options_model(mode="all", seconds_per_row=0.5), ctx)
    qtbot.addWidget(tile)
    tile.resize(700, 150)  # room for about four of the eight districts
    tile.show()
    qtbot.waitExposed(tile)
    show(tile, synthetic.snapshot())
    qtbot.waitUntil(lambda: tile._scroll_timer.isActive())
    tile._scroll_timer.stop()
    return tile


def test_the_bands_are_the_whole_strip_cut(tile: RankingTile) -> None:
    model = tile.model
    assert isinstance(model, RankingModel)
    width, cycle = tile._rows_view.width(), tile._cycle()
    assert cycle > 2 * BAND  # a list of several bands, the last one short
    whole = tile.paint_strip(model, width).toImage()
    assert whole.height() == cycle
    for top in range(0, cycle, BAND):
        band = tile.paint_strip(model, width, top, BAND).toImage()
        assert band.height() == min(BAND, cycle - top)
        assert band == whole.copy(0, top, width, band.height()), f"the band from {top} differs"


def test_only_the_bands_on_show_are_kept_as_the_list_goes_round(tile: RankingTile) -> None:
    view = tile._rows_view
    most = -(-view.height() // BAND) + 1  # a view spans at most this many bands
    for offset in range(0, 2 * tile._cycle(), 7):
        tile.scroll_offset = offset % tile._cycle()
        view.repaint()
        assert view.strip is not None and 1 <= len(view.strip) <= most
        assert tile.scroll_offset // BAND in view.strip  # the band at the top of the view


"""Tiles that look at the whole store skip a poll that changed nothing they show.

Every poll brings a new snapshot, re-derived and re-judged on the sync thread, even
when no observation changed; a tile's `model_inputs` (widgets/painted_tile.py) say what
its model is made of, so such a poll costs it nothing — and new data still reaches it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from types import MappingProxyType

from cmwall.layouts.tile_options import AlertsOptions, AttentionOptions, FreshnessOptions, MapOptions, RankingOptions
from cmwall.sync.derived_facts import NOT_DERIVED
from cmwall.sync.ranking.result import RankedEntity, RankingResult
from cmwall.sync.series import Row, apply_rows, frozen
from cmwall.sync.snapshot import Snapshot
from cmwall.widgets.base import TileContext
from cmwall.widgets.painted_tile import PaintedTile
from cmwall.widgets.tiles.alerts_tile import AlertsModel, AlertsTile
from cmwall.widgets.tiles.attention_tile import AttentionModel, AttentionTile
from cmwall.widgets.tiles.freshness_tile import FreshnessModel, FreshnessTile
from cmwall.widgets.tiles.map_tile import MapModel, MapTile
from cmwall.widgets.tiles.ranking_tile import RankingModel, RankingTile
from pytestqt.qtbot import QtBot

from .conftest import DEMO_NOW
from .derived import for_tile
from .hand_snapshots import NOW, at, catalog, snapshot
from .test_tiles_crisis import feeding_catalog


def next_poll(tile: PaintedTile, last: Snapshot, rows: list[Row] | None = None) -> Snapshot:
    """The snapshot of the poll after `last`, as the sync thread makes it: same catalog, its
    facts derived and its feed quality judged anew; a new series mapping only with `rows`."""
    series = frozen(apply_rows(last.series, rows)) if rows else last.series
    made = replace(last, id=last.id + 1, status=replace(last.status, last_attempt=NOW), series=series,
                   feed_quality=replace(last.feed_quality, implausible=MappingProxyType(dict(last.feed_quality.implausible))),
                   derived=NOT_DERIVED)
    return for_tile(tile, made)


def test_alerts_tile_skips_a_poll_without_new_data_and_shows_new_figures(qtbot: QtBot) -> None:
    cat = catalog([{"code": "STK.O2", "name": "Oxygen stock", "scheme": "HOSP", "unit": "hours",
                    "level": "facility", "frequency": "PT1M", "alert": {"warn": 24, "critical": 12}}], facilities=2)
    rows: list[Row] = [("STK.O2", "F-0001", "2026-11-22T10:00", 9, at(0.5)),
                       ("STK.O2", "F-0002", "2026-11-22T10:00", 20, at(0.5))]
    tile = AlertsTile(AlertsOptions(), TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    first = for_tile(tile, snapshot(cat, rows))
    tile.apply(first)
    assert isinstance(tile.model, AlertsModel) and tile.model.rows[0].value == "‼ 9 h"
    shown = tile.model

    quiet = next_poll(tile, first)
    assert quiet.derived is not first.derived  # re-derived: the tile cannot key on it
    tile.apply(quiet)
    assert tile.skipped == 1 and tile.model is shown

    changed = next_poll(tile, quiet, [("STK.O2", "F-0001", "2026-11-22T10:30", 5, at(0.2))])
    tile.apply(changed)
    assert tile.skipped == 1 and tile.model.rows[0].value == "‼ 5 h"


def test_alerts_tile_is_built_again_when_a_shown_value_becomes_questioned(qtbot: QtBot) -> None:
    cat = catalog([{"code": "STK.O2", "name": "Oxygen stock", "scheme": "HOSP", "unit": "hours",
                    "level": "facility", "frequency": "PT1M", "alert": {"warn": 24, "critical": 12}}], facilities=1)
    tile = AlertsTile(AlertsOptions(), TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    first = for_tile(tile, snapshot(cat, [("STK.O2", "F-0001", "2026-11-22T10:00", 9, at(0.5))]))
    tile.apply(first)
    assert not tile.model.rows[0].questioned
    quality = replace(first.feed_quality, implausible=MappingProxyType({("STK.O2", "F-0001", "2026-11-22T10:00"): "odd"}))
    tile.apply(replace(next_poll(tile, first), feed_quality=quality))  # same data, newly questioned
    assert tile.skipped == 0 and tile.model.rows[0].questioned


def test_freshness_tile_skips_a_poll_without_new_data_and_shows_new_reports(qtbot: QtBot) -> None:
    cat = feeding_catalog()
    rows: list[Row] = [("E.MONTHLY", "438", "2026-10", 1, (NOW - timedelta(days=5)).timestamp()),
                       ("A.MONTHLY", "438", "2026-10", 1, (NOW - timedelta(days=40)).timestamp())]
    tile = FreshnessTile(FreshnessOptions(), TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    first = for_tile(tile, snapshot(cat, rows))
    tile.apply(first)
    assert isinstance(tile.model, FreshnessModel) and tile.model.on_time == 1
    shown = tile.model

    quiet = next_poll(tile, first)
    tile.apply(quiet)
    assert tile.skipped == 1 and tile.model is shown

    fed = (NOW - timedelta(hours=1)).timestamp()
    tile.apply(next_poll(tile, quiet, [("R.NEVER", "438", "2026-11", 1, fed), ("R.DAILY", "438", "2026-11-22", 1, fed)]))
    assert tile.skipped == 1 and tile.model.on_time == 2
    assert {r.name: r.state for r in tile.model.rows}["Revenue"] == "fresh"


def test_freshness_tile_is_built_again_when_the_store_becomes_unreachable(qtbot: QtBot) -> None:
    tile = FreshnessTile(FreshnessOptions(), TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    first = for_tile(tile, snapshot(feeding_catalog(), [("E.MONTHLY", "438", "2026-10", 1, at(24))]))
    tile.apply(first)
    assert tile.model.age.state == "fresh"
    tile.apply(replace(next_poll(tile, first), status=replace(first.status, reachable=False)))
    assert tile.skipped == 0 and tile.model.age.state == "cached"


RANKED_KPI = {"code": "K", "name": "Some figure", "scheme": "S", "level": "district", "frequency": "P1M"}


def ranked(first: str, second: str) -> RankingResult:
    """The wall's own ranking of October: `first` 1st, `second` 2nd."""
    rows = (RankedEntity(first, 80.0, 1, None, MappingProxyType({"K": 80.0})),
            RankedEntity(second, 60.0, 2, None, MappingProxyType({"K": 60.0})))
    return RankingResult(period="2026-10", rows=rows, source="local", computed_at=NOW)


def test_ranking_tile_skips_a_poll_that_only_re_dated_its_ranking_and_shows_a_new_order(qtbot: QtBot) -> None:
    tile = RankingTile(RankingOptions(), TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    rows: list[Row] = [("K", "438", "2026-10", 1, at(24)), ("K", "439", "2026-10", 1, at(24))]
    first = for_tile(tile, snapshot(catalog([dict(RANKED_KPI)]), rows, ranking=ranked("438", "439")))
    tile.apply(first)
    assert isinstance(tile.model, RankingModel) and [r.entity for r in tile.model.rows] == ["438", "439"]
    shown = tile.model

    again = first.ranking
    assert again is not None  # made again at the next poll, equal rows in new objects (the store's gets new flags)
    quiet = replace(next_poll(tile, first), ranking=replace(again, rows=tuple(replace(r) for r in again.rows),
                                                           computed_at=NOW + timedelta(minutes=1)))
    tile.apply(quiet)
    assert tile.skipped == 1 and tile.model is shown

    tile.apply(replace(next_poll(tile, quiet), ranking=ranked("439", "438")))  # same data, ranked anew
    assert tile.skipped == 1 and [r.entity for r in tile.model.rows] == ["439", "438"]


def amreli_marks(period: str, marks: float) -> RankingResult:
    """A ranking of `period` where Amreli (439) has `marks` in the one scored KPI."""
    rows = (RankedEntity("438", 90.0, 1, None, MappingProxyType({"K": 90.0})),
            RankedEntity("439", marks, 2, None, MappingProxyType({"K": marks})))
    return RankingResult(period=period, rows=rows, source="local", computed_at=NOW)


def test_attention_tile_skips_a_poll_that_only_re_dated_its_rankings_and_shows_a_new_fall(qtbot: QtBot) -> None:
    tile = AttentionTile(AttentionOptions(entity="439"), TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    cat = catalog([dict(RANKED_KPI, scoring={"method": "minmax"})])
    made = snapshot(cat, [("K", "439", "2026-10", 1, at(24))], ranking=amreli_marks("2026-10", 60.0))
    first = for_tile(tile, replace(made, previous_ranking=amreli_marks("2026-09", 70.0)))
    tile.apply(first)
    assert isinstance(tile.model, AttentionModel) and [r.note for r in tile.model.falls] == ["▼10.0"]
    shown = tile.model

    quiet = replace(next_poll(tile, first), ranking=amreli_marks("2026-10", 60.0),
                    previous_ranking=amreli_marks("2026-09", 70.0))  # equal rankings, made again
    tile.apply(quiet)
    assert tile.skipped == 1 and tile.model is shown

    tile.apply(replace(next_poll(tile, quiet), ranking=amreli_marks("2026-10", 50.0)))
    assert tile.skipped == 1 and [r.note for r in tile.model.falls] == ["▼20.0"]


def test_map_tile_skips_a_poll_without_new_data_and_recolours_on_new_figures(
        qtbot: QtBot, newer_demo_snapshots: tuple[Snapshot, ...]) -> None:
    first, _, later = newer_demo_snapshots
    tile = MapTile(MapOptions(colour_by="kpi", kpi="CMHL.REV.PEND300", facility_kpi="HFW.O2.STOCK_HOURS"),
                   TileContext(now=lambda: DEMO_NOW))
    qtbot.addWidget(tile)
    first = for_tile(tile, first)
    tile.apply(first)
    assert isinstance(tile.model, MapModel)
    shown = tile.model

    tile.apply(next_poll(tile, first))
    assert tile.skipped == 1 and tile.model is shown

    tile.apply(for_tile(tile, replace(later, catalog=first.catalog)))  # new figures, the same catalog
    assert tile.skipped == 1 and tile.model.areas != shown.areas

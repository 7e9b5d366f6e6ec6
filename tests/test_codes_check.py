"""No store's codes in the wall's code; every code a layout needs is checked against the catalog.

The demo store's codes (`HFW.…`, `CMHL…`) may live only in the demo store and the
shipped layouts. Every tile's options declare which of their fields are KPI,
entity, department … codes, so `main.py check LAYOUT --store URL` reports each code
a tile needs that the store's catalog lacks, with its file and field path.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from cmwall.layouts.catalog_check import catalog_problems
from cmwall.layouts.loader import load_layout
from cmwall.layouts.tile_options import CodeRef
from cmwall.layouts.tile_types import TILE_OPTIONS
from cmwall.sync.contract import Catalog
from cmwall.wall.cli import check

from .test_tiles_crisis import city_catalog
from .tile_examples import EXAMPLE_OPTIONS

ROOT = Path(__file__).resolve().parents[1]
DEMO_CODES = re.compile(r"HFW\.|CMHL")


def test_no_demo_store_codes_outside_the_demo_store_and_the_shipped_layouts() -> None:
    # layouts/old_formats.py reads schema 1's capacity tile, which was defined by the demo's codes
    sources = [p for folder in ("widgets", "wall", "sync", "layouts") for p in (ROOT / folder).rglob("*.py")
               if "demo_store" not in p.parts and p != ROOT / "layouts" / "old_formats.py"]
    assert len(sources) > 40
    offending = [f"{p.relative_to(ROOT)}:{n}" for p in sources
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if DEMO_CODES.search(line)]
    assert offending == []


def test_every_tile_type_declares_the_codes_its_options_hold() -> None:
    """Each example option naming a KPI or entity of the demo catalog is a declared code."""
    declared = {name: {ref.code for ref in TILE_OPTIONS[name](**EXAMPLE_OPTIONS[name]).needed_codes()}
                for name in TILE_OPTIONS}
    assert declared["kpi"] == {"PMJAY.CARDS", "439"}
    assert declared["trend"] == {"MCH.FULL_IMM", "438", "459", "457"}
    assert {"HFW.O2.STOCK_HOURS"} <= declared["map"] and "439" in declared["ranking"]
    assert declared["breakdown"] == declared["attention"] == {"439"}


CITY_LAYOUT = """
schema_version = 2
name = "A city's wall, checked against another state's store"

[thresholds.kpi."TOWN.WAIT"]
critical = 30

[[screens]]
id = "a"
rows = 2
cols = 3
  [[screens.pages]]
    [[screens.pages.tiles]]
    type = "capacity"
    row = 0
    col = 0
      [screens.pages.tiles.options]
      pairs = [{ used = "TOWN.BED.ICU.USED", total = "TOWN.BED.ICU.CAP" }]
      stock = ["TOWN.O2.HOURS"]
    [[screens.pages.tiles]]
    type = "alerts"
    row = 0
    col = 1
    options = { kpis = ["TOWN.BED."] }
    [[screens.pages.tiles]]
    type = "grievance"
    row = 0
    col = 2
    options = { pending = ["GRV.{department}.OVER30D"] }
    [[screens.pages.tiles]]
    type = "trend"
    row = 1
    col = 0
    options = { kpi = "PMJAY.CARDS", entities = ["438", "H1"] }
    [[screens.pages.tiles]]
    type = "capacity"
    row = 1
    col = 1
    options = { level = "district" }
"""


@pytest.fixture
def city_layout(tmp_path: Path) -> Path:
    path = tmp_path / "city.toml"
    path.write_text(CITY_LAYOUT, encoding="utf-8")
    return path


def test_check_against_a_store_reports_every_code_its_catalog_lacks(city_layout: Path, demo_store_url: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    check.add_arguments(parser)
    assert check.run(parser.parse_args([str(city_layout), "--store", demo_store_url])) == 2
    err = capsys.readouterr().err
    tile = f"{city_layout}: screens[0].pages[0].tiles"
    expected = [
        f"{tile}[0].options.pairs[0].used: unknown KPI 'TOWN.BED.ICU.USED'",
        f"{tile}[0].options.pairs[0].total: unknown KPI 'TOWN.BED.ICU.CAP'",
        f"{tile}[0].options.stock[0]: unknown KPI 'TOWN.O2.HOURS'",
        f"{tile}[1].options.kpis[0]: no KPI code of the store's catalog",
        f"{tile}[2].options.pending[0]: no department of the store's catalog",
        f"{tile}[3].options.entities[1]: unknown entity 'H1'",
        f"{city_layout}: thresholds.kpi.\"TOWN.WAIT\": unknown KPI 'TOWN.WAIT'",
    ]
    for line in expected:
        assert line in err
    assert "tiles[3].options.kpi" not in err and "entities[0]" not in err  # the demo store knows those
    assert "tiles[4]" not in err  # the demo store declares capacity pairs and has districts


def test_a_tile_that_relies_on_the_catalogs_pairs_reports_when_it_has_none(city_layout: Path) -> None:
    spec = load_layout(city_layout).spec
    broken = Catalog.model_validate({**city_catalog(pairs=False).model_dump(), "kpis": [
        *(k.model_dump() for k in city_catalog(pairs=False).kpis),
        {"code": "TOWN.O2.EMPTY", "name": "Empty cylinders", "scheme": "BEDS", "capacity_of": "TOWN.O2.HELD"}]})
    text = "\n".join(str(p) for p in catalog_problems(spec, broken, "city.toml"))
    assert "tiles[4].options.pairs: catalog KPI 'TOWN.O2.EMPTY' has capacity_of 'TOWN.O2.HELD', unknown KPI" in text
    assert "tiles[4].options.pairs: no used/total pairs" in text
    assert "tiles[4].options.level: the store's catalog (city-1) has no entities of level 'district'" in text
    assert "tiles[0].options.pairs[0]" not in text and "tiles[1].options.kpis" not in text  # the city's own codes


def test_grievance_patterns_are_checked_per_department() -> None:
    refs = list(TILE_OPTIONS["grievance"].model_validate(
        {"pending": ["GRV.{department}.OVER30D"], "satisfaction": "GRV.{department}.HAPPY", "entity": "438"}).needed_codes())
    assert refs == [CodeRef("pending[0]", "kpi_pattern", "GRV.{department}.OVER30D"),
                    CodeRef("satisfaction", "kpi_pattern", "GRV.{department}.HAPPY"), CodeRef("entity", "entity", "438")]

"""Thresholds: the catalog's alert first, else the layout's; occupancy of every pair; the layout file's [thresholds]."""

from __future__ import annotations

from pathlib import Path

from cmwall.layouts.loader import load_layout
from cmwall.sync.thresholds import Band, Thresholds, capacity_pairs, kpi_band, kpi_level, occupancy_level

from .hand_snapshots import catalog, kpi_of
from .test_tiles_crisis import city_catalog

LAYOUT = """
schema_version = 2
name = "City beds"

[thresholds.occupancy]
warn = 80
critical = 90

[thresholds.kpi."TOWN.WAIT"]
warn = 20
critical = 30

[[screens]]
id = "a"
rows = 1
cols = 2
  [[screens.pages]]
    [[screens.pages.tiles]]
    type = "capacity"
    row = 0
    col = 0
      [screens.pages.tiles.options]
      pairs = [{ used = "TOWN.BED.ICU.USED", total = "TOWN.BED.ICU.CAP" }, { used = "TOWN.O2.EMPTY", total = "TOWN.O2.HELD" }]
    [[screens.pages.tiles]]
    type = "capacity"
    row = 0
    col = 1
      [screens.pages.tiles.options]
      level = "state"
      pairs = [{ used = "TOWN.BED.ICU.USED", total = "TOWN.BED.ICU.CAP", label = "ICU" }]
"""


def test_the_catalogs_alert_wins_and_the_layout_fills_in() -> None:
    cat = catalog([
        {"code": "WAIT", "name": "Wait", "scheme": "S", "unit": "min", "better": "lower", "alert": {"warn": 10, "critical": 15}},
        {"code": "TOWN.WAIT", "name": "Wait", "scheme": "S", "unit": "min", "better": "lower"},
        {"code": "EMPTY.ALERT", "name": "x", "scheme": "S", "alert": {}},
    ])
    layout = Thresholds(kpis={"WAIT": Band(50, 60), "TOWN.WAIT": Band(20, 30), "EMPTY.ALERT": Band(5, 1)})
    assert kpi_band(kpi_of(cat, "WAIT"), layout) == (Band(10, 15), "catalog")
    assert kpi_band(kpi_of(cat, "TOWN.WAIT"), layout) == (Band(20, 30), "layout")
    assert kpi_band(kpi_of(cat, "EMPTY.ALERT"), layout) == (Band(5, 1), "layout")  # an alert without thresholds says nothing
    assert kpi_band(kpi_of(cat, "TOWN.WAIT")) == (None, "")
    assert [kpi_level(kpi_of(cat, "TOWN.WAIT"), v, layout) for v in (35, 30, 25, 20, None)] == ["critical", "warn", "warn", None, None]


def test_occupancy_is_past_at_or_above_its_threshold() -> None:
    rule = Thresholds(occupancy=Band(warn=85.0, critical=90.0))
    assert [occupancy_level(v, rule) for v in (96.0, 90.0, 89.9, 85.0, 50.0, None, float("nan"))] == [
        "critical", "critical", "warn", "warn", None, None, None]
    assert occupancy_level(99.0, Thresholds(occupancy=Band(None, None))) is None


def test_pairs_are_the_catalogs_then_the_layouts_once_each() -> None:
    cat = city_catalog()
    layout = Thresholds(pairs=(("TOWN.BED.ICU.USED", "TOWN.BED.GEN.CAP"),  # the catalog already pairs ICU
                               ("TOWN.BED.GEN.CAP", "TOWN.BED.ICU.CAP"),  # a layout's own pair
                               ("NO.SUCH", "TOWN.BED.ICU.CAP")))  # unknown: left out (check reports it)
    assert [(u.code, t.code) for u, t in capacity_pairs(cat, layout)] == [
        ("TOWN.BED.ICU.USED", "TOWN.BED.ICU.CAP"), ("TOWN.BED.GEN.USED", "TOWN.BED.GEN.CAP"),
        ("TOWN.BED.GEN.CAP", "TOWN.BED.ICU.CAP")]


def test_a_layout_brings_its_thresholds_and_the_pairs_its_tiles_declare(tmp_path: Path) -> None:
    path = tmp_path / "city.toml"
    path.write_text(LAYOUT, encoding="utf-8")
    judging = load_layout(path).spec.judging()
    assert judging.occupancy == Band(80.0, 90.0) and dict(judging.kpis) == {"TOWN.WAIT": Band(20.0, 30.0)}
    assert judging.pairs == (("TOWN.BED.ICU.USED", "TOWN.BED.ICU.CAP"), ("TOWN.O2.EMPTY", "TOWN.O2.HELD"))
    default = load_layout("cm_residence").spec.judging()
    assert default.occupancy == Band(85.0, 95.0) and not default.kpis and default.pairs == ()

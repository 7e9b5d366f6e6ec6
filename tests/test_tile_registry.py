"""One declaration per tile type (layouts/tile_types.py), and the widgets agree with it.

The layout schema validates options by the declared model without Qt; the wall
builds the declared widget. A widget taking other options than its type declares,
or a tile class nobody declared, would let `check` pass a layout the wall draws
wrongly, so both fail here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys

import cmwall.widgets.tiles
import pytest
from cmwall.layouts.schema import SCHEMA_VERSION
from cmwall.layouts.tile_options import KpiOptions
from cmwall.layouts.tile_types import TILE_TYPES, TileType, type_of_options
from cmwall.widgets import registry
from cmwall.widgets.base import Tile


@pytest.mark.parametrize("name", sorted(TILE_TYPES))
def test_every_declared_type_resolves_to_a_tile_taking_the_declared_options(name: str) -> None:
    declared = TILE_TYPES[name]
    cls = registry.tile_class(name)
    assert issubclass(cls, Tile) and f"{cls.__module__}:{cls.__name__}" == declared.widget
    assert cls.options_model is declared.options
    assert cls.type_name == name
    assert 1 <= declared.version <= SCHEMA_VERSION


def test_no_tile_class_exists_outside_the_declaration() -> None:
    modules = [importlib.import_module(m.name) for m in pkgutil.iter_modules(cmwall.widgets.tiles.__path__,
                                                                              "cmwall.widgets.tiles.")]
    defined = {cls for module in modules for _, cls in inspect.getmembers(module, inspect.isclass)
               if issubclass(cls, Tile) and cls.__module__ == module.__name__}
    assert len(modules) == len(TILE_TYPES)
    assert defined == set(registry.registered().values())
    assert not hasattr(registry, "register")  # no second way to name a tile


def test_each_option_model_belongs_to_one_type() -> None:
    assert [type_of_options(t.options) for t in TILE_TYPES.values()] == list(TILE_TYPES)


def test_a_widget_taking_other_options_than_declared_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = TileType("wrong", KpiOptions, "cmwall.widgets.tiles.trend_tile:TrendTile")
    monkeypatch.setattr(registry, "TILE_TYPES", {**TILE_TYPES, "wrong": wrong})
    with pytest.raises(TypeError, match="TrendTile takes TrendOptions as 'trend', declared KpiOptions"):
        registry.tile_class("wrong")
    with pytest.raises(KeyError, match="unknown tile type 'nowhere'"):
        registry.tile_class("nowhere")


def test_a_migration_must_upgrade_an_older_version() -> None:
    with pytest.raises(ValueError, match="must upgrade versions below its version 1"):
        TileType("kpi", KpiOptions, "m:C", migrations={1: dict})


def test_checking_every_shipped_layout_imports_no_widget() -> None:
    script = ("import sys\nfrom cmwall.layouts.loader import SHIPPED_LAYOUTS, load_layout\n"
              "for name in SHIPPED_LAYOUTS: load_layout(name)\n"
              "print(sorted(m for m in sys.modules if m.startswith(('cmwall.widgets', 'PySide6'))))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd="/", check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

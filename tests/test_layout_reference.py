"""The layout reference and JSON Schema in docs/ are what the schema models say, and complete.

A state IT team writes its layout from docs/layout-reference.md and checks it in its
editor with docs/layout.schema.json; both are generated (`main.py layout-reference
--write docs`), so a model change without regenerating them fails here.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
from cmwall.layouts.loader import SHIPPED_LAYOUTS, shipped_path
from cmwall.layouts.reference import layout_json_schema, reference_markdown, undocumented_fields

DOCS = Path(__file__).resolve().parent.parent / "docs"
LAYOUT_FILES = [shipped_path(name) for name in SHIPPED_LAYOUTS] + [shipped_path("city_crisis")]


def test_reference_and_schema_in_docs_are_current() -> None:
    assert (DOCS / "layout-reference.md").read_text(encoding="utf-8") == reference_markdown(), \
        "run `.venv/bin/python main.py layout-reference --write docs`"
    assert json.loads((DOCS / "layout.schema.json").read_text(encoding="utf-8")) == layout_json_schema(), \
        "run `.venv/bin/python main.py layout-reference --write docs`"


def test_every_option_says_what_it_means() -> None:
    assert undocumented_fields() == []


def test_the_reference_names_every_tile_type_and_option() -> None:
    text = reference_markdown()
    for needle in ("### `capacity`", "`pairs`", "### CapacityPair", "`occupancy_kpi`", "[thresholds.occupancy]"):
        assert needle in text


@pytest.mark.parametrize("path", LAYOUT_FILES, ids=lambda p: p.stem)
def test_the_editor_schema_accepts_every_shipped_layout(path: Path) -> None:
    jsonschema.validate(tomllib.loads(path.read_text(encoding="utf-8")), layout_json_schema())


def test_the_editor_schema_catches_a_typo_as_check_does() -> None:
    raw = tomllib.loads(shipped_path("crisis").read_text(encoding="utf-8"))
    raw["screens"][0]["pages"][0]["tiles"][0]["options"]["colour_bi"] = "grade"
    with pytest.raises(jsonschema.ValidationError, match="colour_bi"):
        jsonschema.validate(raw, layout_json_schema())

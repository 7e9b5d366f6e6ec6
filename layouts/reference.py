"""The layout file reference and JSON Schema, generated from the schema models.

A state IT team writing a layout for its own store needs every tile type and option
with its type, default and meaning, and an editor that checks the file as it is
typed. Both are generated from the same pydantic models `main.py check` validates
with (`schema.py`, `tile_options.py`), so the documentation cannot drift from what
the wall accepts: `docs/layout-reference.md` and `docs/layout.schema.json` are
written by `main.py layout-reference`, and a test fails when they are out of date.
Qt-free.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

from pydantic import BaseModel

from .crisis_spec import CrisisRuleSpec, CrisisSpec
from .schema import (
    SCHEMA_VERSION,
    BandSpec,
    LayoutSpec,
    PageSpec,
    PlanSpec,
    ScreenSpec,
    SpreadSpec,
    SurfaceSpec,
    ThresholdsSpec,
    TileBase,
)
from .sync_spec import SyncSpec
from .tile_options import TileOptions
from .tile_types import TILE_OPTIONS
from .toml_guard import MAX_FILE_BYTES, MAX_KEY_PARTS, MAX_NESTING

SCHEMA_ID = "https://cm-wall.invalid/layout.schema.json"  # a name, not a download address


def layout_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a layout file, for editors (TOML via taplo/Even Better TOML)."""
    schema = LayoutSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = f"CM Wall layout file, schema_version {SCHEMA_VERSION}"
    return schema


def _type_text(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return _type_text(defs.get(name, {}), defs) if "enum" in defs.get(name, {}) else name
    if "oneOf" in prop and "discriminator" in prop:
        return "tiles (see Tile types)"
    if "enum" in prop:
        return " \\| ".join(f'`"{v}"`' if isinstance(v, str) else f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f'`{json.dumps(prop["const"], ensure_ascii=False)}`'
    if "anyOf" in prop:
        parts = [_type_text(p, defs) for p in prop["anyOf"] if p.get("type") != "null"]
        optional = any(p.get("type") == "null" for p in prop["anyOf"])
        return " or ".join(parts) + (" (optional)" if optional else "")
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items") or (prop.get("prefixItems") or [{}])[0]
        if prop.get("prefixItems"):
            return "[" + ", ".join(_type_text(p, defs) for p in prop["prefixItems"]) + "]"
        most = f" (at most {prop['maxItems']})" if "maxItems" in prop else ""
        return f"list of {_type_text(items, defs)}{most}"
    if kind == "object":
        extra = prop.get("additionalProperties")
        return f"table of {_type_text(extra, defs)}" if isinstance(extra, dict) else "table"
    bounds = [f"≥ {prop['minimum']}" if "minimum" in prop else "", f"> {prop['exclusiveMinimum']}" if "exclusiveMinimum" in prop else "",
              f"≤ {prop['maximum']}" if "maximum" in prop else ""]
    text = {"string": "text", "integer": "integer", "number": "number", "boolean": "true/false"}.get(kind or "", kind or "any")
    limits = ", ".join(b for b in bounds if b)
    return f"{text} ({limits})" if limits else text


def _default_text(prop: dict[str, Any], required: bool) -> str:
    if required:
        return "**required**"
    if "default" not in prop:
        return ""
    value = prop["default"]
    if value is None:
        return "none"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _fields_table(model: type[BaseModel]) -> list[str]:
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    required = set(schema.get("required", ()))
    rows = ["| option | type | default | meaning |", "|---|---|---|---|"]
    for name, prop in schema.get("properties", {}).items():
        meaning = (prop.get("description") or "").replace("\n", " ").replace("|", "\\|")
        rows.append(f"| `{name}` | {_type_text(prop, defs)} | {_default_text(prop, name in required)} | {meaning} |")
    return rows


def _doc(model: type[BaseModel]) -> str:
    return inspect.cleandoc(model.__doc__ or "").strip()


BILINGUAL_NOTE = [
    "**Two languages at once** (`languages = [\"en\", \"gu\"]`): tile headings, screen and page titles, banner",
    "texts and catalog names (places, KPIs, departments in rows and legends) are shown in both — the wall's",
    "language first, the other on a smaller line under a heading or after ` · ` in a row. Figures, dates, units",
    "and the words of labels and sentences (\"Target\", \"since Nov\", \"12 not reported\") are shown once, in the",
    "wall's language. The crisis banner names its rule, KPI and place in both. The status strip at the bottom",
    "stays in the wall's language alone: it is the operators' line (store reachable, last sync, alert counts,",
    "clock), read up close, mostly figures and short states, and a second language would push its items off",
    "a 1080p screen. A wall language outside the pair (Hindi on an English–Gujarati layout) is shown alone,",
    "never with a third script.",
    "",
]


def reference_markdown() -> str:
    """The whole reference as Markdown."""
    out = [
        "# Layout file reference",
        "",
        "Generated from the schema models by `.venv/bin/python main.py layout-reference` — do not edit by hand.",
        f"Layout files are TOML, `schema_version = {SCHEMA_VERSION}`; `main.py check FILE [--store URL]` validates one",
        "(with `--store`, also every KPI and entity code against that store's catalog).",
        "An editor can check files as they are typed with the JSON Schema in `docs/layout.schema.json`.",
        "",
        "Types are strict: `rows = \"3\"` is text, not a number, and `1` is not `true` (a whole number is fine",
        "where a number is expected); `nan` and `inf` are no numbers. A file is at most "
        f"{MAX_FILE_BYTES // 1024} KB, a dotted key has",
        f"at most {MAX_KEY_PARTS} parts and arrays and inline tables nest at most {MAX_NESTING} deep; the bounds of each",
        "field are in the tables below.",
        "",
        "## The file",
        "",
    ]
    for title, model in (("Layout (top level)", LayoutSpec), ("`[[surfaces]]`", SurfaceSpec), ("`[[screens]]`", ScreenSpec),
                         ("`[[screens.pages]]`", PageSpec), ("`[thresholds]`", ThresholdsSpec),
                         ("`[thresholds.occupancy]`, `[thresholds.kpi.\"CODE\"]`", BandSpec),
                         ("`[spread]`", SpreadSpec), ("`[[spread.plans]]`", PlanSpec), ("`[sync]`", SyncSpec),
                         ("`[crisis]` (Crisis rules)", CrisisSpec), ("`[[crisis.rules]]`", CrisisRuleSpec)):
        out += [f"### {title}", "", _doc(model), "", *_fields_table(model), ""]
        if model is LayoutSpec:
            out += BILINGUAL_NOTE
    out += [
        "## Tile types",
        "",
        "Every tile is `[[screens.pages.tiles]]` (or `[[screens.pinned]]`) with `type`, `row`, `col`,",
        "optional `row_span`/`col_span`, and an `options` table:",
        "",
        *_fields_table(TileBase),
        "",
        "Options every tile accepts:",
        "",
        *_fields_table(TileOptions),
        "",
    ]
    for name, options_model in TILE_OPTIONS.items():
        out += [f"### `{name}`", "", _doc(options_model), "", *_fields_table(options_model), ""]
    nested = nested_models()
    if nested:
        out += ["## Tables inside tile options", ""]
        for nested_model in nested:
            out += [f"### {nested_model.__name__}", "", _doc(nested_model), "", *_fields_table(nested_model), ""]
    return "\n".join(out).rstrip() + "\n"


def nested_models() -> list[type[BaseModel]]:
    """Option parts that are tables of their own (a capacity pair, a grievance row)."""
    from . import tile_options

    names = set(LayoutSpec.model_json_schema().get("$defs", {}))
    found = []
    for name in sorted(names):
        model = getattr(tile_options, name, None)
        if isinstance(model, type) and issubclass(model, BaseModel) and not issubclass(model, TileOptions):
            found.append(model)
    return found


def undocumented_fields() -> list[str]:
    """Every option without a description, as "Model.field" (a test keeps this empty)."""
    models: list[type[BaseModel]] = [LayoutSpec, SurfaceSpec, ScreenSpec, PageSpec, ThresholdsSpec, BandSpec, SpreadSpec, PlanSpec,
                                     SyncSpec, CrisisSpec, CrisisRuleSpec, TileBase, TileOptions, *TILE_OPTIONS.values(), *nested_models()]
    return [f"{m.__name__}.{name}" for m in models for name, info in m.model_fields.items() if not info.description]


# --- `main.py layout-reference` -----------------------------------------------------

REFERENCE_FILE = "layout-reference.md"
SCHEMA_FILE = "layout.schema.json"

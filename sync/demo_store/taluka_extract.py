"""Regenerates `talukas/gujarat_talukas.csv`, the demo catalog's Gujarat talukas.

The demo store's talukas are real: their LGD sub-district codes, names and parent
districts come from the Local Government Directory (lgdirectory.gov.in, Government
Open Data License – India), and where a taluka existed at the 2011 Census its
headquarters' position comes from a point file of sub-district headquarters keyed by
Census 2011 sub-district code (datta07/INDIAN-SHAPEFILES, MIT). The wall never reads
those sources at run time: this script makes the compact extract once, offline:

    python -m cmwall.sync.demo_store.taluka_extract 3-subdistrict.csv "GUJARAT Sub District Hq.geojson"

Talukas made after 2011 have no Census code and so no point: their `lat`/`lon` stay empty.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

STATE_LGD = "24"
OUT = Path(__file__).with_name("talukas") / "gujarat_talukas.csv"
COLUMNS = ("lgd_code", "name", "district_lgd", "census2011", "lat", "lon")


def extract(lgd_csv: Path, hq_geojson: Path) -> list[dict[str, str]]:
    """Gujarat's sub-districts of the LGD file, each with its headquarters' point when the
    Census 2011 code finds one; sorted by district, then name."""
    points: dict[str, tuple[float, float]] = {}
    for feature in json.loads(hq_geojson.read_text(encoding="utf-8"))["features"]:
        code = str(feature["properties"].get("SDTCODE11") or "").strip()
        lon, lat = feature["geometry"]["coordinates"][:2]
        if code:
            points[code.zfill(5)] = (round(float(lat), 4), round(float(lon), 4))
    rows: list[dict[str, str]] = []
    with lgd_csv.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["State Code"].strip() != STATE_LGD:
                continue
            census = row["Census 2011 code"].strip()
            census = "" if not census or int(census) == 0 else census.zfill(5)
            lat, lon = points.get(census, (None, None)) if census else (None, None)
            rows.append({"lgd_code": row["Sub-district Code"].strip(), "name": row["Sub-district Name"].strip(),
                         "district_lgd": row["District Code"].strip(), "census2011": census,
                         "lat": "" if lat is None else f"{lat}", "lon": "" if lon is None else f"{lon}"})
    rows.sort(key=lambda r: (int(r["district_lgd"]), r["name"]))
    return rows


def write(rows: list[dict[str, str]], out: Path = OUT) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    rows = extract(Path(argv[0]), Path(argv[1]))
    write(rows)
    placed = sum(1 for r in rows if r["lat"])
    print(f"{len(rows)} talukas, {placed} with a headquarters point -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

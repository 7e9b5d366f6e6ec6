"""Reads one state's district boundaries in a short-lived child process, so the wall never loads shapely.

shapely, its GEOS libraries and the parse of the all-India GeoJSON (~4.5 MB in all) are needed once,
to read, merge, simplify and label a state's outlines, and then would stay in the wall for weeks.
`load_boundaries` (boundaries.py) runs `python -m cmwall.widgets.boundaries_reader`, writes the
arguments of `boundaries._read` as JSON to its stdin and rebuilds the same immutable `Boundaries`
from what this writes to stdout: `boundaries._to_json` of the result, or {"error": ...} holding a
BoundariesError's sentence, shown on the map as it is. Anything else (a crash, a kill) makes the
exit code non-zero and the wall says so in one line. No Qt here: this process only reads a file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

from .boundaries import BoundariesError, _read, _to_json


def main() -> int:
    request = orjson.loads(sys.stdin.buffer.read())
    try:
        boundaries = _read(Path(request["file"]), request["label"], request["code_field"], request["state_code"],
                           request["state_name"], request["tolerance"])
    except BoundariesError as exc:
        sys.stdout.buffer.write(orjson.dumps({"error": str(exc)}))
        return 0
    sys.stdout.buffer.write(_to_json(boundaries))
    return 0


if __name__ == "__main__":
    sys.exit(main())

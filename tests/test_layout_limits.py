"""Hostile layout files: each is refused by the real `main.py check` with exit 2 and its
field path, one line per problem and no traceback, within 2 s, and the shipped layouts
still pass. Before these limits `row_span = 1000000000` hung `check`, a 50,000-part
dotted key cost 39 s and 9.8 GB, and 1,000 nested arrays ended in a RecursionError."""

from __future__ import annotations

import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cmwall.layouts import toml_guard
from cmwall.layouts.loader import LayoutError, load_layout, parse_layout

from .layout_text import minimal

MAIN = Path(__file__).resolve().parent.parent / "main.py"
LAYOUTS = Path(__file__).resolve().parent.parent / "layouts"
DEADLINE_S = 2.0


def layout(*, screen: str = "", page: str = "", tile: str = "", top: str = "", options: str = "") -> str:
    """The minimal layout with one ranking tile; each part open to a hostile value."""
    tiles = f"""{page}
  [[screens.pages.tiles]]
  type = "ranking"
  row = 0
  col = 0
{tile}
  options = {{ {options} }}"""
    return minimal(tiles, screen, top, name="hostile")


@dataclass(frozen=True)
class Hostile:
    text: str
    expected: tuple[str, ...]  # in the output: field paths (and what was wrong)


HOSTILE = {
    "huge row_span": Hostile(layout(tile="  row_span = 1000000000"),
                             ("screens[0].pages[0].tiles[0].row_span: Input should be less than or equal to 12",)),
    "huge col_span": Hostile(layout(tile="  col_span = 1000000000"), ("screens[0].pages[0].tiles[0].col_span",)),
    "rows as text": Hostile(layout(screen='rows = "3"').replace("rows = 2\n", "", 1),
                            ("screens[0].rows: Input should be a valid integer (got '3')",)),
    "huge grid": Hostile(layout(screen="").replace("cols = 2", "cols = 100000"), ("screens[0].cols",)),
    "flag as number": Hostile(layout(screen="optional = 1"), ("screens[0].optional: Input should be a valid boolean",)),
    "huge bezel": Hostile(layout(top='[[surfaces]]\nid = "v"\nbezel_px = [1000000000, -5000]'),
                          ("surfaces[0].bezel_px[0]: Input should be less than or equal to 500",
                           "surfaces[0].bezel_px[1]: Input should be greater than or equal to 0")),
    "bezel as float": Hostile(layout(top='[[surfaces]]\nid = "v"\nbezel_px = [1e9, 0]'), ("surfaces[0].bezel_px[0]",)),
    "endless dwell": Hostile(layout().replace("dwell = 10", "dwell = inf"), ("screens[0].pages[0].dwell",)),
    "nan dwell": Hostile(layout().replace("dwell = 10", "dwell = nan"), ("screens[0].pages[0].dwell",)),
    "count as float": Hostile(layout(options="count = 3.0"), ("screens[0].pages[0].tiles[0].options.count",)),
    "endless scroll": Hostile(layout(options="seconds_per_row = 1e9"),
                              ("screens[0].pages[0].tiles[0].options.seconds_per_row",)),
    "huge count": Hostile(layout(options="count = 1000000000"), ("screens[0].pages[0].tiles[0].options.count",)),
    "50,000-part dotted key": Hostile(layout(top=".".join(["a"] * 50_000) + " = 1"),
                                      ("a.a.a.a.a.a.a.a", "line 3: a key of more than 16 dotted parts")),
    "1,000 nested arrays": Hostile(layout(top="x = " + "[" * 1000 + "]" * 1000),
                                   ("x: line 3: arrays and inline tables nested more than 16 deep",)),
    "1,000 nested inline tables": Hostile(layout(top="name2 = " + "{ a = " * 1000 + "1" + " }" * 1000),
                                          ("name2: line 3: arrays and inline tables nested more than 16",)),
    "file over the size cap": Hostile(layout() + "# padding\n" * 30_000, ("larger than 256 KB",)),
    "5,000-digit integer": Hostile(layout(options="count = " + "9" * 5000), ("not valid TOML: Exceeds the limit",)),
    "old tile options of the wrong shape": Hostile(
        layout(options="bed_types = [[1]]").replace("schema_version = 2", "schema_version = 1")
        .replace('type = "ranking"', 'type = "capacity"'),
        ("screens[0].pages[0].tiles[0].options.bed_types: expected a list of general",)),
    "old thresholds of the wrong shape": Hostile(
        layout(options="occupancy_warn = [1]").replace("schema_version = 2", "schema_version = 1")
        .replace('type = "ranking"', 'type = "capacity"'),
        ("thresholds.occupancy.warn",)),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_check_refuses_a_hostile_layout_quickly_with_its_field_path(tmp_path: Path, case: str) -> None:
    hostile = HOSTILE[case]
    path = tmp_path / "hostile.toml"
    path.write_text(hostile.text, encoding="utf-8")
    # The bound is on the CPU time `check` spends (user + system, of the child process): a
    # hostile file that made the parser work would show there, while a busy shared machine
    # stretching the wall-clock time would not fail the test.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run([sys.executable, str(MAIN), "check", str(path)], capture_output=True, text=True,
                            timeout=60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    for expected in hostile.expected:
        assert f"{path}: {expected}" in output or expected in output, output
    assert "Traceback" not in output
    assert all(line.startswith(f"{path}: ") for line in result.stderr.splitlines()), output
    assert elapsed < DEADLINE_S, f"check took {elapsed:.1f} s of CPU"


def test_the_wall_refuses_a_hostile_layout_at_start_before_any_window(tmp_path: Path) -> None:
    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE["huge row_span"].text, encoding="utf-8")
    result = subprocess.run([sys.executable, str(MAIN), "--layout", str(path), "--screenshot", str(tmp_path / "shots"),
                             "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "invalid layout" in result.stderr
    assert f"{path}: screens[0].pages[0].tiles[0].row_span" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "shots").exists()


@pytest.mark.parametrize("path", sorted(LAYOUTS.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_layouts_pass_the_limits(path: Path) -> None:
    assert toml_guard.scan(path.read_text(encoding="utf-8")) is None
    load_layout(path)


def test_brackets_dots_and_quotes_inside_strings_and_comments_are_text_not_structure(tmp_path: Path) -> None:
    deep = "[" * 100 + "." * 100 + "{" * 100
    text = layout(screen=f'title = "{deep}"\n# {deep}\ntitle_local = {{ hi = \'{deep}\' }}',
                  options=f'title = """{deep}\n"quoted" {deep}"""')
    assert toml_guard.scan(text) is None
    path = tmp_path / "strings.toml"
    path.write_text(text, encoding="utf-8")
    assert load_layout(path).spec.screens[0].title == deep


def test_the_scan_names_the_line_and_key_of_a_deep_value() -> None:
    text = 'a = 1\nb = [\n  1,\n  ' + "[" * 20 + "]" * 20 + "\n]\n"
    hazard = toml_guard.scan(text)
    assert hazard is not None and (hazard.line, hazard.key) == (4, "b")


def test_a_document_built_in_code_nested_past_the_recursion_limit_is_a_layout_error() -> None:
    deep: object = 1
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(LayoutError) as caught:
        parse_layout({"schema_version": 2, "name": "x", "screens": deep}, "built")
    assert "nested too deeply" in str(caught.value)

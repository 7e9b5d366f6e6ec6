"""Layout screens onto outputs: by connector name, by index, by position; split surfaces with bezels."""

from __future__ import annotations

from typing import Any

import pytest
from cmwall.layouts.loader import parse_layout
from cmwall.layouts.schema import LayoutSpec
from cmwall.wall.placement import Output, Rect, assign_screens, split_surface


def outputs(*names: str, width: int = 1920, height: int = 1080) -> list[Output]:
    return [Output(i, n, Rect(i * width, 0, width, height)) for i, n in enumerate(names)]


def layout(screens: list[dict[str, Any]], surfaces: list[dict[str, Any]] | None = None) -> LayoutSpec:
    for s in screens:
        s.setdefault("pages", [{"dwell": 10}])
    return parse_layout({"schema_version": 1, "name": "t", "screens": screens, "surfaces": surfaces or []})


def test_screens_without_output_go_by_position() -> None:
    result = assign_screens(layout([{"id": "a"}, {"id": "b"}]), outputs("DP-1", "DP-2", "DP-3"))
    assert [(p.screen_id, p.output.name) for p in result.placements] == [("a", "DP-1"), ("b", "DP-2")]
    assert [o.name for o in result.spare_outputs] == ["DP-3"]
    assert result.unplaced == ()


def test_connector_names_win_over_positions() -> None:
    spec = layout([{"id": "a"}, {"id": "map", "output": "HDMI-1"}])
    result = assign_screens(spec, outputs("HDMI-1", "DP-1"))
    placed = {p.screen_id: p.output.name for p in result.placements}
    # "map" claims HDMI-1 by name; "a" (position 0) then finds output 0 taken.
    assert placed == {"map": "HDMI-1"}
    assert "output #0 (HDMI-1) is already used by screen 'map'" in result.unplaced[0].reason


def test_explicit_index_and_name_fallback() -> None:
    spec = layout([{"id": "a", "index": 1}, {"id": "b", "output": "gone", "index": 0}])
    result = assign_screens(spec, outputs("X", "Y"))
    assert {p.screen_id: p.output.name for p in result.placements} == {"a": "Y", "b": "X"}


def test_a_missing_output_is_reported_not_fatal() -> None:
    result = assign_screens(layout([{"id": "a"}, {"id": "b"}, {"id": "c", "output": "DP-9"}]), outputs("DP-1"))
    assert [p.screen_id for p in result.placements] == ["a"]
    reasons = [u.reason for u in result.unplaced]
    assert "screen 'b': output #1 is not connected" in reasons
    assert "screen 'c': output 'DP-9' is not connected" in reasons


def test_split_surface_leaves_bezels_between_panels() -> None:
    panels = split_surface(Rect(0, 0, 3840, 2160), rows=2, cols=2, bezel_px=(40, 20))
    assert panels == [
        Rect(0, 0, 1900, 1070), Rect(1940, 0, 1900, 1070),
        Rect(0, 1090, 1900, 1070), Rect(1940, 1090, 1900, 1070),
    ]
    # No panel reaches into a bezel strip: x 1900..1940 and y 1070..1090 stay empty.
    for p in panels:
        assert p.x + p.width <= 1900 or p.x >= 1940
        assert p.y + p.height <= 1070 or p.y >= 1090


def test_split_surface_keeps_the_origin_and_uses_every_pixel_without_bezels() -> None:
    panels = split_surface(Rect(1920, 0, 5760, 1080), rows=1, cols=3)
    assert [p.x for p in panels] == [1920, 3840, 5760]
    assert sum(p.width for p in panels) == 5760
    with pytest.raises(ValueError):
        split_surface(Rect(0, 0, 100, 100), rows=1, cols=2, bezel_px=(100, 0))


def test_screens_on_a_split_surface_get_their_panels() -> None:
    spec = layout(
        [{"id": "left", "surface": "wall", "panel": 0}, {"id": "right", "surface": "wall", "panel": 1},
         {"id": "side"}],
        surfaces=[{"id": "wall", "output": "HDMI-1", "rows": 1, "cols": 2, "bezel_px": [40, 0]}],
    )
    result = assign_screens(spec, outputs("DP-1", "HDMI-1", width=3840))
    by_id = {p.screen_id: p for p in result.placements}
    assert by_id["left"].geometry == Rect(3840, 0, 1900, 1080) and by_id["left"].panel == 0
    assert by_id["right"].geometry == Rect(3840 + 1940, 0, 1900, 1080)
    assert by_id["side"].output.name == "DP-1"  # the surface's output is not offered to other screens
    unplugged = assign_screens(spec, outputs("DP-1"))
    assert {u.screen_id for u in unplugged.unplaced} == {"left", "right"}
    assert "surface 'wall' (output 'HDMI-1') is not connected" in unplugged.unplaced[0].reason


def test_optional_screens_are_not_faults_when_missing() -> None:
    result = assign_screens(layout([{"id": "a"}, {"id": "extra", "optional": True}]), outputs("DP-1"))
    assert [(u.screen_id, u.optional) for u in result.unplaced] == [("extra", True)]

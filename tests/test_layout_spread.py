"""Every screen used: each shipped layout fills 1–4 monitors of 1920×1080 and one of
3840×2160, and a layout's `[spread]` says how its screens go over more or fewer monitors.

The planner (wall/spread.py) is Qt-free and checked for every layout × monitor set;
the real windows are checked in process with stand-in monitors, and the shipped entry
point once in a subprocess on emulated monitors (one 4K beside one 1080p: panels and
shared pages in one run), asserting on the audit records `--screenshot` writes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cmwall.layouts.loader import SHIPPED_LAYOUTS, LayoutError, load_layout, parse_layout
from cmwall.layouts.schema import LayoutSpec
from cmwall.wall.controller import WallController
from cmwall.wall.placement import Output, Rect
from cmwall.wall.spread import WallPlan, group_neighbours, page_shares, plan_wall
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from .synthetic import snapshot as synthetic_snapshot
from .test_wall_controller import Clock, FakeScreen
from .test_wall_entry_point import assert_clean, run_wall, screens_file

HD, UHD = (1920, 1080), (3840, 2160)
MONITOR_SETS = {"1×1080p": [HD], "2×1080p": [HD] * 2, "3×1080p": [HD] * 3, "4×1080p": [HD] * 4, "1×4K": [UHD]}
LAYOUTS = (*SHIPPED_LAYOUTS, "city_crisis")
ROOT = Path(__file__).resolve().parents[1]


def outputs(sizes: list[tuple[int, int]], names: list[str] | None = None) -> list[Output]:
    x, out = 0, []
    for i, (width, height) in enumerate(sizes):
        out.append(Output(i, names[i] if names else f"OUT-{i}", Rect(x, 0, width, height)))
        x += width
    return out


def spec_of(name: str) -> LayoutSpec:
    return load_layout(ROOT / "layouts" / f"{name}.toml").spec


def is_figure(text: str) -> bool:
    """A painted number (with its marks), as opposed to a name or a heading."""
    return bool(text) and (text[0].isdigit() or text[0] in "!‼?+−-▲▼=")


def shown_pages(plan: WallPlan) -> set[tuple[str, int]]:
    return {(part.screen.id, page) for view in plan.views for part in view.parts for page in part.pages}


def layout_text(screens: str, spread: str = "") -> dict[str, object]:
    import tomllib

    return tomllib.loads(f'schema_version = 2\nname = "t"\n{spread}\n{screens}')


def screen(screen_id: str, pages: int = 1, extra: str = "") -> str:
    page = '  [[screens.pages]]\n    [[screens.pages.tiles]]\n    type = "clock"\n    row = 0\n    col = 0\n'
    return f'[[screens]]\nid = "{screen_id}"\nrows = 1\ncols = 1\n{extra}\n' + page * pages


# --- the planner, for every shipped layout -------------------------------------------


@pytest.mark.parametrize("monitors", MONITOR_SETS)
@pytest.mark.parametrize("name", LAYOUTS)
def test_every_shipped_layout_fills_every_monitor_and_shows_every_page(name: str, monitors: str) -> None:
    spec = spec_of(name)
    connected = outputs(MONITOR_SETS[monitors])
    plan = plan_wall(spec, connected)
    assert plan.spare_outputs == ()  # no output left with the idle placeholder
    assert {v.placement.output.index for v in plan.views} == {o.index for o in connected}
    every_page = {(s.id, i) for s in spec.screens for i in range(len(s.pages))}
    assert shown_pages(plan) == every_page  # nothing lost: each page is on some monitor, or in a rotation
    assert len({v.key for v in plan.views}) == len(plan.views)
    for view in plan.views:
        assert len(view.spec.pages) == len(view.page_screens) >= 1
        grid = view.placement.geometry
        assert (grid.width, grid.height) in (HD, UHD)


def test_four_screens_on_one_4k_monitor_are_shown_at_once_as_panels() -> None:
    plan = plan_wall(spec_of("crisis"), outputs([UHD]))
    assert [(v.key, v.placement.panel) for v in plan.views] == [("totals", 0), ("hospitals", 1), ("map", 2), ("trends", 3)]
    assert [(g.x, g.y, g.width, g.height) for g in (v.placement.geometry for v in plan.views)] == [
        (0, 0, 1920, 1080), (1920, 0, 1920, 1080), (0, 1080, 1920, 1080), (1920, 1080, 1920, 1080)]
    assert plan.notes == ()


def test_the_four_screen_crisis_wall_shows_totals_fullest_hospitals_map_trends_and_alerts() -> None:
    plan = plan_wall(spec_of("crisis"), outputs([HD] * 4))
    by_screen = {v.key: [(t.type, getattr(t.options, "level", None)) for t in v.spec.pages[0].tiles] for v in plan.views}
    assert ("kpi", None) in by_screen["totals"] and ("capacity", "state") in by_screen["totals"]
    assert ("alerts", None) in by_screen["totals"]
    assert ("capacity", "facility") in by_screen["hospitals"]
    assert ("map", None) in by_screen["map"]
    assert [t for t in by_screen["trends"] if t[0] == "trend"]
    [map_tile] = [t for v in plan.views for t in v.spec.pages[0].tiles if t.type == "map"]
    assert map_tile.options.facilities  # type: ignore[attr-defined]  # markers for the hospitals


def test_the_crisis_plans_decide_for_one_two_and_three_monitors_without_a_warning() -> None:
    spec = spec_of("crisis")
    keys = {n: [v.key for v in plan_wall(spec, outputs([HD] * n)).views] for n in (1, 2, 3)}
    assert keys == {1: ["totals+hospitals+map+trends"], 2: ["totals+hospitals", "map+trends"],
                    3: ["totals", "hospitals", "map+trends"]}
    assert all(plan_wall(spec, outputs([HD] * n)).notes == () for n in (1, 2, 3))


# --- the rules ------------------------------------------------------------------------


def test_fewer_monitors_share_neighbouring_screens_and_say_so() -> None:
    spec = spec_of("cm_residence")
    plan = plan_wall(spec, outputs([HD] * 3, ["A", "B", "C"]))
    assert [v.key for v in plan.views] == ["overview", "map", "service+trends"]  # the first keep their own
    [merged] = [v for v in plan.views if len(v.parts) == 2]
    assert [p.id for p in merged.page_screens] == ["service", "service", "trends", "trends"]
    assert merged.spec.pinned == () and len(merged.spec.pages) == 4
    assert [(n.reason, n.optional) for n in plan.notes] == [("4 screens on 3 monitors: 'trends' shown in turn", False)]


def test_pinned_tiles_go_with_each_page_when_screens_share_a_monitor() -> None:
    spec = spec_of("delegation")
    doubled = spec.model_copy(update={"screens": (spec.screens[0], spec.screens[0].model_copy(update={"id": "again"}))})
    [view] = plan_wall(doubled, outputs([HD])).views
    banner = spec.screens[0].pinned[0]
    assert all(page.tiles[0] == banner for page in view.spec.pages)


def test_more_monitors_share_out_pages_then_repeat_screens() -> None:
    keys = [v.key for v in plan_wall(spec_of("single_screen"), outputs([HD] * 6)).views]
    assert keys == ["main[0]", "main[1]", "main[2]", "main[3]", "main[0]@2", "main[1]@2"]
    assert page_shares(5, 2) == [(0, 1, 2), (3, 4)] and page_shares(2, 3) == [(0,), (1,), (0,)]


def test_mirror_repeats_whole_screens_and_drop_leaves_the_last_out() -> None:
    two = screen("a", 2) + screen("b")
    mirror = parse_layout(layout_text(two, '[spread]\nmore = "mirror"'))
    assert [v.key for v in plan_wall(mirror, outputs([HD] * 3)).views] == ["a", "a@2", "b"]
    drop = parse_layout(layout_text(two, '[spread]\nfewer = "drop"'))
    plan = plan_wall(drop, outputs([HD]))
    assert [v.key for v in plan.views] == ["a"]
    assert [n.reason for n in plan.notes] == ["screen 'b': no monitor left: not shown"]


def test_large_outputs_split_as_needed_always_or_never() -> None:
    one = screen("a", 4)
    for rule, keys in (("as_needed", ["a"]), ("always", ["a[0]", "a[1]", "a[2]", "a[3]"]), ("never", ["a"])):
        spec = parse_layout(layout_text(one, f'[spread]\nsplit_large = "{rule}"'))
        assert [v.key for v in plan_wall(spec, outputs([UHD])).views] == keys
    five = parse_layout(layout_text("".join(screen(i) for i in "abcde"), '[spread]\nsplit_large = "never"'))
    assert [v.key for v in plan_wall(five, outputs([UHD])).views] == ["a+b+c+d+e"]


def test_a_screen_whose_output_is_missing_moves_to_a_free_monitor() -> None:
    spec = parse_layout(layout_text(screen("a", extra='output = "DP-1"') + screen("b", extra='output = "DP-9"')))
    plan = plan_wall(spec, outputs([HD] * 2, ["DP-1", "DP-2"]))
    assert [(v.key, v.placement.output.name) for v in plan.views] == [("a", "DP-1"), ("b", "DP-2")]
    assert [n.reason for n in plan.notes] == ["screen 'b': output 'DP-9' is not connected: shown on output #1 (DP-2)"]


def test_spare_monitors_take_pages_of_screens_pinned_to_outputs() -> None:
    spec = parse_layout(layout_text(screen("a", 2, 'output = "DP-1"')))
    plan = plan_wall(spec, outputs([HD] * 2, ["DP-1", "DP-2"]))
    assert [(v.key, v.placement.output.name) for v in plan.views] == [("a[0]", "DP-1"), ("a[1]", "DP-2")]


def test_neighbours_are_grouped_evenly_keeping_the_first_alone() -> None:
    assert group_neighbours([2, 2, 2, 2], 3) == [1, 1, 2]
    assert group_neighbours([1, 1, 1, 1], 2) == [2, 2]
    assert group_neighbours([4, 1, 1, 1, 1], 2) == [1, 4]
    assert group_neighbours([1, 1, 1], 1) == [3]


@pytest.mark.parametrize(("plans", "message"), [
    ('monitors = [["a"], ["zz"]]', "spread.plans[0].monitors[1][0]: unknown screen 'zz'"),
    ('monitors = [["a"]]', "spread.plans[0].monitors: screens 'b' are on no monitor"),
    ('monitors = [["a", "a", "b"]]', "spread.plans[0].monitors[0][1]: screen 'a' is already on this monitor"),
    ('monitors = [["a", "b"], []]', "spread.plans[0].monitors[1]: no screen"),
    ('monitors = [["a", "b"]]\n[[spread.plans]]\nmonitors = [["b", "a"]]', "a plan for 1 monitors is already given"),
])
def test_a_plan_that_loses_or_invents_a_screen_is_refused(plans: str, message: str) -> None:
    with pytest.raises(LayoutError) as caught:
        parse_layout(layout_text(screen("a") + screen("b"), f"[[spread.plans]]\n{plans}"))
    assert message in caught.value.report()


def test_the_planner_imports_without_qt() -> None:
    from .test_architecture import BLOCK_QT

    result = subprocess.run([sys.executable, "-c", BLOCK_QT, "cmwall.wall.spread"], capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stderr


# --- the real windows ----------------------------------------------------------------


def stand_ins(sizes: list[tuple[int, int]]) -> list[FakeScreen]:
    x, out = 0, []
    for i, (width, height) in enumerate(sizes):
        out.append(FakeScreen(f"MON-{i}", x, width, height))
        x += width
    return out


@pytest.fixture
def walls(qtbot: QtBot) -> Iterator[list[WallController]]:
    made: list[WallController] = []
    yield made
    for controller in made:
        controller.shutdown()


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_window_of_the_running_wall_shows_tiles(qtbot: QtBot, walls: list[WallController], name: str) -> None:
    snapshot = synthetic_snapshot()
    for monitors, sizes in MONITOR_SETS.items():
        screens = stand_ins(sizes)
        controller = WallController(load_layout(ROOT / "layouts" / f"{name}.toml"), clock=Clock(), fade_ms=0,
                                    windowed=True, screens=lambda screens=screens: screens)  # type: ignore[misc]
        walls.append(controller)
        controller.start()
        controller.apply_snapshot(snapshot)
        windows = list(controller.screens.windows.values())
        assert len(windows) >= len(sizes), monitors
        for window in windows:
            assert window.idle_label is None and window.screen_spec is not None, f"{name} on {monitors}: idle window"
            assert window.pages and all(page or window.pinned for page in window.pages), f"{name} on {monitors}"
            assert all(t.snapshot is snapshot for t in window.visible_tiles()), f"{name} on {monitors}"
        controller.shutdown()
        walls.remove(controller)


def test_windows_follow_four_monitors_swapped_for_one_4k_monitor(qtbot: QtBot, walls: list[WallController]) -> None:
    screens = stand_ins([HD] * 4)
    controller = WallController(load_layout("crisis"), clock=Clock(), fade_ms=0, screens=lambda: screens)
    walls.append(controller)
    controller.start()
    before = controller.screen_windows()
    assert [w.isFullScreen() for w in before] == [True] * 4
    screens[:] = stand_ins([UHD])
    controller.screens.reassign()
    after = controller.screen_windows()
    assert after == before  # the same four screens: the windows are kept, moved onto the panels
    assert [(w.geometry().x(), w.geometry().y(), w.width(), w.height()) for w in after] == [
        (0, 0, 1920, 1080), (1920, 0, 1920, 1080), (0, 1080, 1920, 1080), (1920, 1080, 1920, 1080)]
    assert not any(w.isFullScreen() for w in after)


def assert_every_screen_shows_tiles(shots: Path) -> dict[str, dict[str, Any]]:
    """The audit record of each screenshot: a layout screen with tiles, none missing, no figure cut."""
    records = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(shots.glob("*.json"))}
    for stem, record in records.items():
        assert record["screen"] is not None and record["tiles"], stem
        assert not any(t["type"] == "placeholder" for t in record["tiles"]), stem
        assert not [text for t in record["tiles"] for text in t["elided"] if is_figure(text)], stem  # names may be cut
        image = QImage(str(shots / f"{stem}.png"))
        assert (image.width(), image.height()) == HD
    return records


def test_the_wall_process_fills_a_4k_monitor_beside_a_1080p_one(tmp_path: Path) -> None:
    config = screens_file(tmp_path, [("BIG", *UHD), ("SIDE", *HD)])
    shots = tmp_path / "shots"
    result = run_wall(tmp_path, "--screenshot", str(shots), "--layout", "cm_residence",
                      platform=f"offscreen:configfile={config}")
    assert_clean(result)
    records = assert_every_screen_shows_tiles(shots)
    # the 4K monitor as 2×2 panels; the four screens and the overview's second page fill five monitors
    assert list(records) == ["screen0-BIG-panel0-overview", "screen0-BIG-panel1-overview", "screen0-BIG-panel2-map",
                             "screen0-BIG-panel3-service", "screen1-SIDE-trends"]
    assert [r["page_title"] for r in records.values()][:2] == ["Health and welfare", "Infrastructure and services"]


def test_the_city_crisis_wall_shares_its_pages_over_two_monitors(tmp_path: Path) -> None:
    config = screens_file(tmp_path, [("LEFT", *HD), ("RIGHT", *HD)])
    shots = tmp_path / "shots"
    result = run_wall(tmp_path, "--screenshot", str(shots), "--demo-profile", "city-crisis",
                      "--layout", str(ROOT / "layouts" / "city_crisis.toml"), platform=f"offscreen:configfile={config}")
    assert_clean(result)
    records = assert_every_screen_shows_tiles(shots)
    assert [(r["screen"], r["pages"]) for r in records.values()] == [("city", 2), ("city", 2)]


def test_panels_of_a_surface_that_no_screen_takes_show_content() -> None:
    surface = '[[surfaces]]\nid = "wall"\nrows = 1\ncols = 2\n'
    spec = parse_layout(layout_text(surface + screen("a", 2, 'surface = "wall"\npanel = 0')))
    plan = plan_wall(spec, outputs([(3840, 1080)]))
    assert [(v.key, v.placement.panel, v.placement.geometry.x) for v in plan.views] == [("a[0]", 0, 0), ("a[1]", 1, 1920)]

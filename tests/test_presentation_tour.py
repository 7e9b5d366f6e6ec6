"""The delegation tour uses every screen of the wall (layouts/delegation.toml): on one to
four 1080p monitors and on one 4K monitor every monitor shows a part of the tour, every
page of the tour is shown somewhere, and the tiles kept back from visitors are marked."""

from __future__ import annotations

import pytest
from cmwall.layouts.loader import load_layout
from cmwall.wall.placement import Output, Rect
from cmwall.wall.spread import plan_wall

HD, UHD = (1920, 1080), (3840, 2160)


def outputs(sizes: list[tuple[int, int]]) -> list[Output]:
    x, out = 0, []
    for index, (width, height) in enumerate(sizes):
        out.append(Output(index, f"OUT-{index + 1}", Rect(x, 0, width, height)))
        x += width
    return out


@pytest.mark.parametrize("sizes", [[HD], [HD] * 2, [HD] * 3, [HD] * 4, [UHD], [UHD, HD]],
                         ids=["1x1080p", "2x1080p", "3x1080p", "4x1080p", "4K", "4K+1080p"])
def test_every_monitor_shows_part_of_the_tour_and_every_page_is_shown(sizes: list[tuple[int, int]]) -> None:
    spec = load_layout("delegation").spec
    plan = plan_wall(spec, outputs(sizes))
    assert plan.spare_outputs == () and {v.placement.output.index for v in plan.views} == set(range(len(sizes)))
    shown = {(part.screen.id, page) for view in plan.views for part in view.parts for page in part.pages}
    assert shown == {(s.id, p) for s in spec.screens for p in range(len(s.pages))}
    assert all(view.spec.pages for view in plan.views)
    assert [n.reason for n in plan.notes if not n.optional] == []  # taking turns is no fault: nothing on the strip


def test_four_monitors_or_one_4k_monitor_show_the_four_screens_side_by_side() -> None:
    spec = load_layout("delegation").spec
    four = plan_wall(spec, outputs([HD] * 4))
    assert [v.key for v in four.views] == ["glance", "ranking", "progress", "citizens"]
    big = plan_wall(spec, outputs([UHD]))
    assert [v.key for v in big.views] == ["glance", "ranking", "progress", "citizens"]
    assert [v.placement.panel for v in big.views] == [0, 1, 2, 3]
    assert {(v.placement.geometry.width, v.placement.geometry.height) for v in big.views} == {HD}


def test_what_visitors_are_not_shown_is_marked_sensitive() -> None:
    spec = load_layout("delegation").spec
    sensitive = {t.type for t in spec.all_tiles() if t.sensitive}
    assert sensitive == {"attention", "breakdown", "grievance"}
    assert not any(t.sensitive for s in spec.screens for t in s.pinned)

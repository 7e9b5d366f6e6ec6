"""What a map of one place shows: the place's outline, the places under it, its facilities.

A drill-down page (wall/entity_page.py) shows a map of one place — a district, a zone,
a city — with `within = "<code>"` on the map tile. Which places are drawn how comes
only from the catalog's `parent` links and from the boundary file, never from a
store's codes or levels: a child that has an outline of its own (a zone's districts)
is an area; any other child is a point where the catalog gives it lat/lon and is
counted "not on map" where it does not (talukas made after the points were surveyed);
facilities anywhere under the place are the usual markers. The view is the place's
own outline where the boundaries have one, else what its children cover. Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..sync.contract import Catalog, Entity
from .boundaries import Boundaries

FACILITY = "facility"
VIEW_PAD = 0.08  # share of the view's span added around it, so edge points are not cut
MIN_SPAN = 0.05  # projected units (~5 km): the closest a map of one place zooms


@dataclass(frozen=True)
class PlaceMap:
    """The places under one place, sorted into how the map shows them."""

    areas: tuple[Entity, ...]  # children with an outline of their own
    points: tuple[Entity, ...]  # other children with lat/lon (not facilities)
    off_map: tuple[Entity, ...]  # other children without lat/lon (not facilities)
    facilities: frozenset[str]  # codes of the facilities anywhere under the place


def descendants(catalog: Catalog, code: str) -> list[Entity]:
    """Every entity under `code` by `parent` links (a cycle in a bad catalog stops the walk)."""
    found: list[Entity] = []
    seen = {code}
    todo = [code]
    while todo:
        for child in catalog.children_of(todo.pop()):
            if child.code not in seen:
                seen.add(child.code)
                found.append(child)
                todo.append(child.code)
    return found


def place_map(catalog: Catalog, code: str, outlined: Iterable[str]) -> PlaceMap:
    """Sort `code`'s children; `outlined`: the codes the boundaries have an outline for."""
    has_outline = frozenset(outlined)
    children = [c for c in catalog.children_of(code) if c.level != FACILITY]
    areas = tuple(c for c in children if c.code in has_outline)
    rest = [c for c in children if c.code not in has_outline]
    points = tuple(c for c in rest if c.lat is not None and c.lon is not None)
    off_map = tuple(c for c in rest if c.lat is None or c.lon is None)
    facilities = frozenset(e.code for e in descendants(catalog, code) if e.level == FACILITY)
    return PlaceMap(areas, points, off_map, facilities)


def place_view(boundaries: Boundaries, outlines: Sequence[str], points: Sequence[tuple[float, float]]
               ) -> tuple[float, float, float, float] | None:
    """The projected extent of `outlines` (boundary keys) and `points` (lon, lat), padded,
    squared off no smaller than MIN_SPAN; None when there is nothing to frame."""
    xs: list[float] = []
    ys: list[float] = []
    for key in outlines:
        shape = boundaries.districts.get(key)
        if shape is None:
            continue
        for ring in shape.rings:
            xs += [float(ring[:, 0].min()), float(ring[:, 0].max())]
            ys += [float(ring[:, 1].min()), float(ring[:, 1].max())]
    for lon, lat in points:
        x, y = boundaries.project(lon, lat)
        xs.append(x)
        ys.append(y)
    if not xs:
        return None
    span_x, span_y = max(max(xs) - min(xs), MIN_SPAN), max(max(ys) - min(ys), MIN_SPAN)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half_x, half_y = span_x * (0.5 + VIEW_PAD), span_y * (0.5 + VIEW_PAD)
    return (cx - half_x, cy - half_y, cx + half_x, cy + half_y)

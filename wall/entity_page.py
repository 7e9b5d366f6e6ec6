"""The drill-down page of one place, generated from the catalog as a layout of existing tiles.

No place has a page written by hand: a district, a taluka, a zone or a hospital gets
one made here from what the catalog says of it (its level, its `parent`, its children)
and what the snapshot holds for it (which KPIs it has figures for). The page replaces
the first screen of the layout being shown; the wall's other screens keep theirs, and
the generated layout does not rotate (drill-down pauses rotation until the operator
goes back). Its tiles are the ordinary ones:

- up to four `kpi` tiles: the place's own KPIs (ranked ones first), else ranked KPIs
  its children roll up to;
- where the place is of the ranked level, a `breakdown` tile (why it ranks where it
  does: derived on the sync thread because the layout names it) — for the state, the
  `ranking` tile of its ranked places; for any other place, the `trend` of its first KPI;
- a `children` table of the places under it, the selected one highlighted (none for a
  place with nothing under it: the tiles beside it widen instead);
- a `map` of the place alone (`within`): its outline, its children coloured by grade
  where they are ranked, else by the table's first KPI, its facilities (the state's:
  its districts as the shipped maps draw them).
"""

from __future__ import annotations

from typing import Any

from ..layouts.loader import Layout
from ..layouts.schema import ScreenSpec
from ..sync.contract import Catalog, Kpi
from ..sync.snapshot import Snapshot
from ..widgets.tiles.children_tile import ordered_children

KPI_TILES = 4
ROWS, COLS = 3, 8  # the KPIs two columns each; why it ranks, its children (three each) and its map (two) below
MAP_COLS = 2  # the map's columns at least; what has nothing to show leaves its room to the others


def place_name(catalog: Catalog, code: str) -> tuple[str, dict[str, str]]:
    """A place's English name and its names per language (catalog `names`, else `local_name`)."""
    item = catalog.state if code == catalog.state.code else catalog.entity(code)
    if item is None:
        return code, {}
    return item.name, {lang: name for lang, name in item.names.items() if name}


def trail(catalog: Catalog, code: str) -> list[str]:
    """The codes from the state down to `code` by `parent` links (the state first)."""
    codes = [code]
    seen = {code}
    while codes[-1] != catalog.state.code:
        entity = catalog.entity(codes[-1])
        parent = entity.parent if entity is not None and entity.parent else catalog.state.code
        if parent in seen:
            break
        codes.append(parent)
        seen.add(parent)
    return list(reversed(codes))


def page_kpis(catalog: Catalog, snapshot: Snapshot | None, code: str) -> list[Kpi]:
    """The KPIs the place's page shows: those it reports itself (ranked first), then ranked
    KPIs that roll up from its children, at most four."""
    series = snapshot.series if snapshot is not None else {}

    def own(kpi: Kpi) -> bool:
        s = series.get(kpi.code)
        return s is not None and s.row_of(code) is not None

    ranked_first = sorted(catalog.kpis, key=lambda k: (k.scoring is None, -(k.scoring.weight if k.scoring else 0)))
    chosen = [k for k in ranked_first if own(k)]
    if len(chosen) < KPI_TILES and ordered_children(catalog, code):
        chosen += [k for k in ranked_first
                   if k not in chosen and k.aggregate_method is not None and series.get(k.code) is not None]
    return chosen[:KPI_TILES]


def children_kpis(catalog: Catalog, snapshot: Snapshot | None, code: str, shown: list[Kpi]) -> list[Kpi]:
    """The children table's columns: KPIs the children report themselves (a district's
    talukas may report other KPIs than the district), else the page's; three at most."""
    series = snapshot.series if snapshot is not None else {}
    children = [c.code for c in ordered_children(catalog, code)]
    reported = [k for k in catalog.kpis if (s := series.get(k.code)) is not None
                and any(s.row_of(c) is not None for c in children)]
    ranked_first = sorted(reported, key=lambda k: k.scoring is None)
    return (ranked_first or shown)[:3]


def map_options(catalog: Catalog, code: str, kpis: list[Kpi]) -> dict[str, Any]:
    """The page's map: the state's as the shipped maps draw it; any other place's alone
    (`within`), its children coloured by grade where they are of the ranked level, else
    by the first KPI of the children's table."""
    options: dict[str, Any] = {} if code == catalog.state.code else {"within": code}
    children_ranked = any(c.level == catalog.ranking.level for c in catalog.children_of(code))
    if children_ranked:
        return {**options, "colour_by": "grade"}
    return {**options, "colour_by": "kpi", "kpi": kpis[0].code} if kpis else options


def _tile(kind: str, row: int, col: int, options: dict[str, Any], row_span: int = 1, col_span: int = 1) -> dict[str, Any]:
    return {"type": kind, "row": row, "col": col, "row_span": row_span, "col_span": col_span, "options": options}


def entity_screen(catalog: Catalog, snapshot: Snapshot | None, code: str, selected: str | None,
                  base: ScreenSpec) -> ScreenSpec:
    """The page of `code` on `base`'s place on the wall (its id, output, index, surface)."""
    kpis = page_kpis(catalog, snapshot, code)
    is_state = code == catalog.state.code
    level = catalog.level_of(code) or "state"
    ranked = level == catalog.ranking.level
    tiles = [_tile("kpi", 0, 2 * i, {"kpi": k.code, **({} if is_state else {"entity": code})}, col_span=2)
             for i, k in enumerate(kpis)]
    lower: list[tuple[str, dict[str, Any]]] = []  # left to right below the KPIs, beside the map
    if ranked:
        lower.append(("breakdown", {"entity": code}))
    elif is_state:
        lower.append(("ranking", {"mode": "all"}))
    elif kpis:
        lower.append(("trend", {"kpi": kpis[0].code, "entities": [code], "include_state": True}))
    columns = children_kpis(catalog, snapshot, code, kpis)
    if is_state or ordered_children(catalog, code):  # a place with nothing under it gets no empty table
        lower.append(("children", {"entity": None if is_state else code, "kpis": [k.code for k in columns],
                                   "selected": selected}))
    width = (COLS - MAP_COLS) // len(lower) if lower else 0
    for i, (kind, options) in enumerate(lower):
        tiles.append(_tile(kind, 1, i * width, options, row_span=2, col_span=width))
    used = width * len(lower)
    tiles.append(_tile("map", 1, used, map_options(catalog, code, columns or kpis), row_span=2, col_span=COLS - used))
    names = [place_name(catalog, c) for c in trail(catalog, code)]
    title = " › ".join(name for name, _ in names)
    title_local = {lang: " › ".join(local.get(lang, name) for name, local in names)
                   for lang in {lang for _, local in names for lang in local}}
    placement = base.model_dump(include={"id", "output", "index", "surface", "panel", "optional"})
    return ScreenSpec.model_validate({
        **placement, "title": title, "title_local": title_local, "rows": ROWS, "cols": COLS,
        "pages": [{"title": level.title(), "dwell": 3600.0, "tiles": tiles}],
    })


def entity_layout(home: Layout, catalog: Catalog, snapshot: Snapshot | None, code: str,
                  selected: str | None = None) -> Layout:
    """`home` with its first screen showing `code`'s page, not rotating. Same file, so the
    wall's other PCs and the layout keys see the layout they know."""
    screens = list(home.spec.screens)
    screens[0] = entity_screen(catalog, snapshot, code, selected, screens[0])
    spec = home.spec.model_copy(update={"screens": tuple(screens), "rotation": False})
    return Layout(spec, home.path)

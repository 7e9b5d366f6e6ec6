"""What `main.py check` says about a layout's maps: which districts are not on them, and why.

The map tile places each catalog district on an outline of its boundary file by code
and by name (widgets/district_matching.py). The same matching runs here, without Qt,
against the catalog `check` fetched, so an operator learns before a visit what the
wall will draw: districts with no outline are problems (the map would be missing
them), and how the districts were placed — the file's codes being another code
system, a district whose code and name disagree — is reported as notes. A map that
colours no districts (facilities only) is matched against nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...layouts.loader import Layout, Problem, tiles_of
from ...sync.contract import Catalog
from ...widgets.boundaries import BoundariesError, load_boundaries
from ...widgets.district_matching import colours_districts, match_catalog


@dataclass
class MapReport:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def map_report(layout: Layout, catalog: Catalog) -> MapReport:
    """Every map tile's boundaries checked against `catalog`; each boundary file once."""
    report = MapReport()
    file = str(layout.path)
    seen: set[tuple[Path | None, str, bool]] = set()
    for where, tile in tiles_of(layout.spec):
        if tile.type != "map":
            continue
        options = tile.options
        occupancy = getattr(options, "occupancy_kpi", None)
        if (occupancy is not None and catalog.kpi(occupancy) is not None  # an unknown code is catalog_check's
                and occupancy not in {used.code for used, _ in catalog.capacity_pairs}):
            report.problems.append(Problem(file, f"{where}.options.occupancy_kpi",
                                           f"{occupancy!r} is not the used KPI of a used/total pair (capacity_of) "
                                           f"in the store's catalog ({catalog.revision})"))
        own = getattr(options, "boundaries", None)
        path = layout.directory / own if own else None
        code_field = getattr(options, "code_field", "DIST_LGD")
        districts = colours_districts(catalog, getattr(options, "colour_by", "score"))
        if (path, code_field, districts) in seen:
            continue
        seen.add((path, code_field, districts))
        try:
            boundaries = load_boundaries(path, code_field=code_field, state_code=catalog.state.code,
                                         state_name=catalog.state.name)
        except BoundariesError as err:
            report.problems.append(Problem(file, f"{where}.options.boundaries", str(err)))
            continue
        prefix = f"{file}: {where}: map ({boundaries.attribution})"
        if boundaries.state_note:
            report.notes.append(f"{prefix}: {boundaries.state_note}")
        if not districts:
            why = (f"the catalog's ranking is by {catalog.ranking.level}" if catalog.entities_of_level("district")
                   else "the catalog has no districts")
            report.notes.append(f"{prefix}: colours no districts ({why}): facilities on the state's outlines")
            continue
        match = match_catalog(catalog, boundaries)
        total = len(match.placed) + len(match.unmatched)
        report.notes.append(f"{prefix}: {len(match.placed)} of {total} districts placed")
        summary = match.summary()
        if summary:
            report.notes.append(f"{prefix}: {summary}")
        report.notes.extend(f"{prefix}: {d.sentence()}" for d in match.disagreements)
        for code, name in match.unmatched:
            report.problems.append(Problem(
                file, f"{where}.options.boundaries",
                f"district {name} ({code}) is not on the map: {boundaries.label} has no outline of that name"
                f" or code for {catalog.state.name}; give the map its own boundaries file"))
    return report

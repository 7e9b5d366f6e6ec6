"""Does a layout name only codes the store's catalog knows?

A layout is data written by people; a mistyped KPI code would show an empty tile on
the wall for weeks, and a layout written for one state's store shows nothing on
another's. Every code a tile needs — each options model declares its own
(`needed_codes()` in tile_options.py), so this module knows no tile type — and every
KPI code of the layout's `[thresholds.kpi]` is looked up in the catalog; each
unknown one becomes a `Problem` with its field path. So do used/total pairs whose
`capacity_of` total the catalog lacks, and a capacity tile with no pairs of its own
when the catalog declares none. Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from ..sync.contract import Catalog
from .loader import Problem, tiles_of
from .schema import LayoutSpec
from .tile_options import DEPARTMENT, CodeRef

CATALOG_KINDS = {"kpi": "KPI", "entity": "entity", "department": "department", "sector": "sector", "scheme": "scheme"}


def catalog_problems(spec: LayoutSpec, catalog: Catalog, file: str) -> list[Problem]:
    problems: list[Problem] = []
    for where, tile in tiles_of(spec):
        for ref in tile.options.needed_codes():
            problems.extend(Problem(file, f"{where}.options.{ref.path}", message)
                            for message in _lookup(ref, catalog))
        problems.extend(_required_codes(tile.type, tile.options, where, file))
    for code in spec.thresholds.kpi:
        if catalog.kpi(code) is None:
            problems.append(Problem(file, f'thresholds.kpi."{code}"', _unknown("KPI", code, catalog)))
    for i, rule in enumerate(spec.crisis.rules):  # crisis rules name the store's codes too
        for ref in rule.needed_codes():
            problems.extend(Problem(file, f"crisis.rules[{i}].{ref.path}", message) for message in _lookup(ref, catalog))
    return problems


def _unknown(kind: str, code: str, catalog: Catalog) -> str:
    return f"unknown {kind} {code!r}: not in the store's catalog ({catalog.revision})"


def _lookup(ref: CodeRef, catalog: Catalog) -> Iterator[str]:
    """What is wrong with one needed code (nothing when the catalog knows it)."""
    if ref.kind == "entity":
        if catalog.level_of(ref.code) is None:
            yield _unknown("entity", ref.code, catalog)
    elif ref.kind in CATALOG_KINDS:
        by_kind: dict[str, Mapping[str, object]] = {
            "kpi": catalog.kpis_by_code, "department": catalog.departments_by_code,
            "sector": catalog.sectors_by_code, "scheme": catalog.schemes_by_code,
        }
        if ref.code not in by_kind[ref.kind]:
            yield _unknown(CATALOG_KINDS[ref.kind], ref.code, catalog)
    elif ref.kind == "level":
        if ref.code != "state" and not catalog.entities_of_level(ref.code):
            yield f"the store's catalog ({catalog.revision}) has no entities of level {ref.code!r}"
    elif ref.kind == "kpi_prefix":
        if not any(code.startswith(ref.code) for code in catalog.kpis_by_code):
            yield f"no KPI code of the store's catalog ({catalog.revision}) starts with {ref.code!r}"
    elif ref.kind == "kpi_pattern":
        codes = [ref.code.replace(DEPARTMENT, d.code) for d in catalog.departments]
        if not any(code in catalog.kpis_by_code for code in codes):
            yield (f"no department of the store's catalog ({catalog.revision}) has a KPI {ref.code!r} "
                   f"(tried {', '.join(codes[:3])}{'…' if len(codes) > 3 else ''})")
    elif ref.kind == "capacity_pairs":
        yield from _catalog_pair_problems(catalog)


def _catalog_pair_problems(catalog: Catalog) -> Iterator[str]:
    """A tile that takes its pairs from the catalog: broken `capacity_of`, or none at all."""
    for kpi in catalog.kpis:
        if kpi.capacity_of and catalog.kpi(kpi.capacity_of) is None:
            yield f"catalog KPI {kpi.code!r} has capacity_of {kpi.capacity_of!r}, " + _unknown("KPI", kpi.capacity_of, catalog)
    if not catalog.capacity_pairs:
        yield (f"no used/total pairs: the store's catalog ({catalog.revision}) declares none (capacity_of); "
               "name them here, e.g. pairs = [{ used = \"…\", total = \"…\" }]")


def _required_codes(kind: str, options: object, where: str, file: str) -> Iterable[Problem]:
    """Options that need a code only in some modes."""
    if kind == "ranking":
        by = getattr(options, "by", "overall")
        if by != "overall" and getattr(options, "code", None) is None:
            yield Problem(file, f"{where}.options.code", f"required when by = {by!r}: a {by} code from the catalog")
    if kind == "map" and getattr(options, "colour_by", None) == "kpi" and getattr(options, "kpi", None) is None:
        yield Problem(file, f"{where}.options.kpi", "required when colour_by = 'kpi': a KPI code from the catalog")

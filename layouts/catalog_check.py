"""Does a layout name only KPIs and entities the store's catalog knows?

A layout is data written by people; a mistyped KPI code would show an empty tile on
the wall for weeks. Every code a tile option holds is looked up in the catalog, and
each unknown one becomes a `Problem` with the option's field path. Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..sync.contract import Catalog
from .loader import Problem, tiles_of
from .schema import LayoutSpec

KPI_FIELDS = ("kpi", "facility_kpi")
ENTITY_FIELDS = ("entity", "highlight")
ENTITY_LIST_FIELDS = ("entities",)


def catalog_problems(spec: LayoutSpec, catalog: Catalog, file: str) -> list[Problem]:
    problems: list[Problem] = []
    for where, tile in tiles_of(spec):
        options = tile.options
        for name in KPI_FIELDS:
            code = getattr(options, name, None)
            if code is not None and catalog.kpi(code) is None:
                problems.append(Problem(file, f"{where}.options.{name}",
                                        f"unknown KPI {code!r}: not in the store's catalog ({catalog.revision})"))
        for name in ENTITY_FIELDS:
            code = getattr(options, name, None)
            if code is not None and catalog.entity(code) is None:
                problems.append(_unknown_entity(file, f"{where}.options.{name}", code, catalog))
        for name in ENTITY_LIST_FIELDS:
            for i, code in enumerate(getattr(options, name, None) or ()):
                if catalog.entity(code) is None:
                    problems.append(_unknown_entity(file, f"{where}.options.{name}[{i}]", code, catalog))
        problems.extend(_ranking_problems(tile.type, options, where, catalog, file))
    return problems


def _unknown_entity(file: str, path: str, code: str, catalog: Catalog) -> Problem:
    return Problem(file, path, f"unknown entity {code!r}: not in the store's catalog ({catalog.revision})")


def _ranking_problems(kind: str, options: object, where: str, catalog: Catalog, file: str) -> Iterable[Problem]:
    if kind == "ranking":
        by = getattr(options, "by", "overall")
        code = getattr(options, "code", None)
        known = {
            "sector": catalog.sectors_by_code,
            "department": catalog.departments_by_code,
            "scheme": catalog.schemes_by_code,
            "kpi": catalog.kpis_by_code,
        }.get(by)
        if known is not None:
            if code is None:
                yield Problem(file, f"{where}.options.code", f"required when by = {by!r}: a {by} code from the catalog")
            elif code not in known:
                yield Problem(file, f"{where}.options.code", f"unknown {by} {code!r}: not in the store's catalog ({catalog.revision})")
        level = getattr(options, "level", None)
        if level is not None and not catalog.entities_of_level(level):
            yield Problem(file, f"{where}.options.level", f"the catalog has no entities of level {level!r}")
    if kind == "map" and getattr(options, "colour_by", None) == "kpi" and getattr(options, "kpi", None) is None:
        yield Problem(file, f"{where}.options.kpi", "required when colour_by = 'kpi': a KPI code from the catalog")

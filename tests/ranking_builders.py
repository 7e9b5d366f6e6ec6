"""Small builders for ranking tests: catalogs and tables in a line or two."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from cmwall.sync.contract import Catalog
from cmwall.sync.observations import ObservationTable
from cmwall.sync.ranking.engine import compute_ranking
from cmwall.sync.ranking.result import RankedEntity, RankingResult

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
T0 = 1_793_000_000.0  # a reported_at in November 2026


def kpi(code: str, method: str | None = "target", *, target: float | None = 100.0, better: str = "higher",
        weight: float | None = None, bands: Sequence[Sequence[float]] | None = None, scheme: str = "P1",
        level: str | None = None) -> dict[str, Any]:
    k: dict[str, Any] = {"code": code, "name": code, "scheme": scheme, "better": better, "target": target}
    if level:
        k["level"] = level
    if method:
        scoring: dict[str, Any] = {"method": method}
        if weight is not None:
            scoring["weight"] = weight
        if bands is not None:
            scoring["bands"] = bands
        k["scoring"] = scoring
    return k


def catalog(kpis: list[dict[str, Any]], districts: tuple[str, ...] = ("A", "B", "C"), **ranking: Any) -> Catalog:
    """Schemes P1, P2 in department D1; P3 in D2; P4 in D3. D1, D2 in sector S1; D3 in S2."""
    return Catalog.model_validate(
        {
            "revision": "c-1",
            "state": {"code": "24", "name": "Gujarat"},
            "entities": [{"code": d, "name": f"District {d}", "level": "district", "parent": "24"} for d in districts]
            + [{"code": "TAL", "name": "A taluka", "level": "taluka", "parent": districts[0]}],
            "sectors": [{"code": "S1", "name": "Social"}, {"code": "S2", "name": "Economic"}],
            "departments": [
                {"code": "D1", "name": "Health", "sector": "S1"},
                {"code": "D2", "name": "Education", "sector": "S1"},
                {"code": "D3", "name": "Agriculture", "sector": "S2"},
            ],
            "schemes": [
                {"code": "P1", "name": "P1", "department": "D1"},
                {"code": "P2", "name": "P2", "department": "D1"},
                {"code": "P3", "name": "P3", "department": "D2"},
                {"code": "P4", "name": "P4", "department": "D3"},
            ],
            "kpis": kpis,
            "ranking": {"level": "district", **ranking},
        }
    )


# (kpi, entity, value), (kpi, entity, value, period) or (kpi, entity, value, period, reported_at)
TableRow = (tuple[str, str, float | None] | tuple[str, str, float | None, str]
            | tuple[str, str, float | None, str, float])


def table(rows: Sequence[TableRow]) -> ObservationTable:
    """Rows of (kpi, entity, value) for 2026-10, or (kpi, entity, value, period[, reported_at])."""
    full: list[tuple[str, str, str, float | None, float]] = []
    for i, r in enumerate(rows):
        k, e, v = r[:3]
        period = r[3] if len(r) > 3 else "2026-10"
        at = r[4] if len(r) > 4 else T0 + i
        full.append((k, e, period, v, at))
    return ObservationTable.from_rows(full)


def rank(cat: Catalog, rows: Sequence[TableRow], period: str | None = None, **kw: Any) -> RankingResult:
    result = compute_ranking(cat, table(rows), period, computed_at=NOW, **kw)
    assert result is not None
    return result


def marks_of(result: RankingResult, kpi_code: str) -> dict[str, float | None]:
    return {r.entity: r.marks[kpi_code] for r in result.rows}


def row_of(result: RankingResult, entity: str) -> RankedEntity:
    """The entity's row, failing the test when the ranking has none."""
    row = result.row(entity)
    assert row is not None, f"no ranking row for {entity}"
    return row

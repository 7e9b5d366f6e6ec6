"""Property test: the vectorised engine agrees with the naive reference, exactly.

Hypothesis draws small random catalogs (all four methods, both missing rules, all
rollups and tie rules, weights including 0, targets including 0 and negatives,
bands) and observations (nulls, negatives, zeros, many equal values, corrections,
finer-grained periods, other months, unranked KPIs and entities). Marks, group
scores, overall scores, ranks, grades, not-reported lists, provisional flags,
period and data_as_of must be identical after rounding.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cmwall.sync.contract import Catalog
from cmwall.sync.observations import ObservationTable
from cmwall.sync.ranking.engine import compute_ranking
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from .ranking_reference import Observation, reference_ranking

NOW = datetime(2026, 12, 1, tzinfo=UTC)
VALUES = st.one_of(
    st.none(),
    st.sampled_from([0.0, 1.0, -1.0, 2.5, 50.0, 100.0, 100.0, 80.0, -30.0, 1e-3, 7.0]),
    st.floats(min_value=-1000, max_value=1000, allow_nan=False).map(lambda v: round(v, 3)),
)
TARGETS = st.sampled_from([100.0, 50.0, 0.0, 1.0, 80.0, -20.0, 7.0, 12.5])
PERIODS = st.sampled_from(
    ["2026-10", "2026-10", "2026-10-05", "2026-10-31", "2026-10-05T10:15", "2026-10-05T09:00", "2026-09", "2026-09-30"]
)


@st.composite
def catalogs(draw: st.DrawFn) -> dict[str, Any]:
    n_sectors = draw(st.integers(1, 2))
    n_departments = draw(st.integers(1, 3))
    n_schemes = draw(st.integers(1, 4))
    sectors = [{"code": f"S{i}", "name": f"Sector {i}"} for i in range(n_sectors)]
    departments = [
        {"code": f"D{i}", "name": f"Dept {i}", "sector": f"S{draw(st.integers(0, n_sectors - 1))}"}
        for i in range(n_departments)
    ]
    schemes = [
        {"code": f"P{i}", "name": f"Scheme {i}", "department": f"D{draw(st.integers(0, n_departments - 1))}"}
        for i in range(n_schemes)
    ]
    kpis = []
    for i in range(draw(st.integers(1, 7))):
        kpi: dict[str, Any] = {
            "code": f"K{i}",
            "name": f"KPI {i}",
            "scheme": f"P{draw(st.integers(0, n_schemes - 1))}",
            "better": draw(st.sampled_from(["higher", "lower"])),
            "target": draw(TARGETS),
            "level": draw(st.sampled_from([None, None, "district", "taluka"])),
        }
        method = draw(st.sampled_from(["target", "minmax", "minmax_target", "bands"] * 2 + [None]))
        if method is not None:
            scoring: dict[str, Any] = {"method": method}
            weight = draw(st.sampled_from([None, 1.0, 2.0, 0.5, 3.0, 0.0]))
            if weight is not None:
                scoring["weight"] = weight
            if method == "bands":
                thresholds = sorted(
                    draw(st.lists(st.sampled_from([0.0, 25.0, 50.0, 80.0, 100.0, 120.0, -10.0]), min_size=1, max_size=4, unique=True)),
                    reverse=True,
                )
                scoring["bands"] = [[t, draw(st.sampled_from([10.0, 7.5, 5.0, 2.0, 0.0]))] for t in thresholds]
            kpi["scoring"] = scoring
        kpis.append(kpi)
    n_districts = draw(st.integers(1, 7))
    entities = [{"code": f"{400 + i}", "name": f"District {i}", "level": "district", "parent": "24"} for i in range(n_districts)]
    entities.append({"code": "T1", "name": "Taluka", "level": "taluka", "parent": "400"})
    grades = draw(
        st.sampled_from(
            [
                [["A", 8.0], ["B", 6.0], ["C", 4.0], ["D", 0.0]],
                [["A", 80.0], ["B", 50.0], ["C", 5.0]],
                [["Good", 5.0], ["Bad", 2.5]],
            ]
        )
    )
    ranking = {
        "level": "district",
        "max_marks": draw(st.sampled_from([10.0, 100.0, 5.0])),
        "rollup": draw(st.sampled_from(["kpi", "scheme", "department", "sector"])),
        "ties": draw(st.sampled_from(["competition", "dense"])),
        "missing": draw(st.sampled_from(["zero", "skip"])),
        "grades": grades,
    }
    return {
        "revision": "c-1",
        "state": {"code": "24", "name": "Gujarat"},
        "entities": entities,
        "sectors": sectors,
        "departments": departments,
        "schemes": schemes,
        "kpis": kpis,
        "ranking": ranking,
    }


@st.composite
def cases(draw: st.DrawFn) -> tuple[Catalog, list[Observation]]:
    catalog = Catalog.model_validate(draw(catalogs()))
    kpi_codes = [k.code for k in catalog.kpis] + ["UNKNOWN"]
    entity_codes = [e.code for e in catalog.entities] + ["999"]
    # Many observations of few values: equal values and ties are common.
    value_pool = draw(st.lists(VALUES, min_size=1, max_size=6))
    rows: list[Observation] = []
    # Most (KPI, entity) cells get an observation, some get several (corrections,
    # finer-grained periods, other months); a few rows name unknown codes.
    for kpi in kpi_codes:
        for entity in entity_codes:
            for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2, 3]))):
                rows.append(
                    (
                        kpi,
                        entity,
                        draw(PERIODS),
                        draw(st.one_of(st.sampled_from(value_pool), VALUES)),
                        float(draw(st.integers(1_790_000_000, 1_800_000_000))),
                    )
                )
    return catalog, rows


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.sampled_from([None, None, "2026-10", "2026-09", "2026-08"]), st.sampled_from([0.25, 0.0, 0.5]))
def test_engine_matches_reference(case: tuple[Catalog, list[Observation]], period: str | None, threshold: float) -> None:
    catalog, rows = case
    table = ObservationTable.from_rows(rows)
    result = compute_ranking(catalog, table, period, computed_at=NOW, provisional_threshold=threshold)
    meta, expected = reference_ranking(catalog, rows, period, threshold)
    if meta is None:
        event("nothing to rank")
        assert result is None
        return
    assert result is not None and expected is not None
    expected_period, expected_as_of = meta
    assert result.period == expected_period
    assert result.data_as_of is not None and result.data_as_of.timestamp() == expected_as_of
    assert [r.entity for r in result.rows] == sorted(
        expected, key=lambda e: (expected[e].rank is None, expected[e].rank or 0, e)
    )
    ranked = [r for r in result.rows if r.rank is not None]
    event(f"ranked rows: {min(len(ranked), 3)}+" if ranked else "no ranked row")
    if len({r.rank for r in ranked}) < len(ranked):
        event("tie")
    if any(r.rank is None for r in result.rows):
        event("unranked row")
    for row in result.rows:
        ref = expected[row.entity]
        assert (row.entity, row.score, row.rank, row.grade) == (ref.entity, ref.score, ref.rank, ref.grade)
        assert dict(row.marks) == ref.marks
        assert {k: dict(v) for k, v in row.by.items()} == ref.by
        assert row.not_reported == ref.not_reported
        assert row.provisional == ref.provisional

"""Tiny hand-made snapshots for the crisis, alerts, feeding and grievance tests.

Each test states its own catalog and observations, so the expected answer can be
read off the test; no HTTP, no ranking engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any

from cmwall.sync.contract import Catalog, Kpi
from cmwall.sync.feed_quality import FeedQuality, QualityCount, RejectedRow
from cmwall.sync.ranking.result import RankingResult
from cmwall.sync.series import apply_rows, frozen
from cmwall.sync.snapshot import Snapshot, SyncStatus

IST = timezone(timedelta(hours=5, minutes=30))
NOW = datetime(2026, 11, 22, 11, 0, tzinfo=IST)

DISTRICTS = (("438", "Ahmadabad"), ("439", "Amreli"), ("440", "Anand"))


def entities(facilities: int = 0) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"code": "24", "name": "Gujarat", "level": "state"}]
    out += [{"code": c, "name": n, "level": "district", "parent": "24"} for c, n in DISTRICTS]
    out += [{"code": f"F-{i + 1:04d}", "name": f"Hospital {i + 1}", "level": "facility",
             "parent": DISTRICTS[i % len(DISTRICTS)][0], "lat": 22.0 + i * 0.1, "lon": 72.0} for i in range(facilities)]
    return out


def catalog(kpis: list[dict[str, Any]], *, facilities: int = 0, departments: list[tuple[str, str]] | None = None) -> Catalog:
    departments = departments or [("HFW", "Health & Family Welfare")]
    return Catalog.model_validate({
        "revision": "c-hand",
        "state": {"code": "24", "name": "Gujarat"},
        "entities": entities(facilities),
        "sectors": [{"code": "SOC", "name": "Social Sector"}],
        "departments": [{"code": c, "name": n, "sector": "SOC"} for c, n in departments],
        "schemes": [{"code": s, "name": s, "department": d} for s, d in {(k["scheme"], k.pop("_dept", "HFW")) for k in kpis}],
        "kpis": kpis,
    })


def kpi_of(cat: Catalog, code: str) -> Kpi:
    """The catalog's KPI `code`, failing the test when the catalog has none."""
    kpi = cat.kpi(code)
    assert kpi is not None, f"no KPI {code} in the catalog"
    return kpi


def at(hours_ago: float) -> float:
    """POSIX seconds of a moment `hours_ago` before NOW."""
    return (NOW - timedelta(hours=hours_ago)).timestamp()


def snapshot(cat: Catalog, rows: Sequence[tuple[str, str, str, float | None, float]], *,
             reachable: bool = True, ranking: RankingResult | None = None) -> Snapshot:
    return Snapshot(
        id=1, created_at=NOW, status=SyncStatus("http://test", reachable=reachable, last_success=NOW),
        catalog=cat, series=frozen(apply_rows({}, rows)), data_as_of=NOW, ranking=ranking,
    )


def feed_quality_for(cat: Catalog, *, reason: str = "value: 'abc' is not a number") -> FeedQuality:
    """A judged feed quality naming the catalog's own codes (its longest names, so a tile
    is tried on what is hardest to fit): two rejected rows, late reports, one questioned value."""
    def longest(items: Sequence[Any]) -> list[str]:
        return [i.code for i in sorted(items, key=lambda i: (-len(i.name), i.code))[:3]]

    departments, kpis = longest(cat.departments), longest(cat.kpis)
    places = longest([e for e in cat.entities if e.code != cat.state.code])
    counts = (QualityCount(rejected=2, late=14, implausible=1), QualityCount(late=3), QualityCount(rejected=1))

    def spread(codes: list[str]) -> Mapping[str, QualityCount]:
        return MappingProxyType(dict(zip(codes, counts)))

    received = NOW - timedelta(minutes=12)
    return FeedQuality(
        total=QualityCount(rejected=3, late=17, implausible=1),
        by_department=spread(departments), by_kpi=spread(kpis), by_entity=spread(places),
        recent_rejections=(
            RejectedRow(received, reason, kpi=kpis[0], entity=places[0], period="2026-10"),
            RejectedRow(received - timedelta(hours=30), "period: '2026-13' is not an ISO-8601 date prefix"),
        ),
        implausible=MappingProxyType({(kpis[0], places[0], "2026-10"): "percentage outside 0–100"}),
        judged=True,
    )

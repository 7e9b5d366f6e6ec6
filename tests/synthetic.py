"""A small, hand-made snapshot for behaviour tests: 8 districts, 5 KPIs, 6 months.

The demo store gives realistic data; these tests need data whose answers are known
by construction (who moved, which KPI fell), built in-process with no HTTP. The
ranking is computed by the real engine; `source` says whether it is presented as
the central store's or as the wall's local estimate.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from cmwall.sync.contract import Catalog
from cmwall.sync.ranking.engine import compute_ranking
from cmwall.sync.ranking.fallback import RankingReason, ReasonKind
from cmwall.sync.ranking.inputs import RankingInput
from cmwall.sync.series import apply_rows, frozen, table_for_months
from cmwall.sync.snapshot import Snapshot, SyncStatus

IST = timezone(timedelta(hours=5, minutes=30))
NOW = datetime(2026, 11, 22, 11, 0, tzinfo=IST)
MONTHS = ("2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10")

DISTRICTS = [
    ("438", "Ahmadabad", "અમદાવાદ"), ("439", "Amreli", "અમરેલી"), ("440", "Anand", "આણંદ"),
    ("441", "Banas Kantha", "બનાસકાંઠા"), ("442", "Bharuch", "ભરૂચ"), ("443", "Bhavnagar", "ભાવનગર"),
    ("444", "Dohad", "દાહોદ"), ("445", "Kachchh", "કચ્છ"),
]

CATALOG = {
    "revision": "c-test",
    "state": {"code": "24", "name": "Gujarat", "local_name": "ગુજરાત"},
    "entities": [{"code": "24", "name": "Gujarat", "local_name": "ગુજરાત", "level": "state"}]
    + [{"code": c, "name": n, "local_name": local, "level": "district", "parent": "24"} for c, n, local in DISTRICTS],
    "sectors": [{"code": "SOC", "name": "Social Sector"}, {"code": "ECO", "name": "Economic Sector"}],
    "departments": [
        {"code": "HFW", "name": "Health & Family Welfare", "sector": "SOC"},
        {"code": "EDU", "name": "Education", "sector": "SOC"},
        {"code": "AGR", "name": "Agriculture", "sector": "ECO"},
    ],
    "schemes": [
        {"code": "PMJAY", "name": "Ayushman Bharat PM-JAY", "department": "HFW"},
        {"code": "MCH", "name": "Mother and Child Health", "department": "HFW"},
        {"code": "SSA", "name": "Samagra Shiksha", "department": "EDU"},
        {"code": "KISAN", "name": "PM-KISAN", "department": "AGR"},
    ],
    "kpis": [
        {"code": "PMJAY.CARDS", "name": "Ayushman cards issued (% of eligible)", "local_name": "આયુષ્માન કાર્ડ",
         "scheme": "PMJAY", "unit": "%", "better": "higher", "target": 100, "level": "district",
         "scoring": {"method": "target", "weight": 2}, "alert": {"warn": 60, "critical": 40}},
        {"code": "MCH.IMR", "name": "Infant mortality rate", "scheme": "MCH", "unit": "per 1000",
         "better": "lower", "target": 20, "level": "district", "scoring": {"method": "target"}},
        {"code": "MCH.INST", "name": "Institutional deliveries", "scheme": "MCH", "unit": "%",
         "better": "higher", "target": 100, "level": "district", "scoring": {"method": "minmax_target"}},
        {"code": "SSA.ATT", "name": "Teacher attendance", "scheme": "SSA", "unit": "%",
         "better": "higher", "target": 95, "level": "district", "scoring": {"method": "target"}},
        {"code": "KISAN.PAID", "name": "PM-KISAN instalments paid", "scheme": "KISAN", "unit": "%",
         "better": "higher", "target": 100, "level": "district", "scoring": {"method": "target"}},
    ],
    "ranking": {"level": "district", "max_marks": 10, "rollup": "kpi",
                "grades": [["A", 8.0], ["B", 6.0], ["C", 4.0], ["D", 0.0]], "ties": "competition", "missing": "zero"},
}

# Base value per KPI, and how each district differs; month m adds a small trend.
BASE = {"PMJAY.CARDS": 70.0, "MCH.IMR": 28.0, "MCH.INST": 90.0, "SSA.ATT": 85.0, "KISAN.PAID": 80.0}
SPREAD = {"PMJAY.CARDS": 4.0, "MCH.IMR": -1.5, "MCH.INST": 1.2, "SSA.ATT": 1.5, "KISAN.PAID": 2.5}


def value(kpi: str, district: int, month: int) -> float | None:
    if kpi == "KISAN.PAID" and district == 7:  # Kachchh never reports PM-KISAN
        return None
    v = BASE[kpi] + SPREAD[kpi] * (district - 3.5) + month * (0.8 if kpi != "MCH.IMR" else -0.3)
    if kpi == "PMJAY.CARDS" and district == 1 and month == 5:  # Amreli collapses in the last month
        v -= 30.0
    if kpi == "SSA.ATT" and district == 0 and month == 5:  # Ahmadabad slips
        v -= 12.0
    return round(v, 1)


def rows(include_state: bool = False) -> list[tuple[str, str, str, float | None, float]]:
    out = []
    for m, month in enumerate(MONTHS):
        reported = datetime(int(month[:4]), int(month[5:]), 28, 12, 0, tzinfo=IST) + timedelta(days=5)
        for kpi in BASE:
            for d, (code, _, _) in enumerate(DISTRICTS):
                v = value(kpi, d, m)
                if v is None and m == 5:
                    continue  # not reported at all in the last month
                out.append((kpi, code, month, v, reported.timestamp()))
            if include_state and kpi == "MCH.INST":
                out.append((kpi, "24", month, 91.0 + m, reported.timestamp()))
    return out


def snapshot(
    *, source: str = "central", reachable: bool = True, include_state: bool = False, snapshot_id: int = 1,
    drop_last_month: bool = False, empty: bool = False,
) -> Snapshot:
    status = SyncStatus(
        store_url="http://127.0.0.1:1", reachable=reachable, last_success=NOW,
        unreachable_since=None if reachable else NOW - timedelta(minutes=7),
    )
    if empty:
        return Snapshot(id=snapshot_id, created_at=NOW, status=status)
    catalog = Catalog.model_validate(CATALOG)
    data = [r for r in rows(include_state) if not (drop_last_month and r[2] == MONTHS[-1])]
    series = frozen(apply_rows({}, data))
    kpis = [k.code for k in catalog.kpis]
    last = MONTHS[-2] if drop_last_month else MONTHS[-1]
    before = MONTHS[MONTHS.index(last) - 1]
    table = table_for_months(series, (last, before), kpis)
    computed = NOW - timedelta(hours=1)
    current = compute_ranking(catalog, table, last, computed_at=computed)
    previous = compute_ranking(catalog, table, before, computed_at=computed)
    assert current is not None and previous is not None
    if source == "central":
        current = replace(current, source="central", revision="r-1")
        previous = replace(previous, source="central", revision="r-0")
    as_of = datetime.fromtimestamp(max(r[4] for r in data), UTC)
    return Snapshot(
        id=snapshot_id, created_at=NOW, status=status, catalog=catalog, series=series,
        data_as_of=as_of, ranking=current, previous_ranking=previous,
        central_ranking=current if source == "central" else None,
        local_ranking=current if source == "local" else None,
        ranking_input=RankingInput.of_table(table),
        ranking_reason=RankingReason(ReasonKind.CENTRAL if source == "central" else ReasonKind.NO_CENTRAL,
                                     "central" if source == "central" else "local"),
    )



"""Small hand-made API v1 documents for tests that need exact control over a store."""

from __future__ import annotations

from typing import Any

CATALOG: dict[str, Any] = {
    "revision": "c-1",
    "state": {"code": "24", "name": "Gujarat", "local_name": "ગુજરાત"},
    "entities": [
        {"code": "24", "name": "Gujarat", "level": "state"},
        {"code": "438", "name": "Ahmadabad", "local_name": "અમદાવાદ", "level": "district", "parent": "24"},
        {"code": "439", "name": "Amreli", "local_name": "અમરેલી", "level": "district", "parent": "24"},
    ],
    "sectors": [{"code": "SOC", "name": "Social Sector"}],
    "departments": [{"code": "HFW", "name": "Health & Family Welfare", "sector": "SOC"}],
    "schemes": [{"code": "PMJAY", "name": "Ayushman Bharat PM-JAY", "department": "HFW"}],
    "kpis": [
        {"code": "PMJAY.CARDS", "name": "Ayushman cards issued (% of eligible)", "scheme": "PMJAY", "unit": "%",
         "better": "higher", "target": 100, "level": "district", "frequency": "P1M",
         "scoring": {"method": "target", "weight": 2}, "alert": {"warn": 60, "critical": 40},
         "some_future_field": {"ignored": True}},
    ],
    "ranking": {"level": "district", "max_marks": 10, "rollup": "kpi",
                "grades": [["A", 8.0], ["B", 6.0], ["C", 4.0], ["D", 0.0]], "ties": "competition", "missing": "zero"},
}


def observation(entity: str, value: float | None, period: str = "2026-10", kpi: str = "PMJAY.CARDS") -> dict[str, Any]:
    return {"kpi": kpi, "entity": entity, "period": period, "value": value,
            "reported_at": "2026-11-03T12:10:00+05:30"}

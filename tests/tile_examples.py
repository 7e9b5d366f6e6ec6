"""Example options for every tile type, using codes of the demo catalog.

The contract test builds each registered tile from these; a tile type registered
without an entry here fails that test, so a new tile cannot skip the contract.
"""

from __future__ import annotations

from typing import Any

RANKED_DISTRICT = "439"  # Amreli
OTHER_DISTRICTS = ("438", "459", "457")  # Ahmadabad, Surat, Rajkot

EXAMPLE_OPTIONS: dict[str, dict[str, Any]] = {
    "kpi": {"kpi": "PMJAY.CARDS", "entity": RANKED_DISTRICT},
    "ranking": {"mode": "top", "count": 10, "highlight": RANKED_DISTRICT},
    "trend": {"kpi": "MCH.FULL_IMM", "entities": OTHER_DISTRICTS},
    "breakdown": {"entity": RANKED_DISTRICT},
    "attention": {"entity": RANKED_DISTRICT, "count": 8},
    "children": {"entity": RANKED_DISTRICT, "kpis": ["PMJAY.CARDS", "MCH.INST_DEL"], "count": 12},
    "clock": {"show_date": True},
    "banner": {"title": "Chief Minister Dashboard", "text": "Government of Gujarat",
               "text_local": {"gu": "ગુજરાત સરકાર", "hi": "गुजरात सरकार"}},
    "map": {"colour_by": "score", "facility_kpi": "HFW.O2.STOCK_HOURS"},
    "capacity": {"title": "Hospital beds and oxygen", "level": "facility", "count": 10,
                 "stock": [{"kpi": "HFW.O2.STOCK_HOURS", "label": "O₂ stock"}]},
    "running_out": {"level": "facility", "count": 10, "stock": [{"kpi": "HFW.O2.STOCK_HOURS", "label": "O₂ stock"}],
                    "pairs": [{"used": "HFW.BEDS.O2.OCC", "total": "HFW.BEDS.O2.TOTAL", "label": "Oxygen beds"}]},
    "alerts": {"count": 10, "minimum": "warn"},
    "freshness": {"count": 10},
    "feed_quality": {"by": "department", "count": 6, "reasons": 3},
    "grievance": {"count": 10, "title": "CM Helpline grievances",
                  "pending": ["CMHL.{department}.PEND50", "CMHL.{department}.PEND100", "CMHL.{department}.PEND300"],
                  "pending_labels": ["50 days", "100 days", "300 days"], "satisfaction": "CMHL.{department}.SATISFIED"},
}

# The second demo profile (`city-crisis`): a city's hospitals in another state, with
# codes, levels, grades and granularities that share nothing with Gujarat's.
CITY_HOSPITAL = "LKO-H039"
CITY_OTHER_HOSPITALS = ("LKO-H059", "LKO-H254")

CITY_EXAMPLE_OPTIONS: dict[str, dict[str, Any]] = {
    "kpi": {"kpi": "LKO.BED.ICU.USED"},  # the city: a sum over hospitals parented to the state
    "ranking": {"mode": "all", "count": 300, "highlight": CITY_HOSPITAL},
    "trend": {"kpi": "LKO.BED.ICU.USED", "entities": (CITY_HOSPITAL, *CITY_OTHER_HOSPITALS)},
    "breakdown": {"entity": CITY_HOSPITAL},
    "attention": {"entity": CITY_HOSPITAL, "count": 8},
    "children": {"kpis": ["LKO.BED.ICU.USED"], "selected": CITY_HOSPITAL},
    "clock": {"show_date": True},
    "banner": {"title": "Lucknow hospital beds", "text": "City health department",
               "text_local": {"hi": "नगर स्वास्थ्य विभाग"}},
    "map": {"colour_by": "score", "occupancy_kpi": "LKO.BED.ICU.USED"},
    "capacity": {"level": "facility", "count": 10},
    "running_out": {"level": "facility", "count": 10,
                    "pairs": [{"used": "LKO.O2.CYL.EMPTY", "total": "LKO.O2.CYL.HELD", "label": "Full O₂ cylinders"},
                              {"used": "LKO.BED.ICU.USED", "total": "LKO.BED.ICU.CAP", "label": "ICU beds"}]},
    "alerts": {"count": 10, "minimum": "warn"},
    "freshness": {"count": 10},
    "feed_quality": {"by": "entity", "count": 6, "reasons": 3},
    # The city has no grievance feed: the tile's explicit rows show its own patient flow instead.
    "grievance": {"count": 10, "title": "Patients today", "pending_heading": "today",
                  "pending_labels": ["admitted", "discharged"], "satisfaction_label": "patients satisfied",
                  "rows": [{"label": "City hospitals", "department": "LKO.CMO",
                            "pending": ["LKO.FLOW.ADMIT", "LKO.FLOW.DISCH"], "satisfaction": "LKO.PERF.SATISF"}]},
}

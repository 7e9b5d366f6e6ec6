"""The demo store's catalog: valid API v1, the real Gujarat geography, a full KPI tree."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

import pytest
from cmwall.sync.contract import Catalog
from cmwall.sync.demo_store import DemoStore
from cmwall.sync.demo_store.catalog_data import LATE_DEPARTMENTS, NOT_FEEDING_DEPARTMENTS
from cmwall.sync.demo_store.geography import BOUNDARY_CODE_TO_LGD, DISTRICTS
from cmwall.sync.demo_store.timeline import IST
from cmwall.widgets.boundaries import default_boundaries_path

# The 33 districts of Gujarat and their Local Government Directory codes.
LGD_CODES = {
    "438": "Ahmadabad", "439": "Amreli", "440": "Anand", "441": "Banas Kantha", "442": "Bharuch",
    "443": "Bhavnagar", "444": "Dang", "445": "Dahod", "446": "Gandhinagar", "447": "Jamnagar",
    "448": "Junagadh", "449": "Kachchh", "450": "Kheda", "451": "Mahesana", "452": "Narmada",
    "453": "Navsari", "454": "Panch Mahals", "455": "Patan", "456": "Porbandar", "457": "Rajkot",
    "458": "Sabar Kantha", "459": "Surat", "460": "Surendranagar", "461": "Vadodara", "462": "Valsad",
    "641": "Tapi", "668": "Chhotaudepur", "669": "Mahisagar", "672": "Arvalli", "673": "Morbi",
    "674": "Devbhumi Dwarka", "675": "Gir Somnath", "676": "Botad",
}


def _catalog(**kw: object) -> Catalog:
    store = DemoStore(seed=3, clock=lambda: datetime(2026, 11, 22, 10, 0, tzinfo=IST), **kw)  # type: ignore[arg-type]
    return Catalog.model_validate_json(store.catalog().body)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return _catalog()


def test_state_and_districts_are_gujarat_with_lgd_codes(catalog: Catalog) -> None:
    assert (catalog.state.code, catalog.state.name, catalog.state.local_name) == ("24", "Gujarat", "ગુજરાત")
    districts = catalog.entities_of_level("district")
    assert {d.code: d.name for d in districts} == LGD_CODES
    assert all(d.parent == "24" and d.local_name for d in districts)
    assert catalog.entity("438").local_name == "અમદાવાદ"  # type: ignore[union-attr]
    for d in districts:  # headquarters inside Gujarat's bounding box
        assert 20.0 < d.lat < 24.8 and 68.0 < d.lon < 74.6  # type: ignore[operator]


def test_one_district_hospital_per_district_near_its_headquarters(catalog: Catalog) -> None:
    facilities = catalog.entities_of_level("facility")
    assert len(facilities) == 33
    assert Counter(f.parent for f in facilities) == Counter(LGD_CODES.keys())
    by_parent = {f.parent: f for f in facilities}
    assert by_parent["438"].name == "Civil Hospital, Asarwa"
    for f in facilities:
        hq = catalog.entity(f.parent)  # type: ignore[arg-type]
        assert hq is not None and abs(f.lat - hq.lat) < 0.1 and abs(f.lon - hq.lon) < 0.1  # type: ignore[operator]


def test_kpi_tree_is_complete_and_consistent(catalog: Catalog) -> None:
    assert len(catalog.sectors) >= 6 and len(catalog.departments) >= 12
    real_schemes = [s for s in catalog.schemes if not s.code.startswith("CMHL.")]
    assert len(real_schemes) >= 25
    names = {s.name for s in catalog.schemes}
    for expected in ("Jal Jeevan Mission", "Ayushman Bharat PM-JAY", "MGNREGA", "Poshan Abhiyaan",
                     "Samagra Shiksha", "PM-KISAN", "Soil Health Card", "Swachh Bharat Mission (G)",
                     "e-Dhara land-record digitisation", "Digital Gujarat"):
        assert expected in names
    sectors = {s.code for s in catalog.sectors}
    assert all(d.sector in sectors for d in catalog.departments)
    assert all(s.department in catalog.departments_by_code for s in catalog.schemes)
    assert all(k.scheme in catalog.schemes_by_code for k in catalog.kpis)
    assert len({k.code for k in catalog.kpis}) == len(catalog.kpis)
    assert all(d.local_name for d in catalog.departments) and all(s.local_name for s in catalog.sectors)


def test_ranked_kpis_cover_all_scoring_methods(catalog: Catalog) -> None:
    ranked = [k for k in catalog.kpis if k.scoring is not None]
    assert len(ranked) >= 60
    assert {k.scoring.method for k in ranked} == {"target", "minmax", "minmax_target", "bands"}  # type: ignore[union-attr]
    assert {k.scoring.weight for k in ranked} <= {1, 2, 3}  # type: ignore[union-attr]
    assert all(k.level == "district" for k in ranked)
    assert {k.better for k in ranked} == {"higher", "lower"}
    frequencies = Counter(k.frequency for k in ranked)
    assert frequencies["P1M"] > len(ranked) / 2 and frequencies["P7D"] > 0 and frequencies["P1D"] > 0
    assert sum(1 for k in ranked if k.alert is not None) >= 10
    assert sum(1 for k in ranked if k.local_name) == len(ranked)
    units = {k.unit for k in ranked}
    assert {"%", "count", "days", "Rs lakh"} <= units


def test_crisis_kpis_are_facility_level_and_unranked(catalog: Catalog) -> None:
    crisis = {k.code: k for k in catalog.kpis if k.level == "facility"}
    for kind in ("GEN", "O2", "ICU", "VENT"):
        assert f"HFW.BEDS.{kind}.TOTAL" in crisis and f"HFW.BEDS.{kind}.OCC" in crisis
    oxygen = crisis["HFW.O2.STOCK_HOURS"]
    assert oxygen.unit == "hours" and oxygen.better == "higher"
    assert oxygen.alert is not None and (oxygen.alert.warn, oxygen.alert.critical) == (24, 12)
    assert all(k.scoring is None and k.frequency == "PT1H" for k in crisis.values())  # one period an hour


def test_grievance_kpis_follow_the_cmhl_convention(catalog: Catalog) -> None:
    for dept in catalog.departments:
        scheme = catalog.schemes_by_code[f"CMHL.{dept.code}"]
        assert scheme.department == dept.code
        for measure in ("PEND50", "PEND100", "PEND300", "SATISFIED"):
            kpi = catalog.kpi(f"CMHL.{dept.code}.{measure}")
            assert kpi is not None and kpi.scheme == scheme.code and kpi.scoring is None
            assert catalog.department_of_kpi(kpi) == dept
    assert catalog.kpi("CMHL.REV.PEND300").better == "lower"  # type: ignore[union-attr]


def test_feeding_behaviour_names_real_departments(catalog: Catalog) -> None:
    assert set(LATE_DEPARTMENTS) | set(NOT_FEEDING_DEPARTMENTS) <= set(catalog.departments_by_code)


def test_revision_is_stable_and_ranking_spec_is_valid(catalog: Catalog) -> None:
    assert catalog.revision == _catalog().revision  # same catalog, same revision
    assert _catalog(scale_kpis=100).revision != catalog.revision
    assert catalog.ranking.level == "district" and catalog.ranking.max_marks == 10


def test_scale_mode_has_exactly_the_requested_ranked_kpis() -> None:
    cat = _catalog(scale_kpis=3400)
    assert sum(1 for k in cat.kpis if k.scoring is not None) == 3400
    assert len({k.code for k in cat.kpis}) == len(cat.kpis)
    assert _catalog(scale_kpis=10).kpis[9].code == _catalog().kpis[9].code


def test_boundary_file_crosswalk_covers_every_district() -> None:
    """BOUNDARY_CODE_TO_LGD pairs each Gujarat outline of the shipped file with the same district."""
    document = json.loads(default_boundaries_path().read_text(encoding="utf-8"))
    gujarat = {str(p["DIST_LGD"]): str(p["DISTRICT"]) for p in (f["properties"] for f in document["features"])
               if p["STATE_LGD"] == 24}
    assert set(gujarat) == set(BOUNDARY_CODE_TO_LGD)
    by_code = {d.code: d for d in DISTRICTS}
    for file_code, file_name in gujarat.items():  # the crosswalk pairs the same district
        ours = by_code[BOUNDARY_CODE_TO_LGD[file_code]].name.upper().replace(" ", "")
        theirs = file_name.upper().replace(" ", "")
        assert ours[:4] == theirs[:4] or ours in theirs or theirs in ours, (file_name, ours)

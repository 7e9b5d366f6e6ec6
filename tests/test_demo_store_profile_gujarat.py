"""The Gujarat profile's catalog carries the optional API v1 fields the wall works from."""

from __future__ import annotations

from datetime import datetime

import pytest
from cmwall.sync.contract import Catalog
from cmwall.sync.demo_store import DemoStore
from cmwall.sync.demo_store.timeline import IST


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    store = DemoStore(seed=3, clock=lambda: datetime(2026, 11, 22, 10, 0, tzinfo=IST))
    return Catalog.model_validate_json(store.catalog().body)


def test_every_occupied_bed_kpi_names_its_total(catalog: Catalog) -> None:
    occupied = [k for k in catalog.kpis if k.code.startswith("HFW.BEDS.") and k.code.endswith(".OCC")]
    assert len(occupied) == 4
    assert all(k.capacity_of == k.code.replace(".OCC", ".TOTAL") for k in occupied)
    assert {(u.code, t.code) for u, t in catalog.capacity_pairs} == {(k.code, k.capacity_of) for k in occupied}


def test_counts_add_up_and_rates_average(catalog: Catalog) -> None:
    aggregate = {k.code: k.aggregate for k in catalog.kpis}
    beds = [c for c in aggregate if c.startswith("HFW.BEDS.")]
    complaints = [c for c in aggregate if c.startswith("CMHL.") and ".PEND" in c]
    assert len(beds) == 8 and len(complaints) == 48
    assert {aggregate[c] for c in beds + complaints} == {"sum"}
    rates = [k.code for k in catalog.kpis if k.unit == "%"]
    assert len(rates) > 50 and {aggregate[c] for c in rates} == {"mean"}
    assert all(k.aggregate_method is not None for k in catalog.kpis)


def test_gujarati_names_wherever_a_gujarati_name_exists(catalog: Catalog) -> None:
    named = [catalog.state, *catalog.entities, *catalog.sectors, *catalog.departments, *catalog.schemes,
             *catalog.kpis]
    with_local = [item for item in named if item.local_name]
    assert len(with_local) > 200
    assert all(item.names.get("gu") == item.local_name for item in with_local)
    # every item is named in Gujarati and Hindi too (a Hindi wall shows them in Devanagari);
    # the district hospitals, whose English name is the local_name, have `names` only
    assert all(set(item.names) == {"gu", "hi"} for item in named)
    assert all(entity.level == "facility" for entity in catalog.entities if not entity.local_name)
    entities = {id(entity) for entity in catalog.entities}
    assert all(item.local_name for item in named if id(item) not in entities)

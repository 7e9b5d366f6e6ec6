"""The city-crisis profile at other sizes, and a report added at a moment of one's choosing.

The crisis latency benchmark needs a city of at least 500 hospitals and a store
whose figure changes exactly when it says; layouts name the default city's
hospitals by code, so a larger city keeps them as they are.
"""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from cmwall.sync.demo_store.city_hospitals import HOSPITALS
from cmwall.sync.demo_store.city_store import CityCrisisStore

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def facilities(store: CityCrisisStore) -> list[str]:
    return [e.code for e in store.catalog_model.entities if e.level == "facility"]


def test_a_larger_city_keeps_the_default_hospitals_and_adds_unique_ones() -> None:
    store = CityCrisisStore(seed=1, clock=lambda: NOW, hospitals=600)
    codes = facilities(store)
    assert len(codes) == 600 == len(set(codes))
    assert store.hospitals[:300] == HOSPITALS
    assert codes[:300] == [h.code for h in HOSPITALS] and codes[-1] == "LKO-H600"
    assert len({h.name for h in store.hospitals}) == 600
    assert facilities(CityCrisisStore(seed=1, clock=lambda: NOW)) == [h.code for h in HOSPITALS]


@pytest.mark.parametrize("count", [0, 1000])
def test_a_city_size_out_of_range_is_refused(count: int) -> None:
    with pytest.raises(ValueError, match="hospitals"):
        CityCrisisStore(hospitals=count)


def test_an_added_report_is_on_the_feed_after_the_cursor() -> None:
    store = CityCrisisStore(seed=1, clock=lambda: NOW)
    cursor, more = None, True
    while more:
        page = orjson.loads(store.observations(cursor, 50000).body)
        cursor, more = page["cursor"], page["more"]
    assert orjson.loads(store.observations(cursor).body)["observations"] == []
    new_cursor = store.add_report("LKO.BED.ICU.USED", "LKO-H010", "2026-11-22T11:29", 7.0, NOW.timestamp())
    page = orjson.loads(store.observations(cursor).body)
    assert page["cursor"] == str(new_cursor)
    assert [(o["kpi"], o["entity"], o["period"], o["value"]) for o in page["observations"]] == [
        ("LKO.BED.ICU.USED", "LKO-H010", "2026-11-22T11:29", 7.0)]

"""The demo store's city-crisis profile: another state's store, spoken to over a real socket.

A city's hospitals under Uttar Pradesh, no districts, KPI codes of its own, bed
snapshots at irregular instants, late and silent hospitals, no published ranking.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from cmwall.sync.contract import PERIOD_RE, Catalog, ObservationPage
from cmwall.sync.demo_store import CityCrisisStore, DemoStore, DemoStoreApp, serve_in_thread
from cmwall.sync.demo_store.timeline import IST
from cmwall.sync.observations import ObservationTable
from cmwall.sync.ranking.engine import compute_ranking

from .fake_clock import START, FakeClock

TOKEN = "city-token"
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


def sync(client: httpx.Client, since: str | None = None) -> tuple[list[dict[str, Any]], str]:
    """Every observation after `since`, paging with the store's cursor; each page checked against the contract."""
    rows: list[dict[str, Any]] = []
    while True:
        r = client.get("/v1/observations", params={"limit": 20000} | ({"since": since} if since else {}))
        assert r.status_code == 200
        ObservationPage.model_validate_json(r.content)
        body = r.json()
        rows += body["observations"]
        since = body["cursor"]
        if not body["more"]:
            return rows, since


@pytest.fixture(scope="module")
def store() -> CityCrisisStore:
    return CityCrisisStore(seed=4, clock=FakeClock(), token=TOKEN)


@pytest.fixture(scope="module")
def client(store: CityCrisisStore) -> Iterator[httpx.Client]:
    running = serve_in_thread(store, port=0)
    try:
        with httpx.Client(base_url=running.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=20) as c:
            yield c
    finally:
        running.stop()


@pytest.fixture(scope="module")
def catalog(client: httpx.Client) -> Catalog:
    return Catalog.model_validate_json(client.get("/v1/catalog").content)


@pytest.fixture(scope="module")
def feed(client: httpx.Client) -> tuple[list[dict[str, Any]], str]:
    return sync(client)


def latest_by_key(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The newest snapshot of each (kpi, hospital)."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for o in rows:
        k = (o["kpi"], o["entity"])
        if k not in latest or o["period"] > latest[k]["period"]:
            latest[k] = o
    return latest


def test_http_contract_etags_and_token_over_a_real_socket(client: httpx.Client, store: CityCrisisStore,
                                                           feed: tuple[list[dict[str, Any]], str]) -> None:
    rows, cursor = feed
    assert len(rows) == store._state.log.alive_count > 50_000
    for path in ("/v1/catalog", f"/v1/observations?since={cursor}"):
        first = client.get(path)
        assert first.status_code == 200 and first.headers["content-type"].startswith("application/json")
        assert client.get(path, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert httpx.get(f"{client.base_url}/v1/catalog").status_code == 401
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["ranking"] == "none"


def test_the_store_publishes_no_ranking(client: httpx.Client) -> None:
    for params in ({}, {"period": "2026-10"}):
        r = client.get("/v1/rankings", params=params)
        assert r.status_code == 404 and r.json()["status"] == 404


def test_another_state_with_hospitals_straight_under_it(catalog: Catalog) -> None:
    assert (catalog.state.code, catalog.state.name) == ("9", "Uttar Pradesh")
    assert DEVANAGARI.search(catalog.state.local_name or "") and catalog.state.names["hi"] == catalog.state.local_name
    assert not catalog.entities_of_level("district")
    hospitals = catalog.entities_of_level("facility")
    assert 280 <= len(hospitals) <= 320
    assert {h.parent for h in hospitals} == {"9"} and len(catalog.children_of("9")) == len(hospitals)
    assert len({h.name for h in hospitals}) == len(hospitals)
    for h in hospitals:
        assert 26.75 <= h.lat <= 26.98 and 80.83 <= h.lon <= 81.08  # type: ignore[operator]
        assert DEVANAGARI.search(h.names["hi"]) and h.local_name == h.names["hi"]


def test_kpis_of_its_own_with_pairs_aggregates_and_few_thresholds(catalog: Catalog) -> None:
    assert all(k.code.startswith("LKO.") and k.names.get("hi") for k in catalog.kpis)
    pairs = {used.code: total.code for used, total in catalog.capacity_pairs}
    assert {"LKO.BED.GEN.USED", "LKO.BED.OXY.USED", "LKO.BED.ICU.USED", "LKO.BED.VENT.USED"} <= pairs.keys()
    assert all(catalog.kpi(c).aggregate == "sum" and catalog.kpi(t).aggregate == "sum"  # type: ignore[union-attr]
               for c, t in pairs.items())
    assert {k.aggregate for k in catalog.kpis if k.unit == "%"} == {"mean"}
    assert not [k for k in catalog.kpis if k.unit == "hours"]  # no oxygen stock in hours
    assert sum(k.alert is not None for k in catalog.kpis) <= len(catalog.kpis) // 5
    assert {catalog.kpi(c).frequency for c in pairs} == {"PT1H"}  # type: ignore[union-attr]


def test_ranking_spec_ranks_hospitals_with_ten_long_grades(catalog: Catalog) -> None:
    spec = catalog.ranking
    assert spec.level == "facility" and len(spec.grades) == 10
    assert all(len(name) > 3 for name, _ in spec.grades)
    thresholds = [t for _, t in spec.grades]
    assert thresholds == sorted(thresholds, reverse=True) and thresholds[-1] == 0
    scored = [k for k in catalog.kpis if k.scoring]
    assert len(scored) >= 3 and {(k.level, k.frequency) for k in scored} == {("facility", "P1M")}


def test_no_code_is_shared_with_the_gujarat_catalog(catalog: Catalog) -> None:
    gujarat = Catalog.model_validate_json(DemoStore(seed=4, clock=FakeClock()).catalog().body)

    def codes(c: Catalog) -> set[str]:
        items = (*c.entities, *c.sectors, *c.departments, *c.schemes, *c.kpis)
        return {c.state.code} | {item.code for item in items}

    assert not codes(catalog) & codes(gujarat)
    assert not {g for g, _ in catalog.ranking.grades} & {g for g, _ in gujarat.ranking.grades}


def test_bed_snapshots_come_at_irregular_instants(feed: tuple[list[dict[str, Any]], str]) -> None:
    rows, _ = feed
    beds = [o for o in rows if o["kpi"] == "LKO.BED.GEN.USED"]
    assert all(INSTANT.match(o["period"]) for o in beds)
    assert sum(o["period"].endswith(":00") for o in beds) < len(beds) / 10  # not on the hour
    by_hospital: dict[str, list[datetime]] = defaultdict(list)
    for o in beds:
        instant = datetime.fromisoformat(o["period"]).replace(tzinfo=IST)
        assert datetime.fromisoformat(o["reported_at"]) > instant  # reported a little after the instant
        by_hospital[o["entity"]].append(instant)
    gaps = set()
    for instants in by_hospital.values():
        instants.sort()
        gaps |= {round((b - a).total_seconds() / 60) for a, b in zip(instants, instants[1:])}
    assert min(gaps) < 50 and max(gaps) > 70 and len(gaps) > 30  # roughly hourly, never regular
    first = min(min(v) for v in by_hospital.values())
    assert timedelta(days=2, hours=20) < START - first <= timedelta(days=3)  # a few days of history


def test_late_and_silent_hospitals(feed: tuple[list[dict[str, Any]], str], catalog: Catalog) -> None:
    latest = latest_by_key(feed[0])
    ages = [START - datetime.fromisoformat(o["period"]).replace(tzinfo=IST)
            for (kpi, _), o in latest.items() if kpi == "LKO.BED.GEN.USED"]
    assert sum(a < timedelta(hours=2) for a in ages) > 0.9 * len(ages)
    assert sum(a > timedelta(hours=3) for a in ages) >= 5  # some hospitals hours late
    hospitals = {h.code for h in catalog.entities_of_level("facility")}
    sending = {kpi: {e for k, e in latest if k == kpi} for kpi in ("LKO.BED.VENT.CAP", "LKO.BED.ICU.CAP",
                                                                      "LKO.BED.ICU.USED")}
    assert 0 < len(hospitals - sending["LKO.BED.VENT.CAP"]) < len(hospitals) / 2  # small ones: no ventilators
    assert sending["LKO.BED.ICU.CAP"] == hospitals and 0 < len(hospitals - sending["LKO.BED.ICU.USED"]) < 10


def test_occupancy_moves_and_some_icus_are_nearly_full(feed: tuple[list[dict[str, Any]], str]) -> None:
    latest = latest_by_key(feed[0])
    full = [e for (kpi, e), o in latest.items() if kpi == "LKO.BED.ICU.USED"
            and o["value"] >= 0.9 * latest[("LKO.BED.ICU.CAP", e)]["value"]]
    assert 3 <= len(full) <= 80  # some, not most
    assert all(o["value"] <= latest[(k.replace("USED", "CAP"), e)]["value"]
               for (k, e), o in latest.items() if k.startswith("LKO.BED.") and k.endswith(".USED"))
    by_day: dict[str, list[float]] = defaultdict(list)
    for o in feed[0]:
        if o["kpi"] == "LKO.BED.ICU.USED" and o["entity"] == "LKO-H039":
            by_day[o["period"][:10]].append(o["value"])
    assert len({v for day in by_day.values() for v in day}) > 5  # one hospital's ICU moves over the days


def test_daily_running_totals_and_closed_months() -> None:
    clock = FakeClock()
    app = DemoStoreApp(CityCrisisStore(seed=4, clock=clock))
    client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://city")
    rows, cursor = sync(client)
    days = sorted({o["period"] for o in rows if o["kpi"] == "LKO.FLOW.ADMIT"})
    assert days[-1] == "2026-11-22" and len(days) == 8
    months = Counter(o["period"] for o in rows if o["kpi"] == "LKO.PERF.SATISF")
    assert months.keys() == {"2026-08", "2026-09", "2026-10", "2026-11"}  # three closed, one month to date
    assert months["2026-11"] > 250
    before = {o["entity"]: o["value"] for o in rows if o["kpi"] == "LKO.FLOW.ADMIT" and o["period"] == "2026-11-22"}
    clock.advance(hours=3)
    new, _ = sync(client, cursor)
    after = {o["entity"]: o["value"] for o in new if o["kpi"] == "LKO.FLOW.ADMIT" and o["period"] == "2026-11-22"}
    common = before.keys() & after.keys()
    assert len(common) > 200 and all(after[e] >= before[e] for e in common)
    assert sum(after[e] > before[e] for e in common) > 100  # corrections of today's running total
    moments = [datetime.fromisoformat(o["reported_at"]) for o in new]
    assert min(moments) > START and max(moments) <= clock.now
    assert all(PERIOD_RE.match(o["period"]) for o in new)
    assert any(INSTANT.match(o["period"]) and o["period"] > "2026-11-22T11" for o in new)  # live snapshots


def test_the_wall_engine_can_rank_hospitals_locally(catalog: Catalog, feed: tuple[list[dict[str, Any]], str]) -> None:
    table = ObservationTable.from_rows(
        (o["kpi"], o["entity"], o["period"], o["value"], datetime.fromisoformat(o["reported_at"]))
        for o in feed[0] if o["kpi"].startswith("LKO.PERF."))
    result = compute_ranking(catalog, table, None, computed_at=START)
    assert result is not None and result.period == "2026-11"  # month to date
    ranked = [r for r in result.rows if r.rank is not None]
    assert len(ranked) > 250 and all(r.entity.startswith("LKO-H") for r in ranked)
    grades = [g for g, _ in catalog.ranking.grades]
    assert len({r.grade for r in ranked}) >= 8 and {r.grade for r in ranked} <= set(grades)  # spread over ten


def test_same_seed_same_feed_other_seed_other_values() -> None:
    a, b = FakeClock(), FakeClock()
    s1, s2 = CityCrisisStore(seed=9, clock=a), CityCrisisStore(seed=9, clock=b)
    assert s1.observations(None, 50000).body == s2.observations(None, 50000).body
    a.advance(minutes=95)
    b.advance(minutes=95)
    assert s1.observations("0", 50000).body == s2.observations("0", 50000).body
    other = CityCrisisStore(seed=10, clock=FakeClock())
    assert other.catalog().body == s1.catalog().body  # the hospitals are the same city
    assert other.observations(None, 50000).body != CityCrisisStore(seed=9, clock=FakeClock()).observations(
        None, 50000).body


def test_snapshot_history_stays_bounded_as_days_pass() -> None:
    clock = FakeClock()
    store = CityCrisisStore(seed=2, clock=clock)
    store.advance()
    alive = store._state.log.alive_count
    for _ in range(4):
        clock.advance(days=2, minutes=7)
        store.advance()
    oldest = min(store._state.crisis_periods)
    assert oldest >= (clock.now - timedelta(days=3, minutes=1)).strftime("%Y-%m-%dT%H:%M")
    assert store._state.log.alive_count < 1.3 * alive


def test_month_to_date_figures_give_way_to_final_ones_days_after_the_month() -> None:
    clock = FakeClock(datetime(2026, 11, 3, 10, 0, tzinfo=IST))
    client = httpx.Client(transport=httpx.WSGITransport(app=DemoStoreApp(CityCrisisStore(seed=4, clock=clock))),
                          base_url="http://city")
    rows, cursor = sync(client)
    month_end = datetime(2026, 11, 1, tzinfo=IST)
    october = {o["entity"]: datetime.fromisoformat(o["reported_at"]) for o in rows
               if o["kpi"] == "LKO.PERF.MORT" and o["period"] == "2026-10"}
    final = {e for e, at in october.items() if at > month_end + timedelta(hours=12)}  # late reports come sooner
    assert 0 < len(final) < len(october)  # some hospitals' final October figures are still to come
    clock.advance(days=20)
    later, _ = sync(client, cursor)
    corrected = {o["entity"] for o in later if o["kpi"] == "LKO.PERF.MORT" and o["period"] == "2026-10"}
    assert corrected == october.keys() - final

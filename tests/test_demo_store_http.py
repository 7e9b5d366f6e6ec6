"""The demo store over HTTP: WSGI in-process and a real socket; ETags, auth, errors, rankings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from cmwall.sync.contract import Catalog, ObservationPage, Ranking
from cmwall.sync.demo_store import DemoStore, DemoStoreApp, serve_in_thread

from .fake_clock import START, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(clock: FakeClock) -> DemoStore:
    return DemoStore(seed=5, clock=clock)


@pytest.fixture
def client(store: DemoStore) -> Iterator[httpx.Client]:
    with httpx.Client(transport=httpx.WSGITransport(app=DemoStoreApp(store)), base_url="http://demo") as c:
        yield c


def test_every_endpoint_matches_the_contract(client: httpx.Client) -> None:
    r = client.get("/v1/catalog")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    Catalog.model_validate_json(r.content)
    r = client.get("/v1/observations", params={"limit": 100})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    page = ObservationPage.model_validate_json(r.content)
    assert len(page.observations) == 100 and page.more
    r = client.get("/v1/rankings")
    assert r.status_code == 200
    Ranking.model_validate_json(r.content)
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_etag_and_not_modified(client: httpx.Client, clock: FakeClock) -> None:
    for path in ("/v1/catalog", "/v1/observations?since=5&limit=10", "/v1/rankings"):
        first = client.get(path)
        etag = first.headers["etag"]
        assert etag.startswith('"') and not etag.startswith("W/")
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        other = client.get(path, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200 and other.content == first.content
    catalog_etag = client.get("/v1/catalog").headers["etag"]
    tail = client.get("/v1/observations", params={"since": client.get("/healthz").json()["cursor"]})
    clock.advance(seconds=60)
    assert client.get("/v1/catalog", headers={"If-None-Match": catalog_etag}).status_code == 304
    moved = client.get("/v1/observations", params={"since": tail.json()["cursor"]},
                       headers={"If-None-Match": tail.headers["etag"]})
    assert moved.status_code == 200 and moved.json()["observations"]


def test_bad_parameters_and_unknown_paths(client: httpx.Client) -> None:
    for params in ({"since": "xyz"}, {"limit": "0"}, {"limit": "50001"}, {"limit": "many"}):
        r = client.get("/v1/observations", params=params)
        assert r.status_code == 400 and r.headers["content-type"].startswith("application/json")
        assert "error" in r.json()
    assert client.get("/v1/rankings", params={"period": "2026-11-01"}).status_code == 400
    assert client.get("/v1/nothing").status_code == 404
    assert client.get("/v2/catalog").status_code == 404
    assert client.post("/v1/catalog").status_code == 405


def test_bearer_token_is_required_when_configured(clock: FakeClock) -> None:
    store = DemoStore(seed=5, clock=clock, token="s3cret")
    transport = httpx.WSGITransport(app=DemoStoreApp(store))
    with httpx.Client(transport=transport, base_url="http://demo") as c:
        for path in ("/v1/catalog", "/v1/observations", "/v1/rankings"):
            assert c.get(path).status_code == 401
            assert c.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
            assert c.get(path, headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert c.get("/v1/catalog").headers["www-authenticate"] == "Bearer"
        assert c.get("/healthz").status_code == 200


def test_ranking_is_computed_with_the_wall_engine(client: httpx.Client, store: DemoStore) -> None:
    from cmwall.sync.ranking.engine import compute_ranking

    published = Ranking.model_validate_json(client.get("/v1/rankings").content)
    assert published.period == "2026-11"
    ranked = [r for r in published.rows if r.rank is not None]
    assert len(ranked) == 33 and ranked[0].rank == 1
    scores = [s for r in ranked if (s := r.score) is not None]
    assert len(scores) == len(ranked) and scores == sorted(scores, reverse=True)
    assert {r.grade for r in ranked} <= {"A", "B", "C", "D"} and len({r.grade for r in ranked}) > 1
    local = compute_ranking(store.catalog_model, store.ranked_table(), None, computed_at=START)
    assert local is not None
    assert [(r.entity, r.score, r.rank) for r in local.ranked] == [(r.entity, r.score, r.rank) for r in ranked]
    october = Ranking.model_validate_json(client.get("/v1/rankings", params={"period": "2026-10"}).content)
    assert october.period == "2026-10"
    assert client.get("/v1/rankings", params={"period": "2019-01"}).status_code == 404


def test_ranking_modes_switch_at_runtime(client: httpx.Client, store: DemoStore, clock: FakeClock) -> None:
    assert client.get("/v1/rankings").status_code == 200
    store.set_ranking_mode("withheld")
    assert client.get("/v1/rankings").status_code == 404
    store.set_ranking_mode("stale")
    clock.advance(minutes=5)
    stale = Ranking.model_validate_json(client.get("/v1/rankings").content)
    newest = max(o.reported_at for o in ObservationPage.model_validate_json(
        client.get("/v1/observations", params={"limit": 50000, "since": "60000"}).content).observations)
    assert stale.computed_at < newest - timedelta(minutes=10)
    store.set_ranking_mode("live")
    live = Ranking.model_validate_json(client.get("/v1/rankings").content)
    assert live.computed_at == clock.now
    with pytest.raises(ValueError):
        store.set_ranking_mode("sometimes")  # type: ignore[arg-type]


def test_ranking_is_cached_until_observations_change(client: httpx.Client, clock: FakeClock) -> None:
    first = client.get("/v1/rankings")
    assert client.get("/v1/rankings").headers["etag"] == first.headers["etag"]  # same clock, same answer
    clock.advance(seconds=60)
    assert client.get("/v1/rankings").headers["etag"] != first.headers["etag"]  # corrections arrived


def test_an_unchanged_ranking_keeps_its_etag_until_newer_data_moves_its_computed_at(
        store: DemoStore, client: httpx.Client, clock: FakeClock) -> None:
    first = client.get("/v1/rankings")
    ranking = Ranking.model_validate_json(first.content)
    row = ranking.rows[0]
    kpi, mark = next(iter(row.marks.items()))
    district = row.entity
    period, then = ranking.period, (clock.now - timedelta(minutes=30)).timestamp()
    unranked = next(k.code for k in store.catalog_model.kpis if k.scoring is None)
    etag = {"If-None-Match": first.headers["etag"]}
    # New data that leaves every mark as it was, reported before the ranking was computed: 304.
    store.add_report(unranked, district, period, 12.5, then)
    assert client.get("/v1/rankings", headers=etag).status_code == 304
    # The same, reported after it was computed: the store's ranking must say it saw it.
    store.add_report(unranked, district, period, 13.5, (clock.now + timedelta(seconds=1)).timestamp())
    moved = client.get("/v1/rankings", headers=etag)
    assert moved.status_code == 200 and moved.headers["etag"] != first.headers["etag"]
    assert Ranking.model_validate_json(moved.content).rows == ranking.rows
    # A mark that changes: a new ranking.
    later = {"If-None-Match": moved.headers["etag"]}
    store.add_report(kpi, district, period, 0.0 if mark is not None and mark > 5 else 1e9, then)
    changed = client.get("/v1/rankings", headers=later)
    assert changed.status_code == 200 and Ranking.model_validate_json(changed.content).rows != ranking.rows


def test_real_socket_round_trip(clock: FakeClock) -> None:
    store = DemoStore(seed=5, clock=clock, token="tok")
    running = serve_in_thread(store, port=0)
    try:
        assert running.url.startswith("http://127.0.0.1:") and running.port > 0
        headers = {"Authorization": "Bearer tok"}
        with httpx.Client(base_url=running.url, headers=headers, timeout=10) as c:
            catalog = Catalog.model_validate_json(c.get("/v1/catalog").content)
            assert len(catalog.entities_of_level("district")) == 33
            rows = 0
            since = None
            while True:
                params = {"limit": 20000} | ({"since": since} if since else {})
                r = c.get("/v1/observations", params=params)
                page = ObservationPage.model_validate_json(r.content)
                rows += len(page.observations)
                since = page.cursor
                if not page.more:
                    break
            assert rows == store._state.log.alive_count
            etag = c.get("/v1/catalog").headers["etag"]
            assert c.get("/v1/catalog", headers={"If-None-Match": etag}).status_code == 304
            assert httpx.get(f"{running.url}/v1/catalog").status_code == 401
    finally:
        running.stop()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{running.url}/healthz", timeout=2)

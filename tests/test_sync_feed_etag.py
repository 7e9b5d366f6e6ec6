"""Polling an unchanged store costs one 304: the observation feed's ETag, end to end.

API v1 answers every GET with an ETag and may answer `If-None-Match` with 304. The
wall keeps the ETag of the feed's last page with the cursor that page ended at, and
sends it with the next poll from that cursor; the demo store (both profiles) gives
the feed's last page an ETag naming the feed's end and answers 304 while nothing
has arrived since. Everything runs through the real client, worker,
local store and the demo store on a loopback socket; a counting transport records
what went over the wire.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import pytest
from cmwall.sync.client import StoreClient
from cmwall.sync.demo_store import make_store, serve_in_thread
from cmwall.sync.demo_store.server import RunningServer
from cmwall.sync.local_store import LocalStore
from cmwall.sync.worker import SyncWorker

START = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


class CountingTransport(httpx.HTTPTransport):
    """A real HTTP transport that notes each observations request: (since, If-None-Match, status)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str | None, str | None, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path == "/v1/observations":
            self.seen.append((request.url.params.get("since"), request.headers.get("If-None-Match"),
                              response.status_code))
        return response


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=["gujarat", "city-crisis"])
def store(request: pytest.FixtureRequest) -> Iterator[tuple[RunningServer, Clock]]:
    clock = Clock()
    server = serve_in_thread(make_store(request.param, seed=3, clock=clock))
    yield server, clock
    server.stop()


def test_an_unchanged_store_costs_one_304_and_no_snapshot(store: tuple[RunningServer, Clock], tmp_path: Path) -> None:
    server, clock = store
    wire = CountingTransport()
    worker = SyncWorker(StoreClient(server.url, transport=wire), LocalStore(tmp_path), clock=clock)
    assert worker.poll_all() is not None
    cursor = worker.store.cursor()
    assert cursor is not None

    etag = worker.quiet_feed[1] if worker.quiet_feed else None
    assert etag is not None and worker.quiet_feed == (cursor, etag)  # the last page's, with its cursor

    for _ in range(2):  # every poll of the unchanged store: one request, answered 304, no snapshot
        wire.seen.clear()
        assert worker.poll_observations() is None
        assert wire.seen == [(cursor, etag, 304)]
        assert worker.store.cursor() == cursor and worker.quiet_feed == (cursor, etag)

    # The store moves on: the same request now gets the new rows, and a snapshot shows them.
    clock.now += timedelta(hours=1)
    wire.seen.clear()
    before = worker.snapshot
    changed = worker.poll_observations()
    assert changed is not None and before is not None and changed.id > before.id
    assert wire.seen[0] == (cursor, etag, 200)
    new_cursor = worker.store.cursor()
    assert new_cursor != cursor and worker.quiet_feed is not None and worker.quiet_feed[0] == new_cursor
    wire.seen.clear()
    assert worker.poll_observations() is None  # and the store is unchanged again
    assert wire.seen == [(new_cursor, worker.quiet_feed[1], 304)]


def test_a_304_for_a_cursor_is_never_taken_for_another(store: tuple[RunningServer, Clock], tmp_path: Path) -> None:
    """The feed's ETag goes only with the cursor its page ended at: a local store whose cursor
    is elsewhere (here: a new one, from the start) asks without it and gets its rows."""
    server, clock = store
    with StoreClient(server.url) as client:
        end = list(client.iter_observation_pages(None, 50000))[-1]
        empty = client.get_observations(end.cursor)
    assert empty.etag is not None
    wire = CountingTransport()
    fresh = SyncWorker(StoreClient(server.url, transport=wire), LocalStore(tmp_path), clock=clock)
    fresh.quiet_feed = (end.cursor, empty.etag)
    snapshot = fresh.poll_observations()
    assert snapshot is not None and snapshot.series
    assert wire.seen[0] == (None, None, 200)


def test_the_client_answers_none_on_304_and_iterates_no_page(store: tuple[RunningServer, Clock]) -> None:
    server, _ = store
    with StoreClient(server.url) as client:
        pages = list(client.iter_observation_pages(None, 50000))
        end = pages[-1]
        empty = client.get_observations(end.cursor)
        assert empty.observations == () and empty.etag is not None
        assert empty.etag == end.etag  # the last page's ETag names the feed's end, whatever `since`
        assert client.get_observations(end.cursor, etag=end.etag) is None
        assert list(client.iter_observation_pages(end.cursor, 5000, etag=empty.etag)) == []
        # an ETag that no longer matches gets the page itself
        again = client.get_observations(end.cursor, etag='"stale"')
        assert again is not None and again.etag == empty.etag


def test_a_restarted_store_never_answers_304_to_an_older_runs_etag() -> None:
    """Same seed, same clock, same cursor and bytes: a store started again may hold another
    feed behind the same numbers, so the ETag of the feed's end names the running store."""
    first, again = (make_store("city-crisis", seed=3, clock=lambda: START) for _ in range(2))
    end = orjson.loads(first.health().body)["cursor"]
    assert end == orjson.loads(again.health().body)["cursor"]
    end_a, end_b = first.observations(end), again.observations(end)
    assert end_a.body == end_b.body and end_a.etag != end_b.etag

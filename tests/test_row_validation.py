"""A row that breaks API v1 is rejected alone, kept with its reason, and counted.

Driven through the real path (StoreClient → SyncWorker → LocalStore) with raw page
text, because the faults are in the text: "abc", NaN and Infinity literals, numbers
beyond float range, a reported_at without offset.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from cmwall.sync import local_store
from cmwall.sync.client import StoreClient
from cmwall.sync.local_store import LocalStore
from cmwall.sync.page_parsing import RAW_CHARS, PageContractError, parse_observation_page
from cmwall.sync.worker import SyncWorker

from .fault_store import FaultStore, serve_faults
from .raw_feed_store import RawFeedStore, row_text, worker_for
from .store_fakes import observation

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def test_one_abc_value_is_rejected_alone_and_the_rest_of_its_page_lands(tmp_path: Path) -> None:
    store = RawFeedStore()
    store.pages = [[row_text("438", "82.4"), row_text("439", '"abc"'), row_text("440", "41.0")]]
    worker = worker_for(store, tmp_path, lambda: NOW)
    snapshot = worker.poll_all()
    assert snapshot is not None
    assert snapshot.status.reachable is True and snapshot.status.last_error is None
    assert worker.store.cursor() == "1"
    series = snapshot.series["PMJAY.CARDS"]
    latest = {e: (held[0], held[1]) if (held := series.latest(e)) else None for e in ("438", "439", "440")}
    assert latest == {"438": ("2026-10", 82.4), "439": None, "440": ("2026-10", 41.0)}
    assert snapshot.data_as_of is not None  # the page's good rows count as data
    [rejected] = worker.store.rejected()
    assert (rejected.kpi, rejected.entity, rejected.period) == ("PMJAY.CARDS", "439", "2026-10")
    assert rejected.reason.startswith("observations.1: value:") and '"abc"' in rejected.reason
    assert '"value": "abc"' in rejected.raw and rejected.received_at == NOW
    quality = snapshot.feed_quality
    assert quality.judged and quality.total.rejected == 1
    assert quality.by_kpi["PMJAY.CARDS"].rejected == 1 and quality.by_entity["439"].rejected == 1
    assert quality.by_department["HFW"].rejected == 1
    assert quality.recent_rejections == (rejected,)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1" + "0" * 400])
def test_numbers_json_does_not_allow_are_rejected_not_taken_as_missing(literal: str, tmp_path: Path) -> None:
    store = RawFeedStore()
    store.pages = [[row_text("438", "82.4"), row_text("439", literal)]]
    worker = worker_for(store, tmp_path, lambda: NOW)
    snapshot = worker.poll_all()
    assert snapshot is not None and snapshot.status.reachable is True
    assert worker.store.observation_count() == 1  # not stored as "not available" either
    [rejected] = worker.store.rejected()
    assert rejected.entity == "439" and "value" in rejected.reason
    problem = "is not a number JSON allows" if literal.endswith(("NaN", "Infinity")) else "is beyond the range of a number"
    assert f"value: {literal[:20]}" in rejected.reason and rejected.reason.endswith(problem)
    assert f'"value": {literal[:40]}' in rejected.raw  # kept as received, not as a string "NaN"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ('{"kpi": "PMJAY.CARDS", "entity": "439", "period": "2026-10", "value": 5}', "reported_at"),
        (row_text("439", "5", period="Oct 2026"), "period"),
        (row_text("439", "5", reported_at="2026-11-03T12:10:00"), "reported_at"),
        (row_text("439", '"82.4"'), "value"),
        (row_text("439", "true"), "value"),
        ('{"kpi": "PMJAY.CARDS", "entity": "439", "period": "2026-10", "value": 5, "reported_at": 1762152000}',
         "reported_at"),
        ('{"kpi": 7, "entity": "439", "period": "2026-10", "value": 5, "reported_at": "2026-11-03T12:10:00Z"}', "kpi"),
        ('"not an object"', "not an object"),
        ("[1, 2]", "not an object"),
    ],
)
def test_each_contract_breach_rejects_only_its_row(row: str, field: str, tmp_path: Path) -> None:
    store = RawFeedStore()
    store.pages = [[row_text("438", "82.4"), row, row_text("440", "null")]]
    worker = worker_for(store, tmp_path, lambda: NOW)
    snapshot = worker.poll_all()
    assert snapshot is not None and snapshot.status.reachable is True and worker.store.cursor() == "1"
    assert worker.store.observation_count() == 2  # 438, and 440's null: "not available" is a report
    assert snapshot.series["PMJAY.CARDS"].latest("440") is not None
    [rejected] = worker.store.rejected()
    assert field in rejected.reason and "\n" not in rejected.reason


class NoCursorStore(RawFeedStore):
    """The same feed, but each page's envelope lacks its cursor."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        response = super().__call__(request)
        if request.url.path == "/v1/observations":
            return httpx.Response(200, content=response.content.replace(b'"cursor": "1", ', b""))
        return response


@pytest.mark.parametrize("envelope", [b'{"cursor": 1, "observations": []}', b'{"cursor": "1", "more": "yes"}',
                                      b'{"cursor": "1", "observations": {}}', b'[]', b'{"cursor": "1"'])
def test_an_envelope_that_breaks_the_contract_refuses_the_page(envelope: bytes) -> None:
    with pytest.raises(PageContractError):
        parse_observation_page(envelope)


def test_a_broken_envelope_still_fails_the_poll_and_stores_nothing(tmp_path: Path) -> None:
    store = NoCursorStore()
    store.pages = [[row_text("438", "82.4"), row_text("439", '"abc"')]]
    worker = worker_for(store, tmp_path, lambda: NOW)
    worker.poll_catalog()
    snapshot = worker.poll_observations()
    assert snapshot is not None and snapshot.status.reachable is False
    assert "cursor" in (snapshot.status.last_error or "")
    assert worker.store.observation_count() == 0 and worker.store.cursor() is None
    assert worker.store.rejected() == []


def test_rejected_rows_survive_a_restart_and_feed_quality_says_so(tmp_path: Path) -> None:
    store = RawFeedStore()
    store.pages = [[row_text("438", "82.4"), row_text("439", "NaN")]]
    first = worker_for(store, tmp_path, lambda: NOW)
    first.poll_all()
    first.store.close()
    again = worker_for(store, tmp_path, lambda: NOW)
    snapshot = again.load_local()
    assert snapshot.feed_quality.judged and snapshot.feed_quality.total.rejected == 1
    [rejected] = snapshot.feed_quality.recent_rejections
    assert rejected.entity == "439" and "NaN" in rejected.reason and "NaN" in rejected.raw


def test_rejected_rows_are_written_with_their_page_and_cursor(tmp_path: Path) -> None:
    """Same transaction: if the page cannot be written, neither its rejections nor its cursor are."""
    store = RawFeedStore()
    store.pages = [[row_text("438", "82.4"), row_text("439", '"abc"')]]
    worker = worker_for(store, tmp_path, lambda: NOW)
    worker.poll_catalog()
    with sqlite3.connect(worker.store.path) as db:
        db.execute("CREATE TRIGGER no_cursor BEFORE INSERT ON sync_state WHEN NEW.key = 'cursor' "
                   "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    snapshot = worker.poll_observations()
    assert snapshot is not None and snapshot.status.local_store_error is not None
    assert worker.store.rejected() == [] and worker.store.observation_count() == 0


def test_the_kept_rejections_are_bounded_newest_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_store, "REJECTED_KEPT", 3)
    store = RawFeedStore()
    store.pages = [[row_text(str(500 + i), '"abc"') for i in range(4)], [row_text("600", '"x"')]]
    worker = worker_for(store, tmp_path, lambda: NOW)
    worker.poll_all()
    assert [r.entity for r in worker.store.rejected(limit=10)] == ["600", "503", "502"]


def test_raw_text_is_cut_and_what_could_be_read_is_kept() -> None:
    long_kpi = "K" * 1000
    page = parse_observation_page(
        f'{{"cursor": "1", "observations": [{row_text("438", "[1]", kpi=long_kpi)}, {{"entity": "439"}}]}}'.encode())
    first, second = page.rejected
    assert len(first.raw) <= RAW_CHARS and first.kpi is not None and len(first.kpi) <= 100
    assert (second.kpi, second.entity, second.period) == (None, "439", None)
    assert second.reason == "observations.1: kpi: Field required (+3 more)"
    assert page.observations == () and page.cursor == "1" and page.more is False


def test_over_a_real_socket_bad_rows_across_pages_leave_the_store_reachable(tmp_path: Path) -> None:
    """The loopback fault store writes NaN and Infinity as the bare literals a careless
    server sends (Python's json.dumps does); the feed spans several pages."""
    feed = FaultStore(observations=[
        observation("438", 82.4, "2026-09"), {**observation("439", 1.0, "2026-09"), "value": "abc"},
        observation("438", float("nan")), observation("439", 63.5),
        observation("438", float("inf"), "2026-08"), {**observation("439", 2.0, "2026-08"), "period": "Aug"},
    ])
    running = serve_faults(feed)
    worker = SyncWorker(StoreClient(running.url), LocalStore(tmp_path), clock=lambda: NOW)
    try:
        snapshot = worker.poll_all()
    finally:
        worker.client.close()
        running.stop()
    assert snapshot is not None and snapshot.status.reachable is True and snapshot.status.last_error is None
    assert worker.store.cursor() == "6" and worker.store.observation_count() == 2
    assert snapshot.ranking is not None and snapshot.ranking.source == "central"
    reasons = sorted(r.reason.split(": ", 1)[1] for r in worker.store.rejected())
    assert reasons == ["period: Value error, period must be an ISO-8601 date prefix: YYYY-MM, YYYY-MM-DD or "
                       "YYYY-MM-DDTHH:MM (got \"Aug\")",
                       "value: Infinity is not a number JSON allows", "value: Input should be a valid number "
                       "(got \"abc\")", "value: NaN is not a number JSON allows"]
    assert snapshot.feed_quality.total.rejected == 4

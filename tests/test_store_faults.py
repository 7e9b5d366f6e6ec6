"""Faults of a real store on loopback (tests/fault_store.py) through StoreClient → SyncWorker
(→ SyncService where scheduling matters): the wall keeps its last good data, says what is
wrong in the status strip's words, recovers on the next good poll and loses nothing."""

from __future__ import annotations

import threading
import time
import tracemalloc
from collections.abc import Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from cmwall.sync.client import (
    StoreAuthRefused,
    StoreBodyTooLarge,
    StoreCertificateUntrusted,
    StoreClient,
    StoreContractError,
    StoreRejected,
    StoreStalled,
    StoreUnreachable,
)
from cmwall.sync.link_status import MAX_BACKOFF
from cmwall.sync.local_store import LocalStore
from cmwall.sync.service import Intervals, SyncService
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.worker import SyncWorker
from cmwall.wall.status_text import link_item

from .fake_clock import FakeClock
from .fault_store import (
    CATALOG_PATH,
    OBSERVATIONS_PATH,
    RANKING_PATH,
    Fault,
    RunningFaultStore,
    TlsFiles,
    refused_url,
    serve_faults,
)

TIMEOUT_S = 0.5  # each network wait
DEADLINE_S = 1.0  # the whole request
CAP_MB = 1.0


@pytest.fixture
def running() -> Iterator[RunningFaultStore]:
    server = serve_faults()
    try:
        yield server
    finally:
        server.stop()


def client(url: str, **options: Any) -> StoreClient:
    """A client with short limits (TIMEOUT_S, DEADLINE_S, CAP_MB) unless `options` say otherwise."""
    return StoreClient(url, **{"timeout": TIMEOUT_S, "deadline": DEADLINE_S, "max_body_mb": CAP_MB, **options})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def worker(running: RunningFaultStore, tmp_path: Path, clock: FakeClock) -> Iterator[SyncWorker]:
    synced = SyncWorker(client(running.url), LocalStore(tmp_path / "data"), clock=clock)
    try:
        yield synced
    finally:
        synced.client.close()
        synced.store.close()


def values(snapshot: Snapshot | None) -> dict[tuple[str, str], float | None]:
    """Every (entity, period) → value the snapshot shows for the one KPI."""
    assert snapshot is not None
    return {(entity, period): value for _, entity, period, value, _ in snapshot.series["PMJAY.CARDS"].rows()}


def link_text(snapshot: Snapshot | None, clock: FakeClock) -> str:
    return link_item(snapshot, clock(), "en").text


def good_first_poll(worker: SyncWorker) -> Snapshot:
    first = worker.poll_all()
    assert first is not None and first.status.reachable is True and first.catalog is not None
    assert worker.store.observation_count() == 4
    return first


# --- the client alone ------------------------------------------------------------------


def test_refused_connection_is_an_outage() -> None:
    with client(refused_url()) as refused, pytest.raises(StoreUnreachable, match="cannot connect") as caught:
        refused.get_catalog()
    assert caught.value.kind == "unreachable"


def test_a_silent_store_times_out_as_an_outage(running: RunningFaultStore) -> None:
    running.store.fail(CATALOG_PATH, Fault("silence"))
    with client(running.url) as silent, pytest.raises(StoreUnreachable, match="timed out") as caught:
        silent.get_catalog()
    assert caught.value.kind == "unreachable"  # one read timed out: not (yet) the deadline


def test_a_trickling_store_is_cut_at_the_whole_request_deadline(running: RunningFaultStore) -> None:
    # One byte every 0.2 s: each read succeeds well within the per-read timeout, and
    # the whole catalog would take minutes. The deadline, not the trickle, ends it.
    running.store.fail(CATALOG_PATH, Fault("trickle", interval=0.2))
    started = time.monotonic()
    with client(running.url) as trickled, pytest.raises(StoreStalled, match="within 1 s") as caught:
        trickled.get_catalog()
    took = time.monotonic() - started
    full_trickle = len(str(running.store.catalog)) * 0.2
    assert full_trickle > 60 and took < 10  # generous: DEADLINE_S plus one read at most
    assert caught.value.kind == "stalled" and "\n" not in str(caught.value)


@pytest.mark.parametrize("kind", ["trickle", "trickle_headers"])
def test_a_read_waiting_on_a_trickle_is_woken_at_the_deadline(running: RunningFaultStore, kind: str) -> None:
    """A byte every 0.45 s: each read waits just under the per-read timeout, so only the
    deadline's watchdog can end the request, in the headers as in the body."""
    running.store.fail(CATALOG_PATH, Fault(kind, interval=0.45))  # type: ignore[arg-type]
    started = time.monotonic()
    with client(running.url) as trickled, pytest.raises(StoreStalled):
        trickled.get_catalog()
    assert time.monotonic() - started < 10  # the headers alone would take 4 minutes


def test_the_deadline_is_read_on_the_clients_own_clock(running: RunningFaultStore) -> None:
    """With a clock moved by hand (each look 0.4 s later), the cut does not depend on machine speed."""
    ticks = iter(range(1000))
    running.store.fail(CATALOG_PATH, Fault("trickle", interval=0.01))
    with client(running.url, deadline=2.0, monotonic=lambda: next(ticks) * 0.4) as trickled:
        with pytest.raises(StoreStalled):
            trickled.get_catalog()
    assert next(ticks) <= 8  # started, then cut after the few chunks that took "2 s"


@pytest.mark.parametrize("kind", ["huge", "huge_declared"])
def test_a_huge_body_is_refused_at_the_cap_without_buffering_it(running: RunningFaultStore, kind: str) -> None:
    running.store.fail(CATALOG_PATH, Fault(kind, size_mb=50))  # type: ignore[arg-type]
    tracemalloc.start()
    try:
        with client(running.url, deadline=20.0) as capped, pytest.raises(StoreBodyTooLarge) as caught:
            capped.get_catalog()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(caught.value).endswith("refused: body larger than 1 MB")
    assert peak < 8 * 1024 * 1024  # a few times the cap, never the 50 MB sent


def test_untrusted_certificate_is_named_and_a_trusted_one_works(tmp_path: Path) -> None:
    tls = TlsFiles.self_signed(tmp_path)
    server = serve_faults(tls=tls)
    try:
        with client(server.url) as untrusting, pytest.raises(StoreCertificateUntrusted) as caught:
            untrusting.get_catalog()
        assert caught.value.kind == "tls" and "check --ca-bundle" in str(caught.value)
        with client(server.url, verify=str(tls.certificate)) as trusting:
            assert trusting.fetch_catalog().revision == "c-1"
    finally:
        server.stop()


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_token_is_named_with_its_status(running: RunningFaultStore, status: int) -> None:
    running.store.fail(CATALOG_PATH, Fault("status", status=status))
    with client(running.url) as refused, pytest.raises(StoreAuthRefused) as caught:
        refused.get_catalog()
    assert str(caught.value).endswith(f"store refused the token (HTTP {status})") and caught.value.status == status


def test_a_cursor_that_goes_back_stops_paging_instead_of_looping(running: RunningFaultStore) -> None:
    running.store.fail(OBSERVATIONS_PATH, Fault("older_cursor", times=None))
    with client(running.url) as looping, pytest.raises(StoreContractError, match="cursor went back"):
        list(looping.iter_observation_pages())


def test_304_without_having_asked_is_a_refusal_not_a_crash(running: RunningFaultStore) -> None:
    running.store.fail(CATALOG_PATH, Fault("not_modified"))
    with client(running.url) as confused, pytest.raises(StoreRejected, match="HTTP 304"):
        confused.get_catalog()


# --- through the worker ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "kind", "words"),
    [
        (Fault("status", status=503), "rejected", "Central store answering with errors since"),
        (Fault("truncate"), "unreachable", "Central store unreachable since"),
        (Fault("reset"), "unreachable", "Central store unreachable since"),
        (Fault("not_json"), "contract", "Central store answering with errors since"),
        (Fault("silence"), "unreachable", "Central store unreachable since"),
        (Fault("trickle", interval=0.2), "stalled", "Central store stalling since"),
        (Fault("huge", size_mb=20), "too_large", "Central store answering with errors since"),
    ],
    ids=lambda v: v.kind if isinstance(v, Fault) else None,
)
def test_a_faulty_poll_keeps_the_data_says_why_and_the_next_good_poll_loses_nothing(
    worker: SyncWorker, running: RunningFaultStore, clock: FakeClock, fault: Fault, kind: str, words: str
) -> None:
    first = good_first_poll(worker)
    running.store.add_observation("438", 88.8)  # arrives while the store is faulty
    running.store.fail(OBSERVATIONS_PATH, fault)
    clock.advance(seconds=10)

    bad = worker.poll_observations()
    assert bad is not None and bad.status.reachable is False and bad.status.failure_kind == kind
    assert values(bad) == values(first) and bad.data_as_of == first.data_as_of  # last good data kept
    assert link_text(bad, clock).startswith(words)
    assert bad.status.retry_at is None  # an outage or a bad answer: retried at the usual interval

    clock.advance(seconds=10)
    good = worker.poll_observations()
    assert good is not None and good.status.reachable is True and good.status.failure_kind is None
    assert values(good)[("438", "2026-10")] == 88.8
    assert worker.store.observation_count() == len({(o["entity"], o["period"]) for o in running.store.observations})


def test_a_page_that_fails_after_others_keeps_what_arrived_and_resumes_after_it(
    worker: SyncWorker, running: RunningFaultStore, clock: FakeClock
) -> None:
    good_first_poll(worker)
    for period in ("2026-06", "2026-07", "2026-08"):  # three new rows: a page of two, then one
        running.store.add_observation("439", 90.0, period)
    cursor_before = worker.store.cursor()
    original_take = running.store.take

    def take(path: str, query: dict[str, str]) -> Fault | None:
        """The page after the first new one is cut short."""
        fault = original_take(path, query)
        if path == OBSERVATIONS_PATH and query.get("since") not in (None, cursor_before):
            return Fault("truncate")
        return fault

    running.store.take = take  # type: ignore[method-assign]
    partial = worker.poll_observations()
    assert partial is not None and partial.status.reachable is False
    assert worker.store.observation_count() == 6 and worker.store.cursor() != cursor_before
    running.store.take = original_take  # type: ignore[method-assign]
    clock.advance(seconds=10)
    whole = worker.poll_observations()
    assert whole is not None and whole.status.reachable is True
    assert worker.store.observation_count() == 7


def test_a_stall_is_not_hidden_by_a_quick_poll_of_another_document(
    worker: SyncWorker, running: RunningFaultStore, clock: FakeClock
) -> None:
    good_first_poll(worker)
    running.store.fail(OBSERVATIONS_PATH, Fault("trickle", interval=0.2, times=None))
    clock.advance(seconds=10)
    stalled = worker.poll_observations()
    assert stalled is not None and stalled.status.failure_kind == "stalled"
    ranked = worker.poll_ranking()  # answers at once
    status = ranked.status if ranked is not None else worker.status
    assert status.reachable is False and status.failure_kind == "stalled" and status.last_success == clock()
    assert link_text(worker.snapshot, clock).startswith("Central store stalling since")
    running.store.clear()
    assert (recovered := worker.poll_observations()) is not None and recovered.status.reachable is True


def test_a_refused_token_backs_off_doubling_and_recovers(
    worker: SyncWorker, running: RunningFaultStore, clock: FakeClock
) -> None:
    first = good_first_poll(worker)
    running.store.fail(CATALOG_PATH, Fault("status", status=401, times=None))
    running.store.fail(OBSERVATIONS_PATH, Fault("status", status=401, times=None))
    running.store.fail(RANKING_PATH, Fault("status", status=401, times=None))
    clock.advance(seconds=300)
    refused = worker.poll_all()
    assert refused is not None and refused.status.failure_kind == "auth" and refused.status.http_status == 401
    assert refused.status.retry_at == clock() + timedelta(seconds=10)
    assert values(refused) == values(first)
    text = link_text(refused, clock)
    assert text.startswith("Central store refused the token (HTTP 401) · next try ") and "unreachable" not in text
    asked = len(running.store.requests)

    clock.advance(seconds=5)
    assert worker.poll_all() is None and len(running.store.requests) == asked  # waiting: the store is left alone
    waits = []
    for _ in range(8):
        assert worker.status.retry_at is not None
        clock.now = worker.status.retry_at
        worker.poll_observations()
        assert worker.status.retry_at is not None
        waits.append(worker.status.retry_at - clock())
    assert waits[:3] == [timedelta(seconds=s) for s in (20, 40, 80)] and waits[-1] == MAX_BACKOFF

    running.store.clear()
    assert worker.status.retry_at is not None
    clock.now = worker.status.retry_at
    recovered = worker.poll_all()
    assert recovered is not None and recovered.status.reachable is True and recovered.status.retry_at is None


def test_an_operator_refresh_tries_at_once_during_a_backoff(
    worker: SyncWorker, running: RunningFaultStore, clock: FakeClock
) -> None:
    good_first_poll(worker)
    running.store.fail(CATALOG_PATH, Fault("status", status=403))
    clock.advance(seconds=300)
    assert (refused := worker.poll_catalog()) is not None and refused.status.failure_kind == "auth"
    again = worker.poll_all_now()
    assert again is not None and again.status.reachable is True


def test_an_untrusted_certificate_is_shown_as_such_with_backoff(tmp_path: Path, clock: FakeClock) -> None:
    server = serve_faults(tls=TlsFiles.self_signed(tmp_path))
    synced = SyncWorker(client(server.url), LocalStore(tmp_path / "data"), clock=clock)
    try:
        snapshot = synced.poll_all()
        assert snapshot is not None and snapshot.status.failure_kind == "tls" and snapshot.status.retry_at is not None
        assert link_text(snapshot, clock).startswith(
            "Central store's TLS certificate is not trusted — check --ca-bundle · next try")
        assert server.store.count(CATALOG_PATH) == 0  # never got as far as a request
    finally:
        synced.client.close()
        synced.store.close()
        server.stop()


def test_304_without_an_etag_keeps_the_catalog_and_its_etag(
    worker: SyncWorker, running: RunningFaultStore, clock: FakeClock
) -> None:
    first = good_first_poll(worker)
    running.store.fail(CATALOG_PATH, Fault("not_modified"))
    clock.advance(seconds=300)
    worker.poll_catalog()
    assert worker.catalog is first.catalog and worker.catalog_etag == '"c-1"' and worker.status.reachable is True


def test_a_catalog_revision_mid_run_is_taken_and_the_data_kept(
    worker: SyncWorker, running: RunningFaultStore, clock: FakeClock
) -> None:
    first = good_first_poll(worker)
    kpi = {**running.store.catalog["kpis"][0], "name": "Ayushman cards (% of eligible), revised"}
    running.store.catalog = {**running.store.catalog, "revision": "c-2", "kpis": [kpi]}
    clock.advance(seconds=300)
    revised = worker.poll_catalog()
    assert revised is not None and revised.catalog is not None and revised.catalog.revision == "c-2"
    assert revised.catalog.kpis[0].name.endswith("revised") and values(revised) == values(first)
    assert worker.store.catalog() is not None and worker.store.catalog()[0].revision == "c-2"  # type: ignore[index]


def test_a_cursor_regression_loses_and_doubles_nothing(
    worker: SyncWorker, running: RunningFaultStore, clock: FakeClock
) -> None:
    good_first_poll(worker)
    running.store.add_observation("438", 95.0, "2026-11")
    running.store.fail(OBSERVATIONS_PATH, Fault("older_cursor", times=None))
    clock.advance(seconds=10)
    looped = worker.poll_observations()
    assert looped is not None and looped.status.failure_kind == "contract"
    assert "cursor went back" in (looped.status.last_error or "")
    running.store.clear()
    clock.advance(seconds=10)
    assert worker.poll_observations() is not None
    assert worker.store.observation_count() == 5 and values(worker.snapshot)[("438", "2026-11")] == 95.0


# --- through the schedule -------------------------------------------------------------------


def test_a_stalled_poll_does_not_starve_the_others(running: RunningFaultStore, tmp_path: Path) -> None:
    """Observations trickle forever; ranking polls still go out between them, and the
    snapshots say 'stalled'. All polls share one thread: the deadline is what bounds each."""
    seen: list[Snapshot] = []
    enough = threading.Event()

    def on_snapshot(snapshot: Snapshot) -> None:
        seen.append(snapshot)
        if snapshot.status.failure_kind == "stalled" and running.store.count(RANKING_PATH) >= 4:
            enough.set()

    running.store.fail(OBSERVATIONS_PATH, Fault("trickle", interval=0.1, times=None))
    worker = SyncWorker(client(running.url, deadline=0.6), LocalStore(tmp_path / "data"))
    service = SyncService(worker, on_snapshot, Intervals(catalog=60, observations=0.2, ranking=0.2))
    service.start()
    try:
        assert enough.wait(timeout=20), f"ranking polls: {running.store.count(RANKING_PATH)}"
    finally:
        service.stop()
    assert running.store.count(OBSERVATIONS_PATH) >= 2
    assert seen[-1].catalog is not None and seen[-1].status.failure_kind == "stalled"


# --- the words, in every language ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "strip", "tile"),
    [
        (Fault("trickle", interval=0.2), "Central store stalling since", "store stalling since"),
        (Fault("status", status=401), "Central store refused the token (HTTP 401)", "store refused the token"),
        (Fault("status", status=500), "Central store answering with errors since", "store answering with errors"),
    ],
    ids=["stalled", "auth", "rejected"],
)
def test_strip_and_tiles_name_the_fault_in_every_language(
    worker: SyncWorker, running: RunningFaultStore, clock: FakeClock, fault: Fault, strip: str, tile: str
) -> None:
    from cmwall.widgets.data_age import snapshot_age
    from cmwall.widgets.look.i18n import tr

    good_first_poll(worker)
    running.store.fail(CATALOG_PATH, fault)
    clock.advance(seconds=300)
    snapshot = worker.poll_catalog()
    assert snapshot is not None
    assert link_item(snapshot, clock(), "en").text.startswith(strip)
    age = snapshot_age(snapshot, clock(), lambda text: tr(text, "en"))
    assert age.state == "cached" and age.text.startswith(tile)
    for language in ("hi", "gu"):
        words = link_item(snapshot, clock(), language).text
        assert not words.startswith("Central") and "{" not in words  # translated, every field filled
        local_age = snapshot_age(snapshot, clock(), partial(tr, language=language))
        assert not local_age.text.startswith("store")

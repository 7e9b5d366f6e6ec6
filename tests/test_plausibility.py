"""Rows that keep the contract but are hard to believe are stored, counted as sent, and
flagged; a future reported_at never makes the wall look fresher or wedges the ranking.

Driven through StoreClient → SyncWorker → LocalStore (httpx MockTransport), and the
embedded demo stores over loopback for "no false alarms on real-looking data".
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cmwall.sync.client import StoreClient
from cmwall.sync.demo_store import make_store, serve_in_thread
from cmwall.sync.freshness import age_text, overdue_since
from cmwall.sync.local_store import LocalStore
from cmwall.sync.plausibility import (
    FAR_FROM_HISTORY,
    FUTURE_REPORT,
    MAX_CLOCK_SKEW,
    NEGATIVE_COUNT,
    PERCENT_OUT_OF_RANGE,
    PERIOD_AHEAD,
)
from cmwall.sync.ranking.fallback import ReasonKind
from cmwall.sync.worker import SyncWorker

from .raw_feed_store import RawFeedStore, kpi_entry, row_text, worker_for
from .store_fakes import CATALOG

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def catalog_with(*kpis: dict[str, object]) -> dict[str, object]:
    catalog = copy.deepcopy(CATALOG)
    catalog["kpis"] = [*catalog["kpis"], *kpis]
    return catalog


def test_a_negative_percentage_is_stored_counted_and_flagged(tmp_path: Path) -> None:
    store = RawFeedStore()
    store.pages = [[row_text("438", "82.4"), row_text("439", "-5000")]]
    worker = worker_for(store, tmp_path, lambda: NOW)
    snapshot = worker.poll_all()
    assert snapshot is not None and snapshot.status.reachable is True
    latest = snapshot.series["PMJAY.CARDS"].latest("439")
    assert latest is not None and latest[1] == -5000.0  # stored as sent
    assert snapshot.feed_quality.flag("PMJAY.CARDS", "439", "2026-10") == PERCENT_OUT_OF_RANGE
    assert snapshot.feed_quality.flag("PMJAY.CARDS", "438", "2026-10") is None
    assert snapshot.feed_quality.by_department["HFW"].implausible == 1
    assert snapshot.feed_quality.by_entity["439"].implausible == 1 and "438" not in snapshot.feed_quality.by_entity
    # The ranking counts what the store counts: -5000 scores 0 marks, not "not reported".
    assert snapshot.ranking is not None
    amreli = next(r for r in snapshot.ranking.rows if r.entity == "439")
    assert amreli.score == 0.0 and amreli.rank == 2


@pytest.mark.parametrize(
    ("kpi", "value", "reason"),
    [
        (kpi_entry("BEDS.FREE", unit="beds", aggregate="sum"), "-3", NEGATIVE_COUNT),
        (kpi_entry("TEMP.MIN", unit="°C", aggregate="min"), "-3", None),  # a minimum may well be negative
        (kpi_entry("GROWTH", unit="%", aggregate="mean"), "-0.5", PERCENT_OUT_OF_RANGE),
        (kpi_entry("COVER", unit="%"), "112", None),  # a coverage a little over 100 % is common
        (kpi_entry("COVER", unit="%"), "150", PERCENT_OUT_OF_RANGE),
        (kpi_entry("COVER", unit="%"), "100", None),
    ],
)
def test_counts_and_percentages_are_judged_from_the_catalog(kpi: dict[str, object], value: str, reason: str | None,
                                                            tmp_path: Path) -> None:
    code = str(kpi["code"])
    store = RawFeedStore(catalog_with(kpi))
    store.pages = [[row_text("438", value, kpi=code), row_text("439", "10", kpi=code)]]
    snapshot = worker_for(store, tmp_path, lambda: NOW).poll_all()
    assert snapshot is not None and snapshot.feed_quality.flag(code, "438", "2026-10") == reason
    assert snapshot.feed_quality.flag(code, "439", "2026-10") is None
    assert snapshot.feed_quality.total.implausible == (reason is not None)


def months(count: int) -> list[str]:
    return [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(count)]


@pytest.mark.parametrize(("history_months", "flagged"), [(24, True), (6, False)])
def test_a_value_far_outside_the_kpis_history_is_flagged_only_with_enough_history(
        history_months: int, flagged: bool, tmp_path: Path) -> None:
    kpi = kpi_entry("LOANS", unit="₹ crore")
    store = RawFeedStore(catalog_with(kpi))
    rows = [row_text(entity, f"{80 + (i * 7 + int(entity)) % 11}", kpi="LOANS", period=period)
            for i, period in enumerate(months(history_months)) for entity in ("438", "439")]
    store.pages = [rows, [row_text("438", "1e308", kpi="LOANS", period="2026-10")]]
    snapshot = worker_for(store, tmp_path, lambda: NOW).poll_all()
    assert snapshot is not None
    expected = FAR_FROM_HISTORY if flagged else None
    assert snapshot.feed_quality.flag("LOANS", "438", "2026-10") == expected
    assert [k for k, r in snapshot.feed_quality.implausible.items() if r == FAR_FROM_HISTORY] == (
        [("LOANS", "438", "2026-10")] if flagged else [])


SIXTY_THREE_DAYS_AGO = NOW - timedelta(days=63)


def old_feed_with_a_2099_row(store: RawFeedStore) -> None:
    reported = SIXTY_THREE_DAYS_AGO.isoformat()
    store.pages = [[row_text("438", "82.4", period="2026-08", reported_at=reported),
                    row_text("439", "41.0", period="2026-08", reported_at=reported)],
                   [row_text("438", "83.0", period="2026-08", reported_at="2099-01-01T00:00:00+05:30")]]
    store.ranking = {"revision": "r-1", "period": "2026-08",
                     "computed_at": (SIXTY_THREE_DAYS_AGO + timedelta(hours=1)).isoformat(),
                     "rows": [{"entity": "438", "score": 8.3, "rank": 1, "grade": "A"},
                              {"entity": "439", "score": 4.1, "rank": 2, "grade": "C"}]}


def test_a_2099_reported_at_among_63_day_old_data_fools_nothing(tmp_path: Path) -> None:
    store = RawFeedStore()
    old_feed_with_a_2099_row(store)
    worker = worker_for(store, tmp_path, lambda: NOW)
    snapshot = worker.poll_all()
    assert snapshot is not None
    assert snapshot.data_as_of == SIXTY_THREE_DAYS_AGO
    assert age_text(snapshot.data_as_of, NOW) == "updated 63 d ago"
    assert snapshot.ranking is not None and snapshot.ranking.source == "central"
    assert snapshot.ranking_reason.kind is ReasonKind.CENTRAL
    assert snapshot.feed_quality.flag("PMJAY.CARDS", "438", "2026-08") == FUTURE_REPORT
    # The value is stored and shown as sent; its age counts from its period, so it is late, not fresh.
    series = snapshot.series["PMJAY.CARDS"]
    latest = series.latest("438")
    assert latest is not None and latest[1] == 83.0
    kpi = snapshot.catalog.kpi("PMJAY.CARDS") if snapshot.catalog else None
    assert kpi is not None
    assert latest[2] <= datetime(2026, 8, 1, tzinfo=UTC).timestamp() + 86400
    assert overdue_since(kpi, datetime.fromtimestamp(latest[2], UTC)) <= NOW
    assert snapshot.feed_quality.by_kpi["PMJAY.CARDS"].late == 2


def test_a_restart_distrusts_the_stored_future_time_again(tmp_path: Path) -> None:
    store = RawFeedStore()
    old_feed_with_a_2099_row(store)
    worker_for(store, tmp_path, lambda: NOW).poll_all()
    again = worker_for(store, tmp_path, lambda: NOW)
    snapshot = again.load_local()
    assert snapshot.data_as_of == SIXTY_THREE_DAYS_AGO
    assert snapshot.ranking is not None and snapshot.ranking.source == "central"
    assert snapshot.feed_quality.flag("PMJAY.CARDS", "438", "2026-08") == FUTURE_REPORT
    [(kpi, entity, period, reported_at, _received)] = again.store.future_reports(MAX_CLOCK_SKEW.total_seconds())
    assert (kpi, entity, period) == ("PMJAY.CARDS", "438", "2026-08")
    assert reported_at == datetime.fromisoformat("2099-01-01T00:00:00+05:30").timestamp()  # kept as sent


def test_a_clock_a_little_ahead_is_trusted_and_a_believable_correction_clears_the_flag(tmp_path: Path) -> None:
    store = RawFeedStore()
    ahead = NOW + MAX_CLOCK_SKEW - timedelta(seconds=30)
    store.pages = [[row_text("438", "82.4", reported_at=ahead.isoformat()),
                    row_text("439", "41.0", reported_at="2099-01-01T00:00:00Z")],
                   [row_text("439", "42.0", reported_at=NOW.isoformat())]]
    worker = worker_for(store, tmp_path, lambda: NOW)
    snapshot = worker.poll_all()
    assert snapshot is not None and snapshot.data_as_of == ahead
    assert snapshot.feed_quality.implausible == {}  # 439's 2099 stamp was corrected with a believable one
    assert worker.feed_quality.untrusted_times == {}


@pytest.fixture(scope="module", params=["gujarat", "city-crisis"])
def demo_synced(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncWorker]:
    fixed = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    server = serve_in_thread(make_store(request.param, seed=11, clock=lambda: fixed), "127.0.0.1", 0)
    try:
        worker = SyncWorker(StoreClient(server.url), LocalStore(tmp_path_factory.mktemp("demo")),
                            clock=lambda: fixed)
        worker.poll_all()
        yield worker
    finally:
        server.stop()


def test_the_demo_stores_real_looking_data_raises_no_false_alarm(demo_synced: SyncWorker) -> None:
    snapshot = demo_synced.snapshot
    assert snapshot is not None and snapshot.feed_quality.judged
    assert snapshot.feed_quality.total.rejected == 0
    assert dict(snapshot.feed_quality.implausible) == {}


def test_a_period_that_had_not_begun_when_reported_is_flagged_and_ranked_as_sent(tmp_path: Path) -> None:
    store = RawFeedStore()
    store.pages = [[row_text("438", "82.4"), row_text("439", "41.0"),
                    row_text("439", "55.0", period="2099-01", reported_at=NOW.isoformat())]]
    snapshot = worker_for(store, tmp_path, lambda: NOW).poll_all()
    assert snapshot is not None
    assert dict(snapshot.feed_quality.implausible) == {("PMJAY.CARDS", "439", "2099-01"): PERIOD_AHEAD}
    assert snapshot.data_as_of == NOW  # its report time itself is believable

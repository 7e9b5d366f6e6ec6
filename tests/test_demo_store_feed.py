"""The demo store's observation feed: determinism, paging, corrections, movement, bounds."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import orjson
import pytest
from cmwall.sync.contract import Catalog, ObservationPage
from cmwall.sync.demo_store import DemoStore
from cmwall.sync.demo_store.catalog_data import LATE_DEPARTMENTS, NOT_FEEDING_DEPARTMENTS
from cmwall.sync.demo_store.store import BadRequest
from cmwall.sync.demo_store.timeline import IST

from .fake_clock import START, FakeClock


def page(store: DemoStore, since: str | None = None, limit: int | None = None) -> ObservationPage:
    return ObservationPage.model_validate_json(store.observations(since, limit).body)


def sync_all(store: DemoStore, since: str | None = None, limit: int = 50000) -> tuple[list[dict[str, Any]], str]:
    rows: list[dict[str, Any]] = []
    while True:
        body = orjson.loads(store.observations(since, limit).body)
        rows += body["observations"]
        since = body["cursor"]
        if not body["more"]:
            return rows, since


def key(o: dict[str, Any]) -> tuple[str, str, str]:
    return (o["kpi"], o["entity"], o["period"])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(clock: FakeClock) -> DemoStore:
    return DemoStore(seed=7, clock=clock)


def test_first_page_validates_and_has_twelve_months(store: DemoStore) -> None:
    first = page(store, limit=50000)
    assert first.observations and first.cursor
    months = {o["period"] for o in sync_all(store)[0] if len(o["period"]) == 7}  # more than a page since talukas
    assert months == {f"{y}-{m:02d}" for y, m in [(2025, 12)] + [(2026, i) for i in range(1, 12)]}
    assert all(o.reported_at.utcoffset() == timedelta(hours=5, minutes=30) for o in first.observations)
    assert all(o.reported_at <= START for o in first.observations)


def test_same_seed_and_clock_give_the_same_feed() -> None:
    a, b = FakeClock(), FakeClock()
    s1, s2 = DemoStore(seed=11, clock=a), DemoStore(seed=11, clock=b)
    assert s1.observations(None, 50000).body == s2.observations(None, 50000).body
    a.advance(seconds=95)
    b.advance(seconds=95)
    assert s1.observations("0", 50000).body == s2.observations("0", 50000).body
    other = DemoStore(seed=12, clock=FakeClock())
    assert other.observations(None, 2000).body != DemoStore(seed=11, clock=FakeClock()).observations(None, 2000).body


def test_paging_has_no_gaps_or_duplicates(store: DemoStore) -> None:
    everything, _ = sync_all(store)
    paged: list[dict[str, Any]] = []
    since = None
    pages = 0
    while True:
        p = page(store, since, 3000)
        pages += 1
        paged += [o.model_dump(mode="json") for o in p.observations]
        assert len(p.observations) <= 3000
        if not p.more:
            break
        assert len(p.observations) == 3000
        since = p.cursor
    assert pages > 3
    keys = [key(o) for o in paged]
    assert len(keys) == len(set(keys))  # one row per (kpi, entity, period): the latest
    assert set(keys) == {key(o) for o in everything}
    assert len(paged) == store._state.log.alive_count  # total = the set of latest observations


def test_cursor_at_the_end_returns_nothing_new(store: DemoStore) -> None:
    _, cursor = sync_all(store)
    again = page(store, cursor)
    assert again.observations == () and again.more is False and again.cursor == cursor


def test_clock_advance_brings_corrections_with_new_sequence(store: DemoStore, clock: FakeClock) -> None:
    before, cursor = sync_all(store)
    old = {key(o): o for o in before}
    clock.advance(seconds=90)
    after, cursor2 = sync_all(store, cursor)
    assert int(cursor2) > int(cursor)
    corrected = [o for o in after if key(o) in old]
    assert corrected, "current-month values are re-reported as corrections"
    assert any(o["value"] != old[key(o)]["value"] for o in corrected), "values move"
    assert any(o["period"] == "2026-11" and o["entity"] == "438" for o in corrected)
    # The superseded rows have left the feed: a full re-sync has each key once, with the new value.
    full, _ = sync_all(store)
    latest = {key(o): o for o in full}
    assert len(latest) == len(full)
    for o in corrected:
        assert latest[key(o)]["value"] == o["value"]


def test_crisis_data_updates_every_few_seconds(store: DemoStore, clock: FakeClock) -> None:
    _, cursor = sync_all(store)
    clock.advance(seconds=10)
    rows, _ = sync_all(store, cursor)
    beds = [o for o in rows if o["kpi"] == "HFW.BEDS.ICU.OCC"]
    assert len(beds) == 33 and {o["period"] for o in beds} == {"2026-11-22T10:00"}
    assert all(o["reported_at"] == "2026-11-22T10:00:10+05:30" for o in beds)


def test_crisis_values_are_consistent(store: DemoStore) -> None:
    rows, _ = sync_all(store)
    current = {(o["kpi"], o["entity"]): o["value"] for o in rows if o["period"] == "2026-11-22T10:00"}
    for kind in ("GEN", "O2", "ICU", "VENT"):
        for fac in range(1, 34):
            f = f"F-{fac:04d}"
            assert 0 <= current[(f"HFW.BEDS.{kind}.OCC", f)] <= current[(f"HFW.BEDS.{kind}.TOTAL", f)]
    hours = [o["value"] for o in rows if o["kpi"] == "HFW.O2.STOCK_HOURS"]
    assert min(hours) < 24 and max(hours) > 24  # some hospitals reach the warning, most do not


def test_crisis_data_stays_bounded_over_weeks(store: DemoStore, clock: FakeClock) -> None:
    store.advance()
    hourly = {o["period"] for o in sync_all(store)[0] if "T" in o["period"]}
    assert len(hourly) == 48
    for _ in range(6):
        clock.advance(days=3, seconds=7)
        store.advance()
    rows, _ = sync_all(store)
    newest = sorted({o["period"] for o in rows if "T" in o["period"]})
    assert len(newest) == 48 and newest[-1] == clock.now.strftime("%Y-%m-%dT%H:00")
    log = store._state.log
    assert len(log) < 2 * log.alive_count + 60_000  # superseded rows are compacted away
    assert len(store._state.crisis_periods) == 48


def test_month_rollover_finalises_the_previous_month(clock: FakeClock) -> None:
    clock.now = datetime(2026, 11, 30, 23, 59, tzinfo=IST)
    store = DemoStore(seed=7, clock=clock)
    _, cursor = sync_all(store)
    clock.advance(hours=7)
    rows, _ = sync_all(store, cursor)
    periods = Counter(o["period"] for o in rows if len(o["period"]) == 7)
    assert periods["2026-12"] > 0  # the new month starts
    assert periods["2026-11"] > 0  # and November's final values arrive


def test_late_and_silent_departments(store: DemoStore) -> None:
    catalog = Catalog.model_validate_json(store.catalog().body)
    rows, _ = sync_all(store)
    dept_of = {k.code: catalog.department_of_kpi(k).code for k in catalog.kpis}  # type: ignore[union-attr]
    last: dict[str, datetime] = {}
    current_month: Counter[str] = Counter()
    for o in rows:
        if o["entity"] == "24" or o["kpi"].startswith("HFW.BEDS") or o["kpi"].startswith("HFW.O2"):
            continue
        d = dept_of[o["kpi"]]
        t = datetime.fromisoformat(o["reported_at"])
        last[d] = max(last.get(d, t), t)
        if o["period"] == "2026-11":
            current_month[d] += 1
    for d in NOT_FEEDING_DEPARTMENTS:
        assert current_month[d] == 0
        assert START - last[d] > timedelta(days=31)  # overdue even for monthly KPIs
    for d in LATE_DEPARTMENTS:
        freqs = {k.frequency for k in catalog.kpis if k.scoring and dept_of[k.code] == d}
        assert freqs <= {"P7D", "P1D"}
        assert START - last[d] > timedelta(days=2)  # older than P1D (HOME) / P7D (REV, 10 days)
    assert START - last["REV"] > timedelta(days=7)
    assert START - last["HFW"] < timedelta(minutes=2)


def test_some_values_are_null(store: DemoStore) -> None:
    rows, _ = sync_all(store)
    nulls = [o for o in rows if o["value"] is None]
    assert 0 < len(nulls) < len(rows) / 50


def test_grievance_counts_are_ordered_and_state_totals_add_up(store: DemoStore) -> None:
    rows, _ = sync_all(store)
    v = {key(o): o["value"] for o in rows}
    districts = [o["entity"] for o in rows if o["kpi"] == "CMHL.REV.PEND50" and o["period"] == "2026-10"]
    assert len(districts) == 34  # 33 districts + the state
    for e in districts:
        assert v[("CMHL.REV.PEND50", e, "2026-10")] >= v[("CMHL.REV.PEND100", e, "2026-10")] \
            >= v[("CMHL.REV.PEND300", e, "2026-10")] >= 0
    total = sum(v[("CMHL.REV.PEND100", e, "2026-10")] for e in districts if e != "24")
    assert v[("CMHL.REV.PEND100", "24", "2026-10")] == total


def test_rankings_stay_stable_but_move(store: DemoStore) -> None:
    rows, _ = sync_all(store)
    sept = {o["entity"]: o["value"] for o in rows if o["kpi"] == "MCH.FULL_IMM" and o["period"] == "2026-09"}
    octo = {o["entity"]: o["value"] for o in rows if o["kpi"] == "MCH.FULL_IMM" and o["period"] == "2026-10"}
    common = [e for e in sept if sept[e] is not None and octo.get(e) is not None]
    order_s = sorted(common, key=lambda e: sept[e])
    order_o = sorted(common, key=lambda e: octo[e])
    # Spearman-like: mostly the same order, not identical.
    moved = sum(abs(order_s.index(e) - order_o.index(e)) for e in common)
    assert 0 < moved < len(common) ** 2 / 4


@pytest.mark.parametrize("since", ["abc", "-1", "1.5", "9" * 30])
def test_invalid_since_is_rejected(store: DemoStore, since: str) -> None:
    with pytest.raises(BadRequest):
        store.observations(since, None)


@pytest.mark.parametrize("limit", ["0", "50001", "x", "-5"])
def test_invalid_limit_is_rejected(store: DemoStore, limit: str) -> None:
    with pytest.raises(BadRequest):
        store.observations(None, limit)


def test_default_and_maximum_limit(store: DemoStore) -> None:
    assert len(page(store).observations) == 5000
    assert len(page(store, limit=50000).observations) == 50000


def test_foreign_cursor_restarts_from_the_beginning(store: DemoStore) -> None:
    fresh = page(store, "999999999", 10)
    assert fresh.more and len(fresh.observations) == 10
    assert fresh.observations == page(store, None, 10).observations


def test_scale_mode_generates_the_benchmark_volume() -> None:
    store = DemoStore(seed=1, clock=FakeClock(), scale_kpis=3400)
    store.advance()
    # 3400 ranked KPIs x 33 districts x 12 months, less nulls' none (nulls are rows too),
    # less what the late and silent departments have not sent, plus grievance and crisis rows.
    assert 1_300_000 < store._state.log.alive_count < 1_500_000
    first = page(store, limit=50000)
    assert first.more and len(first.observations) == 50000

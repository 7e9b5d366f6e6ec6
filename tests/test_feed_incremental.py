"""Feed quality judged poll after poll — late entities kept per series until the clock
crosses the next moment a report falls overdue — is what judging everything again finds:
sync/feed_judging.py against tests/feed_judging_reference.py (the search it replaced) as
the data changes and the clock moves forward, back, and onto the exact boundaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from cmwall.sync.feed_judging import FeedJudgementsKept, judge_feed, late_entities
from cmwall.sync.feed_quality import QualityCount
from cmwall.sync.freshness import overdue_since
from cmwall.sync.series import Row, apply_rows, frozen
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .feed_judging_reference import reference_judge_feed, reference_late_entities
from .hand_snapshots import NOW, at, catalog, kpi_of, snapshot

KPIS: list[dict[str, Any]] = [
    {"code": "K.MONTH", "name": "Monthly", "scheme": "S", "unit": "%", "level": "district", "frequency": "P1M"},
    {"code": "K.DAY", "name": "Daily", "scheme": "S", "unit": "count", "level": "district", "frequency": "P1D"},
    {"code": "K.HOUR", "name": "Hourly", "scheme": "T", "level": "facility", "frequency": "PT1H", "_dept": "REV"},
    {"code": "K.ODD", "name": "Unreadable frequency", "scheme": "T", "frequency": "every so often"},
]
PLACES = ("24", "438", "439", "440", "F-0001", "F-0002")
PERIODS = ("2026-09", "2026-10", "2026-11-20", "2026-11-21", "2026-11-22T09:05", "2026-11-22T10:40")

rows = st.tuples(
    st.sampled_from([k["code"] for k in KPIS] + ["K.UNKNOWN"]), st.sampled_from(PLACES), st.sampled_from(PERIODS),
    st.one_of(st.none(), st.floats(-5, 120, allow_nan=False)), st.sampled_from([0.5, 2.0, 20.0, 30.0, 700.0, 1500.0]),
)
# Each poll: its rows (maybe none: a poll where only the clock moved) and how far the clock
# moved (back as well as forward), in hours.
polls = st.lists(st.tuples(st.lists(rows, max_size=8), st.floats(-40, 900)), min_size=1, max_size=10)


# Rows the store sent that the wall refused or distrusts, counted beside the late and questioned.
REJECTED: dict[str, Any] = {
    "rejected_counts": [("K.DAY", "438", 2), (None, None, 1), ("K.MONTH", None, 3), ("K.GONE", "439", 1)],
    "untrusted_times": [("K.HOUR", "F-0001", "2026-11-22T10:40")],
}


def _sorted(batch: list[tuple[str, str, str, float | None, float]]) -> list[Row]:
    return [(k, e, p, v, at(h)) for k, e, p, v, h in sorted(batch, key=lambda r: r[0])]


def _catalog() -> Any:
    return catalog([dict(k) for k in KPIS], facilities=2,
                   departments=[("HFW", "Health & Family Welfare"), ("REV", "Revenue")])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows, min_size=1, max_size=10), polls)
def test_feed_quality_poll_by_poll_is_feed_quality_judged_afresh(first: list[Any], moves: list[Any]) -> None:
    cat = _catalog()
    snap = snapshot(cat, _sorted(first))
    now, kept = NOW, FeedJudgementsKept()
    for poll, (batch, hours) in enumerate(moves):
        if poll == 3:
            cat = _catalog()  # the catalog polled again: KPIs judged under the old one are judged anew
        expected = reference_judge_feed(cat, snap.series, now, **REJECTED)
        assert judge_feed(cat, snap.series, now, kept=kept, **REJECTED) == expected
        assert judge_feed(cat, snap.series, now, **REJECTED) == expected
        if batch:
            snap = replace(snap, series=frozen(apply_rows(snap.series, _sorted(batch))))
        now += timedelta(hours=hours)
    assert judge_feed(cat, snap.series, now, kept=kept) == reference_judge_feed(cat, snap.series, now)


def test_a_report_is_late_from_the_very_moment_it_falls_overdue_and_not_a_microsecond_before() -> None:
    cat = _catalog()
    kpi = kpi_of(cat, "K.DAY")
    snap = snapshot(cat, [("K.DAY", "438", "2026-11-21", 5.0, at(30)), ("K.DAY", "439", "2026-11-22", 5.0, at(2))])
    series = snap.series["K.DAY"]
    due_438 = overdue_since(kpi, datetime.fromtimestamp(at(30), UTC))
    due_439 = overdue_since(kpi, datetime.fromtimestamp(at(2), UTC))
    tick = timedelta(microseconds=1)
    # Asked in an order that keeps each answer across the boundary it must not cross.
    kept = FeedJudgementsKept()
    for now, late in ((due_438 - tick, []), (due_438, ["438"]), (due_439 - tick, ["438"]), (due_439, ["438", "439"]),
                      (due_438 - tick, []), (due_439 + timedelta(days=400), ["438", "439"]), (due_438, ["438"])):
        assert late_entities(kpi, series, now) == late == reference_late_entities(kpi, series, now), now
        assert judge_feed(cat, snap.series, now, kept=kept).by_kpi.get("K.DAY", QualityCount()).late == len(late), now

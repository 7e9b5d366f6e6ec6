"""Hours left of a stock or of free beds, from the recent trend (sync/projection.py), on hand-made series.

Every expected figure can be read off the rows: a stock falling 2 t an hour from 20 t
has 10 h left at the newest reading; rising or flat is "not falling"; too few readings,
or a newest report older than the KPI's frequency, is never projected.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from cmwall.layouts.schema import LayoutSpec
from cmwall.sync.derive import derive
from cmwall.sync.derived_facts import Wants
from cmwall.sync.projection import ProjectionRequest, outlook_of, outlooks_of, project, project_all

from .hand_snapshots import NOW, at, catalog, snapshot

STOCK = {"code": "O2", "name": "Oxygen stock", "scheme": "CRISIS", "unit": "t", "level": "facility",
         "frequency": "PT2H", "aggregate": "sum"}
PAIR = [
    {"code": "ICU.CAP", "name": "ICU beds: capacity", "scheme": "CRISIS", "unit": "beds", "level": "facility",
     "frequency": "P1D", "aggregate": "sum"},
    {"code": "ICU.USED", "name": "ICU beds: in use", "scheme": "CRISIS", "unit": "beds", "level": "facility",
     "frequency": "PT2H", "aggregate": "sum", "capacity_of": "ICU.CAP"},
]
O2 = ProjectionRequest("stock", ("O2",), "facility", 6.0)
FREE_ICU = ProjectionRequest("free", ("ICU.USED", "ICU.CAP"), "facility", 6.0)


def instant(hours_ago: float) -> str:
    return (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


Row = tuple[str, str, str, float | None, float]


def readings(code: str, entity: str, values: dict[float, float]) -> list[Row]:
    """Rows of `code` for `entity`: {hours ago: value}, each reported two minutes after its instant."""
    return [(code, entity, instant(h), v, at(h) + 120) for h, v in values.items()]


def stock_snapshot(rows: list[Any], facilities: int = 3) -> Any:
    return snapshot(catalog([dict(STOCK), *[dict(k) for k in PAIR]], facilities=facilities), rows)


def test_a_falling_stock_has_exactly_its_level_over_its_rate_left() -> None:
    snap = stock_snapshot(readings("O2", "F-0001", {4: 28, 3: 26, 2: 24, 1: 22, 0: 20}))
    assert snap.catalog is not None
    found = project(snap.catalog, snap.series, O2, "F-0001", NOW)
    assert found.outlook == "falling" and found.level == 20
    assert found.rate_per_hour == pytest.approx(2.0) and found.hours_left == pytest.approx(10.0)
    assert found.empties_at == NOW + timedelta(hours=10)
    assert found.readings == 5


def test_noisy_readings_at_irregular_instants_fit_by_least_squares() -> None:
    """Readings 47, 31 and 14 minutes past irregular hours: the slope is the least-squares one."""
    hours_ago = [5.2, 4.1, 2.75, 1.9, 0.6, 0.0]
    values = [40.0, 38.5, 35.0, 33.9, 31.0, 30.2]
    snap = stock_snapshot(readings("O2", "F-0001", dict(zip(hours_ago, values))))
    assert snap.catalog is not None
    found = project(snap.catalog, snap.series, O2, "F-0001", NOW)
    # the instants are whole minutes: the fit sees them so
    x = [-round(h * 60) / 60 for h in hours_ago]
    mean_x, mean_y = sum(x) / len(x), sum(values) / len(values)
    slope = sum((a - mean_x) * (b - mean_y) for a, b in zip(x, values)) / sum((a - mean_x) ** 2 for a in x)
    assert found.outlook == "falling"
    assert found.rate_per_hour == pytest.approx(-slope)
    assert found.hours_left == pytest.approx(30.2 / -slope)


@pytest.mark.parametrize("values", [
    {3: 20, 2: 22, 1: 24, 0: 26},  # rising
    {3: 20, 2: 20, 1: 20, 0: 20},  # flat
    {5: 20, 4: 21, 3: 19, 2: 20.5, 1: 19.5, 0: 19.8},  # wobbling about 20: a fall well within its noise
])
def test_rising_or_flat_is_not_falling_and_has_no_number(values: dict[float, float]) -> None:
    snap = stock_snapshot(readings("O2", "F-0001", values))
    assert snap.catalog is not None
    found = project(snap.catalog, snap.series, O2, "F-0001", NOW)
    assert found.outlook == "not_falling" and found.hours_left is None and found.empties_at is None
    assert found.level == values[0]


@pytest.mark.parametrize("values", [{1: 30, 0: 20}, {0.5: 30, 0.25: 25, 0: 20}])
def test_too_few_readings_or_too_short_a_span_is_unknown(values: dict[float, float]) -> None:
    snap = stock_snapshot(readings("O2", "F-0001", values))
    assert snap.catalog is not None
    found = project(snap.catalog, snap.series, O2, "F-0001", NOW)
    assert found.outlook == "unknown" and found.hours_left is None
    assert found.level == 20, "the level is still known"


def test_readings_older_than_the_window_do_not_count() -> None:
    """Two recent readings and old ones from yesterday: too few in the last 6 hours."""
    snap = stock_snapshot(readings("O2", "F-0001", {30: 90, 29: 80, 28: 70, 1: 22, 0: 20}))
    assert snap.catalog is not None
    assert project(snap.catalog, snap.series, O2, "F-0001", NOW).outlook == "unknown"


def test_a_stale_newest_report_carries_when_it_fell_stale() -> None:
    """Falling readings whose newest report is 3 h old: overdue after the KPI's 2 h."""
    snap = stock_snapshot(readings("O2", "F-0001", {7: 28, 6: 26, 5: 24, 4: 22, 3: 20}))
    assert snap.catalog is not None
    found = project(snap.catalog, snap.series, O2, "F-0001", NOW)
    assert found.stale_at is not None and found.stale_at < NOW
    assert found.stale_at == NOW - timedelta(hours=3) + timedelta(minutes=2) + timedelta(hours=2)


def test_free_beds_of_a_pair_fall_as_beds_fill() -> None:
    """40 ICU beds, 10 → 30 in use over 4 hours: 30 → 10 free, 5 an hour, 2 h left."""
    rows: list[Row] = [("ICU.CAP", "F-0001", instant(10), 40, at(10))]
    rows += readings("ICU.USED", "F-0001", {4: 10, 3: 15, 2: 20, 1: 25, 0: 30})
    snap = stock_snapshot(rows)
    assert snap.catalog is not None
    found = project(snap.catalog, snap.series, FREE_ICU, "F-0001", NOW)
    assert found.outlook == "falling"
    assert found.level == 10 and found.total == 40
    assert found.rate_per_hour == pytest.approx(5.0) and found.hours_left == pytest.approx(2.0)


def test_a_raised_total_counts_from_its_own_moment() -> None:
    """Capacity raised from 20 to 40 two hours ago while use stays at 15: free rises, not falls."""
    rows: list[Row] = [("ICU.CAP", "F-0001", instant(10), 20, at(10)), ("ICU.CAP", "F-0001", instant(2), 40, at(2))]
    rows += readings("ICU.USED", "F-0001", {4: 15, 3: 15, 1: 15, 0: 15})
    snap = stock_snapshot(rows)
    assert snap.catalog is not None
    found = project(snap.catalog, snap.series, FREE_ICU, "F-0001", NOW)
    assert found.outlook == "not_falling" and found.level == 25


def test_nothing_left_is_none_left_whatever_the_trend() -> None:
    rows: list[Row] = [("ICU.CAP", "F-0001", instant(10), 12, at(10))]
    rows += readings("ICU.USED", "F-0001", {1: 12, 0: 12})
    snap = stock_snapshot(rows)
    assert snap.catalog is not None
    found = project(snap.catalog, snap.series, FREE_ICU, "F-0001", NOW)
    assert found.outlook == "none_left" and found.hours_left == 0 and found.level == 0


def test_places_sorted_soonest_first_not_falling_then_unknown_last() -> None:
    rows = readings("O2", "F-0001", {3: 50, 2: 45, 1: 40, 0: 35})  # 5/h: 7 h
    rows += readings("O2", "F-0002", {3: 8, 2: 6, 1: 4, 0: 2})  # 2/h: 1 h
    rows += readings("O2", "F-0003", {0: 9})  # one reading: unknown
    rows += readings("O2", "F-0004", {3: 5, 2: 6, 1: 7, 0: 8})  # rising
    rows += readings("O2", "F-0005", {3: 50, 2: 50, 1: 50, 0: 50})  # flat, higher
    snap = stock_snapshot(rows, facilities=6)
    assert snap.catalog is not None
    ordered = project_all(snap.catalog, snap.series, O2, NOW)
    assert [p.entity for p in ordered] == ["F-0002", "F-0001", "F-0004", "F-0005", "F-0003"]
    assert [p.outlook for p in ordered] == ["falling", "falling", "not_falling", "not_falling", "unknown"]


def test_a_district_without_its_own_reports_projects_its_hospitals_sum() -> None:
    """Hospitals 1 and 4 are in Ahmadabad (hand_snapshots: every third): 2 + 3 t an hour."""
    rows = readings("O2", "F-0001", {3: 26, 2: 24, 1: 22, 0: 20})
    rows += readings("O2", "F-0004", {3: 39, 2: 36, 1: 33, 0: 30})
    snap = stock_snapshot(rows, facilities=6)
    assert snap.catalog is not None
    district = project(snap.catalog, snap.series, ProjectionRequest("stock", ("O2",), "district", 6.0), "438", NOW)
    assert district.outlook == "falling" and district.level == 50
    assert district.rate_per_hour == pytest.approx(5.0) and district.hours_left == pytest.approx(10.0)


def test_outlook_of_plain_arrays_alone_and_together() -> None:
    import numpy as np

    seconds = np.array([0.0, 3600.0, 7200.0])
    assert outlook_of(seconds, np.array([9.0, 6.0, 3.0]), 6.0)[2] == pytest.approx(3.0)  # falls 3 an hour
    outlook, hours_left, _, readings_used = outlook_of(seconds, np.array([9.0, 6.0, 3.0]), 6.0)
    assert outlook == "falling" and hours_left == pytest.approx(1.0) and readings_used == 3
    assert outlook_of(seconds, np.array([np.nan, 6.0, 3.0]), 6.0)[0] == "unknown"
    together = outlooks_of([(seconds, np.array([9.0, 6.0, 3.0])), (seconds[:1], np.array([4.0])),
                            (seconds, np.array([1.0, 2.0, 3.0])), (seconds, np.array([3.0, 1.0, 0.0]))], 6.0)
    assert [o[0] for o in together] == ["falling", "unknown", "not_falling", "none_left"]


def test_derive_carries_what_a_layout_asks_and_nothing_else() -> None:
    spec = LayoutSpec.model_validate({
        "schema_version": 2, "name": "t",
        "screens": [{"id": "s", "rows": 1, "cols": 1, "pages": [{"tiles": [
            {"type": "running_out", "row": 0, "col": 0,
             "options": {"stock": ["O2"], "pairs": [{"used": "ICU.USED", "total": "ICU.CAP"}]}}]}]}],
    })
    wants = spec.wants()
    assert wants.projections == {O2, FREE_ICU}
    snap = stock_snapshot(readings("O2", "F-0001", {2: 24, 1: 22, 0: 20}))
    derived = derive(snap, wants).derived
    found = derived.projections_for(O2)
    assert found is not None and [p.entity for p in found] == ["F-0001"]
    assert derived.projections_for(ProjectionRequest("stock", ("O2",), "district", 6.0)) is None
    assert derive(snap, Wants()).derived.projections_for(O2) is None


def test_a_rolled_up_place_is_stale_only_when_every_place_in_it_is() -> None:
    """Ahmadabad's hospitals 1 and 4: both last reported 3 h ago (stale after the KPI's 2 h),
    then hospital 4 reports again now."""
    request = ProjectionRequest("stock", ("O2",), "district", 6.0)
    rows = readings("O2", "F-0001", {6: 26, 5: 24, 4: 22, 3: 20})
    rows += readings("O2", "F-0004", {6: 39, 5: 36, 4: 33, 3: 30})
    old = stock_snapshot(rows, facilities=6)
    assert old.catalog is not None
    stale = project(old.catalog, old.series, request, "438", NOW)
    assert stale.stale_at is not None and stale.stale_at < NOW
    fresh = stock_snapshot(rows + readings("O2", "F-0004", {0: 21}), facilities=6)
    assert fresh.catalog is not None
    found = project(fresh.catalog, fresh.series, request, "438", NOW)
    assert found.stale_at is not None and found.stale_at > NOW

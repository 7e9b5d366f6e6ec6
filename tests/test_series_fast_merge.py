"""A poll of a few rows updates a KPI's series in place of a rebuild, with the same result.

`merge` rebuilds a series from every cell; a crisis poll brings a handful of rows to
series of hundreds of hospitals × dozens of hours, and must reach the screen within a
second. Its fast path copies the arrays and changes only the cells the rows fall in.
These tests hold it to exactly the rebuild's result (values, times, exact periods,
columns kept under the bound, and the cached cell times), on random feeds of instants
and days, with and without the bound pruning columns.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from cmwall.sync import series as series_module
from cmwall.sync.series import RECENT_PERIODS, KpiSeries, Row, merge

START = datetime(2026, 11, 1, tzinfo=UTC)


def no_fast_path(series: KpiSeries, rows: list[Row]) -> KpiSeries | None:
    return None


def rebuilt(existing: KpiSeries, rows: list[Row]) -> KpiSeries:
    """`merge` with its fast path turned off: the rebuild from every cell."""
    original = series_module._merge_into_cells
    series_module._merge_into_cells = no_fast_path
    try:
        return merge(existing, existing.kpi, rows)
    finally:
        series_module._merge_into_cells = original


def same(a: KpiSeries, b: KpiSeries) -> None:
    assert a.entities == b.entities and a.periods == b.periods
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.reported_at, b.reported_at)
    if a.cell_periods is None or b.cell_periods is None:
        assert a.cell_periods is None and b.cell_periods is None
    else:
        assert a.cell_periods.tolist() == b.cell_periods.tolist()
    np.testing.assert_array_equal(a.cell_seconds, b.cell_seconds)
    assert [a.latest(e) for e in a.entities] == [b.latest(e) for e in b.entities]


def instant(rng: random.Random, hours: int) -> str:
    moment = START + timedelta(hours=rng.randrange(hours), minutes=rng.randrange(60))
    return moment.strftime("%Y-%m-%dT%H:%M")


def feed(rng: random.Random, n: int, hours: int, entities: list[str]) -> list[Row]:
    rows: list[Row] = []
    for i in range(n):
        value = None if rng.random() < 0.05 else float(rng.randrange(100))
        period = instant(rng, hours) if rng.random() < 0.9 else (START + timedelta(days=rng.randrange(3))).strftime(
            "%Y-%m-%d")
        rows.append(("K", rng.choice(entities), period, value, 1.8e9 + i))
    return rows


@pytest.mark.parametrize("hours", [30, RECENT_PERIODS + 40])  # without and with columns pruned by the bound
@pytest.mark.parametrize("seed", range(25))
def test_a_few_rows_give_exactly_the_rebuilt_series(seed: int, hours: int) -> None:
    rng = random.Random(seed)
    entities = [f"H{i:03d}" for i in range(12)]
    existing = merge(None, "K", feed(rng, 1500, hours, entities))
    existing.cell_seconds  # noqa: B018 - worked out, as the wall does before the next poll
    for _ in range(5):
        rows = feed(rng, rng.randint(1, 6), hours, entities + ["NEW"] * (rng.random() < 0.1))
        fast, slow = merge(existing, "K", rows), rebuilt(existing, rows)
        same(fast, slow)
        existing = fast


def test_a_row_in_a_cell_the_series_has_takes_the_fast_path() -> None:
    existing = merge(None, "K", [("K", "H1", "2026-11-22T10:05", 5.0, 1.0), ("K", "H2", "2026-11-22T10:20", 7.0, 2.0)])
    updated = merge(existing, "K", [("K", "H1", "2026-11-22T10:40", 6.0, 3.0)])
    assert updated.periods == existing.periods and updated.latest("H1") == ("2026-11-22T10:40", 6.0, 3.0)
    assert existing.latest("H1") == ("2026-11-22T10:05", 5.0, 1.0)  # the old series is unchanged
    stale = merge(updated, "K", [("K", "H1", "2026-11-22T10:30", 9.0, 4.0)])  # older instant of the hour
    assert stale.latest("H1") == ("2026-11-22T10:40", 6.0, 3.0)

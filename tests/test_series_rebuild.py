"""A series rebuilt with array operations equals the cell-by-cell rebuild it replaced.

A cold sync applies its rows page by page, so a KPI's series is rebuilt once for every
page that touches it; `series._rebuild` does it with numpy instead of walking every
cell in Python. These tests hold it to the plain cell-by-cell definition (kept below
as the reference): every observation put in its cell (`_put` decides), then the bound
(`_kept_columns`). Random feeds of months, days and instants, nulls, corrections, an
older instant of an hour arriving after a newer one, and enough periods for the bound
to prune, applied in pages.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from cmwall.sync import series as series_module
from cmwall.sync.series import RECENT_PERIODS, Cell, KpiSeries, Row, _kept_columns, _put, column_of, merge

START = datetime(2026, 1, 1, tzinfo=UTC)


def reference(series: KpiSeries | None, kpi: str, rows: list[Row]) -> KpiSeries:
    """The rebuild from every cell, one at a time (the definition `_rebuild` must keep)."""
    cells: dict[tuple[str, str], Cell] = {}
    if series is not None:
        for _, entity, period, value, t in series.rows():
            _put(cells, entity, period, value, t)
    for _, entity, period, value, t in rows:
        _put(cells, entity, period, value, t)
    entities = sorted({e for e, _ in cells})
    latest: dict[str, str] = {}
    for entity, column in cells:
        if column > latest.get(entity, ""):
            latest[entity] = column
    columns = _kept_columns(sorted({c for _, c in cells}), latest.values())
    e_index = {e: i for i, e in enumerate(entities)}
    c_index = {c: i for i, c in enumerate(columns)}
    values = np.full((len(entities), len(columns)), np.nan)
    times = np.full((len(entities), len(columns)), np.nan)
    exact: np.ndarray | None = None
    for (entity, column), (period, value, t) in cells.items():
        col = c_index.get(column)
        if col is None:
            continue
        row = e_index[entity]
        values[row, col] = np.nan if value is None else value
        times[row, col] = t
        if period != column:
            if exact is None:
                exact = np.full((len(entities), len(columns)), None, dtype=object)
            exact[row, col] = period
    return KpiSeries(kpi, tuple(entities), tuple(columns), values, times, exact)


def same(a: KpiSeries, b: KpiSeries) -> None:
    assert a.entities == b.entities and a.periods == b.periods
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.reported_at, b.reported_at)
    assert (a.cell_periods is None) == (b.cell_periods is None)
    if a.cell_periods is not None and b.cell_periods is not None:
        assert a.cell_periods.tolist() == b.cell_periods.tolist()
        assert all(type(p) in (str, type(None)) for p in a.cell_periods.flat)


def period(rng: random.Random, kind: str, span: int) -> str:
    if kind == "month":
        return f"{2020 + rng.randrange(span) // 12}-{rng.randrange(span) % 12 + 1:02d}"
    if kind == "day":
        return (START + timedelta(days=rng.randrange(span))).strftime("%Y-%m-%d")
    moment = START + timedelta(hours=rng.randrange(span), minutes=rng.randrange(4) * 15)
    return moment.strftime("%Y-%m-%dT%H:%M")


def feed(rng: random.Random, n: int, kinds: tuple[str, ...], span: int, entities: list[str]) -> list[Row]:
    return [("K", rng.choice(entities), period(rng, rng.choice(kinds), span),
             None if rng.random() < 0.05 else float(rng.randrange(100)), 1.8e9 + rng.randrange(10**6))
            for _ in range(n)]


KINDS = [("month",), ("day",), ("instant",), ("day", "instant"), ("month", "day", "instant")]


@pytest.mark.parametrize("span", [20, RECENT_PERIODS + 60])  # without and with columns pruned by the bound
@pytest.mark.parametrize("kinds", KINDS)
@pytest.mark.parametrize("seed", range(6))
def test_page_by_page_the_array_rebuild_equals_the_cell_by_cell_one(seed: int, kinds: tuple[str, ...],
                                                                    span: int) -> None:
    rng = random.Random(seed)
    entities = [f"E{i:02d}" for i in range(rng.randint(1, 15))]
    ours: KpiSeries | None = None
    theirs: KpiSeries | None = None
    for _ in range(8):  # pages
        rows = feed(rng, rng.randint(1, 300), kinds, span, entities + [f"N{rng.randrange(50)}"])
        ours = series_module._rebuild(ours, "K", rows)
        theirs = reference(theirs, "K", rows)
        same(ours, theirs)


def test_an_older_instant_of_the_hour_does_not_replace_the_newer_one_held() -> None:
    held = merge(None, "K", [("K", "H1", "2026-11-22T10:40", 5.0, 2.0)])
    later = series_module._rebuild(held, "K", [("K", "H1", "2026-11-22T10:05", 9.0, 3.0),
                                               ("K", "H2", "2026-11-22T11:00", 1.0, 3.0)])
    assert later.latest("H1") == ("2026-11-22T10:40", 5.0, 2.0)
    assert later.latest("H2") == ("2026-11-22T11:00", 1.0, 3.0) and later.cell_periods is not None
    assert column_of("2026-11-22T11:00") == "2026-11-22T11:00"


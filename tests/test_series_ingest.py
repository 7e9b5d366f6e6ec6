"""Pages applied through `SeriesIngest` give exactly the series `apply_rows` gives page by page.

A cold sync applies a month or so of each KPI per page; `SeriesIngest` grows a KPI's
matrices in place while pages bring it only new months or days, and makes its series
when they are read, instead of a new series per page. Whatever the feed (months, days,
instants, nulls, corrections within a page, entities appearing late, more periods than
the bound keeps) and wherever the series are read in between, every series read is
the one page-by-page `apply_rows` makes, and a mapping once handed out never changes.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from cmwall.sync.series import RECENT_PERIODS, KpiSeries, Row, SeriesIngest, apply_rows, frozen

KPIS = ["A", "B", "C"]


def same(a: KpiSeries, b: KpiSeries) -> None:
    assert a.kpi == b.kpi and a.entities == b.entities and a.periods == b.periods
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.reported_at, b.reported_at)
    assert a.values.dtype == b.values.dtype == np.float64
    assert not a.values.flags.writeable and not a.reported_at.flags.writeable
    if a.cell_periods is None or b.cell_periods is None:
        assert a.cell_periods is None and b.cell_periods is None
    else:
        assert a.cell_periods.tolist() == b.cell_periods.tolist()
    assert a.row_index == b.row_index
    assert [a.latest(e) for e in a.entities] == [b.latest(e) for e in b.entities]


def month(i: int) -> str:
    return f"{2020 + i // 12}-{i % 12 + 1:02d}"


def cold_feed(rng: random.Random, months: int, entities: list[str]) -> list[list[Row]]:
    """Month after month, KPI after KPI, entities in order: what a cold sync reads, cut into
    pages at random, with now and then a KPI missing places, a place arriving late, two
    or three months in one run, a correction within the page, a day, an instant or a
    null."""
    rows: list[Row] = []
    t = 1.8e9
    m = 0
    while m < months:
        span = rng.choice([1, 1, 1, 2, 3])
        for kpi in KPIS:
            for p in range(m, min(m + span, months)):
                places = entities if rng.random() < 0.8 else sorted(rng.sample(entities, max(1, len(entities) - 2)))
                if rng.random() < 0.05:
                    places = [*places, f"N{rng.randrange(3)}"]  # a place new to the KPI
                for e in places:
                    t += 1
                    rows.append((kpi, e, month(p), None if rng.random() < 0.05 else float(rng.randrange(100)), t))
                odd = rng.random()
                if odd < 0.05:  # a correction of a cell already sent in this run
                    rows.append((kpi, places[0], month(p), 1.0, t + 0.5))
                elif odd < 0.08:
                    rows.append((kpi, places[-1], f"{month(p)}-0{rng.randrange(1, 9)}", 2.0, t + 0.5))
                elif odd < 0.10:
                    rows.append((kpi, places[-1], f"{month(p)}-02T10:{rng.randrange(60):02d}", 3.0, t + 0.5))
                elif odd < 0.12 and p:  # a correction of an earlier month
                    rows.append((kpi, places[0], month(p - 1), 4.0, t + 0.5))
        m += span
    pages: list[list[Row]] = []
    while rows:
        cut = rng.randint(1, 3 * len(entities) * len(KPIS))
        pages.append(rows[:cut])
        rows = rows[cut:]
    return pages


@pytest.mark.parametrize("months", [14, RECENT_PERIODS + 20])  # without and with the bound pruning columns
@pytest.mark.parametrize("seed", range(8))
def test_an_ingest_read_anywhere_gives_the_series_of_page_by_page_merges(seed: int, months: int) -> None:
    rng = random.Random(seed)
    entities = sorted(f"{400 + i}" for i in range(rng.randint(1, 12)))
    expected = frozen({})
    ingest = SeriesIngest()
    handed: list[tuple[dict[str, KpiSeries], dict[str, tuple[np.ndarray, np.ndarray]]]] = []
    for page in cold_feed(rng, months, entities):
        expected = frozen(apply_rows(expected, page))
        ingest.add(page)
        if rng.random() < 0.3:  # the series read (a partial snapshot) now and then
            read = ingest.series()
            assert read.keys() == expected.keys()
            for kpi in expected:
                same(read[kpi], expected[kpi])
            handed.append((dict(read), {k: (s.values.copy(), s.reported_at.copy()) for k, s in read.items()}))
    final = ingest.series()
    assert final.keys() == expected.keys()
    for kpi in expected:
        same(final[kpi], expected[kpi])
    for read, copies in handed:  # what was handed out before is as it was
        for kpi, s in read.items():
            np.testing.assert_array_equal(s.values, copies[kpi][0])
            np.testing.assert_array_equal(s.reported_at, copies[kpi][1])


def test_the_mapping_is_new_only_when_something_changed() -> None:
    ingest = SeriesIngest()
    ingest.add([("A", "438", "2026-01", 1.0, 1.0), ("A", "439", "2026-01", None, 1.0)])
    first = ingest.series()
    assert ingest.series() is first
    ingest.add([("A", "438", "2026-02", 2.0, 2.0)])
    second = ingest.series()
    assert second is not first and first["A"].periods == ("2026-01",)
    assert second["A"].periods == ("2026-01", "2026-02") and second["A"].latest("439") == ("2026-01", None, 1.0)


def test_an_ingest_goes_on_from_the_series_it_is_given() -> None:
    start = frozen(apply_rows({}, [("A", "438", "2026-01", 1.0, 1.0)]))
    ingest = SeriesIngest(start)
    ingest.add([("A", "438", "2026-02", 2.0, 2.0)])
    same(ingest.series()["A"], apply_rows(start, [("A", "438", "2026-02", 2.0, 2.0)])["A"])

"""Roll-ups follow each KPI's `aggregate`, at the moment shown, and say how they were made."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pytest
from cmwall.sync.contract import Catalog
from cmwall.sync.period_time import IST
from cmwall.sync.rollup import figure, history
from cmwall.sync.series import apply_rows


def catalog(aggregate: str = "sum", level: str | None = "facility", frequency: str = "PT1H") -> Catalog:
    return Catalog.model_validate({
        "revision": "t", "state": {"code": "9", "name": "Uttar Pradesh"},
        "entities": [
            {"code": "D1", "name": "One", "level": "district", "parent": "9"},
            {"code": "H1", "name": "H1", "level": "facility", "parent": "D1"},
            {"code": "H2", "name": "H2", "level": "facility", "parent": "D1"},
            {"code": "H3", "name": "H3", "level": "facility", "parent": "9"},  # straight to the state
            {"code": "H4", "name": "H4", "level": "facility", "parent": "9"},  # never reports
        ],
        "kpis": [{"code": "BEDS", "name": "Beds", "scheme": "S", "level": level, "frequency": frequency,
                  "aggregate": aggregate}],
    })


def at(hh: int, mm: int) -> datetime:
    return datetime(2026, 11, 22, hh, mm, tzinfo=IST)


def row(entity: str, hh: int, mm: int, value: float | None, late_min: int = 2) -> tuple[str, str, str, float | None, float]:
    return ("BEDS", entity, f"2026-11-22T{hh:02d}:{mm:02d}", value, (at(hh, mm) + timedelta(minutes=late_min)).timestamp())


SERIES = apply_rows({}, [
    row("H1", 9, 10, 10.0), row("H2", 11, 40, 20.0), row("H3", 11, 55, 5.0),
    row("H1", 12, 30, 12.0),  # after noon: not counted at 12:00
])["BEDS"]


def test_sum_counts_each_place_with_its_latest_value_at_or_before_the_moment() -> None:
    cat = catalog()
    kpi = cat.kpis[0]
    noon = figure(cat, SERIES, kpi, "9", at(12, 0))
    assert noon.value == 35.0 and noon.method == "sum"
    assert noon.places == 3
    assert noon.missing == 1  # H4 is a facility and said nothing
    assert noon.stale == 1  # H1's 09:10 report is older than PT1H at 12:00
    later = figure(cat, SERIES, kpi, "9", at(13, 0))
    assert later.value == 37.0 and later.stale == 2  # H2's 11:40 is now past its hour too


def test_facilities_parented_to_the_state_and_to_a_district_both_roll_up() -> None:
    cat = catalog()
    district = figure(cat, SERIES, cat.kpis[0], "D1", at(12, 0))
    assert district.value == 30.0 and district.places == 2 and district.missing == 0


@pytest.mark.parametrize(("aggregate", "expected"), [("mean", 35 / 3), ("min", 5.0), ("max", 20.0)])
def test_other_aggregates(aggregate: str, expected: float) -> None:
    cat = catalog(aggregate)
    # a mean is over the places: H1, H2 (under D1) and H3, not the mean of D1's mean and H3
    value = figure(cat, SERIES, cat.kpis[0], "9", at(12, 0)).value
    assert value is not None
    if aggregate == "mean":
        assert math.isclose(value, (10.0 + 20.0 + 5.0) / 3)
        assert math.isclose(history(cat, SERIES, cat.kpis[0], "9", at(12, 0), 5).values[-1], 35.0 / 3)
    else:
        assert value == expected


def test_unknown_aggregate_gives_no_figure_rather_than_a_guess() -> None:
    cat = catalog("median")
    result = figure(cat, SERIES, cat.kpis[0], "9", at(12, 0))
    assert result.value is None


def test_own_report_wins_over_the_roll_up_and_null_is_unknown() -> None:
    cat = catalog(level=None)
    series = apply_rows({}, [row("H1", 9, 0, 10.0), ("BEDS", "9", "2026-11-22T09:00", 99.0, at(9, 5).timestamp()),
                             row("H3", 10, 0, None)])["BEDS"]
    assert figure(cat, series, cat.kpis[0], "9", at(12, 0)).value == 99.0
    null = figure(cat, series, cat.kpis[0], "H3", at(12, 0))
    assert null.value is None


def test_history_of_a_sum_has_one_point_per_moment_a_place_reported_time_proportional() -> None:
    cat = catalog()
    hist = history(cat, SERIES, cat.kpis[0], "9", at(13, 0), 10)
    assert hist.method == "sum"
    # columns are hours: 09 (H1=10), 11 (H1 10 + H2 20 + H3 5), 12 (H1 12 + 20 + 5); the 09
    # point sums one of the three places and would draw a false climb: it is left out
    assert hist.values == (35.0, 37.0)
    assert hist.seconds == (at(11, 55).timestamp(), at(12, 30).timestamp())
    own = history(cat, SERIES, cat.kpis[0], "H1", at(13, 0), 10)
    assert own.periods == ("2026-11-22T09:10", "2026-11-22T12:30") and own.values == (10.0, 12.0)
    assert history(cat, SERIES, cat.kpis[0], "9", at(12, 0), 10).values == (35.0,)


def test_a_place_that_never_reports_one_side_of_a_pair_is_not_counted_as_silent() -> None:
    cat = Catalog.model_validate({
        "revision": "t", "state": {"code": "9", "name": "Uttar Pradesh"},
        "entities": [{"code": f"H{i}", "name": f"H{i}", "level": "facility", "parent": "9"} for i in range(3)],
        "kpis": [
            {"code": "VENT.USED", "name": "Ventilators in use", "scheme": "S", "level": "facility",
             "frequency": "PT1H", "aggregate": "sum", "capacity_of": "VENT.CAP"},
            {"code": "VENT.CAP", "name": "Ventilators", "scheme": "S", "level": "facility", "aggregate": "sum"},
            {"code": "ADMIT", "name": "Admissions", "scheme": "S", "level": "facility", "aggregate": "sum"},
        ],
    })
    used = cat.kpi("VENT.USED")
    admit = cat.kpi("ADMIT")
    assert used is not None and admit is not None
    rows = [("VENT.USED", "H0", "2026-11-22T11:10", 4.0, at(11, 12).timestamp()),
            ("VENT.USED", "H1", "2026-11-22T08:10", None, at(8, 12).timestamp()),
            ("ADMIT", "H0", "2026-11-22", 30.0, at(11, 12).timestamp())]
    series = apply_rows({}, rows)
    # H2 has no ventilators (never sent the pair): not silent; H1 said "not available": silent.
    assert figure(cat, series["VENT.USED"], used, "9", at(12, 0)).missing == 1
    # a KPI outside any pair is expected of every hospital
    assert figure(cat, series["ADMIT"], admit, "9", at(12, 0)).missing == 2


def test_unknown_or_cyclic_parents_hang_from_the_state_and_every_roll_up_ends() -> None:
    cat = Catalog.model_validate({
        "revision": "t", "state": {"code": "9", "name": "Uttar Pradesh"},
        "entities": [
            {"code": "A", "name": "A", "level": "facility", "parent": "B"},
            {"code": "B", "name": "B", "level": "facility", "parent": "A"},  # a cycle
            {"code": "C", "name": "C", "level": "facility", "parent": "NOWHERE"},
            {"code": "D", "name": "D", "level": "facility", "parent": "D"},  # itself
        ],
        "kpis": [{"code": "BEDS", "name": "Beds", "scheme": "S", "level": "facility", "aggregate": "sum"}],
    })
    series = apply_rows({}, [("BEDS", code, "2026-11-22T10:00", 100.0, at(10, 5).timestamp()) for code in "ABCD"])
    total = figure(cat, series["BEDS"], cat.kpis[0], "9", at(12, 0))
    assert total.value == 400.0 and total.places == 4
    assert {e.code for e in cat.orphans} == {"A", "B", "C", "D"}
    assert history(cat, series["BEDS"], cat.kpis[0], "9", at(12, 0), 5).values == (400.0,)


def test_infinite_or_nan_values_never_become_figures() -> None:
    """The contract refuses them (the row is rejected alone, sync/page_parsing.py), so no
    roll-up ever adds one up; a JSON null stays "not available"."""
    from cmwall.sync.contract import Observation
    from pydantic import ValidationError

    row = {"kpi": "K", "entity": "E", "period": "2026-10", "reported_at": "2026-11-01T10:00:00+05:30"}
    for raw in ("Infinity", "-Infinity", "NaN", 1e400, float("nan"), float("inf")):
        with pytest.raises(ValidationError):
            Observation.model_validate({**row, "value": raw})
    assert Observation.model_validate({**row, "value": None}).value is None


def test_a_pair_adds_up_only_the_places_that_report_both_sides() -> None:
    from cmwall.sync.rollup import pair_figures

    cat = Catalog.model_validate({
        "revision": "t", "state": {"code": "9", "name": "Uttar Pradesh"},
        "entities": [{"code": f"H{i}", "name": f"H{i}", "level": "facility", "parent": "9"} for i in range(4)],
        "kpis": [
            {"code": "ICU.USED", "name": "ICU in use", "scheme": "S", "level": "facility", "aggregate": "sum",
             "capacity_of": "ICU.CAP", "frequency": "PT1H"},
            {"code": "ICU.CAP", "name": "ICU beds", "scheme": "S", "level": "facility", "aggregate": "sum",
             "frequency": "P1D"},
        ],
    })
    t = at(10, 5).timestamp()
    rows = [("ICU.USED", "H0", "2026-11-22T10:00", 10.0, t), ("ICU.CAP", "H0", "2026-11-22", 10.0, t),
            ("ICU.USED", "H1", "2026-11-22T10:00", 20.0, t), ("ICU.CAP", "H1", "2026-11-22", 20.0, t),
            ("ICU.CAP", "H2", "2026-11-22", 50.0, t),  # sends its total only
            ("ICU.USED", "H3", "2026-11-22T10:00", 40.0, t)]  # sends its occupied beds only
    series = apply_rows({}, rows)
    used, total = pair_figures(cat, series, cat.kpis[0], cat.kpis[1], ["9", "H2"], at(11, 0))["9"]
    assert (used.value, total.value) == (30.0, 30.0)  # full, not 70 of 80 (42 % full, 50 free)
    assert used.places == total.places == 2
    h2_used, h2_total = pair_figures(cat, series, cat.kpis[0], cat.kpis[1], ["H2"], at(11, 0))["H2"]
    assert h2_used.value is None and h2_total.value == 50.0  # a place's own side stays as it is


def test_a_reading_is_as_old_as_its_instant_not_as_its_sending() -> None:
    cat = catalog()
    late = apply_rows({}, [("BEDS", "H1", "2026-11-22T10:15", 7.0, at(14, 0).timestamp())])["BEDS"]
    seen = figure(cat, late, cat.kpis[0], "H1", at(14, 30))
    assert seen.reported_at == at(10, 15).timestamp()
    assert seen.stale == 1  # four hours old at 14:30 for an hourly KPI, though sent at 14:00

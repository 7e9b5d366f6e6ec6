"""The fast reading of a feed page gives exactly what the contract model gives, row for row.

`parse_observation_page` checks a row in the usual shape with plain checks instead of
building one pydantic `Observation` per row (a cold sync reads a million). Those
checks may only accept what the model
accepts, with the same values: the same codes and periods, the value as a float (a
JSON integer too), the report time as the same POSIX seconds. Everything else goes to
the model, which accepts it or names its problem, and is rejected alone.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from cmwall.sync.contract import Observation
from cmwall.sync.page_parsing import parse_observation_page
from cmwall.sync.series import Row

TIMES = ["2026-11-03T12:10:00+05:30", "2026-11-03T06:40:00Z", "2026-11-03T12:10:00.25+05:30",
         "2026-11-03T12:10:07.123456-03:00", "2026-02-28T23:59:59+00:00"]
ODD_BUT_VALID = {"reported_at": "2026-11-03 12:10:00+05:30"}  # a space for the T: the model accepts it


def model_rows(rows: list[dict[str, Any]]) -> list[Row]:
    """What the contract model makes of each row that keeps it."""
    out: list[Row] = []
    for row in rows:
        o = Observation.model_validate(row)
        out.append((o.kpi, o.entity, o.period, o.value, o.reported_at.timestamp()))
    return out


def random_rows(rng: random.Random, n: int) -> list[dict[str, Any]]:
    rows = []
    for _ in range(n):
        value: Any = rng.choice([None, rng.randrange(-5, 500), rng.uniform(-1e6, 1e6), 0, 82.4])
        period = rng.choice(["2026-10", "2026-11-22", "2026-11-22T10:15", "2026-11-22T10:15:30"])
        rows.append({"kpi": rng.choice(["PMJAY.CARDS", "HFW.BEDS.ICU.OCC", "K"]), "entity": str(rng.randrange(400, 440)),
                     "period": period, "value": value, "reported_at": rng.choice(TIMES), "extra": [1]})
    return rows


def page(rows: list[Any]) -> bytes:
    return json.dumps({"cursor": "7", "more": True, "observations": rows}).encode()


@pytest.mark.parametrize("seed", range(5))
def test_a_usual_page_gives_the_models_rows(seed: int) -> None:
    rows = random_rows(random.Random(seed), 500)
    received = parse_observation_page(page(rows))
    assert received.rows == tuple(model_rows(rows)) and received.rejected == ()
    assert all(type(r[3]) in (float, type(None)) for r in received.rows)  # a JSON 5 is the float 5.0
    assert (received.cursor, received.more) == ("7", True)


@pytest.mark.parametrize("odd", [ODD_BUT_VALID, {"reported_at": "2026-11-03T12:10+05:30"},
                                 {"value": True}, {"kpi": "PMJAY\u202e.CARDS"}, {"period": "Oct 2026"},
                                 {"reported_at": "2026-13-03T12:10:00+05:30"}, {"entity": 438}])
def test_one_unusual_row_is_judged_by_the_model_and_the_rest_land(odd: dict[str, Any]) -> None:
    rows = random_rows(random.Random(1), 50)
    rows[17] = {**rows[17], **odd}
    received = parse_observation_page(page(rows))
    try:
        expected = model_rows(rows)
    except ValueError:  # the model refuses the odd row: it alone is rejected, with the model's reason
        expected = model_rows(rows[:17] + rows[18:])
        [rejected] = received.rejected
        assert rejected.reason.startswith("observations.17: ")
    else:
        assert received.rejected == ()
    assert received.rows == tuple(expected)


def test_a_missing_value_is_rejected_but_null_is_a_report() -> None:
    rows = random_rows(random.Random(2), 10)
    rows[3] = {k: v for k, v in rows[3].items() if k != "value"}
    rows[4] = {**rows[4], "value": None}
    received = parse_observation_page(page(rows))
    [rejected] = received.rejected
    assert rejected.reason.startswith("observations.3: value: Field required")
    assert len(received.rows) == 9 and received.rows[3][3] is None


def test_observations_read_as_models_keep_the_instant() -> None:
    rows = random_rows(random.Random(3), 20)
    received = parse_observation_page(page(rows))
    assert [(o.kpi, o.entity, o.period, o.value, o.reported_at.timestamp()) for o in received.observations] == \
        model_rows(rows)


def test_a_pages_rows_share_one_string_per_code_and_period() -> None:
    """A page of 20,000 rows holds a few hundred codes: its rows keep one string for each
    (memory held while the page is stored, and the series compare codes by identity)."""
    rows = random_rows(random.Random(4), 300)
    received = parse_observation_page(page(rows))
    for field in (0, 1, 2):
        assert len({id(r[field]) for r in received.rows}) == len({r[field] for r in received.rows})

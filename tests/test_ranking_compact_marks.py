"""The store's ranking is kept compact (a float row per place over shared KPI codes) and
reads exactly as the JSON it came from; a body that breaks API v1 is still refused whole."""

from __future__ import annotations

import json
import math

import pytest
from cmwall.sync.client import StoreContractError, validate_document
from cmwall.sync.contract import Ranking
from cmwall.sync.ranking.result import RankingResult
from cmwall.sync.ranking.rowmap import RowMapping


def body(rows: list[dict[str, object]]) -> bytes:
    return json.dumps({"revision": "r1", "period": "2026-10", "computed_at": "2026-11-01T10:00:00+05:30",
                       "rows": rows}).encode()


MARKS = {"K.B": 7.25, "K.A": None, "K.C": 0.0, "K.D": 10}


def test_marks_read_as_sent_in_the_order_sent_with_codes_shared_by_rows_and_rankings() -> None:
    rows = [{"entity": "D1", "score": 5.5, "rank": 1, "grade": "B", "marks": MARKS},
            {"entity": "D2", "score": 4.0, "rank": 2, "grade": "C", "marks": {**MARKS, "K.B": 1.5}}]
    first = validate_document("/v1/rankings", Ranking, body(rows))
    again = validate_document("/v1/rankings", Ranking, body(rows))
    marks = first.rows[0].marks
    assert isinstance(marks, RowMapping)
    assert list(marks.items()) == [("K.B", 7.25), ("K.A", None), ("K.C", 0.0), ("K.D", 10.0)]
    assert dict(first.rows[1].marks) == {**MARKS, "K.B": 1.5, "K.D": 10.0}
    assert marks.get("K.Z") is None and "K.Z" not in marks and len(marks) == 4
    shared = marks.parts[0]
    others = (first.rows[1].marks, again.rows[0].marks)
    assert all(isinstance(m, RowMapping) and m.parts[0] is shared for m in others)
    with pytest.raises(ValueError):  # read-only: a snapshot's ranking cannot be changed under a tile
        marks.parts[2][0] = 1.0
    result = RankingResult.from_contract(first)
    assert result.rows[0].marks is marks and result.rows[0].not_reported == ("K.A",)
    assert result.to_contract_json()["rows"] == [
        {"entity": r["entity"], "score": r["score"], "rank": r["rank"], "grade": r["grade"],
         "marks": {k: (None if v is None else float(v)) for k, v in r["marks"].items()},  # type: ignore[attr-defined]
         "by": {}} for r in rows]


def test_rows_in_other_orders_or_with_other_codes_keep_their_own() -> None:
    rows: list[dict[str, object]] = [{"entity": "D1", "marks": MARKS},
                                      {"entity": "D2", "marks": {"K.D": 1.0, "K.B": 2.0}}, {"entity": "D3"}]
    ranking = validate_document("/v1/rankings", Ranking, body(rows))
    assert list(ranking.rows[1].marks.items()) == [("K.D", 1.0), ("K.B", 2.0)]
    assert ranking.rows[1].marks.get("K.A") is None and dict(ranking.rows[2].marks) == {}
    assert RankingResult.from_contract(ranking).row("D2").not_reported == ()  # type: ignore[union-attr]


def test_a_stored_ranking_loads_back_the_same() -> None:
    ranking = validate_document("/v1/rankings", Ranking, body([{"entity": "D1", "marks": MARKS}]))
    stored = json.loads(ranking.model_dump_json())
    assert stored["rows"][0]["marks"] == {**MARKS, "K.D": 10.0}
    assert Ranking.model_validate(stored) == ranking


@pytest.mark.parametrize("marks, problem", [
    ({"K.A": "lots"}, "marks.K.A"),
    ([1.0, 2.0], "marks"),
    ({"K.\u202eA": 1.0}, "U+202E"),
    ({"K.A": True, "K.B": {"x": 1}}, "marks.K.B"),
])
def test_marks_that_break_the_contract_refuse_the_whole_body(marks: object, problem: str) -> None:
    with pytest.raises(StoreContractError) as refused:
        validate_document("/v1/rankings", Ranking, body([{"entity": "D1", "marks": MARKS},
                                                          {"entity": "D2", "marks": marks}]))
    assert str(refused.value).startswith("/v1/rankings: ") and problem in str(refused.value)


def test_a_nan_mark_reads_as_unknown() -> None:
    ranking = Ranking.model_validate({"revision": "r", "period": "2026-10", "computed_at": "2026-11-01T00:00:00Z",
                                      "rows": [{"entity": "D1", "marks": {"K.A": math.nan, "K.B": 1.0}}]})
    assert dict(ranking.rows[0].marks) == {"K.A": None, "K.B": 1.0}

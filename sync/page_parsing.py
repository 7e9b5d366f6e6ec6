"""Tolerant reading of one `/v1/observations` page: bad rows are rejected alone.

A page is an envelope (`cursor`, `more`) around rows. The envelope is the sync state:
if it breaks API v1 the whole page is refused (`StoreContractError`), because a cursor
that cannot be read cannot be followed. A row that breaks the contract (value "abc",
a missing field, a bad period, `reported_at` without an offset, `NaN`/`Infinity`, a
number beyond float range) is set aside with a one-line reason and what could be read
of it, and the rest of its page lands; the cursor still advances past it, so a bad
row never wedges the feed.

JSON has no NaN or Infinity, and a number like 1e400 has no float: Python's `json`
would quietly turn them into floats, so the parser hands them over as markers that
the row check names, instead of letting them reach the store as figures.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from .contract import Observation, ObservationPage
from .feed_quality import RejectedRow

RAW_CHARS = 300  # how much of a rejected row is kept, as received


@dataclass(frozen=True)
class NotAJsonNumber:
    """A number token JSON does not allow (NaN, Infinity, -Infinity) or float cannot hold (1e400)."""

    text: str
    problem: str = "is not a number JSON allows"  # NaN, Infinity, -Infinity

    def __str__(self) -> str:
        return self.text


class PageContractError(ValueError):
    """The page's envelope (or the body as a whole) breaks API v1; the page is refused."""


class ReceivedPage(ObservationPage):
    """A page as received: the rows that keep the contract, and those set aside.

    Built by `parse_observation_page`, never validated from store input (the store
    cannot send `rejected`)."""

    rejected: tuple[RejectedRow, ...] = ()
    etag: str | None = None  # the response's ETag, set by the client (sync/client.py)


def _constant(text: str) -> NotAJsonNumber:
    return NotAJsonNumber(text)


OUT_OF_RANGE = "is beyond the range of a number"


def _float(text: str) -> float | NotAJsonNumber:
    value = float(text)
    return value if math.isfinite(value) else NotAJsonNumber(text, OUT_OF_RANGE)


def _int(text: str) -> int | float | NotAJsonNumber:
    try:
        value = int(text)
    except ValueError:  # longer than Python's integer string limit
        return NotAJsonNumber(text[:40] + "…", OUT_OF_RANGE)
    try:
        float(value)
    except OverflowError:
        return NotAJsonNumber(text[:40] + ("…" if len(text) > 40 else ""), OUT_OF_RANGE)
    return value


def load_json(body: bytes) -> Any:
    """JSON text → Python, with non-standard and out-of-range numbers as `NotAJsonNumber`."""
    try:
        return json.loads(body, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except json.JSONDecodeError as err:
        raise PageContractError(f"body is not JSON ({err.msg} at {err.pos})") from None
    except UnicodeDecodeError as err:
        raise PageContractError(f"body is not UTF-8 JSON ({err.reason} at {err.start})") from None
    except RecursionError:
        raise PageContractError("body is nested too deeply") from None


def parse_observation_page(body: bytes, received_at: datetime | None = None) -> ReceivedPage:
    """The page's good rows and its rejected rows.

    Raises `PageContractError` (the client's `StoreContractError`) for a body that is
    not JSON or whose envelope breaks API v1."""
    doc = load_json(body)
    if not isinstance(doc, dict):
        raise PageContractError(f"does not match API v1: body is a JSON {_json_type(doc)}, not an object")
    rows = doc.get("observations", [])
    if not isinstance(rows, list):
        raise PageContractError(f"does not match API v1: observations: a JSON {_json_type(rows)}, not an array")
    try:
        envelope = ObservationPage.model_validate({**doc, "observations": []})
    except ValidationError as err:
        raise PageContractError(f"does not match API v1: {first_problem(err)}") from None
    when = received_at or datetime.now(UTC)
    good: list[Observation] = []
    rejected: list[RejectedRow] = []
    for index, row in enumerate(rows):
        observation, problem = check_row(row)
        if observation is not None:
            good.append(observation)
        else:
            rejected.append(_rejected(row, f"observations.{index}: {problem}", when))
    return ReceivedPage.model_construct(
        cursor=envelope.cursor, more=envelope.more, observations=tuple(good), rejected=tuple(rejected)
    )


def check_row(row: object) -> tuple[Observation | None, str]:
    """(the observation, "") or (None, why the row breaks API v1 in one line)."""
    if not isinstance(row, dict):
        return None, f"a JSON {_json_type(row)}, not an object"
    for name, value in row.items():
        if isinstance(value, NotAJsonNumber):
            return None, f"{name}: {value.text} {value.problem}"
    try:
        return Observation.model_validate(row), ""
    except ValidationError as err:
        return None, first_problem(err)


def first_problem(err: ValidationError) -> str:
    problems = err.errors()
    first = problems[0]
    where = ".".join(str(p) for p in first["loc"]) or "row"
    given = first.get("input")
    shown = f" (got {_short(given)})" if first["type"] != "missing" and not isinstance(given, dict) else ""
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{where}: {first['msg']}{shown}{more}"


def _rejected(row: object, reason: str, received_at: datetime) -> RejectedRow:
    fields = row if isinstance(row, dict) else {}

    def text(name: str) -> str | None:
        value = fields.get(name)
        return value[:100] if isinstance(value, str) else None

    return RejectedRow(
        received_at=received_at,
        reason=reason[:RAW_CHARS],
        kpi=text("kpi"),
        entity=text("entity"),
        period=text("period"),
        raw=raw_text(row),
    )


def raw_text(row: object) -> str:
    """The row as JSON, cut to `RAW_CHARS` characters (markers written as received)."""
    try:
        text = json.dumps(_marked(row), ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(row)
    text = _MARK_RE.sub(lambda m: m.group(1), text)  # NaN, 1e400 … written bare, as received
    return text if len(text) <= RAW_CHARS else text[: RAW_CHARS - 1] + "…"


_MARK = "\x00"
_MARK_RE = re.compile(r'"\\u0000([^"\\]*)\\u0000"')


def _marked(value: object) -> object:
    """`value` with each `NotAJsonNumber` as a marked string `raw_text` unquotes again."""
    if isinstance(value, NotAJsonNumber):
        return f"{_MARK}{value.text}{_MARK}"
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_marked(v) for v in value]
    return value


def _short(value: object) -> str:
    try:
        text = json.dumps(_marked(value), ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    text = _MARK_RE.sub(lambda m: m.group(1), text)
    return text if len(text) <= 40 else text[:39] + "…"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, NotAJsonNumber)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return type(value).__name__

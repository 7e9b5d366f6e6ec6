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

A cold sync reads a million rows, so the common case is made cheap: pages are parsed
with orjson (a body orjson refuses — NaN, 1e400, a lone surrogate, bad UTF-8 — is
parsed again the careful way above, so every reason stays the same), and a row in the
usual shape (five fields of the right JSON types, codes without invisible characters,
`reported_at` as `YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)`) is accepted by plain checks
and becomes a `Row` tuple with its report time converted once, to POSIX seconds. Any
other row goes through the contract model (`Observation`), which accepts it or names
its problem: the fast checks only ever accept what the model accepts, with the same
values.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import ValidationError

from .contract import PERIOD_RE, Observation, ObservationPage
from .feed_quality import RejectedRow
from .series import Row

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


@dataclass(frozen=True)
class ReceivedPage:
    """A page as received: the rows that keep the contract, and those set aside.

    Built by `parse_observation_page`, never from store input (the store cannot send
    `rejected`). `rows` are (kpi, entity, period, value, reported_at POSIX seconds)."""

    cursor: str
    more: bool = False
    rows: tuple[Row, ...] = ()
    rejected: tuple[RejectedRow, ...] = field(default=())
    etag: str | None = None  # the response's ETag, set by the client (sync/client.py)

    @property
    def observations(self) -> tuple[Observation, ...]:
        """The good rows as contract models, for readers that want them (the ingest uses `rows`)."""
        return tuple(Observation.model_construct(kpi=k, entity=e, period=p, value=v,
                                                 reported_at=datetime.fromtimestamp(t, UTC))
                     for k, e, p, v, t in self.rows)


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
        return orjson.loads(body)  # the usual, well-formed page: fast
    except orjson.JSONDecodeError:
        pass  # NaN, 1e400, a lone surrogate, not JSON at all …: the careful parser names it
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
    good: list[Row] = []
    rejected: list[RejectedRow] = []
    times: dict[str, float] = {}  # reported_at text → POSIX seconds: a page repeats a few times many times
    codes: dict[str, str] = {}  # KPI and entity codes already checked on this page → one shared string each
    periods: dict[str, str] = {}  # periods already checked on this page → one shared string each
    for index, row in enumerate(rows):
        fast = _usual_row(row, times, codes, periods)
        if fast is not None:
            good.append(fast)
            continue
        observation, problem = check_row(row)
        if observation is not None:
            good.append((observation.kpi, observation.entity, observation.period, observation.value,
                         observation.reported_at.timestamp()))
        else:
            rejected.append(_rejected(row, f"observations.{index}: {problem}", when))
    return ReceivedPage(cursor=envelope.cursor, more=envelope.more, rows=tuple(good), rejected=tuple(rejected))


# The usual spelling of `reported_at`; anything else (a space for the T, no seconds, "+0530",
# more than six decimals …) is left to the contract model, which may still accept it.
_USUAL_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")


def _usual_row(row: object, times: dict[str, float], codes: dict[str, str], periods: dict[str, str]) -> Row | None:
    """The row as a `Row` when it has the usual shape and keeps the contract; None sends it
    to `check_row` (which accepts it or says why not). Accepts only what `Observation`
    accepts, with the same values.

    Each code and period is checked once per page (`codes`, `periods`: the text as
    received → the one interned string every row of the page shares). Sharing costs no
    more than checking each row's copy, and what follows gains: a page's rows hold a few
    hundred strings instead of 60,000, and the series compare codes by identity."""
    if type(row) is not dict:
        return None
    kpi, entity, period = row.get("kpi"), row.get("entity"), row.get("period")
    value, reported = row.get("value"), row.get("reported_at")
    if type(kpi) is not str or type(entity) is not str or type(period) is not str or type(reported) is not str:
        return None
    known = codes.get(kpi)
    if known is None:
        if not kpi.isprintable():  # a code with an invisible character is refused
            return None
        known = codes[kpi] = sys.intern(kpi)
    kpi = known
    known = codes.get(entity)
    if known is None:
        if not entity.isprintable():
            return None
        known = codes[entity] = sys.intern(entity)
    entity = known
    if type(value) is float:
        if not math.isfinite(value):
            return None
    elif type(value) is int:
        value = float(value)  # as the model's strict float gives it
    elif value is not None or "value" not in row:
        return None
    known = periods.get(period)
    if known is None:
        if not PERIOD_RE.match(period):
            return None
        known = periods[period] = sys.intern(period)
    period = known
    seconds = times.get(reported)
    if seconds is None:
        if not _USUAL_TIME_RE.fullmatch(reported):
            return None
        try:
            stamp = datetime.fromisoformat(reported)
        except ValueError:  # e.g. month 13, offset +24:00
            return None
        seconds = times[reported] = stamp.timestamp()
    return (kpi, entity, period, value, seconds)


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

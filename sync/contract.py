"""The central store's API v1 as validated data models.

DESIGN.md fixes the contract; every response the wall accepts goes through these
models first, so a malformed body is rejected as a whole (with the field path that
is wrong) before anything reaches the local store. Free text (names, units, grade
names) is made inert on the way in and codes holding invisible characters are refused
(inert_text.py), so nothing downstream paints a bidirectional override. Unknown extra fields are ignored,
as the contract asks for forward compatibility. Models are frozen: the same objects
end up inside the immutable snapshot handed to the GUI thread.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from typing import Annotated, Any, Literal, TypeGuard

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, field_validator, model_validator
from pydantic_core import core_schema

from .inert_text import Code, Text

PERIOD_RE = re.compile(r"^\d{4}-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?)?)?$")
MONTH_RE = re.compile(r"^\d{4}-\d{2}$")

Level = Literal["state", "zone", "district", "taluka", "village", "facility"]


Aggregate = Literal["sum", "mean", "min", "max"]
AGGREGATES: tuple[str, ...] = ("sum", "mean", "min", "max")


def is_aggregate(method: str) -> TypeGuard[Aggregate]:
    """Whether this wall knows how to combine values by `method`."""
    return method in AGGREGATES


class Model(BaseModel):
    """Base for every contract model: immutable, extra fields ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Named(Model):
    """Anything with a name on screen: English `name`, the state language's `local_name`,
    and (optional, API v1 additive) `names` per language code, e.g. {"hi": …, "gu": …}."""

    code: Code
    name: Text
    local_name: Text | None = None
    names: dict[str, Text] = Field(default_factory=dict)


class State(Named):
    pass


class Entity(Named):
    level: Level
    parent: Code | None = None
    lat: float | None = None
    lon: float | None = None


class Sector(Named):
    pass


class Department(Named):
    sector: Code


class Scheme(Named):
    department: Code


class Scoring(Model):
    method: Literal["target", "minmax", "minmax_target", "bands"]
    weight: float = Field(default=1.0, ge=0)
    bands: tuple[tuple[float, float], ...] | None = None

    @model_validator(mode="after")
    def _bands_need_list(self) -> Scoring:
        if self.method == "bands" and not self.bands:
            raise ValueError("scoring.method 'bands' needs a non-empty 'bands' list")
        return self


class Alert(Model):
    warn: float | None = None
    critical: float | None = None


class Kpi(Named):
    scheme: Code
    unit: Text = ""
    better: Literal["higher", "lower"] = "higher"
    target: float | None = None
    level: Level | None = None
    frequency: str = "P1M"
    scoring: Scoring | None = None
    alert: Alert | None = None
    # Optional catalog fields (API v1, additive): how children's values make a parent's
    # value when the store sends none for it, and, on an occupied/used KPI, the code of
    # the KPI holding the matching total (occupancy and free capacity of any pair).
    # A method this wall does not know (a newer store's) is kept as sent, not guessed:
    # `aggregate_method` is then None and no rolled-up figure is shown for the KPI.
    aggregate: str = "mean"
    capacity_of: Code | None = None

    @property
    def aggregate_method(self) -> Aggregate | None:
        return self.aggregate if is_aggregate(self.aggregate) else None

    @model_validator(mode="after")
    def _target_for_target_methods(self) -> Kpi:
        method = self.scoring.method if self.scoring else None
        if method in ("target", "minmax_target", "bands") and self.target is None:
            raise ValueError(f"KPI {self.code}: scoring method '{method}' needs a target")
        return self


class RankingSpec(Model):
    level: Level = "district"
    max_marks: float = 10.0
    rollup: Literal["kpi", "scheme", "department", "sector"] = "kpi"
    grades: tuple[tuple[Text, float], ...] = (("A", 8.0), ("B", 6.0), ("C", 4.0), ("D", 0.0))
    ties: Literal["competition", "dense"] = "competition"
    missing: Literal["zero", "skip"] = "zero"


class Catalog(Model):
    revision: Text
    state: State
    entities: tuple[Entity, ...]
    sectors: tuple[Sector, ...] = ()
    departments: tuple[Department, ...] = ()
    schemes: tuple[Scheme, ...] = ()
    kpis: tuple[Kpi, ...]
    ranking: RankingSpec = RankingSpec()

    # Code -> item lookups, built once per (immutable) catalog.
    @cached_property
    def kpis_by_code(self) -> dict[str, Kpi]:
        return {k.code: k for k in self.kpis}

    @cached_property
    def entities_by_code(self) -> dict[str, Entity]:
        return {e.code: e for e in self.entities}

    @cached_property
    def schemes_by_code(self) -> dict[str, Scheme]:
        return {s.code: s for s in self.schemes}

    @cached_property
    def departments_by_code(self) -> dict[str, Department]:
        return {d.code: d for d in self.departments}

    @cached_property
    def sectors_by_code(self) -> dict[str, Sector]:
        return {s.code: s for s in self.sectors}

    def kpi(self, code: str) -> Kpi | None:
        return self.kpis_by_code.get(code)

    def entity(self, code: str) -> Entity | None:
        return self.entities_by_code.get(code)

    def entities_of_level(self, level: str) -> tuple[Entity, ...]:
        return tuple(e for e in self.entities if e.level == level)

    @cached_property
    def children_by_parent(self) -> dict[str, tuple[Entity, ...]]:
        """Parent code -> its direct children: the tree every roll-up walks.

        An entity whose parent is missing, unknown, itself, or one of its own descendants
        (a cycle) hangs from the state instead, so it is counted once and a roll-up always
        ends; `orphans` names them for `check` and the log."""
        children: dict[str, list[Entity]] = {}
        for e in self.entities:
            if e.code == self.state.code:
                continue
            children.setdefault(self._tree_parent(e), []).append(e)
        return {code: tuple(kids) for code, kids in children.items()}

    @cached_property
    def orphans(self) -> tuple[Entity, ...]:
        """Entities whose `parent` does not lead up to the state (unknown, or a cycle)."""
        return tuple(e for e in self.entities if e.code != self.state.code and e.parent != self._tree_parent(e))

    def _tree_parent(self, entity: Entity) -> str:
        seen = {entity.code}
        parent = entity.parent
        while parent is not None and parent != self.state.code:
            above = self.entities_by_code.get(parent)
            if above is None or above.code in seen:
                return self.state.code  # unknown parent, or a cycle
            seen.add(above.code)
            parent = above.parent
        return entity.parent if parent == self.state.code and entity.parent is not None else self.state.code

    def children_of(self, code: str) -> tuple[Entity, ...]:
        return self.children_by_parent.get(code, ())

    @cached_property
    def capacity_pairs(self) -> tuple[tuple[Kpi, Kpi], ...]:
        """(used, total) KPI pairs the catalog declares through `capacity_of`, in catalog
        order; a pair whose total is not in the catalog is left out (`check` reports it)."""
        pairs = []
        for kpi in self.kpis:
            total = self.kpis_by_code.get(kpi.capacity_of) if kpi.capacity_of else None
            if total is not None and total.code != kpi.code:
                pairs.append((kpi, total))
        return tuple(pairs)

    def level_of(self, code: str) -> str | None:
        """The level of an entity code; the state's own code is level "state"."""
        if code == self.state.code:
            return "state"
        entity = self.entities_by_code.get(code)
        return entity.level if entity else None

    def department_of_kpi(self, kpi: Kpi) -> Department | None:
        scheme = self.schemes_by_code.get(kpi.scheme)
        return self.departments_by_code.get(scheme.department) if scheme else None


class Observation(Model):
    kpi: Code
    entity: Code
    period: str
    value: float | None = Field(strict=True)  # a JSON number or null; "82.4" or true is no figure
    reported_at: datetime

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        # NaN, Infinity or 1e400 is no figure, and JSON has none: the row is rejected
        # (sync/page_parsing.py keeps it with this reason). `null` is "not available".
        if v is not None and not math.isfinite(v):
            raise ValueError("value must be a finite number or null")
        return v

    @field_validator("reported_at", mode="before")
    @classmethod
    def _iso_text(cls, v: object) -> object:
        if not isinstance(v, (str, datetime)):
            raise ValueError("reported_at must be an ISO-8601 date-time with offset")
        return v

    @field_validator("period")
    @classmethod
    def _period_format(cls, v: str) -> str:
        if not PERIOD_RE.match(v):
            raise ValueError("period must be an ISO-8601 date prefix: YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM")
        return v

    @field_validator("reported_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("reported_at must carry a UTC offset")
        return v


class ObservationPage(Model):
    cursor: str
    more: bool = Field(default=False, strict=True)  # true or false: "yes" or 1 is no answer to follow
    observations: tuple[Observation, ...] = ()


_KEPT_CODE_ORDERS = 8
_code_orders: dict[tuple[str, ...], Mapping[str, int]] = {}
_code_orders_lock = threading.Lock()


def _shared_order(codes: tuple[str, ...]) -> tuple[tuple[str, ...], Mapping[str, int]]:
    """The codes (the first tuple seen in this order) and code -> position, one pair for
    every row in the same order: a store's ranking lists its 3,400 KPIs in one order in
    every row, ranking after ranking, and a tuple and a dict per row cost megabytes."""
    with _code_orders_lock:
        for held, index in _code_orders.items():
            if held == codes:
                return held, index
        if len(_code_orders) >= _KEPT_CODE_ORDERS:
            del _code_orders[next(iter(_code_orders))]
        index = _code_orders[codes] = {code: i for i, code in enumerate(codes)}
        return codes, index


def compact_marks(marks: Mapping[str, float | None]) -> Mapping[str, float | None]:
    """One row's marks as a read-only mapping over a float64 row (NaN for None) and codes
    shared with every row in the same order (sync/ranking/rowmap.py): at 3,400 KPIs a
    ranking's 112,000 marks as dicts of floats held ~7 MB, as rows ~0.9 MB. Reads as the
    dict did: same codes in the same order, same floats; None stays None. A NaN mark
    (which JSON cannot carry, and which was stored as null) also reads as None: unknown."""
    from .ranking.rowmap import RowMapping  # here: the ranking package imports this module

    codes, index = _shared_order(tuple(marks))
    row = np.array(list(marks.values()), dtype=np.float64)  # None -> NaN
    row.flags.writeable = False
    return RowMapping(codes, index, row)


class _CompactMarks:
    """Pydantic schema of a row's marks: checked as `dict[Code, float | None]` (JSON as
    before: the same errors for the same bodies), kept as `compact_marks`, written as a dict."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            compact_marks, handler.generate_schema(dict[Code, float | None]),
            serialization=core_schema.plain_serializer_function_ser_schema(
                dict, return_schema=core_schema.dict_schema(core_schema.str_schema(),
                                                            core_schema.nullable_schema(core_schema.float_schema()))))


Marks = Annotated[Mapping[str, float | None], _CompactMarks]


def _no_marks() -> Mapping[str, float | None]:
    return compact_marks({})


class RankingRow(Model):
    entity: Code
    score: float | None = None
    rank: int | None = None
    grade: Text | None = None
    # KPI code -> marks. Parsed one row at a time into the compact form (no dict of floats per
    # row kept: a ranking at 3,400 KPIs carries 112,000 of them, and the wall holds three).
    marks: Marks = Field(default_factory=_no_marks)
    by: dict[str, dict[Code, float | None]] = Field(default_factory=dict)


class Ranking(Model):
    revision: Text
    period: str
    computed_at: datetime
    rows: tuple[RankingRow, ...]

    @field_validator("period")
    @classmethod
    def _month(cls, v: str) -> str:
        if not MONTH_RE.match(v):
            raise ValueError("ranking period must be a month, YYYY-MM")
        return v

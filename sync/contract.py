"""The central store's API v1 as validated data models.

DESIGN.md fixes the contract; every response the wall accepts goes through these
models first, so a malformed body is rejected as a whole (with the field path that
is wrong) before anything reaches the local store. Unknown extra fields are ignored,
as the contract asks for forward compatibility. Models are frozen: the same objects
end up inside the immutable snapshot handed to the GUI thread.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PERIOD_RE = re.compile(r"^\d{4}-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?)?)?$")
MONTH_RE = re.compile(r"^\d{4}-\d{2}$")

Level = Literal["state", "zone", "district", "taluka", "village", "facility"]


class Model(BaseModel):
    """Base for every contract model: immutable, extra fields ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class State(Model):
    code: str
    name: str
    local_name: str | None = None


class Entity(Model):
    code: str
    name: str
    local_name: str | None = None
    level: Level
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None


class Sector(Model):
    code: str
    name: str
    local_name: str | None = None


class Department(Model):
    code: str
    name: str
    local_name: str | None = None
    sector: str


class Scheme(Model):
    code: str
    name: str
    local_name: str | None = None
    department: str


class Scoring(Model):
    method: Literal["target", "minmax", "minmax_target", "bands"]
    weight: float = Field(default=1.0, ge=0)
    bands: tuple[tuple[float, float], ...] | None = None

    @model_validator(mode="after")
    def _bands_need_list(self) -> "Scoring":
        if self.method == "bands" and not self.bands:
            raise ValueError("scoring.method 'bands' needs a non-empty 'bands' list")
        return self


class Alert(Model):
    warn: float | None = None
    critical: float | None = None


class Kpi(Model):
    code: str
    name: str
    local_name: str | None = None
    scheme: str
    unit: str = ""
    better: Literal["higher", "lower"] = "higher"
    target: float | None = None
    level: Level | None = None
    frequency: str = "P1M"
    scoring: Scoring | None = None
    alert: Alert | None = None

    @model_validator(mode="after")
    def _target_for_target_methods(self) -> "Kpi":
        method = self.scoring.method if self.scoring else None
        if method in ("target", "minmax_target", "bands") and self.target is None:
            raise ValueError(f"KPI {self.code}: scoring method '{method}' needs a target")
        return self


class RankingSpec(Model):
    level: Level = "district"
    max_marks: float = 10.0
    rollup: Literal["kpi", "scheme", "department", "sector"] = "kpi"
    grades: tuple[tuple[str, float], ...] = (("A", 8.0), ("B", 6.0), ("C", 4.0), ("D", 0.0))
    ties: Literal["competition", "dense"] = "competition"
    missing: Literal["zero", "skip"] = "zero"


class Catalog(Model):
    revision: str
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

    def department_of_kpi(self, kpi: Kpi) -> Department | None:
        scheme = self.schemes_by_code.get(kpi.scheme)
        return self.departments_by_code.get(scheme.department) if scheme else None


class Observation(Model):
    kpi: str
    entity: str
    period: str
    value: float | None
    reported_at: datetime

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
    more: bool = False
    observations: tuple[Observation, ...] = ()


class RankingRow(Model):
    entity: str
    score: float | None = None
    rank: int | None = None
    grade: str | None = None
    marks: dict[str, float | None] = Field(default_factory=dict)
    by: dict[str, dict[str, float | None]] = Field(default_factory=dict)


class Ranking(Model):
    revision: str
    period: str
    computed_at: datetime
    rows: tuple[RankingRow, ...]

    @field_validator("period")
    @classmethod
    def _month(cls, v: str) -> str:
        if not MONTH_RE.match(v):
            raise ValueError("ranking period must be a month, YYYY-MM")
        return v

"""The ranking as the wall shows it, whichever side computed it.

The central store publishes a ranking (API v1 `/v1/rankings`); the local engine
computes one when the store cannot. Both become a `RankingResult`, so the ranking
tiles have one shape to draw and a `source` that says which one is speaking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Literal

import numpy as np

from ..contract import Ranking, compact_marks
from .rowmap import RowMapping

RankingSource = Literal["central", "local"]



@dataclass(frozen=True)
class RankedEntity:
    """One row of a ranking; numbers are published values (rounded to 2 decimals)."""

    entity: str
    score: float | None  # None: no counted KPI, not ranked
    rank: int | None
    grade: str | None
    # KPI code -> marks (None: not reported, skipped); read-only rows over shared codes
    # (rowmap.py): the engine's matrix columns, or the store's rows as parsed (contract.py)
    marks: Mapping[str, float | None] = field(default_factory=lambda: MappingProxyType({}))
    # level ("scheme" / "department" / "sector") -> code -> score
    by: Mapping[str, Mapping[str, float | None]] = field(default_factory=lambda: MappingProxyType({}))
    not_reported: tuple[str, ...] = ()  # ranked KPIs with no value for the period
    provisional: bool = False  # too large a share of ranked KPIs not reported


@dataclass(frozen=True)
class RankingResult:
    period: str
    rows: tuple[RankedEntity, ...]  # ranked rows by rank, then unranked rows
    source: RankingSource
    computed_at: datetime
    revision: str = ""
    data_as_of: datetime | None = None  # newest observation the ranking was computed from

    def row(self, entity: str) -> RankedEntity | None:
        for r in self.rows:
            if r.entity == entity:
                return r
        return None

    @property
    def ranked(self) -> tuple[RankedEntity, ...]:
        return tuple(r for r in self.rows if r.rank is not None)

    @classmethod
    def from_contract(cls, ranking: Ranking) -> RankingResult:
        """The store's published ranking, in the wall's shape."""
        rows = tuple(
            RankedEntity(
                entity=r.entity,
                score=r.score,
                rank=r.rank,
                grade=r.grade,
                marks=r.marks if isinstance(r.marks, RowMapping) else compact_marks(r.marks),  # read-only rows
                by=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in r.by.items()}),
                not_reported=_not_reported(r.marks),
            )
            for r in sorted(ranking.rows, key=lambda r: (r.rank is None, r.rank or 0, r.entity))
        )
        return cls(
            period=ranking.period,
            rows=rows,
            source="central",
            computed_at=ranking.computed_at,
            revision=ranking.revision,
        )

    def with_reporting_flags(self, local: RankingResult | None) -> RankingResult:
        """This ranking with `not_reported` and `provisional` taken from the wall's own
        ranking of the same month. API v1 publishes neither, and with `missing: zero`
        an unreported KPI arrives as plain 0 marks; the wall holds the observations,
        so it can say which districts did not report."""
        if local is None or local.period != self.period:
            return self
        flags = {r.entity: (r.not_reported, r.provisional) for r in local.rows}
        rows = tuple(
            replace(r, not_reported=flags[r.entity][0], provisional=flags[r.entity][1]) if r.entity in flags else r
            for r in self.rows
        )
        return replace(self, rows=rows)

    def to_contract_json(self) -> dict[str, object]:
        """The API v1 `/v1/rankings` body for this ranking (used by the demo store)."""
        return {
            "revision": self.revision,
            "period": self.period,
            "computed_at": self.computed_at.isoformat(),
            "rows": [
                {
                    "entity": r.entity,
                    "score": r.score,
                    "rank": r.rank,
                    "grade": r.grade,
                    "marks": dict(r.marks),
                    "by": {k: dict(v) for k, v in r.by.items()},
                }
                for r in self.rows
            ],
        }


def _not_reported(marks: Mapping[str, float | None]) -> tuple[str, ...]:
    """The codes whose marks are None, sorted (most rows of a store's ranking have none)."""
    if isinstance(marks, RowMapping) and not np.isnan(marks.parts[2]).any():
        return ()  # a compact row with no NaN: nothing to look for
    return tuple(sorted(k for k, v in marks.items() if v is None))

"""Figures derived from a snapshot that several tiles show the same way.

The state's value of a KPI (its own observation, else the mean over districts),
achievement against target, a KPI's marks from the ranking, grades from marks, and
rankings by sector/department/scheme/KPI with movement. Qt-free and pure, so the
tiles stay thin and these rules are unit-tested once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..sync.contract import Catalog, Kpi
from ..sync.ranking.result import RankedEntity, RankingResult
from ..sync.series import KpiSeries


@dataclass(frozen=True)
class History:
    periods: tuple[str, ...]
    values: tuple[float, ...]  # NaN where not available
    averaged: bool  # the mean over districts, not the entity's own observation

    @property
    def latest(self) -> float | None:
        for v in reversed(self.values):
            if not math.isnan(v):
                return v
        return None

    @property
    def change(self) -> float | None:
        """Latest value minus the one of the period before (both must exist)."""
        if len(self.values) < 2 or math.isnan(self.values[-1]) or math.isnan(self.values[-2]):
            return None
        return self.values[-1] - self.values[-2]


def district_codes(catalog: Catalog, level: str | None = None) -> tuple[str, ...]:
    return tuple(e.code for e in catalog.entities_of_level(level or catalog.ranking.level))


def history(catalog: Catalog, series: KpiSeries | None, entity: str | None, count: int) -> History:
    """The last `count` periods of a KPI for `entity` (None: the state)."""
    if series is None:
        return History((), (), False)
    code = entity or catalog.state.code
    if series.row_of(code) is not None:
        periods, values = series.history(code, count)
        return History(periods, tuple(float(v) for v in values), False)
    if entity is not None:
        return History((), (), False)
    rows = [r for c in district_codes(catalog) if (r := series.row_of(c)) is not None]
    if not rows:
        return History((), (), True)
    block = series.values[rows]
    seen = ~np.isnan(block).all(axis=0)
    cols = np.flatnonzero(seen)[-count:]
    with np.errstate(all="ignore"):
        means = np.nanmean(block[:, cols], axis=0) if cols.size else np.empty(0)
    return History(tuple(series.periods[c] for c in cols), tuple(float(v) for v in means), True)


def achievement(kpi: Kpi, value: float | None) -> float | None:
    """Achievement against target as a share (0.82 = 82 %), unclipped."""
    if value is None or kpi.target is None:
        return None
    if kpi.better == "higher":
        return value / kpi.target if kpi.target else None
    return 1.0 if value == 0 else kpi.target / value


def grade_for(catalog: Catalog, score: float | None) -> str | None:
    if score is None:
        return None
    rounded = math.floor(100 * score + 0.5 + 1e-9) / 100
    for name, threshold in catalog.ranking.grades:
        if rounded >= threshold:
            return name
    return None


def kpi_marks(ranking: RankingResult | None, kpi: str, entity: str | None) -> tuple[float | None, bool]:
    """(marks, averaged): the entity's marks, or for the state the mean over ranked entities."""
    if ranking is None:
        return None, entity is None
    if entity is not None:
        row = ranking.row(entity)
        return (row.marks.get(kpi) if row else None), False
    marks = [m for r in ranking.ranked if (m := r.marks.get(kpi)) is not None]
    return (sum(marks) / len(marks) if marks else None), True


def is_better(kpi: Kpi, change: float) -> bool:
    return change > 0 if kpi.better == "higher" else change < 0


@dataclass(frozen=True)
class Placed:
    entity: str
    score: float | None
    rank: int | None
    row: RankedEntity


def score_by(row: RankedEntity, by: str, code: str | None) -> float | None:
    if by == "overall":
        return row.score
    if code is None:
        return None
    if by == "kpi":
        return row.marks.get(code)
    return row.by.get(by, {}).get(code)


def placed(ranking: RankingResult, by: str, code: str | None, ties: str = "competition") -> list[Placed]:
    """Entities ordered by the chosen score with ranks (ties as the catalog says)."""
    if by == "overall":
        return [Placed(r.entity, r.score, r.rank, r) for r in ranking.rows]
    scored = [(score_by(r, by, code), r) for r in ranking.rows]
    ranked = sorted(((s, r) for s, r in scored if s is not None), key=lambda p: (-round(p[0], 2), p[1].entity))
    out: list[Placed] = []
    previous_score: float | None = None
    rank = 0
    for i, (s, r) in enumerate(ranked):
        if previous_score is None or round(s, 2) != round(previous_score, 2):
            rank = i + 1 if ties == "competition" else rank + 1
        previous_score = s
        out.append(Placed(r.entity, s, rank, r))
    out.extend(Placed(r.entity, None, None, r) for s, r in scored if s is None)
    return out


def movement(current: int | None, before: int | None) -> int | None:
    """Places gained (positive) or lost (negative) since the previous ranking."""
    if current is None or before is None:
        return None
    return before - current


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def period_label(period: str, *, with_year: bool = True) -> str:
    """'2026-10' → 'Oct 2026'; '2026-11-22' → '22 Nov'; '2026-11-22T10:15' → '10:15'."""
    try:
        month = _MONTHS[int(period[5:7]) - 1]
    except (ValueError, IndexError):
        return period
    if len(period) == 7:
        return f"{month} {period[:4]}" if with_year else f"{month} {period[2:4]}"
    if len(period) == 10:
        return f"{int(period[8:10])} {month}"
    return period[11:16]

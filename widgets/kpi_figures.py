"""Figures derived from a snapshot that several tiles show the same way.

How a KPI's figure was made, in the wall's words ("mean of 33 districts · 2 older
than 1 month"), achievement against target, a KPI's marks from the ranking, grades
from marks, rankings by sector/department/scheme/KPI with movement, and period
labels. The figures themselves come from sync/rollup.py (each KPI's own `aggregate`
at the moment shown). Qt-free and pure, so the tiles stay thin and these rules are
unit-tested once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ..sync import period_time
from ..sync.contract import Catalog, Kpi
from ..sync.freshness import frequency_text
from ..sync.ranking.result import RankedEntity, RankingResult
from ..sync.rollup import Figure
from .look.i18n import N_

Translate = Callable[[str], str]

# A catalog level in the plural and the singular, as the wall's English labels
# (translated through the i18n catalogues); a mix of levels is "places".
LEVEL_PLURAL = {"state": "states", "zone": "zones", "district": "districts", "taluka": "talukas",
                "village": "villages", "facility": "facilities"}
METHOD_WORDS = {"sum": N_("sum of {n} {places}"), "mean": N_("mean of {n} {places}"),
                "min": N_("lowest of {n} {places}"), "max": N_("highest of {n} {places}")}


def places_word(level: str | None, count: int, tr: Translate) -> str:
    """'districts' (or 'district' for one) in the wall's language; 'places' for a mix."""
    if count == 1:
        return tr(level if level in LEVEL_PLURAL else "place")
    return tr(LEVEL_PLURAL.get(level or "", "places"))


def figure_words(figure: Figure, kpi: Kpi, tr: Translate) -> tuple[str, ...]:
    """How a rolled-up figure was made, as short phrases: ('sum of 224 facilities',
    '12 older than 1 h', '3 not reporting'); () for an entity's own report."""
    words: list[str] = []
    if figure.value is None and figure.reported_at is None and kpi.aggregate_method is None:
        # a newer store's aggregate this wall cannot apply: say so, never guess a total
        return (tr("cannot combine by '{aggregate}'").format(aggregate=kpi.aggregate),)
    if figure.rolled_up and figure.method in METHOD_WORDS:
        words.append(tr(METHOD_WORDS[figure.method]).format(
            n=figure.places, places=places_word(figure.place_level, figure.places, tr)))
    if figure.rolled_up and figure.stale:
        words.append(tr("{n} older than {age}").format(n=figure.stale, age=frequency_text(kpi.frequency, tr)))
    if figure.missing and (figure.rolled_up or figure.value is None):
        words.append(tr("{n} not reporting").format(n=figure.missing) if figure.rolled_up else tr("not reported"))
    return tuple(words)


def figure_period(figure: Figure, tr: Translate) -> str:
    """The period(s) a figure is of: 'Oct 2026'; 'Sep–Oct 2026' when its places' latest
    reports are of different months (days alike); a single instant '22 Nov 10:15'."""
    newest, oldest = figure.period, figure.oldest_period
    if newest is None:
        return ""
    label = period_time.period_label(newest, tr)
    if oldest is None or oldest == newest or period_time.granularity_of(newest) == "instant":
        return label
    if period_time.granularity_of(oldest) != period_time.granularity_of(newest):
        return f"{period_time.period_label(oldest, tr)} – {label}"
    first = period_time.period_label(oldest, tr)
    year = f" {newest[:4]}"
    if oldest[:4] == newest[:4] and first.endswith(year):  # say the year once
        first = first.removesuffix(year)
    return f"{first}–{label}"


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


def period_label(period: str, *, with_year: bool = True, tr: Translate | None = None) -> str:
    """'2026-10' → 'Oct 2026' ('Oct 26'); '2026-11-22' → '22 Nov 2026' ('22 Nov');
    '2026-11-22T10:15' → '22 Nov 10:15'; month names in the language `tr` gives."""
    if tr is None:
        return period_time.period_label(period, with_year=with_year)
    return period_time.period_label(period, tr, with_year=with_year)

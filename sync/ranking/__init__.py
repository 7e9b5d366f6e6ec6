"""The wall's ranking: result shape, local engine, explanation and fallback choice.

Qt-free. `compute_ranking` follows DESIGN.md "Scoring methodology" exactly;
`explain` says why an entity has its marks; `choose_ranking` decides whether the
wall shows the central or the local ranking.
"""

from .engine import PROVISIONAL_THRESHOLD, compute_ranking, score_month
from .explain import Explanation, KpiExplanation, explain
from .fallback import RankDifference, RankingReason, ReasonKind, choose_ranking, compare_rankings
from .result import RankedEntity, RankingResult

__all__ = [
    "PROVISIONAL_THRESHOLD",
    "Explanation",
    "KpiExplanation",
    "RankDifference",
    "RankedEntity",
    "RankingReason",
    "RankingResult",
    "ReasonKind",
    "choose_ranking",
    "compare_rankings",
    "compute_ranking",
    "explain",
    "score_month",
]

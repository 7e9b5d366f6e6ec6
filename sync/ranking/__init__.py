"""The wall's ranking: result shape, local engine, explanation and fallback choice.

Qt-free. `compute_ranking` follows DESIGN.md "Scoring methodology" exactly;
`explain` says why an entity has its marks; `choose_ranking` decides whether the
wall shows the central or the local ranking.
"""

from .engine import compute_ranking, score_month
from .explain import Explanation, KpiExplanation, explain
from .fallback import RankDifference, choose_ranking, compare_rankings
from .result import RankedEntity, RankingResult

__all__ = [
    "Explanation",
    "KpiExplanation",
    "RankDifference",
    "RankedEntity",
    "RankingResult",
    "choose_ranking",
    "compare_rankings",
    "compute_ranking",
    "explain",
    "score_month",
]

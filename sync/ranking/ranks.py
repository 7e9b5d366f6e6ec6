"""Ranks and grades from rounded overall scores (DESIGN.md §4–5).

Scores are compared rounded to 2 decimals, so 7.344 and 7.336 (both 7.34) tie.
``competition`` ranks are 1 + the number of entities with a higher rounded score
(1, 2, 2, 4); ``dense`` ranks are 1 + the number of distinct higher rounded scores
(1, 2, 2, 3). Entities without a score get no rank and no grade. A grade is the
first of ``ranking.grades`` (in the catalog's order, highest threshold first) whose
threshold is ≤ the rounded score; a score below every threshold has no grade.
"""

from __future__ import annotations

import numpy as np

from ..sorted_distinct import sorted_distinct


def ranks(rounded: np.ndarray, ties: str) -> np.ndarray:
    """(entities,) int ranks, 0 where the score is NaN (not ranked)."""
    out = np.zeros(rounded.shape, dtype=np.int64)
    ranked = ~np.isnan(rounded)
    if not ranked.any():
        return out
    negated = -rounded[ranked]
    pool = np.sort(negated) if ties == "competition" else sorted_distinct(negated)
    out[ranked] = np.searchsorted(pool, negated, side="left") + 1
    return out


def grades(rounded: np.ndarray, names: tuple[str, ...], thresholds: np.ndarray) -> list[str | None]:
    """Grade per entity (None where not ranked or below every threshold)."""
    if len(names) == 0:
        return [None] * len(rounded)
    hit = thresholds[None, :] <= rounded[:, None]  # NaN scores never hit
    first: list[int] = hit.argmax(axis=1).tolist()
    any_hit: list[bool] = np.any(hit, axis=1).tolist()
    return [names[f] if h else None for f, h in zip(first, any_hit)]

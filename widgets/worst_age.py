"""One freshness badge for a tile that shows several KPIs: the worst of their states.

A crisis tile mixes bed counts (every minute) and oxygen stock; if any of them is
stale the badge must say so, so the tile shows the most serious state among them.
Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterable

from .data_age import DataAge

ORDER = {"cached": 3, "not_fed": 2, "late": 1, "fresh": 0}


def worst_age(ages: Iterable[DataAge]) -> DataAge | None:
    chosen: DataAge | None = None
    for age in ages:
        if chosen is None or ORDER[age.state] > ORDER[chosen.state]:
            chosen = age
    return chosen

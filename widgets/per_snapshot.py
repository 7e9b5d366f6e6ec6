"""Facts many tiles derive from the same snapshot, worked out once per snapshot.

At state scale some facts cost tens of milliseconds each (the freshness of all 3,400
ranked KPIs, the state's mean marks of every KPI) and a wall's rankings, maps,
breakdowns and attention lists each asked for them again for every snapshot. Kept
here beside the snapshot they were made from (weakly: they go with it), they are made
once per snapshot, whichever thread builds the tiles' models.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from ..sync.alerts import Judgement, shown_judgement
from ..sync.ranking.result import RankingResult
from ..sync.snapshot import Snapshot
from ..sync.thresholds import Thresholds
from .data_age import DataAge, Translate, snapshot_age

T = TypeVar("T")
AGE_STEP_S = 5  # ages are shown to the minute: one worked out within 5 s serves every tile

_kept: WeakKeyDictionary[Snapshot, dict[Hashable, Any]] = WeakKeyDictionary()
_lock = threading.Lock()


def once(snapshot: Snapshot, key: Hashable, make: Callable[[], T]) -> T:
    """`make()` the first time `key` is asked of `snapshot`; what it made ever after."""
    with _lock:
        kept = _kept.get(snapshot)
        if kept is not None and key in kept:
            return kept[key]  # type: ignore[no-any-return]
    value = make()
    with _lock:
        _kept.setdefault(snapshot, {})[key] = value
    return value


def ranking_age(snapshot: Snapshot, now: datetime, tr: Translate, language: str) -> DataAge:
    """`snapshot_age(snapshot, now, tr)` (its ranked KPIs' freshness), once per snapshot, language and 5 s."""
    return once(snapshot, ("ranking_age", language, int(now.timestamp()) // AGE_STEP_S),
                lambda: snapshot_age(snapshot, now, tr))


def state_marks(snapshot: Snapshot, ranking: RankingResult) -> dict[str, float]:
    """Each KPI's mean marks over the ranked places of `ranking` (one of `snapshot`'s)."""
    def make() -> dict[str, float]:
        sums: dict[str, float] = {}
        counts: dict[str, int] = {}
        for row in ranking.ranked:
            for code, marks in row.marks.items():
                if marks is not None:
                    sums[code] = sums.get(code, 0.0) + marks
                    counts[code] = counts.get(code, 0) + 1
        return {code: total / counts[code] for code, total in sums.items()}

    return once(snapshot, ("state_marks", id(ranking)), make)


def questioned_of(snapshot: Snapshot, kpi: str) -> tuple[tuple[str, str], ...]:
    """The (place, period) of every value of `kpi` the feed quality questions, once per
    snapshot for every KPI (a tile's model is rebuilt only when these change)."""
    def make() -> dict[str, tuple[tuple[str, str], ...]]:
        by_kpi: dict[str, list[tuple[str, str]]] = {}
        for code, place, period in snapshot.feed_quality.implausible:
            by_kpi.setdefault(code, []).append((place, period))
        return {code: tuple(sorted(keys)) for code, keys in by_kpi.items()}

    return once(snapshot, "questioned_by_kpi", make).get(kpi, ())


def judgement(snapshot: Snapshot, thresholds: Thresholds) -> Judgement | None:
    """`shown_judgement(snapshot, thresholds)` without the clock (every alert, critical first),
    once per snapshot: at state scale putting the judged KPIs' alerts in order takes a third
    of a second. Only a judgement with no alert depends on the clock (`too_old_to_judge`)."""
    held = next((i for i, (judged, _) in enumerate(snapshot.derived.alerts) if judged == thresholds), None)
    if held is None:  # not judged for these: unknown (nothing to keep)
        return shown_judgement(snapshot, thresholds)
    return once(snapshot, ("judgement", held), lambda: shown_judgement(snapshot, thresholds))


def prepare(snapshot: Snapshot) -> None:
    """Work out, on the thread that delivers `snapshot` (the sync thread), the facts the GUI
    thread looks up as it applies it: every tile's questioned values, the alerts under each
    thresholds the snapshot was judged for (the crisis banner's). They cost seconds of
    Python at state scale; on the GUI thread they froze the wall at every poll."""
    questioned_of(snapshot, "")
    if snapshot.catalog is not None:
        for thresholds, _measures in snapshot.derived.alerts:
            judgement(snapshot, thresholds)


def same_inputs(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Whether two tuples of a model's inputs are alike: each part the same object (a
    KPI's series, the catalog: immutable, replaced when they change) or an equal value."""
    return len(a) == len(b) and all(x is y or (type(x) is type(y) and isinstance(x, _VALUES) and x == y)
                                    for x, y in zip(a, b))


_VALUES = (str, int, float, bool, tuple, datetime, type(None))

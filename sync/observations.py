"""Columnar, immutable observation tables: the one input shape of the ranking engine.

Observations arrive as JSON records; the engine and the widgets want columns they
can slice with numpy. An `ObservationTable` holds at most one row per
(kpi, entity, period) — the latest correction wins, as API v1 says — and its arrays
are read-only so a table can be shared with the GUI thread inside a snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from .contract import Observation


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class ObservationTable:
    """One row per (kpi, entity, period); `value` is NaN where reported as null."""

    kpi: np.ndarray  # object array of KPI codes
    entity: np.ndarray  # object array of entity codes
    period: np.ndarray  # object array of ISO-8601 period prefixes
    value: np.ndarray  # float64; NaN = reported as not available
    reported_at: np.ndarray  # float64 POSIX seconds

    def __post_init__(self) -> None:
        for name in ("kpi", "entity", "period", "value", "reported_at"):
            _readonly(getattr(self, name))

    def __len__(self) -> int:
        return int(self.value.shape[0])

    @classmethod
    def empty(cls) -> ObservationTable:
        return cls(kpi=np.empty(0, dtype=object), entity=np.empty(0, dtype=object), period=np.empty(0, dtype=object),
                   value=np.empty(0), reported_at=np.empty(0))

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[str, str, str, float | None, float | datetime]]
    ) -> ObservationTable:
        """Rows of (kpi, entity, period, value, reported_at); later rows replace earlier."""
        latest: dict[tuple[str, str, str], tuple[float | None, float | datetime]] = {}
        for kpi, entity, period, value, reported_at in rows:
            latest[(kpi, entity, period)] = (value, reported_at)
        n = len(latest)
        kpis = np.empty(n, dtype=object)
        entities = np.empty(n, dtype=object)
        periods = np.empty(n, dtype=object)
        values = np.empty(n, dtype=np.float64)
        times = np.empty(n, dtype=np.float64)
        for i, ((kpi, entity, period), (value, reported_at)) in enumerate(latest.items()):
            kpis[i], entities[i], periods[i] = kpi, entity, period
            values[i] = np.nan if value is None else value
            times[i] = reported_at.timestamp() if isinstance(reported_at, datetime) else reported_at
        return cls(kpis, entities, periods, values, times)

    @classmethod
    def from_observations(cls, observations: Iterable[Observation]) -> ObservationTable:
        return cls.from_rows((o.kpi, o.entity, o.period, o.value, o.reported_at) for o in observations)

    def records(self) -> list[dict[str, Any]]:
        """Plain dicts, for printing and tests."""
        return [
            {"kpi": k, "entity": e, "period": p, "value": None if np.isnan(v) else float(v), "reported_at": t}
            for k, e, p, v, t in zip(self.kpi, self.entity, self.period, self.value, self.reported_at)
        ]

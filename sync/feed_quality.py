"""Feed quality: which rows the wall refused, which arrive late, which look implausible.

A row that breaks API v1 is rejected alone (the rest of its page lands) and kept in the
local store with its reason; a row that keeps the contract but is hard to believe (a
negative count, a percentage outside 0–100, a value far outside the KPI's history, a
`reported_at` in the future) is stored and counted as the store sent it, and flagged
wherever the wall shows it. This module holds the values that carry those facts from
the sync thread to the screens and to `main.py report`; it knows nothing of Qt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from .inert_text import shown_escaped

ObservationKey = tuple[str, str, str]  # (kpi, entity, period)


@dataclass(frozen=True)
class RejectedRow:
    """One row the wall refused, with the reason in one line."""

    received_at: datetime
    reason: str  # e.g. "value: 'abc' is not a number"
    kpi: str | None = None  # whatever of the row could be read
    entity: str | None = None
    period: str | None = None
    raw: str = ""  # the row as received (JSON, cut to a few hundred characters)

    def __post_init__(self) -> None:
        # What the store sent is shown as evidence, never obeyed: a U+202E in a rejected
        # row's code or value is written as \u202e wherever the row is shown (inert_text.py).
        for name in ("reason", "kpi", "entity", "period", "raw"):
            text = getattr(self, name)
            if isinstance(text, str):
                object.__setattr__(self, name, shown_escaped(text))


@dataclass(frozen=True)
class QualityCount:
    """Counts for one department, KPI or entity."""

    rejected: int = 0  # rows refused (of the newest 10,000 the local store keeps)
    late: int = 0  # (kpi, entity) pairs whose latest report is older than the KPI's frequency
    implausible: int = 0  # stored values (kpi, entity, period) flagged in `FeedQuality.implausible`

    @property
    def clean(self) -> bool:
        return not (self.rejected or self.late or self.implausible)


def _empty() -> Mapping[str, QualityCount]:
    return MappingProxyType({})


@dataclass(frozen=True)
class FeedQuality:
    """Feed quality as of one snapshot. Keys of the `by_*` maps are catalog codes;
    rows whose department, KPI or entity could not be read count under "?"."""

    total: QualityCount = QualityCount()
    by_department: Mapping[str, QualityCount] = field(default_factory=_empty)
    by_kpi: Mapping[str, QualityCount] = field(default_factory=_empty)
    by_entity: Mapping[str, QualityCount] = field(default_factory=_empty)
    recent_rejections: tuple[RejectedRow, ...] = ()  # newest first, at most a few dozen
    # Stored rows that keep the contract but are hard to believe: key -> one-line reason
    # ("negative count", "percentage outside 0–100", "far outside this KPI's history",
    # "reported_at in the future"). Tiles mark these values where they show them.
    implausible: Mapping[ObservationKey, str] = field(default_factory=lambda: MappingProxyType({}))
    judged: bool = False  # False until the worker has judged the data at least once

    def flag(self, kpi: str, entity: str, period: str) -> str | None:
        """Why the value shown for (kpi, entity, period) is questioned, or None."""
        return self.implausible.get((kpi, entity, period))


NO_FEED_QUALITY = FeedQuality()

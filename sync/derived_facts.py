"""Facts derived from a snapshot's data once, on the sync thread, for the screens.

Alerts (which figures are past a threshold, and since when), freshness (when each
place last reported each KPI, and when that falls overdue) and the ranking
explanations ("why is this district 17th?") cost tens to hundreds of milliseconds
at state scale. The screens must never compute them while painting: the wall says
what it will ask (`Wants`: the thresholds of the layout on show, the places its
breakdown tiles explain), the sync worker derives those facts when it builds a
snapshot (sync/derive.py), and the tiles only look them up. A fact the snapshot does
not carry is unknown to the screens, never computed there nor guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from .thresholds import Thresholds

if TYPE_CHECKING:
    from .alerts import Measure
    from .projection import ProjectionRequest, Projections
    from .ranking.explain import Explanation
    from .report_times import KpiReports


@dataclass(frozen=True)
class Wants:
    """What the screens will ask of every snapshot."""

    thresholds: tuple[Thresholds, ...] = ()  # one per layout whose alerts are shown
    explain: frozenset[str] = frozenset()  # entity codes whose ranking is explained
    # what runs out, and when: stocks and free capacity projected (sync/projection.py)
    projections: frozenset[ProjectionRequest] = frozenset()

    def __or__(self, other: Wants) -> Wants:
        thresholds = self.thresholds + tuple(t for t in other.thresholds if t not in self.thresholds)
        return Wants(thresholds, self.explain | other.explain, self.projections | other.projections)


NOTHING_WANTED = Wants()


@dataclass(frozen=True)
class AlertCounts:
    """What the status strip says of one judgement, counted on the sync thread: the
    strip looks it up on every tick instead of sorting thousands of alerts there."""

    critical: int
    warn: int
    figures: int  # latest values compared with a threshold
    # POSIX seconds after which, no alert having been found, every KPI judged is too old
    # to judge (sync/alerts.py `too_old_to_judge`); None: never (nothing judged was reported)
    judged_until: float | None

    def known_at(self, now: float) -> bool:
        """Whether the counts still hold at `now`; else the alerts are unknown, never "none"."""
        return bool(self.critical or self.warn) or self.judged_until is None or now <= self.judged_until


@dataclass(frozen=True, eq=False)
class Derived:
    """The derived facts one snapshot carries."""

    # (thresholds, every KPI's and pair's judgement under them); compared by equality,
    # since a layout's thresholds are rebuilt, equal, whenever it is shown again.
    alerts: tuple[tuple[Thresholds, tuple[Measure, ...]], ...] = ()
    # entity -> its explanation for the ranking shown, or a one-line reason it has none.
    explanations: Mapping[str, Explanation | str] = field(default_factory=lambda: MappingProxyType({}))
    # KPI code -> when each place last reported it and falls overdue (every catalog KPI).
    reports: Mapping[str, KpiReports] = field(default_factory=lambda: MappingProxyType({}))
    # request -> every place's outlook (hours left at the current rate), in order.
    projections: Mapping[ProjectionRequest, Projections] = field(default_factory=lambda: MappingProxyType({}))
    derived: bool = False  # False: a snapshot nobody derived; the screens know nothing of it
    # (thresholds, the counts of `alerts` under them), in the same order
    alert_counts: tuple[tuple[Thresholds, AlertCounts], ...] = ()

    def measures_for(self, thresholds: Thresholds) -> tuple[Measure, ...] | None:
        """The judgement under `thresholds`, or None when it was not derived."""
        return next((measures for held, measures in self.alerts if held == thresholds), None)

    def counts_for(self, thresholds: Thresholds) -> AlertCounts | None:
        """The alert counts under `thresholds`, or None when they were not derived."""
        return next((counts for held, counts in self.alert_counts if held == thresholds), None)

    def reports_of(self, kpi: str) -> KpiReports | None:
        """`kpi`'s report times, or None when the snapshot carries none (not derived, or
        not a catalog KPI)."""
        return self.reports.get(kpi)

    def projections_for(self, request: ProjectionRequest) -> Projections | None:
        """The places' outlooks for `request`, or None when they were not derived."""
        return self.projections.get(request)

    def explanation(self, entity: str) -> Explanation | str | None:
        """`entity`'s explanation, the reason it has none, or None when it was not derived."""
        return self.explanations.get(entity)


NOT_DERIVED = Derived()

"""Derive the facts a snapshot's screens want (sync/derived_facts.py), off the GUI thread.

Called by the live sync worker and the history worker each time they build a
snapshot, and by tests that hand-make one; the screens only read the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from .alerts import Measure, measure_all
from .contract import Catalog
from .crisis_watch import MIN_LATENESS
from .derived_facts import AlertCounts, Derived, Wants
from .freshness import frequency_seconds
from .projection import projections_for
from .ranking.explain import ExplainError, Explanation
from .report_times import all_reports
from .series import KpiSeries
from .snapshot import Snapshot
from .thresholds import Thresholds


def derive(snapshot: Snapshot, wants: Wants, previous: Snapshot | None = None) -> Snapshot:
    """`snapshot` carrying every KPI's report times, and the alerts, explanations and
    projections `wants` names. `previous`: the snapshot derived before it (the sync
    worker's last), whose facts are kept for every KPI whose series is the same object
    (series are immutable): a poll derives again only what it changed."""
    catalog = snapshot.catalog
    if catalog is None:
        return replace(snapshot, derived=Derived(derived=True))
    before = previous if previous is not None and previous.catalog is catalog and previous.derived.derived else None
    alerts = tuple((thresholds, measure_all(snapshot, catalog, thresholds, _kept_measures(before, thresholds)))
                   for thresholds in wants.thresholds)
    explanations: dict[str, Explanation | str] = {}
    if snapshot.ranking is not None:
        for entity in sorted(wants.explain):
            try:
                explanations[entity] = snapshot.ranking_input.explain(catalog, entity, snapshot.ranking.period)
            except (ExplainError, ValueError) as err:
                explanations[entity] = str(err)
    reports = all_reports(catalog, snapshot.series,
                          (before.series, before.derived.reports) if before is not None else None)
    moment = snapshot.history.moment if snapshot.history is not None else snapshot.created_at
    projections = projections_for(catalog, snapshot.series, wants.projections, moment)
    derived = Derived(alerts, MappingProxyType(explanations), reports, projections, derived=True)
    counts = tuple((thresholds, alert_counts(measures, catalog, derived)) for thresholds, measures in alerts)
    return replace(snapshot, derived=replace(derived, alert_counts=counts))


def _kept_measures(before: Snapshot | None, thresholds: Thresholds
                   ) -> tuple[Mapping[str, KpiSeries], tuple[Measure, ...]] | None:
    """What `before` judged under `thresholds`, with the series it judged."""
    measures = before.derived.measures_for(thresholds) if before is not None else None
    return (before.series, measures) if before is not None and measures is not None else None


def alert_counts(measures: tuple[Measure, ...], catalog: Catalog, derived: Derived) -> AlertCounts:
    """The strip's counts of one judgement, and until when "no alert" holds: the newest
    moment at which some judged KPI (a pair's used KPI) is not yet too old to judge —
    sync/alerts.py `too_old_to_judge` turned into one deadline."""
    critical = warn = figures = 0
    until: float | None = None
    for codes, judged, found in measures:
        figures += judged
        for alert in found:
            if alert.is_critical:
                critical += 1
            else:
                warn += 1
        reports, kpi = derived.reports_of(codes[0]), catalog.kpi(codes[0])
        if reports is None or reports.newest is None or kpi is None:
            continue
        period = frequency_seconds(kpi.frequency)
        deadline = reports.newest + period + max(period, MIN_LATENESS)
        until = deadline if until is None else max(until, deadline)
    return AlertCounts(critical, warn, figures, until)

"""Derive the facts a snapshot's screens want (sync/derived_facts.py), off the GUI thread.

Called by the live sync worker and the history worker each time they build a
snapshot, and by tests that hand-make one; the screens only read the result.
"""

from __future__ import annotations

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
from .snapshot import Snapshot


def derive(snapshot: Snapshot, wants: Wants) -> Snapshot:
    """`snapshot` carrying every KPI's report times, and the alerts, explanations and
    projections `wants` names."""
    catalog = snapshot.catalog
    if catalog is None:
        return replace(snapshot, derived=Derived(derived=True))
    alerts = tuple((thresholds, measure_all(snapshot, catalog, thresholds)) for thresholds in wants.thresholds)
    explanations: dict[str, Explanation | str] = {}
    if snapshot.ranking is not None:
        for entity in sorted(wants.explain):
            try:
                explanations[entity] = snapshot.ranking_input.explain(catalog, entity, snapshot.ranking.period)
            except (ExplainError, ValueError) as err:
                explanations[entity] = str(err)
    reports = all_reports(catalog, snapshot.series)
    moment = snapshot.history.moment if snapshot.history is not None else snapshot.created_at
    projections = projections_for(catalog, snapshot.series, wants.projections, moment)
    derived = Derived(alerts, MappingProxyType(explanations), reports, projections, derived=True)
    counts = tuple((thresholds, alert_counts(measures, catalog, derived)) for thresholds, measures in alerts)
    return replace(snapshot, derived=replace(derived, alert_counts=counts))


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

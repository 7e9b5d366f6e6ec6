"""Derive the facts a snapshot's screens want (sync/derived_facts.py), off the GUI thread.

Called by the live sync worker and the history worker each time they build a
snapshot, and by tests that hand-make one; the screens only read the result.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from .alerts import measure_all
from .derived_facts import Derived, Wants
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
    return replace(snapshot, derived=Derived(alerts, MappingProxyType(explanations), reports, projections, derived=True))

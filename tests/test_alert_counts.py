"""The status strip's alert counts are looked up, counted on the sync thread (sync/derive.py),
and say exactly what judging on the GUI thread would: the same counts, the same figures,
and unknown — never "no alerts" — once every KPI judged is too old to judge."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from cmwall.sync.alerts import count_by_level, shown_judgement, too_old_to_judge
from cmwall.sync.derive import derive
from cmwall.sync.derived_facts import Wants
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.thresholds import DEFAULT_THRESHOLDS, Thresholds

from .conftest import DEMO_NOW


def counted(snapshot: Snapshot, thresholds: Thresholds, now: datetime) -> tuple[dict[str, int], int] | None:
    counts = snapshot.derived.counts_for(thresholds)
    assert counts is not None
    if not counts.known_at(now.timestamp()):
        return None
    return {"critical": counts.critical, "warn": counts.warn}, counts.figures


def judged(snapshot: Snapshot, thresholds: Thresholds, now: datetime) -> tuple[dict[str, int], int] | None:
    judgement = shown_judgement(snapshot, thresholds, now=now)
    return None if judgement is None else (count_by_level(judgement.alerts), judgement.figures)


@pytest.mark.parametrize("later", [timedelta(0), timedelta(hours=3), timedelta(days=3), timedelta(days=90)])
def test_counts_agree_with_the_judgement_as_time_passes(demo_snapshot: Snapshot, later: timedelta) -> None:
    snapshot = derive(demo_snapshot, Wants((DEFAULT_THRESHOLDS,)))
    now = DEMO_NOW + later
    assert counted(snapshot, DEFAULT_THRESHOLDS, now) == judged(snapshot, DEFAULT_THRESHOLDS, now)


@pytest.mark.parametrize("later", [timedelta(0), timedelta(hours=3), timedelta(days=3), timedelta(days=90)])
def test_no_alert_is_unknown_exactly_when_every_kpi_judged_is_too_old(demo_snapshot: Snapshot, later: timedelta) -> None:
    snapshot = derive(demo_snapshot, Wants((DEFAULT_THRESHOLDS,)))
    counts, measures = snapshot.derived.counts_for(DEFAULT_THRESHOLDS), snapshot.derived.measures_for(DEFAULT_THRESHOLDS)
    assert counts is not None and measures is not None and counts.judged_until is not None
    now = DEMO_NOW + later
    no_alerts = replace(counts, critical=0, warn=0)  # the same data had no alert been found
    assert no_alerts.known_at(now.timestamp()) == (not too_old_to_judge(snapshot, measures, now))
    assert counts.critical + counts.warn > 0 and counts.known_at(now.timestamp())  # alerts found are shown however old


def test_thresholds_not_derived_have_no_counts(demo_snapshot: Snapshot) -> None:
    snapshot = derive(demo_snapshot, Wants(()))
    assert snapshot.derived.counts_for(DEFAULT_THRESHOLDS) is None

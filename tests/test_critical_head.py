"""The crisis banner takes the critical alerts as the head of the judgement, not by a pass over all.

wall/crisis_mode.py reads a snapshot's critical alerts on the GUI thread at every poll; at
state scale a judgement holds ~5,700 alerts, so it takes the leading critical ones
(sync/alerts.py judgement_of puts them first). This holds that order on the demo store's
data and that the banner's alerts are exactly the critical ones.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cmwall.layouts.loader import SHIPPED_LAYOUTS, load_layout
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.thresholds import DEFAULT_THRESHOLDS
from cmwall.wall.crisis_mode import CrisisMode
from cmwall.widgets import per_snapshot
from pytestqt.qtbot import QtBot

from .derived import for_wall


def test_the_banner_takes_exactly_the_critical_alerts(qtbot: QtBot, demo_snapshot: Snapshot) -> None:
    snapshot = for_wall(demo_snapshot)
    judgement = per_snapshot.judgement(snapshot, DEFAULT_THRESHOLDS)
    assert judgement is not None
    levels = [a.is_critical for a in judgement.alerts]
    assert True in levels and False in levels  # the demo has both, so the order is tested
    assert levels == sorted(levels, reverse=True)  # every critical alert before every other
    home = load_layout(SHIPPED_LAYOUTS[0])
    crisis = CrisisMode(home, current=lambda: home, switch=lambda _layout: False, windows=lambda: (),
                        language=lambda: "en", clock=lambda: datetime.now(UTC))
    crisis.thresholds = DEFAULT_THRESHOLDS
    assert crisis._critical_alerts(snapshot) == [a for a in judgement.alerts if a.is_critical]


def test_the_critical_alerts_are_picked_once_per_snapshot_when_it_is_prepared(demo_snapshot: Snapshot) -> None:
    snapshot = for_wall(demo_snapshot)
    per_snapshot.prepare(snapshot)  # on the sync thread, before the wall applies it
    judgement = per_snapshot.judgement(snapshot, DEFAULT_THRESHOLDS)
    assert judgement is not None
    picked = per_snapshot.critical_alerts(snapshot, DEFAULT_THRESHOLDS)
    assert picked == tuple(a for a in judgement.alerts if a.is_critical)
    assert per_snapshot.critical_alerts(snapshot, DEFAULT_THRESHOLDS) is picked  # looked up, not picked again

"""The facts the GUI thread looks up as it applies a snapshot are made before it crosses.

wall/bridge.py: at state scale grouping the questioned values by KPI (for every KPI and
trend tile's inputs) and putting the alerts in order (the crisis banner's critical
alerts) took seconds of the GUI thread at every poll. The bridge makes them on the
thread that delivers the snapshot; the GUI thread only looks them up.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from cmwall.sync.alerts import shown_judgement
from cmwall.sync.derive import derive
from cmwall.sync.derived_facts import Wants
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.thresholds import DEFAULT_THRESHOLDS
from cmwall.wall.bridge import SnapshotBridge
from cmwall.widgets import per_snapshot
from pytestqt.qtbot import QtBot

from tests.hand_snapshots import at, catalog, snapshot

KPIS = [{"code": "BEDS", "name": "Beds free", "scheme": "S", "unit": "%", "better": "higher", "level": "district",
         "frequency": "PT1H", "alert": {"warn": 60, "critical": 40}}]


def judged_snapshot() -> Snapshot:
    s = snapshot(catalog([dict(k) for k in KPIS]), [("BEDS", "438", "2026-11-22T10:00", 12.0, at(1))])
    return derive(s, Wants((DEFAULT_THRESHOLDS,)))


def test_a_snapshot_arrives_with_the_facts_the_gui_thread_looks_up(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    bridge = SnapshotBridge()
    arrived: list[Snapshot] = []
    bridge.snapshot_applied.connect(arrived.append)
    made_on: list[str] = []

    def watched(*args: Any, **kwargs: Any) -> Any:
        made_on.append(threading.current_thread().name)
        return shown_judgement(*args, **kwargs)

    monkeypatch.setattr(per_snapshot, "shown_judgement", watched)
    sent = judged_snapshot()
    sync = threading.Thread(target=bridge.deliver, args=(sent,), name="sync-worker")
    sync.start()
    sync.join()
    qtbot.waitUntil(lambda: arrived == [sent], timeout=10_000)
    judgement = per_snapshot.judgement(sent, DEFAULT_THRESHOLDS)  # looked up on the GUI thread
    assert made_on == ["sync-worker"]
    assert judgement is not None and [a.entity for a in judgement.alerts if a.is_critical] == ["438"]


class CountedPasses(dict[tuple[str, str, str], str]):
    """The questioned values, counting each pass over all of them."""

    passes = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        CountedPasses.passes += 1
        return super().__iter__()


def test_each_places_questioned_kpis_take_one_pass_over_the_questioned_values() -> None:
    """A store whose clock runs ahead has every value questioned (~100,000 at state scale):
    a pass over all of them for each breakdown and attention tile's place held the GUI
    thread a quarter of a second at every poll. One pass serves every place."""
    from dataclasses import replace

    from cmwall.sync.feed_quality import FeedQuality

    places = [f"{n}" for n in range(400, 440)]
    questioned = CountedPasses({(kpi, place, "2026-11"): "reported_at in the future"
                                for kpi in ("BEDS", "ICU", "O2") for place in places if kpi != "O2" or place < "420"})
    sent = replace(judged_snapshot(), feed_quality=FeedQuality(implausible=questioned, judged=True))
    CountedPasses.passes = 0
    found = {place: per_snapshot.questioned_kpis(sent, place, "2026-11") for place in places + ["999"]}
    assert CountedPasses.passes == 1
    assert found["400"] == ("BEDS", "ICU", "O2") and found["439"] == ("BEDS", "ICU") and found["999"] == ()
    assert all(len(kpis) == (3 if place < "420" else 2) for place, kpis in found.items() if place != "999")

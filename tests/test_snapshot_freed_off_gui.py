"""A snapshot the wall has applied is freed off the GUI thread (issue 12, the GUI thread's CPU).

The wall let go of the previous snapshot as it applied the next one, and Python freed
that poll's ranking, alerts and explanations right there: 2-5 ms of the GUI thread at
state scale. `per_snapshot.release_later` holds each applied snapshot until nothing
else refers to it, and lets go of it on a thread of its own.
"""

from __future__ import annotations

import threading
import weakref

from cmwall.sync.snapshot import Snapshot
from cmwall.widgets import per_snapshot
from pytestqt.qtbot import QtBot

from tests.hand_snapshots import at, catalog, snapshot

KPIS = [{"code": "BEDS", "name": "Beds in use", "scheme": "S", "unit": "beds", "better": "lower",
         "level": "district", "frequency": "PT1H", "aggregate": "sum"}]


def a_snapshot(value: float) -> Snapshot:
    return snapshot(catalog([dict(k) for k in KPIS]), [("BEDS", "438", "2026-11-22T10:00", value, at(1))])


def test_a_snapshot_let_go_on_the_gui_thread_is_freed_on_another(qtbot: QtBot) -> None:
    freed_on: list[threading.Thread] = []
    shown = a_snapshot(42)
    weakref.finalize(shown, lambda: freed_on.append(threading.current_thread()))
    per_snapshot.release_later(shown)
    newer = a_snapshot(43)
    per_snapshot.release_later(newer)
    del shown  # the wall shows the newer one: the last reference the GUI thread held goes
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5_000)
    assert freed_on[0] is not threading.current_thread()


def test_a_snapshot_still_referred_to_is_kept() -> None:
    kept = a_snapshot(42)
    alive = weakref.ref(kept)
    per_snapshot.release_later(kept)
    per_snapshot.prepare(a_snapshot(43))  # the sync thread's sweep
    assert alive() is kept


def test_the_sync_threads_sweep_frees_what_nothing_else_refers_to() -> None:
    gone = a_snapshot(42)
    alive = weakref.ref(gone)
    per_snapshot.release_later(gone)
    del gone
    per_snapshot.prepare(a_snapshot(43))
    assert alive() is None

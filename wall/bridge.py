"""Hands snapshots from the sync thread to the GUI thread.

The only crossing between the two: `deliver()` is called on the scheduler's worker
thread, works out there the facts of the snapshot the GUI thread will look up as it
applies it (widgets/per_snapshot.py `prepare`: seconds of Python at state scale), and
emits `snapshot_ready`, which Qt queues to the GUI thread. The GUI side
drops any snapshot older than the last one applied, so a late delivery can never put
older data on screen.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal, Slot

from ..sync.snapshot import Snapshot
from ..widgets.per_snapshot import prepare

log = logging.getLogger(__name__)


class SnapshotBridge(QObject):
    snapshot_ready = Signal(object)  # queued: raw, from any thread
    snapshot_applied = Signal(object)  # on the GUI thread, newest only

    def __init__(self) -> None:
        super().__init__()
        self.latest: Snapshot | None = None
        self.snapshot_ready.connect(self._on_ready, Qt.ConnectionType.QueuedConnection)

    def deliver(self, snapshot: Snapshot) -> None:
        """Thread-safe: may be called from the sync worker."""
        try:
            prepare(snapshot)
        except Exception:  # the GUI thread works them out then: the snapshot must go on
            log.exception("preparing a snapshot's facts failed")
        self.snapshot_ready.emit(snapshot)

    @Slot(object)
    def _on_ready(self, snapshot: Snapshot) -> None:
        if self.latest is not None and snapshot.id <= self.latest.id:
            return
        self.latest = snapshot
        self.snapshot_applied.emit(snapshot)

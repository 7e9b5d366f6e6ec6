"""Tiles' view models built off the GUI thread, and applied on it a few at a time.

At state scale (3,400 KPIs × 33 districts, 4 screens × 48 tiles) turning a snapshot
into what the tiles show takes seconds of Python; on the GUI thread that froze the
wall for whole frames at every poll. So a `ModelStage`, shared by the tiles of a wall
(it rides in their `TileContext`), takes each tile's request for a snapshot, builds
the model (`PaintedTile.build_model`: a function of the snapshot, the tile's options
and the wall's language and clock that touches no widget) on its one worker thread,
and hands the results back to the GUI thread. There each result is applied and
painted only if it differs from the model on screen, and only as many per
event-loop turn as fit in `budget_ms`, so no turn holds a frame back; the rest wait
for the next turn (a zero-delay timer: input and other paints go between).

Requests are taken in the order they came (the windows ask for their visible tiles
first). A tile asked again before its build started keeps its place in the queue and
is built once, for the newest snapshot: were it sent to the back, then at state scale,
where building every tile takes longer than a poll, each poll would send the waiting
tiles behind the ones just built, and the tiles late on the screens would never be
built again — their old figures shown as current for as long as polls keep coming. A
result built for a snapshot the tile has since been asked again for is still shown when
it is newer than the model on screen (its newer one follows); it is dropped only when
the screen already shows something as new, or the tile went back to older data. A tile
asks only when something it shows changed (PaintedTile.model_inputs), so a poll that
changed a few hundred values builds the few tiles that show them.

Data comes before the clock. Once a minute every tile's age words ("updated 12 min
ago", overdue, stale) must be brought up to date; those rebuilds are asked for as
*refreshes* (`request(..., refresh=True)`) and wait in a second queue that is built
only when no data change waits — else 192 tiles rebuilt every minute at state scale
(some 20–45 ms each) starve the figures that changed. So that an age is never more
than about a minute behind, a refresh that has waited `REFRESH_WAIT_S` goes before
data too, and a data request for a tile replaces its refresh (its build brings the ages
up to date anyway).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from ..sync.snapshot import Snapshot

log = logging.getLogger(__name__)

BUDGET_MS = 6.0  # GUI time per event-loop turn spent applying models and painting their tiles: well under one 60 Hz frame
REFRESH_WAIT_S = 20.0  # a minute's age refresh waits at most this long behind data changes


class ModelledTile(Protocol):
    """What the stage needs of a tile (PaintedTile)."""

    snapshot: Snapshot | None
    model_snapshot: Snapshot | None  # the snapshot whose model the tile waits for
    picture_ms: float  # what painting its picture took last time (0: not yet): the next paint's likely cost

    def build_model(self, snapshot: Snapshot) -> Any: ...

    def failure_model(self, error: Exception) -> Any: ...

    def show_model(self, model: Any) -> None: ...

    def prepare_picture(self) -> None: ...


class ModelStage(QObject):
    _ready_signal = Signal()  # worker → GUI thread (queued): results are waiting

    def __init__(self, budget_ms: float = BUDGET_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.budget_ms = budget_ms
        self.built = 0  # models built on the worker (tests, benchmarks)
        self.applied = 0  # models handed to their tile on the GUI thread
        self.turns = 0  # event-loop turns spent applying
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # the worker went idle or has results
        self._wanted: dict[int, tuple[ModelledTile, Snapshot]] = {}  # by id(tile); insertion order = priority
        self._refresh: dict[int, tuple[ModelledTile, Snapshot, float]] = {}  # age refreshes, after data; monotonic asked
        self._shown: dict[int, tuple[ModelledTile, int]] = {}  # by id(tile): the snapshot id of the model on screen
        self._ready: deque[tuple[ModelledTile, Snapshot, Any]] = deque()
        self._working = False
        self._building: ModelledTile | None = None  # the tile whose model the worker is building
        self._closed = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="view-models")
        self._ready_signal.connect(self._apply_some, Qt.ConnectionType.QueuedConnection)
        self._again = QTimer(self)
        self._again.setSingleShot(True)
        self._again.setInterval(0)
        self._again.timeout.connect(self._apply_some)

    # --- GUI thread -----------------------------------------------------------------

    def request(self, tile: ModelledTile, snapshot: Snapshot, *, refresh: bool = False) -> None:
        """Build `tile`'s model for `snapshot` off the GUI thread; it is shown when ready.
        `refresh`: only the clock moved (age words), built after waiting data changes."""
        with self._lock:
            if self._closed.is_set():
                return
            key = id(tile)
            if not refresh:
                self._refresh.pop(key, None)  # the data build brings its ages up to date too
                self._wanted[key] = (tile, snapshot)  # asked again: the newest snapshot, in its place in the queue
            elif key in self._wanted:
                return  # a data build is on its way: it is built with the clock of then
            else:
                asked = self._refresh[key][2] if key in self._refresh else time.monotonic()
                self._refresh[key] = (tile, snapshot, asked)
            if not self._working:
                self._working = True
                self._pool.submit(self._work)

    def forget(self, tile: ModelledTile) -> None:
        """The tile is going away: build nothing more for it."""
        with self._lock:
            self._wanted.pop(id(tile), None)
            self._refresh.pop(id(tile), None)
            self._shown.pop(id(tile), None)
            self._ready = deque(r for r in self._ready if r[0] is not tile)

    def pending(self) -> int:
        """Requests not yet applied (built or not)."""
        with self._lock:
            waiting = len(self._wanted) + len(self._refresh)
            return waiting + len(self._ready) + (1 if self._working and not waiting else 0)

    def settled(self, tile: ModelledTile) -> bool:
        """Whether nothing is asked for `tile`, being built for it or waiting to be shown on it:
        the model on screen is the one of its latest request."""
        with self._lock:
            key = id(tile)
            return (key not in self._wanted and key not in self._refresh and self._building is not tile
                    and not any(r[0] is tile for r in self._ready))

    def flush(self, timeout_s: float = 120.0) -> bool:
        """Build every model asked for and show them all now, whatever the budget: a
        screenshot must show the snapshot's models, not the ones still on their way.
        Blocks the GUI thread (up to `timeout_s`); False if models were still coming then."""
        deadline = time.monotonic() + timeout_s
        while True:
            self._apply_some(budget_ms=None)
            with self._lock:
                if not self._wanted and not self._refresh and not self._working and not self._ready:
                    return True
                if not self._ready:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._changed.wait(min(left, 1.0))

    def close(self) -> None:
        """Stop the worker (waits for the model being built)."""
        with self._lock:
            self._closed.set()
            self._wanted.clear()
            self._refresh.clear()
            self._ready.clear()
            self._shown.clear()
        self._again.stop()
        self._pool.shutdown(wait=True)

    @Slot()
    def _apply_some(self, budget_ms: float | None = -1.0) -> None:
        """Apply ready models for up to `budget_ms` (-1: the stage's budget; None: all). Each
        applied model's picture is painted here too (PaintedTile.prepare_picture), so the
        budget counts painting; a tile whose last picture took longer than what is left of
        the budget waits for the next turn, unless it is the turn's first."""
        budget = self.budget_ms if budget_ms is not None and budget_ms < 0 else budget_ms
        started = time.perf_counter()
        self.turns += 1
        first = True
        while True:
            with self._lock:
                if not self._ready:
                    return
                tile, snapshot, model = self._ready[0]
                if not first and budget is not None and shiboken6.isValid(tile) and (
                        (time.perf_counter() - started) * 1000 + tile.picture_ms > budget):
                    break
                self._ready.popleft()
            first = False
            if shiboken6.isValid(tile) and self._newer_than_shown(tile, snapshot):  # else: gone, or outdated
                tile.show_model(model)
                if budget is not None:  # painted now, inside the budget; the window's paint event copies it
                    tile.prepare_picture()  # (a flush for a screenshot paints each text for its audit anyway)
                self.applied += 1
                self._shown[id(tile)] = (tile, snapshot.id)
            if budget is not None and (time.perf_counter() - started) * 1000 >= budget:
                break
        with self._lock:
            more = bool(self._ready)
        if more:
            self._again.start()  # the rest next turn: a frame may be drawn in between

    def _newer_than_shown(self, tile: ModelledTile, snapshot: Snapshot) -> bool:
        """Whether the model built for `snapshot` should replace the one on `tile`: it is for
        the snapshot last asked for, or for one between the shown model's and that one."""
        wanted = tile.model_snapshot
        if wanted is snapshot:
            return True
        if wanted is None or wanted.id < snapshot.id:  # the tile went back to older data (or to none)
            return False
        with self._lock:  # shown only if the newer model follows (not when the tile now shows a message)
            coming = id(tile) in self._wanted or id(tile) in self._refresh or self._building is tile or any(r[0] is tile for r in self._ready)
            shown = self._shown.get(id(tile))
        return coming and (shown is None or shown[0] is not tile or shown[1] < snapshot.id)

    # --- worker thread ------------------------------------------------------------------

    def _next_build(self) -> tuple[ModelledTile, Snapshot]:
        """Data changes first, in the order asked; a refresh when none waits, or when the
        oldest refresh has waited `REFRESH_WAIT_S` (ages must not fall behind). Under the lock."""
        if self._refresh:
            oldest = next(iter(self._refresh))
            if not self._wanted or time.monotonic() - self._refresh[oldest][2] >= REFRESH_WAIT_S:
                tile, snapshot, _ = self._refresh.pop(oldest)
                return tile, snapshot
        return self._wanted.pop(next(iter(self._wanted)))

    def _work(self) -> None:
        while True:
            with self._lock:
                if not (self._wanted or self._refresh) or self._closed.is_set():
                    self._working = False
                    self._changed.notify_all()
                    return
                tile, snapshot = self._next_build()
                self._building = tile
            model = _built(tile, snapshot)
            with self._lock:
                self._building = None
                if self._closed.is_set():
                    return
                first = not self._ready
                self._keep_ready(tile, snapshot, model)
                # Let go before the lock is: once a tile is seen settled, this thread holds
                # none of its snapshot (a poll's data is freed as soon as nothing shows it).
                del tile, snapshot, model
                self.built += 1
                self._changed.notify_all()
            if first:
                self._ready_signal.emit()

    def _keep_ready(self, tile: ModelledTile, snapshot: Snapshot, model: Any) -> None:
        """Queue a result to apply, replacing in its place one for the same tile still waiting:
        the older would only be shown to be replaced, and whenever the GUI thread applies more
        slowly than the worker builds, results kept per build (each holding its snapshot's
        data) would pile up without end. Under the lock."""
        for position, (waiting, _, _) in enumerate(self._ready):
            if waiting is tile:
                self._ready[position] = (tile, snapshot, model)
                return
        self._ready.append((tile, snapshot, model))


def _built(tile: ModelledTile, snapshot: Snapshot) -> Any:
    """The tile's model, or what it shows instead when building raised (a tile's bug must
    neither stop every other tile's models nor leave its old figure on screen as current)."""
    try:
        return tile.build_model(snapshot)
    except Exception as error:
        try:
            return tile.failure_model(error)
        except Exception:  # the failure's own message failed: nothing better to show than the log
            log.exception("building a tile's view model failed, and so did its failure message")
            return None

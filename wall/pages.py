"""Pages turned by the shared clock: which page each window shows, stepping and pausing.

rotation.py says which page is due at a moment (Qt-free, so two walls agree); this
part applies that to the windows on every tick of the wall's clock and after every
change, keeps the windows' "paused" mark true, and carries out the operator's
stepping and pausing. It owns the wall's tick, which also drives the strip's clock
(`ticked`), and reports every page turn with `pages_changed`. It knows the windows
only through the mapping it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from .rotation import Rotation, page_at
from .screen_window import ScreenWindow

TICK_MS = 250

Clock = Callable[[], datetime]


class PageTurner(QObject):
    """Rotation state and the tick that applies it to the windows."""

    pages_changed = Signal()  # some window turned its page
    ticked = Signal()  # after every tick's page turn: time to refresh what shows the time

    def __init__(self, clock: Clock, windows: Callable[[], Mapping[str, ScreenWindow]], *, enabled: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock  # the real clock in a live wall; the shown moment when taking screenshots
        self.windows = windows  # window per layout screen id (spare outputs' idle windows are skipped)
        self.rotation = Rotation(enabled=enabled)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

    @property
    def paused(self) -> bool:
        return self.rotation.paused

    def start(self) -> None:
        self.tick()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def reset(self, enabled: bool) -> None:
        """A new layout: rotation on or off as it says, unpaused, back on the shared clock."""
        self.rotation = Rotation(enabled=enabled)

    def prepare(self, window: ScreenWindow) -> None:
        """A new window shows whether rotation is paused."""
        window.set_paused(self.rotation.paused)

    def tick(self) -> None:
        self.sync(animate=True)
        self.ticked.emit()

    def follow_windows(self) -> None:
        """Windows just made or moved show their due page at once, without a fade."""
        self.sync(animate=False)

    def current_pages(self) -> dict[str, int]:
        return {key: w.current_page for key, w in self.windows().items() if w.screen_spec is not None}

    def sync(self, animate: bool = True) -> None:
        """Every window to the page due now; `pages_changed` if any turned."""
        now = self.clock()
        changed = False
        for key, window in self.windows().items():
            spec = window.screen_spec
            if spec is None:
                continue
            page = self.rotation.page(key, [p.dwell for p in spec.pages], now)
            if page != window.current_page:
                window.show_page(page, animate=animate)
                changed = True
        if changed:
            self.pages_changed.emit()

    def step(self, delta: int) -> None:
        """`delta` pages forward (or back) on every screen."""
        self.rotation.step(delta, self.current_pages())
        self.sync(animate=True)

    def toggle_pause(self) -> None:
        """Freeze every screen on its page, or go back to the shared clock."""
        if self.rotation.paused:
            self.rotation.resume()
        else:
            self.rotation.pause(self.current_pages())
        for window in self.windows().values():
            window.set_paused(self.rotation.paused)
        self.sync(animate=True)

    # --- one wall, several PCs: the operator's stepping and pausing shared (peers.py) ----

    def shared_state(self) -> dict[str, Any]:
        """What the operator made of the rotation: enough for another PC to show the same pages."""
        r = self.rotation
        return {"paused": r.paused, "offset": r.offset, "frozen": dict(r.frozen)}

    def adopt_state(self, state: Mapping[str, Any]) -> None:
        """Another PC's `shared_state()`: pause, stepping and frozen pages as it has them."""
        paused, offset, frozen = state.get("paused"), state.get("offset"), state.get("frozen")
        if not isinstance(paused, bool) or not isinstance(offset, int) or not isinstance(frozen, dict):
            return
        self.rotation.paused = paused
        self.rotation.offset = offset
        self.rotation.frozen = {str(k): v for k, v in frozen.items() if isinstance(v, int)}
        for window in self.windows().values():
            window.set_paused(paused)
        self.sync(animate=True)

    def seconds_to_next_turn(self) -> float | None:
        """Seconds until the clock turns a page on some screen (None: no screen rotates)."""
        if self.rotation.paused or not self.rotation.enabled:
            return None
        now = self.clock()
        waits = [page_at([p.dwell for p in w.screen_spec.pages], now)[1]
                 for w in self.windows().values() if w.screen_spec is not None]
        finite = [w for w in waits if w != float("inf")]
        return min(finite) if finite else None

"""Which page each screen shows: a function of wall-clock time, so walls agree.

Two wall PCs in the same room must show the same page at the same second without
talking to each other. The page is therefore computed from the time of day in IST
(seconds since midnight, modulo the sum of the pages' dwell times), never from a
timer started at launch. The operator can step pages (an offset on top of the
clock) and pause (pages freeze where they are); resuming returns to the shared
clock. Qt-free; the clock is injected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..sync.period_time import IST


def seconds_since_midnight_ist(now: datetime) -> float:
    local = now.astimezone(IST)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return (local - midnight).total_seconds()


def page_at(dwells: Sequence[float], now: datetime) -> tuple[int, float]:
    """(page index, seconds until the next page) at `now`, for pages of `dwells` seconds."""
    if not dwells:
        return 0, float("inf")
    if len(dwells) == 1:
        return 0, float("inf")
    position = seconds_since_midnight_ist(now) % sum(dwells)
    for index, dwell in enumerate(dwells):
        if position < dwell:
            return index, dwell - position
        position -= dwell
    return len(dwells) - 1, 0.0  # floating-point edge: the very end of the cycle


@dataclass
class Rotation:
    """The wall's rotation state: on/off from the layout, paused and stepped by the operator."""

    enabled: bool = True
    paused: bool = False
    offset: int = 0  # pages stepped by the operator, on top of the clock
    frozen: dict[str, int] = field(default_factory=dict)  # screen id -> page while paused / disabled

    def page(self, screen_id: str, dwells: Sequence[float], now: datetime) -> int:
        count = len(dwells)
        if count == 0:
            return 0
        if not self.enabled or self.paused:
            return self.frozen.get(screen_id, self.offset) % count
        return (page_at(dwells, now)[0] + self.offset) % count

    def pause(self, current: dict[str, int]) -> None:
        """Freeze every screen on the page it shows now."""
        self.paused = True
        self.frozen = dict(current)

    def resume(self) -> None:
        """Back to the shared clock (drops the operator's stepping, so walls agree again)."""
        self.paused = False
        self.offset = 0
        self.frozen = {}

    def step(self, delta: int, current: dict[str, int]) -> None:
        if self.paused or not self.enabled:
            self.frozen = {screen: page + delta for screen, page in current.items()}
        else:
            self.offset += delta

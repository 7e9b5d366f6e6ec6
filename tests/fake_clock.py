"""A clock the demo store's tests move by hand (the demo store reads the time only from it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from cmwall.sync.period_time import IST

START = datetime(2026, 11, 22, 10, 0, tzinfo=IST)


class FakeClock:
    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)

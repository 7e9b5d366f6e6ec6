"""Periods as moments: granularity, start and end in time, and the wall's time zone.

API v1 periods are ISO-8601 date prefixes of three granularities — a month
(`2026-10`), a day (`2026-11-22`) or an instant (`2026-11-22T10:15`) — and a store
may use any of them for any KPI. Axes, freshness, "previous period" and roll-ups
need them as points in time, so the one conversion lives here. Periods carry no
offset; they are read in IST, the time of every Indian state store and of the wall.
Qt-free.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Literal

IST = timezone(timedelta(hours=5, minutes=30), "IST")

Granularity = Literal["month", "day", "instant"]


def granularity_of(period: str) -> Granularity:
    if len(period) <= 7:
        return "month"
    if len(period) <= 10:
        return "day"
    return "instant"


@lru_cache(maxsize=65536)
def period_start(period: str) -> datetime:
    """The first moment of `period` (an instant is its own start), IST-aware."""
    if len(period) == 7:
        return datetime(int(period[:4]), int(period[5:7]), 1, tzinfo=IST)
    moment = datetime.fromisoformat(period)
    return moment.replace(tzinfo=IST) if moment.tzinfo is None else moment


def period_end(period: str) -> datetime:
    """The moment `period` is over: next month, next day, or the instant itself."""
    start = period_start(period)
    granularity = granularity_of(period)
    if granularity == "month":
        return start.replace(year=start.year + (start.month == 12), month=start.month % 12 + 1)
    if granularity == "day":
        return start + timedelta(days=1)
    return start


def period_seconds(period: str) -> float:
    """POSIX seconds of the period's start (for time-proportional axes)."""
    return period_start(period).timestamp()


def started_by(period: str, moment: datetime) -> bool:
    """True when `period` has begun at `moment` (a value "at or before" the moment)."""
    return period_start(period) <= moment

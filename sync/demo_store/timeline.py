"""Calendar arithmetic of the demo store, in India Standard Time.

The generator works in POSIX seconds and absolute month numbers (year·12 + month−1)
so that values are pure functions of time; this module converts those to the
period strings and ISO-8601 timestamps (+05:30) that API v1 publishes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

IST = timezone(timedelta(hours=5, minutes=30), "IST")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(IST)


def month_index(t: float) -> int:
    """Absolute month number of POSIX time `t`, in IST."""
    d = datetime.fromtimestamp(t, IST)
    return d.year * 12 + d.month - 1


def month_start(m: int) -> float:
    """POSIX time at which absolute month `m` begins, in IST."""
    return datetime(m // 12, m % 12 + 1, 1, tzinfo=IST).timestamp()


def month_period(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def hour_period(hour_start: float) -> str:
    return datetime.fromtimestamp(hour_start, IST).strftime("%Y-%m-%dT%H:00")


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, IST).isoformat(timespec="seconds")


def to_posix(when: datetime) -> float:
    if when.tzinfo is None:
        raise ValueError("the demo store's clock must return timezone-aware datetimes")
    return when.timestamp()


def minute_period(t: float) -> str:
    """The instant period "YYYY-MM-DDTHH:MM" of POSIX time `t`, in IST."""
    return datetime.fromtimestamp(t, IST).strftime("%Y-%m-%dT%H:%M")


def day_period(t: float) -> str:
    return datetime.fromtimestamp(t, IST).strftime("%Y-%m-%d")

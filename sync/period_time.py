"""Periods as moments: granularity, start and end in time, and the wall's time zone.

API v1 periods are ISO-8601 date prefixes of three granularities — a month
(`2026-10`), a day (`2026-11-22`) or an instant (`2026-11-22T10:15`) — and a store
may use any of them for any KPI. Axes, freshness, "previous period" and roll-ups
need them as points in time, so the one conversion lives here. Periods carry no
offset; they are read in IST, the time of every Indian state store and of the wall.
The words for periods and moments ("Oct 2026", "22 Nov", "22 Nov 10:15") live here
too, so every tile names a period the same way in every language. Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable
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
    """The moment `period` is over: the next month, the next day; an instant at once."""
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


# --- words: periods and moments as the wall writes them ---------------------------------
#
# Month names are the wall's own three-letter English labels, translated through the
# caller's `translate` (the i18n catalogues hold "Oct" → "अक्टू"), so the same rules
# serve every language; times are IST, 24-hour.

Translate = Callable[[str], str]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _same(text: str) -> str:
    return text


def month_name(month: int, translate: Translate = _same) -> str:
    """1 → 'Jan' in the caller's language."""
    return translate(MONTHS[month - 1])


def day_label(moment: datetime, translate: Translate = _same, *, with_year: bool = False) -> str:
    """'22 Nov' (or '22 Nov 2026') of `moment` in IST."""
    local = moment.astimezone(IST)
    text = f"{local.day} {month_name(local.month, translate)}"
    return f"{text} {local.year}" if with_year else text


def clock_label(moment: datetime) -> str:
    """'10:15' of `moment` in IST."""
    return moment.astimezone(IST).strftime("%H:%M")


def moment_label(moment: datetime, translate: Translate = _same, *, reference: datetime | None = None) -> str:
    """'10:15' when `moment` is on the day of `reference`, else '22 Nov 10:15', with the
    year when it differs from the reference's ('3 Nov 2021 10:15'); no reference: always
    the date."""
    local = moment.astimezone(IST)
    ref = reference.astimezone(IST) if reference is not None else None
    if ref is not None and ref.date() == local.date():
        return clock_label(local)
    return f"{day_label(local, translate, with_year=ref is not None and ref.year != local.year)} {clock_label(local)}"


def date_label(moment: datetime, translate: Translate = _same, *, reference: datetime | None = None) -> str:
    """'3 Nov', with the year when it differs from `reference`'s ('3 Nov 2021')."""
    ref_year = reference.astimezone(IST).year if reference is not None else None
    return day_label(moment, translate, with_year=ref_year is not None and ref_year != moment.astimezone(IST).year)


def period_label(period: str, translate: Translate = _same, *, with_year: bool = True) -> str:
    """A period in its own granularity: month 'Oct 2026' ('Oct 26' without the full
    year), day '22 Nov 2026' ('22 Nov'), instant '22 Nov 10:15'. Anything that is not
    an API v1 period is returned as it is."""
    try:
        start = period_start(period)
    except (ValueError, IndexError):
        return period
    granularity = granularity_of(period)
    if granularity == "month":
        name = month_name(start.month, translate)
        return f"{name} {start.year}" if with_year else f"{name} {start.year % 100:02d}"
    if granularity == "day":
        return day_label(start, translate, with_year=with_year)
    return moment_label(start, translate)


def previous_label(granularity: Granularity, previous: datetime, latest: datetime, translate: Translate = _same) -> str:
    """The previous point of a series, as short as its distance from the latest allows,
    in the data's own granularity: months 'Sep' ('Dec 2025' across a year), days
    '21 Nov' ('31 Dec 2025'), instants '10:32' ('21 Nov 10:32' on another day)."""
    prev, last = previous.astimezone(IST), latest.astimezone(IST)
    if granularity == "month":
        name = month_name(prev.month, translate)
        return name if prev.year == last.year else f"{name} {prev.year}"
    if granularity == "day":
        return day_label(prev, translate, with_year=prev.year != last.year)
    return moment_label(prev, translate, reference=last)

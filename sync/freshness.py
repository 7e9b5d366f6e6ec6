"""How fresh a figure is: fresh, late, not fed, or cached while the store is away.

Every tile shows one of these four states, and the status strip the age of the data,
so the rules live in one Qt-free place. A KPI is *late* when its last report is
older than its `frequency` (an ISO-8601 duration), *not fed* when there is no
report for the current period, and *cached* whenever the store is unreachable.
Ages are always counted from the moment the wall shows ("now", or the moment a
replay shows); data older than a season is named by its date ("data as of 15 May
2021"), never as "updated 1,827 d ago".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Literal

from .contract import Kpi
from .period_time import clock_label, date_label, day_label


def N_(text: str) -> str:
    """Marks an English template the caller's `translate` will translate (for `pybabel extract`)."""
    return text

Freshness = Literal["fresh", "late", "not_fed", "cached"]

_DURATION = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


@lru_cache(maxsize=256)
def _steps(duration: str) -> tuple[int, timedelta] | None:
    """(calendar months, the fixed rest) of an ISO-8601 duration; None if it cannot be read.
    A catalog has a handful of frequencies, judged thousands of times a poll: read once each."""
    m = _DURATION.match(duration or "")
    if not m or duration in ("P", "PT"):
        return None
    parts = {k: float(v) if v else 0.0 for k, v in m.groupdict().items()}
    return int(parts["years"]) * 12 + int(parts["months"]), timedelta(
        weeks=parts["weeks"], days=parts["days"], hours=parts["hours"], minutes=parts["minutes"], seconds=parts["seconds"]
    )


def add_duration(start: datetime, duration: str) -> datetime:
    """`start` + an ISO-8601 duration; years and months are calendar steps."""
    steps = _steps(duration)
    if steps is None:
        raise ValueError(f"not an ISO-8601 duration: {duration!r}")
    months, rest = steps
    if months:
        month_index = start.month - 1 + months
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, _days_in_month(year, month))
        start = start.replace(year=year, month=month, day=day)
    return start + rest


def _days_in_month(year: int, month: int) -> int:
    nxt = datetime(year + (month == 12), month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def overdue_since(kpi: Kpi, last_report: datetime) -> datetime:
    """When a KPI last reported at `last_report` becomes overdue."""
    try:
        return add_duration(last_report, kpi.frequency)
    except ValueError:
        return add_duration(last_report, "P1M")


@lru_cache(maxsize=256)
def duration_parts(duration: str) -> tuple[float, float] | None:
    """(calendar months, seconds) of an ISO-8601 duration; None if it cannot be read."""
    m = _DURATION.match(duration or "")
    if not m or duration in ("P", "PT"):
        return None
    p = {k: float(v) if v else 0.0 for k, v in m.groupdict().items()}
    seconds = (p["weeks"] * 7 + p["days"]) * 86400 + p["hours"] * 3600 + p["minutes"] * 60 + p["seconds"]
    return p["years"] * 12 + p["months"], seconds


def frequency_seconds(frequency: str) -> float:
    """The length of an ISO-8601 duration in seconds (a month as 30 days); a duration
    that cannot be read counts as a month, as `overdue_since` does."""
    parts = duration_parts(frequency) or (1.0, 0.0)
    return parts[0] * 30 * 86400 + parts[1]


def frequency_text(frequency: str, translate: Callable[[str], str] = str) -> str:
    """An ISO-8601 duration in the wall's short words: PT15M '15 min', PT1H '1 h',
    P1D '1 d', P7D '7 d', P1M '1 month', P1Y '1 year'."""
    parts = duration_parts(frequency)
    if parts is None:
        return frequency
    months, seconds = parts
    if months and not seconds:
        if months % 12 == 0:
            years = int(months // 12)
            return translate("{n} year" if years == 1 else "{n} years").format(n=years)
        return translate("{n} month" if months == 1 else "{n} months").format(n=int(months))
    seconds += months * 30 * 86400
    for unit, template in ((86400, N_("{n} d")), (3600, N_("{n} h")), (60, N_("{n} min"))):
        if seconds >= unit and seconds % unit == 0:
            return translate(template).format(n=int(seconds // unit))
    return translate("{n} s").format(n=int(seconds))


def overdue_text(kpi_or_frequency: Kpi | str, due: datetime, now: datetime, translate: Callable[[str], str] = str) -> str:
    """'overdue since 3 Nov' — with the time for KPIs reported more often than daily
    ('overdue since 22 Nov 10:15'), with the year when it is not this year's."""
    frequency = kpi_or_frequency if isinstance(kpi_or_frequency, str) else kpi_or_frequency.frequency
    when = date_label(due, translate, reference=now)
    if frequency_seconds(frequency) < 86400:
        when = f"{when} {clock_label(due)}"
    return translate("overdue since {date}").format(date=when)


# Beyond this age a count of days means little ("updated 1,827 d ago"): the date says more.
AS_OF_AFTER = timedelta(days=90)


def age_text(then: datetime | None, now: datetime, translate: Callable[[str], str] = str) -> str:
    """'updated 12 min ago', as the wall's vocabulary says, in the caller's language:
    `translate` maps the English template ('updated {n} min ago') to the shown one.
    Data older than `AS_OF_AFTER` is named by its date: 'data as of 15 May 2021'."""
    if then is None:
        return translate("no data yet")
    if now - then >= AS_OF_AFTER:
        return translate("data as of {date}").format(date=day_label(then, translate, with_year=True))
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return translate("updated just now")
    for limit, unit, template in ((3600, 60, N_("updated {n} min ago")), (86400, 3600, N_("updated {n} h ago"))):
        if seconds < limit:
            return translate(template).format(n=seconds // unit)
    return translate("updated {n} d ago").format(n=seconds // 86400)

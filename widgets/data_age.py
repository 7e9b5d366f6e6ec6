"""How fresh the figures of one tile are, as one state and one short line of text.

Every data tile shows one of the four freshness states of sync/freshness.py with its
age ("updated 12 min ago", "overdue since 3 Nov"). The rules for a single KPI live
in sync/freshness.py; this module applies them to what a tile shows (one KPI of one
entity, a KPI over all districts, or a whole ranking) and words the result. Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..sync.contract import Kpi
from ..sync.freshness import Freshness, age_text, freshness, overdue_since
from ..sync.snapshot import Snapshot

IST = timezone(timedelta(hours=5, minutes=30), "IST")

Translate = Callable[[str], str]


@dataclass(frozen=True)
class DataAge:
    state: Freshness
    text: str


def short_day(moment: datetime) -> str:
    """'3 Nov' in IST (the wall's time zone)."""
    local = moment.astimezone(IST)
    return f"{local.day} {local.strftime('%b')}"


def hh_mm(moment: datetime) -> str:
    return moment.astimezone(IST).strftime("%H:%M")


def _stamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def _cached(snapshot: Snapshot, now: datetime, tr: Translate) -> DataAge:
    since = snapshot.status.unreachable_since
    age = age_text(snapshot.data_as_of, now, tr)
    unreachable = tr("store unreachable since {time}").format(time=hh_mm(since)) if since else tr("store unreachable")
    text = f"{unreachable} · {age}"
    return DataAge("cached", text)


def kpi_age(
    snapshot: Snapshot, kpi: Kpi, entities: Iterable[str], now: datetime, tr: Translate
) -> DataAge:
    """The freshness of `kpi` over `entities` (the newest report among them counts)."""
    if snapshot.status.reachable is False:
        return _cached(snapshot, now, tr)
    series = snapshot.series.get(kpi.code)
    best: tuple[float, str] | None = None  # (reported_at, entity)
    for entity in entities:
        latest = series.latest(entity) if series else None
        if latest is not None and (best is None or latest[2] > best[0]):
            best = (latest[2], entity)
    if best is None:
        return DataAge("not_fed", tr("not fed yet"))
    state = freshness(kpi, series, best[1], now, store_reachable=True)
    reported = _stamp(best[0])
    if state == "late":
        return DataAge("late", tr("overdue since {date}").format(date=short_day(overdue_since(kpi, reported))))
    return DataAge("fresh", age_text(reported, now, tr))


def snapshot_age(snapshot: Snapshot, now: datetime, tr: Translate, *, expected: str = "P1M") -> DataAge:
    """The freshness of everything the wall holds (rankings, breakdowns)."""
    if snapshot.status.reachable is False:
        return _cached(snapshot, now, tr)
    if snapshot.data_as_of is None:
        return DataAge("not_fed", tr("not fed yet"))
    probe = Kpi(code="*", name="*", scheme="*", frequency=expected)
    due = overdue_since(probe, snapshot.data_as_of)
    if due <= now:
        return DataAge("late", tr("overdue since {date}").format(date=short_day(due)))
    return DataAge("fresh", age_text(snapshot.data_as_of, now, tr))

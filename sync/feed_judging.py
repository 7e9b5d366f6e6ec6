"""Judge the feed once per change: the `FeedQuality` every snapshot carries.

Counts rejected rows (kept in the local store), late (kpi, entity) pairs and
implausible values by department, KPI and entity, on the sync thread, so tiles and
`main.py report` read finished facts. "Late" is `sync/freshness.py`'s rule (the latest
report is older than the KPI's `frequency`), applied to each entity's latest report
without a Python call per cell: `overdue_since` grows with the report time, so per KPI
a binary search over the sorted distinct report times finds where "late" ends.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from itertools import chain
from types import MappingProxyType

import numpy as np

from .contract import Catalog, Kpi
from .feed_quality import FeedQuality, ObservationKey, QualityCount, RejectedRow
from .freshness import overdue_since
from .plausibility import FUTURE_REPORT, judge_series
from .series import KpiSeries

UNKNOWN = "?"  # the department, KPI or entity of a row that could not be read


def late_entities(kpi: Kpi, series: KpiSeries, now: datetime) -> list[str]:
    """Entities whose latest report of `kpi` is older than its frequency, as of `now`."""
    return list(_late(kpi, series, now))


LateWindow = tuple[datetime | None, datetime | None, tuple[str, ...]]
# (from, until, the late entities): the answer holds while the clock stays in [from, until)
# — from the moment the newest late report fell overdue (None: no report is late) to the
# moment the next report falls overdue (None: none is left).

_LATE: weakref.WeakKeyDictionary[KpiSeries, tuple[str, LateWindow]] = weakref.WeakKeyDictionary()


def _holds(window: LateWindow, now: datetime) -> bool:
    return (window[0] is None or window[0] <= now) and (window[1] is None or now < window[1])


def _late(kpi: Kpi, series: KpiSeries, now: datetime) -> tuple[str, ...]:
    """`late_entities`, worked out again only when the series changed or the clock crossed
    the moment a report falls overdue: "late" changes with the clock as well as the data."""
    held = _LATE.get(series)
    if held is not None and held[0] == kpi.frequency and _holds(held[1], now):
        return held[1][2]
    window = _late_window(kpi, series, now)
    _LATE[series] = (kpi.frequency, window)
    return window[2]


def _late_window(kpi: Kpi, series: KpiSeries, now: datetime) -> LateWindow:
    """The entities late at `now`, and the window of the clock that answer holds for."""
    latest, times = series.latest_reported, series.latest_reported_distinct  # worked out once per series

    def overdue(at: int) -> datetime:
        return overdue_since(kpi, datetime.fromtimestamp(float(times[at]), UTC))

    # times[:lo] are late: overdue_since(kpi, t) <= now holds for t up to some point.
    lo, hi = 0, len(times)
    while lo < hi:
        mid = (lo + hi) // 2
        if overdue(mid) <= now:
            lo = mid + 1
        else:
            hi = mid
    late: tuple[str, ...] = ()
    if lo:
        with np.errstate(invalid="ignore"):
            late = tuple(series.entities[r] for r in np.flatnonzero(latest <= times[lo - 1]))
    return overdue(lo - 1) if lo else None, overdue(lo) if lo < len(times) else None, late


class FeedJudgementsKept:
    """Each KPI's questioned values and late entities as last judged, with the series they
    were judged in and the window of the clock the late ones hold for: what the sync worker
    keeps across polls (sync/feed_kept.py), so that a poll judges only the KPIs it changed
    and those whose reports the clock has since made late. Plain dicts by KPI code: at a
    state's 3,400 KPIs a weak dictionary's look-up per KPI per poll is itself the cost."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[KpiSeries, Kpi | None, dict[ObservationKey, str], LateWindow | None]] = {}

    def judged(self, code: str, kpi: Kpi | None, series: KpiSeries, now: datetime
               ) -> tuple[dict[ObservationKey, str], tuple[str, ...]]:
        """(the questioned values, the late entities) of one KPI's series at `now`."""
        held = self._held.get(code)
        if held is not None and held[0] is series and held[1] is kpi:
            if held[3] is None or _holds(held[3], now):
                return held[2], held[3][2] if held[3] is not None else ()
            implausible = held[2]
        else:
            implausible = judge_series(kpi, series)
        window = _late_window(kpi, series, now) if kpi is not None else None
        self._held[code] = (series, kpi, implausible, window)
        return implausible, window[2] if window is not None else ()

    def judge_all(self, catalog: Catalog, series: Mapping[str, KpiSeries], now: datetime,
                  implausible: dict[ObservationKey, str], late: dict[str, tuple[str, ...]]) -> None:
        """`judged` of every KPI in `series`, into `implausible` and `late` (KPIs with late
        entities only); what the KPIs no longer in `series` kept is let go."""
        held_of, kpi_of = self._held.get, catalog.kpis_by_code.get
        for code, kpi_series in series.items():
            kpi, held = kpi_of(code), held_of(code)
            # The usual KPI at the usual poll: its series and the clock's window unchanged.
            if (held is not None and held[0] is kpi_series and held[1] is kpi
                    and (held[3] is None or _holds(held[3], now))):
                found, late_here = held[2], held[3][2] if held[3] is not None else ()
            else:
                found, late_here = self.judged(code, kpi, kpi_series, now)
            if found:
                implausible.update(found)
            if late_here:
                late[code] = late_here
        self.forget_others(series)

    def forget_others(self, codes: Mapping[str, object]) -> None:
        """Let go of the KPIs no longer in `codes` (their series are gone)."""
        if len(self._held) > len(codes):
            for code in self._held.keys() - codes.keys():
                del self._held[code]


def judge_feed(
    catalog: Catalog | None,
    series: Mapping[str, KpiSeries],
    now: datetime,
    *,
    untrusted_times: Iterable[ObservationKey] = (),
    rejected_counts: Iterable[tuple[str | None, str | None, int]] = (),
    recent_rejections: Iterable[RejectedRow] = (),
    kept: FeedJudgementsKept | None = None,
) -> FeedQuality:
    """Feed quality as of `now`. Without a catalog nothing can be judged but the
    rejections: `judged` stays False. `kept`: the judgements a caller keeps across polls."""
    implausible: dict[ObservationKey, str] = {}
    late: dict[str, tuple[str, ...]] = {}  # kpi -> late entities
    if catalog is not None:
        (kept or FeedJudgementsKept()).judge_all(catalog, series, now, implausible, late)
    for key in untrusted_times:
        implausible[key] = FUTURE_REPORT

    department_of: dict[str, str] = {}

    def department(kpi_code: str | None) -> str:
        if kpi_code is None:
            return UNKNOWN
        if kpi_code not in department_of:
            kpi = catalog.kpi(kpi_code) if catalog else None
            dept = catalog.department_of_kpi(kpi) if catalog and kpi else None
            department_of[kpi_code] = dept.code if dept else UNKNOWN
        return department_of[kpi_code]

    # Counts per key as [rejected, late, implausible]: thousands of KPIs a poll, so plain
    # lists of ints, and one QualityCount per distinct triple (most KPIs share a few).
    tallies: dict[str, dict[str, list[int]]] = {"department": {}, "kpi": {}, "entity": {}}

    def add(axis: str, key: str, kind: int, n: int) -> None:
        held = tallies[axis].get(key)
        if held is None:
            held = tallies[axis][key] = [0, 0, 0]
        held[kind] += n

    def count(kind: int, kpi_code: str | None, entities: Counter[str]) -> None:
        n = entities.total()
        if not n:
            return
        add("department", department(kpi_code), kind, n)
        add("kpi", kpi_code or UNKNOWN, kind, n)
        for entity, m in entities.items():
            add("entity", entity, kind, m)

    rejected_by_kpi: dict[str | None, Counter[str]] = {}
    for kpi_code, entity, n in rejected_counts:
        rejected_by_kpi.setdefault(kpi_code, Counter())[entity or UNKNOWN] += n
    for kpi_code, entities in rejected_by_kpi.items():
        count(_REJECTED, kpi_code, entities)
    # Late pairs are most of a state's feed quality (a month's KPIs not in yet): counted at C
    # speed, the entity axis in one pass over all of them, as `count` would add them up.
    for kpi_code, late_here in late.items():
        add("department", department(kpi_code), _LATE_PAIRS, len(late_here))
        add("kpi", kpi_code, _LATE_PAIRS, len(late_here))
    for entity, m in Counter(chain.from_iterable(late.values())).items():
        add("entity", entity, _LATE_PAIRS, m)
    implausible_by_kpi: dict[str, Counter[str]] = {}
    for kpi_code, entity, _period in implausible:
        implausible_by_kpi.setdefault(kpi_code, Counter())[entity] += 1
    for kpi_code, entities in implausible_by_kpi.items():
        count(_IMPLAUSIBLE, kpi_code, entities)

    made: dict[tuple[int, ...], QualityCount] = {}

    def quality(c: list[int] | tuple[int, ...]) -> QualityCount:
        key = tuple(c)
        found = made.get(key)
        if found is None:
            found = made[key] = QualityCount(rejected=key[0], late=key[1], implausible=key[2])
        return found

    def counts(axis: str) -> Mapping[str, QualityCount]:
        return MappingProxyType({key: quality(c) for key, c in sorted(tallies[axis].items())})

    by_kpi = tallies["kpi"].values()
    total = tuple(sum(column) for column in zip(*by_kpi)) if by_kpi else (0, 0, 0)
    return FeedQuality(
        total=quality(total),
        by_department=counts("department"),
        by_kpi=counts("kpi"),
        by_entity=counts("entity"),
        recent_rejections=tuple(recent_rejections),
        implausible=MappingProxyType(implausible),
        judged=catalog is not None,
    )


_REJECTED, _LATE_PAIRS, _IMPLAUSIBLE = 0, 1, 2  # places in a key's [rejected, late, implausible]

"""sync/feed_judging.py as it was before "late" was kept per series between clock boundaries:
every KPI's late entities searched again at every poll. tests/test_feed_incremental.py holds the
kept answers to it as the clock and the data move. Each series' latest report times are read
as they still are (`KpiSeries.latest_reported`), and taken from there."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType

import numpy as np
from cmwall.sync.contract import Catalog, Kpi
from cmwall.sync.feed_judging import UNKNOWN
from cmwall.sync.feed_quality import FeedQuality, ObservationKey, QualityCount, RejectedRow
from cmwall.sync.freshness import overdue_since
from cmwall.sync.plausibility import FUTURE_REPORT, judge_series
from cmwall.sync.series import KpiSeries


def reference_late_entities(kpi: Kpi, series: KpiSeries, now: datetime) -> list[str]:
    """Entities whose latest report of `kpi` is older than its frequency, as of `now`."""
    latest, times = series.latest_reported, series.latest_reported_distinct
    # times[:lo] are late: overdue_since(kpi, t) <= now holds for t up to some point.
    lo, hi = 0, len(times)
    while lo < hi:
        mid = (lo + hi) // 2
        if overdue_since(kpi, datetime.fromtimestamp(float(times[mid]), UTC)) <= now:
            lo = mid + 1
        else:
            hi = mid
    if lo == 0:
        return []
    with np.errstate(invalid="ignore"):
        return [series.entities[r] for r in np.flatnonzero(latest <= times[lo - 1])]


def reference_judge_feed(
    catalog: Catalog | None,
    series: Mapping[str, KpiSeries],
    now: datetime,
    *,
    untrusted_times: Iterable[ObservationKey] = (),
    rejected_counts: Iterable[tuple[str | None, str | None, int]] = (),
    recent_rejections: Iterable[RejectedRow] = (),
) -> FeedQuality:
    """Feed quality as of `now`. Without a catalog nothing can be judged but the
    rejections: `judged` stays False."""
    implausible: dict[ObservationKey, str] = {}
    late: dict[str, list[str]] = {}  # kpi -> late entities
    if catalog is not None:
        for code, kpi_series in series.items():
            kpi = catalog.kpi(code)
            implausible.update(judge_series(kpi, kpi_series))
            if kpi is not None:
                late[code] = reference_late_entities(kpi, kpi_series, now)
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

    tallies: dict[str, dict[str, Counter[str]]] = {"department": {}, "kpi": {}, "entity": {}}

    def count(kind: str, kpi_code: str | None, entities: Counter[str]) -> None:
        n = entities.total()
        if not n:
            return
        for axis, key in (("department", department(kpi_code)), ("kpi", kpi_code or UNKNOWN)):
            tallies[axis].setdefault(key, Counter())[kind] += n
        by_entity = tallies["entity"]
        for entity, m in entities.items():
            by_entity.setdefault(entity, Counter())[kind] += m

    rejected_by_kpi: dict[str | None, Counter[str]] = {}
    for kpi_code, entity, n in rejected_counts:
        rejected_by_kpi.setdefault(kpi_code, Counter())[entity or UNKNOWN] += n
    for kpi_code, entities in rejected_by_kpi.items():
        count("rejected", kpi_code, entities)
    for kpi_code, late_here in late.items():
        count("late", kpi_code, Counter(late_here))
    implausible_by_kpi: dict[str, Counter[str]] = {}
    for kpi_code, entity, _period in implausible:
        implausible_by_kpi.setdefault(kpi_code, Counter())[entity] += 1
    for kpi_code, entities in implausible_by_kpi.items():
        count("implausible", kpi_code, entities)

    def counts(axis: str) -> Mapping[str, QualityCount]:
        return MappingProxyType({key: _quality(c) for key, c in sorted(tallies[axis].items())})

    total: Counter[str] = Counter()
    for c in tallies["kpi"].values():
        total.update(c)
    return FeedQuality(
        total=_quality(total),
        by_department=counts("department"),
        by_kpi=counts("kpi"),
        by_entity=counts("entity"),
        recent_rejections=tuple(recent_rejections),
        implausible=MappingProxyType(implausible),
        judged=catalog is not None,
    )


def _quality(c: Counter[str]) -> QualityCount:
    return QualityCount(rejected=c["rejected"], late=c["late"], implausible=c["implausible"])

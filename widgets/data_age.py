"""How fresh the figures of one tile are, as one state and one short line of text.

Every data tile shows one of the four freshness states of sync/freshness.py with its
age ("updated 12 min ago", "overdue since 3 Nov", "overdue since 22 Nov 10:15" for a
KPI reported more often than daily). The rules for a single KPI live in
sync/freshness.py; this module applies them to what a tile shows (one figure, one
KPI over some entities, several KPIs, a whole ranking) and words the result. Each
KPI is judged by its own `frequency`, and every age is counted from the `now` the
caller passes (the tile context's clock, which a replay sets to the moment shown).
Qt-free.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from ..sync.contract import Kpi
from ..sync.freshness import Freshness, age_text, overdue_since, overdue_text
from ..sync.period_time import IST, clock_label, day_label
from ..sync.ranking.plan import ranked_kpis
from ..sync.report_times import KpiReports
from ..sync.rollup import Figure
from ..sync.series import KpiSeries
from ..sync.snapshot import Snapshot
from .look.i18n import N_

__all__ = ["IST", "DataAge", "KpisFreshness", "figure_age", "freshness_age", "hh_mm", "kpi_age", "kpis_age", "kpis_freshness",
           "kpi_dues", "short_day", "snapshot_age", "worst_kpi_age"]

Translate = Callable[[str], str]


@dataclass(frozen=True)
class DataAge:
    state: Freshness
    text: str


def short_day(moment: datetime, tr: Translate | None = None) -> str:
    """'3 Nov' in IST (the wall's time zone), month in the language `tr` gives."""
    return day_label(moment, tr) if tr is not None else day_label(moment)


def hh_mm(moment: datetime) -> str:
    return clock_label(moment)


def _stamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _cached(snapshot: Snapshot, now: datetime, tr: Translate) -> DataAge:
    since = snapshot.status.unreachable_since
    age = age_text(snapshot.data_as_of, now, tr)
    kind = snapshot.status.failure_kind or ""
    if kind in _REFUSALS:  # someone has to act: no "since", the strip says when the next try is
        unreachable = tr(_REFUSALS[kind])
    else:
        words = _SINCE.get(kind, "store unreachable since {time}")
        unreachable = tr(words).format(time=hh_mm(since)) if since else tr("store unreachable")
    text = f"{unreachable} · {age}"
    return DataAge("cached", text)


# The tile's short word for why its figures are not current (SyncStatus.failure_kind).
_REFUSALS = {"auth": N_("store refused the token"), "tls": N_("store's certificate not trusted")}
_SINCE = {"stalled": N_("store stalling since {time}"), "rejected": N_("store answering with errors since {time}"),
          "contract": N_("store answering with errors since {time}"), "too_large": N_("store answering with errors since {time}")}


def _reported_age(kpi: Kpi, reported: datetime, now: datetime, tr: Translate) -> DataAge:
    due = overdue_since(kpi, reported)
    if due <= now:
        return DataAge("late", overdue_text(kpi, due, now, tr))
    return DataAge("fresh", age_text(reported, now, tr))


def _unknown(tr: Translate) -> DataAge:
    """A snapshot that carries no report times (nobody derived it): freshness unknown."""
    return DataAge("not_fed", tr("freshness unknown"))


def kpi_age(
    snapshot: Snapshot, kpi: Kpi, entities: Iterable[str], now: datetime, tr: Translate
) -> DataAge:
    """The freshness of `kpi` over `entities` (the newest report among them counts)."""
    if snapshot.status.reachable is False:
        return _cached(snapshot, now, tr)
    reports = snapshot.derived.reports_of(kpi.code)  # worked out on the sync thread
    if reports is None:
        return _unknown(tr) if not snapshot.derived.derived else DataAge("not_fed", tr("not fed yet"))
    best = reports.newest_among(entities)
    if best is None:
        return DataAge("not_fed", tr("not fed yet"))
    due = reports.due[best[1]]
    if due <= now:
        return DataAge("late", overdue_text(kpi, due, now, tr))
    return DataAge("fresh", age_text(_stamp(best[0]), now, tr))


_NEWEST: weakref.WeakKeyDictionary[KpiSeries, tuple[KpiReports, tuple[float, datetime] | None]] = weakref.WeakKeyDictionary()
_NEWEST_LOCK = threading.Lock()


def _newest_of_all(reports: KpiReports, series: KpiSeries) -> tuple[float, datetime] | None:
    """(newest report among all of `series`' places, when that place's report falls due),
    as `kpi_age` over the series' entities finds it; kept with the series (immutable)."""
    with _NEWEST_LOCK:
        held = _NEWEST.get(series)
    if held is not None and held[0] is reports:
        return held[1]
    best = reports.newest_among(series.entities)
    found = (best[0], reports.due[best[1]]) if best is not None else None
    with _NEWEST_LOCK:
        _NEWEST[series] = (reports, found)
    return found


KpiDues = tuple[tuple[Kpi, datetime | None], ...]  # each KPI, and when its newest report over all places falls due


def kpi_dues(snapshot: Snapshot, kpis: Iterable[Kpi]) -> KpiDues:
    """The clock-free facts of `worst_kpi_age` (None: not fed, or its freshness unknown)."""
    out = []
    for kpi in kpis:
        reports = snapshot.derived.reports_of(kpi.code)
        newest = _newest_of_all(reports, snapshot.series[kpi.code]) if reports is not None else None
        out.append((kpi, newest[1] if newest is not None else None))
    return tuple(out)


def worst_kpi_age(snapshot: Snapshot, kpis: Iterable[Kpi], now: datetime, tr: Translate,
                  dues: KpiDues | None = None) -> DataAge | None:
    """`worst_age(kpi_age(snapshot, k, snapshot.series[k.code].entities, now, tr) for k in kpis)`
    (widgets/worst_age.py: the first KPI in the most serious state), with each KPI's newest
    report kept per series and only the chosen KPI's age put into words; `dues`: the facts
    of `kpi_dues(snapshot, kpis)` when already gathered (once per snapshot)."""
    if snapshot.status.reachable is False:
        return next((_cached(snapshot, now, tr) for _ in kpis), None)
    first_late: Kpi | None = None
    first_fresh: Kpi | None = None
    for kpi, due in dues if dues is not None else kpi_dues(snapshot, kpis):
        if due is None:  # not fed (or unknown): nothing is more serious
            return kpi_age(snapshot, kpi, snapshot.series[kpi.code].entities, now, tr)
        if due <= now:
            if first_late is None:
                first_late = kpi
        elif first_fresh is None:
            first_fresh = kpi
    chosen = first_late or first_fresh
    return kpi_age(snapshot, chosen, snapshot.series[chosen.code].entities, now, tr) if chosen is not None else None


def figure_age(snapshot: Snapshot, kpi: Kpi, figure: Figure, now: datetime, tr: Translate) -> DataAge:
    """The freshness of one figure (sync/rollup.py): its newest report against the KPI's
    frequency. A rolled-up figure says how many of its places are older on its own."""
    if snapshot.status.reachable is False:
        return _cached(snapshot, now, tr)
    if figure.reported_at is None:
        return DataAge("not_fed", tr("not fed yet"))
    return _reported_age(kpi, _stamp(figure.reported_at), now, tr)


@dataclass(frozen=True)
class KpisFreshness:
    """What `kpis_age` reads of several KPIs' reports, without the clock: the newest report
    of any of them, and the latest moment one of them falls due (with the first KPI that
    falls due then). Worked out once per snapshot (widgets/per_snapshot.py), any `now` is
    then judged in constant time: current while that latest moment is still to come."""

    newest: float | None = None  # POSIX seconds; None: none of them ever reported
    last_due: datetime | None = None
    last_due_kpi: Kpi | None = None


def kpis_freshness(snapshot: Snapshot, kpis: Iterable[Kpi]) -> KpisFreshness:
    """The clock-free part of `kpis_age` over `kpis` (report times derived on the sync thread)."""
    newest: float | None = None
    last_due: datetime | None = None
    last_kpi: Kpi | None = None
    for kpi in kpis:
        reports = snapshot.derived.reports_of(kpi.code)
        if reports is None or reports.newest is None or reports.newest_due is None:
            continue
        newest = reports.newest if newest is None else max(newest, reports.newest)
        if last_due is None or reports.newest_due > last_due:  # the first KPI falling due last
            last_due, last_kpi = reports.newest_due, kpi
    return KpisFreshness(newest, last_due, last_kpi)


def freshness_age(snapshot: Snapshot, facts: KpisFreshness, now: datetime, tr: Translate) -> DataAge:
    """`kpis_age` from its clock-free facts (`kpis_freshness`) and the clock."""
    if snapshot.status.reachable is False:
        return _cached(snapshot, now, tr)
    if not snapshot.derived.derived:
        return _unknown(tr)
    if facts.newest is None or facts.last_due is None or facts.last_due_kpi is None:
        return DataAge("not_fed", tr("not fed yet"))
    if facts.last_due > now:  # some KPI is still current
        return DataAge("fresh", age_text(_stamp(facts.newest), now, tr))
    return DataAge("late", overdue_text(facts.last_due_kpi, facts.last_due, now, tr))


def kpis_age(snapshot: Snapshot, kpis: Iterable[Kpi], now: datetime, tr: Translate) -> DataAge:
    """The freshness of a tile built from several KPIs (a ranking, a page of departments).

    Each KPI is judged by its own frequency on its newest report. The tile is fresh while
    any of them is current ("updated 4 min ago", from the newest report); late when every
    KPI that ever reported is overdue (since the moment the last of them fell due); not
    fed when none has reported."""
    if snapshot.status.reachable is False:
        return _cached(snapshot, now, tr)
    if not snapshot.derived.derived:
        return _unknown(tr)
    return freshness_age(snapshot, kpis_freshness(snapshot, kpis), now, tr)


def snapshot_age(
    snapshot: Snapshot, now: datetime, tr: Translate, *, kpis: Iterable[Kpi] | None = None, expected: str | None = None
) -> DataAge:
    """The freshness of a tile built from the ranking or the whole snapshot: `kpis_age`
    over `kpis` (default: the catalog's ranked KPIs, else all of them). `expected` judges
    the newest report of all by one given frequency instead, for a caller that has one."""
    if snapshot.status.reachable is False:
        return _cached(snapshot, now, tr)
    catalog = snapshot.catalog
    if expected is not None or catalog is None:
        if snapshot.data_as_of is None:
            return DataAge("not_fed", tr("not fed yet"))
        probe = Kpi(code="*", name="*", scheme="*", frequency=expected or "P1M")
        return _reported_age(probe, snapshot.data_as_of, now, tr)
    if kpis is None:
        kpis = ranked_kpis(catalog) or catalog.kpis
    return kpis_age(snapshot, kpis, now, tr)

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

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from ..sync.contract import Kpi
from ..sync.freshness import Freshness, age_text, overdue_since, overdue_text
from ..sync.period_time import IST, clock_label, day_label
from ..sync.ranking.plan import ranked_kpis
from ..sync.rollup import Figure
from ..sync.snapshot import Snapshot
from .look.i18n import N_

__all__ = ["IST", "DataAge", "figure_age", "hh_mm", "kpi_age", "kpis_age", "short_day", "snapshot_age"]

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


def figure_age(snapshot: Snapshot, kpi: Kpi, figure: Figure, now: datetime, tr: Translate) -> DataAge:
    """The freshness of one figure (sync/rollup.py): its newest report against the KPI's
    frequency. A rolled-up figure says how many of its places are older on its own."""
    if snapshot.status.reachable is False:
        return _cached(snapshot, now, tr)
    if figure.reported_at is None:
        return DataAge("not_fed", tr("not fed yet"))
    return _reported_age(kpi, _stamp(figure.reported_at), now, tr)


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
    newest: float | None = None
    last_due: tuple[datetime, Kpi] | None = None
    current = False
    for kpi in kpis:
        reports = snapshot.derived.reports_of(kpi.code)  # worked out on the sync thread
        if reports is None or reports.newest is None or reports.newest_due is None:
            continue
        newest = reports.newest if newest is None else max(newest, reports.newest)
        due = reports.newest_due
        if due > now:
            current = True
        elif last_due is None or due > last_due[0]:
            last_due = (due, kpi)
    if newest is None:
        return DataAge("not_fed", tr("not fed yet"))
    if current or last_due is None:
        return DataAge("fresh", age_text(_stamp(newest), now, tr))
    return DataAge("late", overdue_text(last_due[1], last_due[0], now, tr))


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

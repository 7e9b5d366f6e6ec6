"""What the status strip says, as plain data computed from a snapshot. Qt-free.

The strip on every screen answers the control room's standing questions: is the
central store reachable (and since when not), when did the last sync succeed, how
old is the data, is the ranking the store's or a local estimate (and why), how many
alerts are active, is the local database in trouble, what time is it in IST. Each
item carries a tone (ok / warn / critical / dim) that the widget maps to a colour
and a symbol, so the meaning never rests on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ..sync import freshness
from ..sync.history import REPLAY
from ..sync.period_time import IST
from ..sync.ranking.audit import Verdict
from ..sync.ranking.fallback import RankingReason, ReasonKind
from ..sync.ranking.result import RankingSource
from ..sync.snapshot import HistoryView, Snapshot, SyncProgress, SyncStatus
from ..sync.store_faults import StoreFault
from ..widgets.look.i18n import N_, group_indian, tr

Tone = Literal["ok", "warn", "critical", "dim", "plain"]
TONE_SYMBOLS = {"ok": "●", "warn": "▲", "critical": "■", "dim": "○", "plain": ""}


@dataclass(frozen=True)
class StatusItem:
    key: str  # stable name: link, sync, age, ranking, alerts, store, datadir, notice, page, clock
    text: str
    tone: Tone = "plain"


def ist_time(when: datetime, seconds: bool = False) -> str:
    return when.astimezone(IST).strftime("%H:%M:%S" if seconds else "%H:%M")


def age_text(then: datetime | None, now: datetime, language: str) -> str:
    """'updated 12 min ago' in `language`."""
    return freshness.age_text(then, now, lambda text: tr(text, language))


def link_item(snapshot: Snapshot | None, now: datetime, language: str) -> StatusItem:
    status = snapshot.status if snapshot else None
    if status is None or status.reachable is None:
        return StatusItem("link", tr("Connecting to the central store…", language), "dim")
    if status.reachable:
        return StatusItem("link", tr("Central store reachable", language), "ok")
    if status.failure_kind in ("auth", "tls"):  # not an outage: someone has to act
        return StatusItem("link", _refusal_text(status, language), "critical")
    since = status.unreachable_since or status.last_attempt or now
    text = tr(_SINCE_TEXTS.get(status.failure_kind or "", _UNREACHABLE), language).format(time=ist_time(since))
    minutes = int((now - since).total_seconds() // 60)
    if minutes >= 1:
        text += f" ({tr('{n} min', language).format(n=minutes)})"
    return StatusItem("link", text, "critical")


_UNREACHABLE = N_("Central store unreachable since {time}")
_SINCE_TEXTS = {  # by SyncStatus.failure_kind (sync/client.py); anything else is an outage
    "stalled": N_("Central store stalling since {time}"),
    "rejected": N_("Central store answering with errors since {time}"),
    "contract": N_("Central store answering with errors since {time}"),
    "too_large": N_("Central store answering with errors since {time}"),
}


def _refusal_text(status: SyncStatus, language: str) -> str:
    """'Central store refused the token (HTTP 401) · next try 10:42': the wall's own words,
    with when it will try again (it backs off instead of knocking every few seconds)."""
    if status.failure_kind == "auth":
        text = tr("Central store refused the token (HTTP {status})", language).format(status=status.http_status or "?")
    else:
        text = tr("Central store's TLS certificate is not trusted — check --ca-bundle", language)
    if status.retry_at is not None:
        text += " · " + tr("next try {time}", language).format(time=ist_time(status.retry_at, seconds=True))
    return text


def sync_item(snapshot: Snapshot | None, language: str) -> StatusItem:
    if snapshot is not None and snapshot.status.syncing is not None:
        return StatusItem("sync", progress_text(snapshot.status.syncing, language), "warn")
    last = snapshot.status.last_success if snapshot else None
    if last is None:
        return StatusItem("sync", tr("No successful sync yet", language), "dim")
    return StatusItem("sync", tr("Last sync {time}", language).format(time=ist_time(last, seconds=True)))


def progress_text(progress: SyncProgress, language: str) -> str:
    """'First sync: 4,12,000 rows so far · 83 pages', with '… of 13,65,723' when the store said
    how many: a long feed read on every screen, so a wall filling up never looks stuck or done."""
    rows = group_indian(str(progress.rows))  # every row counts here: 4,12,000, never "4.12 lakh"
    head = tr("First sync", language) if progress.first else tr("Catching up", language)
    text = tr("{rows} rows so far", language).format(rows=rows)
    if progress.total is not None and progress.total >= progress.rows:
        text = tr("{rows} of {total} rows", language).format(
            rows=rows, total=group_indian(str(progress.total)))
    pages = tr("{n} pages", language).format(n=group_indian(str(progress.pages)))
    return f"{head}: {text} · {pages}"


def data_age_item(snapshot: Snapshot | None, now: datetime, language: str, stale_after_s: float = 3600) -> StatusItem:
    then = snapshot.data_as_of if snapshot else None
    text = f"{tr('Data', language)}: {age_text(then, now, language)}"
    if snapshot is not None and snapshot.partial:  # part of the store's data: its age says nothing yet
        return StatusItem("age", f"{tr('Data', language)}: {tr('incomplete, syncing', language)}", "warn")
    if then is None:
        return StatusItem("age", text, "dim")
    return StatusItem("age", text, "warn" if (now - then).total_seconds() > stale_after_s else "plain")


def ranking_reason_text(reason: RankingReason, language: str) -> str:
    """'local estimate — central store unreachable (timed out)': which ranking is shown
    and why, in `language` (the status strip and the audit record)."""
    if reason.shown is None:
        return tr("no ranking yet", language)
    source = _source_word(reason.shown, language)
    details = _reason_details(reason, language)
    return f"{source} — {'; '.join(details)}" if details else source


def _source_word(source: RankingSource, language: str) -> str:
    return tr("central" if source == "central" else "local estimate", language)


def _reason_details(reason: RankingReason, language: str) -> list[str]:
    details: list[str] = []
    if reason.kind is ReasonKind.NO_CENTRAL:
        details.append(tr("central store has no ranking", language))
    elif reason.kind is ReasonKind.UNREACHABLE:
        error = f" ({reason.error})" if reason.error else ""
        details.append(tr("central store unreachable", language) + error)
    elif reason.kind is ReasonKind.STALE:
        if reason.central_computed_at is not None:
            when = _short_moment(reason.central_computed_at, language)
            details.append(tr("central ranking of {time} older than the data", language).format(time=when))
        else:
            details.append(tr("central ranking older than the data", language))
    elif reason.kind is ReasonKind.NOT_STORED:
        details.append(tr("central ranking of that moment not stored", language))
    if reason.is_fallback and reason.shown == "central":  # the store's last ranking, for want of a local one
        details.append(tr("no local estimate", language))
    return details


def _short_moment(moment: datetime, language: str) -> str:
    """'21 Nov 10:32' in IST, month in `language`."""
    local = moment.astimezone(IST)
    return f"{local.day} {tr(local.strftime('%b'), language)} {local.strftime('%H:%M')}"


def ranking_item(snapshot: Snapshot | None, language: str) -> StatusItem:
    label = tr("Ranking", language)
    if snapshot is None or snapshot.ranking is None:
        return StatusItem("ranking", f"{label}: {tr('no ranking yet', language)}", "dim")
    reason = snapshot.ranking_reason
    if reason.kind is ReasonKind.NOT_STORED and snapshot.history is not None:
        # The strip already says "stored data"; the audit record keeps why.
        return StatusItem("ranking", f"{label}: {tr('local estimate', language)}", "warn")
    if reason.shown != snapshot.ranking.source:  # a reason that is not this ranking's: name the source only
        return StatusItem("ranking", f"{label}: {_source_word(snapshot.ranking.source, language)}", "warn")
    tone: Tone = "warn" if reason.is_fallback else "ok"
    text = f"{label}: {ranking_reason_text(reason, language)}"
    checked = audit_words(snapshot, language)
    if checked is not None:  # the official ranking on screen disagrees with the wall's own check
        return StatusItem("ranking", f"{text} · {checked[0]}", checked[1])
    return StatusItem("ranking", text, tone)


def audit_words(snapshot: Snapshot, language: str) -> tuple[str, Tone] | None:
    """'differs from local check for 2' (critical), 'local check incomplete for 1' (warn), or None
    when the official ranking on screen agrees with the wall's own check or is not shown."""
    audit = snapshot.ranking_audit
    if audit is None or not audit.is_about(snapshot.ranking):
        return None
    differs, unchecked = audit.of(Verdict.DIFFERS), audit.of(Verdict.INCOMPLETE)
    if differs:
        return tr("differs from local check for {n}", language).format(n=len(differs)), "critical"
    if unchecked:
        return tr("local check incomplete for {n}", language).format(n=len(unchecked)), "warn"
    return None


def alerts_item(critical: int, warn: int, language: str, judged: int | None = None,
                snapshot: Snapshot | None = None) -> StatusItem:
    """Alert counts; "No active alerts" only when figures were judged (`judged`: how many
    were compared with a threshold; 0 with no thresholds or no reports is not all clear)."""
    if critical == 0 and warn == 0:
        if snapshot is None or snapshot.catalog is None:
            return StatusItem("alerts", tr("Alerts: waiting for data", language), "dim")
        if snapshot.partial:  # nothing judged all clear from part of the data
            return StatusItem("alerts", tr("Alerts: not judged yet", language), "dim")
        if judged is None:  # not judged for this layout yet: unknown, never all clear
            return StatusItem("alerts", tr("Alerts: unknown", language), "dim")
        if judged == 0:
            return StatusItem("alerts", tr("Alerts: nothing judged", language), "dim")
        return StatusItem("alerts", tr("No active alerts", language), "ok")
    text = f"{tr('Alerts', language)}: {critical + warn}"
    if critical:
        text += f" ({critical} {tr('critical', language)})"
    if snapshot is not None and snapshot.partial:  # more may come with the rest of the data
        text += f" · {tr('so far', language)}"
    return StatusItem("alerts", text, "critical" if critical else "warn")


# What a local store fault means for the screen: the wall keeps showing what it had stored.
_STORE_FAULT_TEXTS = {
    StoreFault.DISK_FULL: N_("disk full"),
    StoreFault.READ_ONLY: N_("data directory is read-only"),
    StoreFault.NO_PERMISSION: N_("no permission to write the data directory"),
    StoreFault.NOT_RECREATED: N_("data directory was deleted and cannot be recreated"),
    StoreFault.TAKEN: N_("data directory taken by another wall process"),
}


def local_store_item(snapshot: Snapshot | None, language: str) -> StatusItem | None:
    """'Local store: disk full · new data not saved'; the detail line when the fault is of no known kind."""
    error = snapshot.status.local_store_error if snapshot else None
    if not error:
        return None
    assert snapshot is not None
    fault = _STORE_FAULT_TEXTS.get(snapshot.status.local_store_fault or StoreFault.OTHER)
    if fault is None:
        return StatusItem("store", f"{tr('Local store', language)}: {error}", "critical")
    text = f"{tr('Local store', language)}: {tr(fault, language)} · {tr('new data not saved', language)}"
    return StatusItem("store", text, "critical")


_DATA_DIR_TEXTS = {  # (change, re-synced since) → words
    ("deleted", False): N_("Data directory was deleted at {time}: recreated, fetching all data again"),
    ("deleted", True): N_("Data directory was deleted at {time}: recreated and filled again"),
    ("replaced", False): N_("Database file was replaced at {time}: using the new one, catching up"),
    ("replaced", True): N_("Database file was replaced at {time}: using the new one"),
}


def data_dir_item(snapshot: Snapshot | None, language: str) -> StatusItem | None:
    """The data directory vanished under the running wall and was re-opened (sync/data_dir.py):
    said until restart, as a warning while the new store is being filled."""
    event = snapshot.status.data_dir_event if snapshot else None
    if event is None:
        return None
    text = tr(_DATA_DIR_TEXTS[(event.change, event.resynced)], language).format(time=ist_time(event.at))
    return StatusItem("datadir", text, "dim" if event.resynced else "warn")


def moment_text(moment: datetime, language: str, *, with_time: bool = True) -> str:
    """'15 May 2021 06:00 IST': a moment of the wall's history, with its year."""
    local = moment.astimezone(IST)
    day = f"{local.day} {tr(local.strftime('%b'), language)} {local.year}"
    return f"{day} {local.strftime('%H:%M')} IST" if with_time else day


def history_items(view: HistoryView, snapshot: Snapshot, now: datetime, language: str) -> list[StatusItem]:
    """Stored history, never live: what is shown, as of when, and what is missing from it."""
    when = moment_text(view.moment, language)
    if view.mode == REPLAY:
        text = tr("REPLAY ×{speed} · data as of {time}", language).format(speed=f"{view.speed or 1:g}", time=when)
        if view.ended:
            text += f" · {tr('replay ended', language)}"
    else:
        text = tr("AS OF {time} · stored data", language).format(time=when)
    items = [StatusItem("history", text, "warn")]
    if snapshot.data_as_of is None:
        items.append(StatusItem("age", tr("No data yet as of {time}", language).format(time=when), "dim"))
    else:
        items.append(data_age_item(snapshot, now, language))
    if view.catalog_is_later and view.catalog_fetched_at is not None:
        fetched = moment_text(view.catalog_fetched_at, language, with_time=False)
        items.append(StatusItem("catalog", tr("catalog of {date}", language).format(date=fetched), "dim"))
    return items


def clock_text(now: datetime, language: str) -> str:
    local = now.astimezone(IST)
    weekday = tr(local.strftime("%a"), language)
    month = tr(local.strftime("%b"), language)
    return f"{weekday} {local.day} {month}  {local.strftime('%H:%M:%S')} IST"


def status_items(
    snapshot: Snapshot | None,
    now: datetime,
    language: str,
    *,
    critical_alerts: int = 0,
    warn_alerts: int = 0,
    notices: tuple[str, ...] = (),
    alerts_judged: int | None = None,
) -> list[StatusItem]:
    """The strip's items, left to right (the clock is separate: it ticks every second)."""
    if snapshot is not None and snapshot.history is not None:
        items = history_items(snapshot.history, snapshot, now, language)
    else:
        items = [link_item(snapshot, now, language), sync_item(snapshot, language), data_age_item(snapshot, now, language)]
    items += [ranking_item(snapshot, language), alerts_item(critical_alerts, warn_alerts, language, alerts_judged, snapshot)]
    store = local_store_item(snapshot, language)
    if store is not None:
        items.append(store)
    data_dir = data_dir_item(snapshot, language)
    if data_dir is not None:
        items.append(data_dir)
    items.extend(StatusItem("notice", notice, "warn") for notice in notices)
    return items

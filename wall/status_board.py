"""What the status strip on every window says, kept up to date.

status_text.py words the strip's items from a snapshot; this part holds what the
strip needs beyond the snapshot — the operator's notices until they expire, the
alert counts judged once per snapshot with the layout's thresholds, the layout
screens that found no output — and writes the items and the clock to every window
when asked (on every tick, after every change). It takes windows, language and
unplaced screens from the callables it is given, and owns none of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..sync.snapshot import Snapshot
from ..sync.thresholds import Thresholds
from .screen_window import ScreenWindow
from .status_text import clock_text, status_items

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
NOTICE_SECONDS = 12


@dataclass
class Notice:
    text: str
    until: datetime | None  # None: until the cause goes away


class StatusBoard:
    """The strip's state beyond the snapshot, and writing it to the windows."""

    def __init__(self, *, clock: Clock, data_clock: Clock, windows: Callable[[], Iterable[ScreenWindow]],
                 language: Callable[[], str], unplaced: Callable[[], list[str]]) -> None:
        self.clock = clock  # times notices
        self.data_clock = data_clock  # the moment shown: differs in --as-of / replay
        self.windows = windows
        self.language = language
        self.unplaced = unplaced
        self.snapshot: Snapshot | None = None
        self.alert_counts = {"critical": 0, "warn": 0}
        self.alerts_judged: int | None = None  # figures compared with a threshold in the last snapshot
        self.notices: list[Notice] = []
        self.thresholds: Thresholds | None = None
        self.conditions: dict[str, str] = {}  # standing warnings by cause (clock, peers) until they go
        self._counted_for: tuple[int, int, datetime] | None = None  # (snapshot, thresholds, minute) counted

    def take(self, snapshot: Snapshot, thresholds: Thresholds) -> None:
        """Count `snapshot`'s alerts under the layout's thresholds, as the alerts tiles show
        them: judged on the sync thread; not yet judged for this layout is unknown."""
        self.snapshot = snapshot
        self.thresholds = thresholds
        self._counted_for = None
        self._count_alerts()

    def _count_alerts(self) -> None:
        """The alert counts as of the moment shown: data grown too old since the snapshot
        came makes them unknown (sync/alerts.py `too_old_to_judge`), never "no alerts"."""
        if self.snapshot is None or self.thresholds is None:
            return
        now = self.data_clock()
        # refresh() runs on every tick of the wall's clock: the counts change with the snapshot,
        # and with the clock only as data grows too old to judge, which is judged to the minute
        key = (id(self.snapshot), id(self.thresholds), now.replace(second=0, microsecond=0))
        if key == self._counted_for:
            return
        self._counted_for = key
        # counted on the sync thread (sync/derive.py): here only looked up
        counts = self.snapshot.derived.counts_for(self.thresholds) if self.snapshot.catalog is not None else None
        if self.snapshot.catalog is None:  # nothing to judge yet: no catalog, no alerts
            self.alert_counts, self.alerts_judged = {"critical": 0, "warn": 0}, 0
        elif counts is None or not counts.known_at(now.timestamp()):  # not judged, or too old: unknown
            self.alert_counts, self.alerts_judged = {"critical": 0, "warn": 0}, None
        else:
            self.alert_counts = {"critical": counts.critical, "warn": counts.warn}
            self.alerts_judged = counts.figures

    def store_label(self) -> str:
        """The central store the data comes from, as the help overlay names it."""
        return self.snapshot.status.store_url if self.snapshot else "—"

    def notify(self, text: str, seconds: float = NOTICE_SECONDS) -> None:
        """A notice on every strip for `seconds`."""
        log.info("%s", text)
        self.notices.append(Notice(text, self.clock() + timedelta(seconds=seconds)))
        self.refresh()

    def set_condition(self, key: str, text: str | None) -> None:
        """A warning on every strip for as long as its cause lasts (None: it has gone)."""
        if text is None:
            changed = self.conditions.pop(key, None) is not None
        else:
            changed = self.conditions.get(key) != text
            self.conditions[key] = text
        if changed:
            log.info("%s", text or f"{key}: cleared")
            self.refresh()

    def refresh(self) -> None:
        """Write the strip's items and clock to every window (expired notices dropped)."""
        now = self.clock()
        self._count_alerts()
        self.notices = [n for n in self.notices if n.until is None or n.until > now]
        notices = [n.text for n in self.notices] + list(self.conditions.values()) + self.unplaced()
        shown = self.data_clock()
        language = self.language()
        items = status_items(self.snapshot, shown, language, critical_alerts=self.alert_counts["critical"],
                             warn_alerts=self.alert_counts["warn"], notices=tuple(notices),
                             alerts_judged=self.alerts_judged)
        clock = clock_text(shown, language)
        for window in self.windows():
            window.strip.set_items(items)
            window.strip.set_clock(clock)

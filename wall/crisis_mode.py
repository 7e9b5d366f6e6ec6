"""Crisis mode on the wall: switching to the crisis layout when a rule fires, back when
all have cleared, and the banner on every window that cannot be missed.

The rules are judged on the sync thread (sync/crisis_watch.py); each snapshot says
which fire and whether the operator acknowledged them. This part only acts on that:

- **Switching.** When rules start firing, the wall switches to the home layout's
  `[crisis] layout` (every window rebuilds). When every rule has cleared it returns to
  the home layout — unless the operator switched layouts by hand while the crisis ran
  (C, V, the control page): the operator's choice then stands, and automatic switching
  resumes with the next crisis. C still switches by hand at any time.
- **Banner.** While a rule fires, every window shows the rule, the place and the
  figure, flashing until acknowledged (key A, `Action.ACKNOWLEDGE`); acknowledging
  stops the flashing, not the crisis layout; a place or rule that fires afterwards
  flashes again. Without a firing rule, a critical alert is on the banner of every
  window whatever page shows; when the crisis rules cannot be judged (no data, too old)
  the banner says so rather than nothing.
- **Recording.** Every crisis layout switch (automatic or by hand) goes out as a
  `CrisisEvent` on `recorded`; the acknowledgement goes out on `acknowledge_requested`.
  The app hands both to the backend, which writes them on the sync thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from ..layouts.loader import CRISIS, SHIPPED_LAYOUTS, Layout
from ..sync.alerts import ActiveAlert
from ..sync.contract import Catalog
from ..sync.crisis_watch import CrisisEvent, CrisisRule, CrisisState, Firing
from ..sync.period_time import IST
from ..sync.snapshot import Snapshot
from ..sync.thresholds import Thresholds
from ..widgets import per_snapshot
from ..widgets.look.i18n import both, display_name, format_number, tr
from .crisis_banner import Tone
from .screen_window import ScreenWindow

FLASH_MS = 600
MAX_FIRING_LINES = 3  # more are counted ("and 4 more"): the banner stays a banner

Clock = Callable[[], datetime]


def _place_name(catalog: Catalog | None, code: str, language: str) -> str:
    if catalog is None:
        return code
    if code == catalog.state.code:
        return display_name(catalog.state, language, code)
    return display_name(catalog.entity(code), language, code)


def _figure(catalog: Catalog | None, kpi_code: str, value: float | None, occupancy: bool, language: str) -> str:
    if value is None:
        return tr("unknown now", language)
    kpi = catalog.kpi(kpi_code) if catalog is not None else None
    unit = "%" if occupancy else (kpi.unit if kpi is not None else "")
    text = format_number(value, unit, decimals=1 if occupancy else None, language=language)
    return f"{text} %" if unit == "%" else f"{text} {tr(unit, language)}".rstrip()


def names_language(language: str, pair: tuple[str, ...]) -> tuple[str, ...]:
    """The languages the banner names rules, places and KPIs in: a bilingual layout's pair
    (the wall's first) when the wall's language is one of it, else the wall's alone."""
    return (language, *(lang for lang in pair if lang != language)) if language in pair else (language,)


def firing_line(firing: Firing, rules: tuple[CrisisRule, ...], catalog: Catalog | None, language: str,
                pair: tuple[str, ...] = ()) -> str:
    """'‼ CRISIS: ICU beds full — Ahmadabad: 97.0 % (threshold 95 %) since 14:05'; on a
    bilingual layout the rule and the place are named in both languages, the rest once."""
    rule = rules[firing.rule_index] if firing.rule_index < len(rules) else None
    shown = names_language(language, pair)
    name = both([rule.label(lang) for lang in shown]) if rule is not None else firing.rule
    place = both([_place_name(catalog, firing.place, lang) for lang in shown])
    threshold = _figure(catalog, firing.kpi, firing.enter, firing.occupancy, language)
    since = firing.since.astimezone(IST).strftime("%H:%M")
    return (f"‼ {tr('CRISIS', language)}: {name} — {place}: "
            f"{_figure(catalog, firing.kpi, firing.value, firing.occupancy, language)} "
            f"({tr('threshold', language)} {threshold}) " + tr("since {when}", language).format(when=since))


def crisis_lines(state: CrisisState, rules: tuple[CrisisRule, ...], catalog: Catalog | None, language: str,
                 pair: tuple[str, ...] = ()) -> list[str]:
    lines = [firing_line(f, rules, catalog, language, pair) for f in state.firings[:MAX_FIRING_LINES]]
    if len(state.firings) > MAX_FIRING_LINES:
        lines.append(tr("and {n} more", language).format(n=len(state.firings) - MAX_FIRING_LINES))
    lines.append(tr("Acknowledged", language) if state.acknowledged else tr("Press A to acknowledge", language))
    return lines


def critical_line(alerts: list[ActiveAlert], catalog: Catalog | None, language: str, pair: tuple[str, ...] = ()) -> str:
    """'‼ Critical: Oxygen stock — Civil Hospital: 4.2 hours (threshold 12 hours) · 3 more critical alerts';
    on a bilingual layout the KPI and the place are named in both languages, the rest once."""
    first = alerts[0]
    kpi = catalog.kpi(first.kpi) if catalog is not None else None
    shown = names_language(language, pair)
    name = both([display_name(kpi, lang, first.kpi) for lang in shown])
    place = both([_place_name(catalog, first.entity, lang) for lang in shown])
    line = (f"‼ {tr('Critical', language)}: {name} — {place}: "
            f"{_figure(catalog, first.kpi, first.value, first.is_occupancy, language)} "
            f"({tr('threshold', language)} {_figure(catalog, first.kpi, first.threshold, first.is_occupancy, language)})")
    if len(alerts) > 1:
        line += " · " + tr("{n} more critical alerts", language).format(n=len(alerts) - 1)
    return line


class CrisisMode(QObject):
    """Follows each snapshot's crisis state: the layout to show and every window's banner."""

    recorded = Signal(tuple)  # CrisisEvents for the crisis log (layout switches)
    acknowledge_requested = Signal()  # the operator acknowledged: recorded on the sync thread

    def __init__(self, home: Layout, *, current: Callable[[], Layout], switch: Callable[[Layout | str], bool],
                 windows: Callable[[], Iterable[ScreenWindow]], language: Callable[[], str], clock: Clock,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.home = home
        self.current = current
        self.switch = switch
        self.windows = windows
        self.language = language
        self.clock = clock  # the moment shown: the live clock, or the replayed moment
        self.rules = home.spec.crisis.models()
        self.snapshot: Snapshot | None = None
        self.thresholds: Thresholds | None = None
        self.active = False
        self.automatic = False  # the crisis layout shows because a rule switched to it
        self.overridden = False  # the operator switched by hand during this crisis
        self._switching = False
        self._previous = home
        self._acknowledged_locally: datetime | None = None  # newest firing acknowledged on this wall
        self.flash_on = True
        self._shown: tuple[list[str], Tone] = ([], "critical")  # the banner as last judged (refresh)
        self._critical_worded: tuple[tuple[object, ...], Catalog, str] | None = None  # (what it says, catalog, line)
        self._flash = QTimer(self)
        self._flash.setInterval(FLASH_MS)
        self._flash.timeout.connect(self._toggle_flash)

    # --- the crisis layout --------------------------------------------------------------

    def target(self) -> str | None:
        """The crisis layout to switch to: a shipped name or a file next to the home layout."""
        name = self.home.spec.crisis.layout
        if name is None:
            return None
        return name if name in SHIPPED_LAYOUTS else str(self.home.directory / name)

    def holds_the_wall(self) -> bool:
        """A crisis this wall switched to by itself is showing (no operator overrode it): a
        peer's older layout must not take it away (a PC restarted during the crisis would
        otherwise copy the last layout an operator chose before it)."""
        return self.active and not self.overridden

    def _is_crisis_layout(self, layout: Layout) -> bool:
        target = self.target()
        return layout.path.stem == CRISIS or (target is not None and layout.path.stem == Path(target).stem)

    def take(self, snapshot: Snapshot, thresholds: Thresholds) -> None:
        """A new snapshot: switch if the crisis began or ended, then every window's banner."""
        self.snapshot, self.thresholds = snapshot, thresholds
        state = snapshot.crisis
        if state.active and not self.active:
            self.active, self.overridden = True, False
            self._enter(state)
        elif not state.active and self.active:
            self.active = False
            self._leave()
        if state.acknowledged or not state.active:
            self._acknowledged_locally = None
        self.refresh()

    def _enter(self, state: CrisisState) -> None:
        target = self.target()
        if target is None or self._is_crisis_layout(self.current()):
            return
        first = state.firings[0]
        if self._switch(target):
            self.automatic = True
            self._record_switch(f"to {Path(target).stem} (automatic)", first)

    def _leave(self) -> None:
        if self.automatic and not self.overridden and self._is_crisis_layout(self.current()):
            if self._switch(self.home):
                self._record_switch(f"to {self.home.path.stem} (automatic: every rule cleared)")
        self.automatic = self.overridden = False

    def _switch(self, layout: Layout | str) -> bool:
        self._switching = True
        try:
            return self.switch(layout)
        finally:
            self._switching = False

    def follow_layout(self, layout: Layout) -> None:
        """Any layout change: one made by hand during a crisis ends automatic switching
        until the next crisis; a change into or out of a crisis layout is recorded."""
        previous, self._previous = self._previous, layout
        if self._switching:
            return
        if self.active:
            self.overridden, self.automatic = True, False
        if self._is_crisis_layout(layout) or self._is_crisis_layout(previous):
            self._record_switch(f"to {layout.path.stem} (by hand, from {previous.path.stem})")

    def _record_switch(self, detail: str, firing: Firing | None = None) -> None:
        event = CrisisEvent(self.clock(), "switch", firing.rule if firing else "", firing.place if firing else "",
                            firing.value if firing else None, firing.enter if firing else None, detail)
        self.recorded.emit((event,))

    # --- acknowledging and the banner ---------------------------------------------------

    def acknowledge(self) -> bool:
        """The operator saw the banner: it stops flashing here at once; the sync thread records it."""
        state = self.snapshot.crisis if self.snapshot is not None else None
        if state is None or not state.active or state.acknowledged:
            return False
        self._acknowledged_locally = state.newest_firing
        self.acknowledge_requested.emit()
        self.refresh()
        return True

    def flashing(self) -> bool:
        state = self.snapshot.crisis if self.snapshot is not None else None
        if state is None or not state.active or state.acknowledged:
            return False
        return self._acknowledged_locally is None or state.newest_firing != self._acknowledged_locally

    def _toggle_flash(self) -> None:
        """Only the flash changes: the banner's lines, judged once per refresh, are shown again."""
        self.flash_on = not self.flash_on
        lines, tone = self._shown
        for window in self.windows():
            window.banner.show_lines(lines, tone, self.flash_on)

    def refresh(self) -> None:
        """Every window's banner: the firing rules, else a critical alert, else nothing."""
        lines, tone = self._shown = self.banner()
        flashing = self.flashing()
        if flashing and not self._flash.isActive():
            self.flash_on = True
            self._flash.start()
        elif not flashing:
            self._flash.stop()
            self.flash_on = True
        for window in self.windows():
            window.banner.show_lines(lines, tone, self.flash_on)

    def banner(self) -> tuple[list[str], Tone]:
        snapshot, language = self.snapshot, self.language()
        pair = self.current().spec.languages  # a bilingual layout names things in both (the strip stays in one)
        if snapshot is None or snapshot.catalog is None:
            return [], "critical"
        state, catalog = snapshot.crisis, snapshot.catalog
        critical = self._critical_alerts(snapshot)
        if state.active:
            shown = state
            if self._acknowledged_locally is not None and state.newest_firing == self._acknowledged_locally:
                shown = replace(state, acknowledged=True)
            lines = crisis_lines(shown, self.rules, catalog, language, pair)
            if critical:
                lines.insert(-1, self._critical_line(critical, catalog, language, pair))
            return lines, "crisis"
        if critical:
            return [self._critical_line(critical, catalog, language, pair)], "critical"
        if state.rules and not state.judgeable:
            return [tr("Crisis rules cannot be judged: no recent data", language)], "unknown"
        return [], "critical"

    def _critical_line(self, critical: list[ActiveAlert], catalog: Catalog, language: str, pair: tuple[str, ...]) -> str:
        """`critical_line`, worded again only when what it says changed (the first alert, their
        number, the catalog, the languages): most polls leave it as it was."""
        key = (critical[0], len(critical), id(catalog), language, pair)
        held = self._critical_worded
        if held is None or held[0] != key or held[1] is not catalog:
            held = self._critical_worded = (key, catalog, critical_line(critical, catalog, language, pair))
        return held[2]

    def _critical_alerts(self, snapshot: Snapshot) -> list[ActiveAlert]:
        if self.thresholds is None:
            return []
        # picked out on the sync thread (the clock matters only when there is no alert)
        return list(per_snapshot.critical_alerts(snapshot, self.thresholds))

    def stop(self) -> None:
        self._flash.stop()

"""Crisis rules watched across polls: when a figure has crossed its entry threshold long
enough, the wall turns to its crisis layout; it turns back only when every rule has
stayed clear for a while. Qt-free; run on the sync thread (and by the history worker
during replay), so the snapshot carries the outcome and the screens only show it.

A rule (`CrisisRule`, written in a layout's `[crisis]`, layouts/crisis_spec.py) names a
KPI or a used/total pair (occupancy in %), a scope (the state, every place of a level,
or one place), an entry threshold and an exit threshold:

- **Readings.** A rule counts *readings* of each place's figure: a snapshot in which
  the figure's newest report time is not the one seen before (a poll that brought a new
  report for it, or a replayed moment past one). Snapshots that bring nothing new for
  the figure are not counted again, so polling faster never fires a rule sooner.
- **Entry.** A place fires once its figure was past the entry threshold in
  `enter_readings` consecutive readings (a reading on the calm side starts the count
  again).
- **Exit.** A firing place clears once its figure has stayed on the calm side of the
  exit threshold for `exit_minutes` (counted on the moment the wall shows: the
  wall's clock live, the replayed moment in replay). Between the two thresholds it
  stays as it is (hysteresis). A figure that becomes unknown or too old keeps the place
  firing (never falsely calm) and restarts the calm time.
- **Too old.** A figure overdue (newest report older than its KPI's frequency) by more
  than another period — and by more than `MIN_LATENESS`, so a minute's KPI is not
  unknown after two minutes of a slow store — is not judged: it counts as unknown
  (`too_old`, shared with the alerts: sync/alerts.py).
- **Direction.** `above` or `below` (bad is past the threshold in that direction); by
  default from the KPI's `better` (a KPI that is better lower is bad above), and
  `above` for occupancy.

`CrisisState.judgeable` is False when no figure of any rule could be judged (no
catalog, no data, all too old): the wall then says the crisis state is unknown. The
watch returns `CrisisEvent`s (fire, clear) for the local store's crisis log; the
operator's acknowledgement is one too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from .contract import Catalog, Kpi
from .freshness import frequency_seconds
from .rollup import Figure, figures, pair_figures
from .series import KpiSeries

Direction = Literal["above", "below"]
Aggregate = Literal["shown", "own"]
EventKind = Literal["fire", "clear", "acknowledge", "switch"]


@dataclass(frozen=True)
class CrisisRule:
    """One crisis rule, as the layout declares it (codes are the store's)."""

    name: str  # shown on the banner, e.g. "ICU beds full"
    enter: float  # entry threshold (percent for occupancy)
    exit: float  # exit threshold: on its calm side for `exit_minutes` to clear
    kpi: str | None = None  # a KPI …
    used: str | None = None  # … or a used/total pair (occupancy, in %)
    total: str | None = None
    level: str | None = None  # every place of this level …
    entity: str | None = None  # … or this one place; neither: the state
    aggregate: Aggregate = "shown"  # "shown": own report, else children rolled up; "own": own report only
    direction: Direction | None = None  # None: from the KPI's `better`
    enter_readings: int = 2
    exit_minutes: float = 10.0
    name_local: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_occupancy(self) -> bool:
        return self.used is not None

    def label(self, language: str) -> str:
        return self.name_local.get(language) or self.name


@dataclass(frozen=True)
class Firing:
    """A place where a rule fired, and where it stands now."""

    rule: str  # the rule's name (English)
    rule_index: int
    place: str  # entity code
    value: float | None  # the latest known figure (percent for occupancy); None: unknown now
    enter: float
    exit: float
    direction: Direction
    since: datetime  # when it fired
    kpi: str  # the KPI (the used KPI for occupancy)
    occupancy: bool = False
    calm_since: datetime | None = None  # on the calm side of the exit threshold since


@dataclass(frozen=True)
class CrisisState:
    """What the snapshot says of the crisis rules."""

    rules: int = 0  # rules watched
    firings: tuple[Firing, ...] = ()
    acknowledged: bool = False  # the operator acknowledged every current firing
    judged: int = 0  # figures compared with a rule's thresholds in this snapshot
    unknown: int = 0  # places whose figure is unknown or too old to judge
    newest_firing: datetime | None = None  # since of the newest firing: a new one restarts flashing

    @property
    def active(self) -> bool:
        return bool(self.firings)

    @property
    def judgeable(self) -> bool:
        """Whether anything could be judged: False means the crisis state is unknown."""
        return self.judged > 0


NO_CRISIS_RULES = CrisisState()


@dataclass(frozen=True)
class CrisisEvent:
    """One line of the crisis log (the local store's `crisis_log`, `main.py crisis-log`)."""

    at: datetime
    kind: EventKind
    rule: str = ""
    place: str = ""
    value: float | None = None
    threshold: float | None = None
    detail: str = ""


@dataclass
class _Track:
    reading_at: float | None = None  # newest report time of the last reading
    past: int = 0  # consecutive readings past the entry threshold
    firing: Firing | None = None


def _past(value: float, threshold: float, direction: Direction) -> bool:
    return value > threshold if direction == "above" else value < threshold


def _calm(value: float, threshold: float, direction: Direction) -> bool:
    """On the calm side of the exit threshold (at the threshold is not yet calm)."""
    return value < threshold if direction == "above" else value > threshold


MIN_LATENESS = 600.0  # seconds past due before a figure is too old to judge, whatever its frequency
RECHECK = timedelta(minutes=1)  # a store with nothing new: rules judged again this often (data grows old)


def too_old(reported_at: float, frequency: str, now: float) -> bool:
    """Whether a figure last reported at `reported_at` (POSIX seconds) is too old to judge at `now`."""
    period = frequency_seconds(frequency)
    return reported_at + period + max(period, MIN_LATENESS) < now


def _too_old(reported_at: float | None, kpi: Kpi, moment: datetime) -> bool:
    return reported_at is None or too_old(reported_at, kpi.frequency, moment.timestamp())


class CrisisWatch:
    """The rules' state across snapshots; one per worker, called on its thread only."""

    def __init__(self, rules: Iterable[CrisisRule] = ()) -> None:
        self.rules: tuple[CrisisRule, ...] = tuple(rules)
        self._tracks: dict[tuple[int, str], _Track] = {}
        self._acknowledged = False
        self.state = CrisisState(rules=len(self.rules))
        self._observed_at: datetime | None = None

    def set_rules(self, rules: Iterable[CrisisRule]) -> None:
        """Watch `rules` from now on; what is known of rules kept unchanged stays."""
        rules = tuple(rules)
        if rules == self.rules:
            return
        kept = {i: rules.index(r) for i, r in enumerate(self.rules) if r in rules}
        self._tracks = {(kept[i], place): track for (i, place), track in self._tracks.items() if i in kept}
        self.rules = rules
        self.state = replace(self.state, rules=len(rules))

    def reset(self) -> None:
        """Forget every reading and firing (a replay stepping back in time)."""
        self._tracks.clear()
        self._acknowledged = False
        self.state = CrisisState(rules=len(self.rules))

    def acknowledge(self, at: datetime) -> CrisisEvent | None:
        """The operator saw the current firings: the banner stops flashing (not the crisis)."""
        if not self.state.active or self.state.acknowledged:
            return None
        self._acknowledged = True
        self.state = replace(self.state, acknowledged=True)
        first = self.state.firings[0]
        return CrisisEvent(at, "acknowledge", first.rule, first.place, first.value, first.enter,
                           detail=f"{len(self.state.firings)} firing")

    def due(self, moment: datetime) -> bool:
        """Whether the rules should be judged again at `moment` though no new data came: a
        firing's calm time is up, or a while has passed (figures may have grown too old)."""
        if not self.rules:
            return False
        if self._observed_at is None or moment - self._observed_at >= RECHECK:
            return True
        return self.clear_due(moment)

    def clear_due(self, moment: datetime) -> bool:
        """Whether a firing would clear at `moment` without new data (its calm time is up)."""
        for track in self._tracks.values():
            firing = track.firing
            if firing is not None and firing.calm_since is not None:
                rule = self.rules[firing.rule_index]
                if moment - firing.calm_since >= timedelta(minutes=rule.exit_minutes):
                    return True
        return False

    def observe(self, catalog: Catalog | None, series: Mapping[str, KpiSeries],
                moment: datetime) -> tuple[CrisisState, list[CrisisEvent]]:
        """Judge every rule on the data as of `moment`; the new state and what changed."""
        self._observed_at = moment
        if catalog is None or not self.rules:
            firings = tuple(t.firing for t in self._tracks.values() if t.firing is not None)
            self.state = replace(self.state, rules=len(self.rules), firings=firings, judged=0,
                                 unknown=0)
            return self.state, []
        events: list[CrisisEvent] = []
        judged = unknown = 0
        for index, rule in enumerate(self.rules):
            for place, value, reported_at, kpi in self._figures(catalog, series, rule, moment):
                direction = rule.direction or ("above" if rule.is_occupancy or kpi.better == "lower" else "below")
                track = self._tracks.setdefault((index, place), _Track())
                known = value is not None and math.isfinite(value) and not _too_old(reported_at, kpi, moment)
                if known:
                    judged += 1
                else:
                    unknown += 1
                events += self._step(track, index, rule, place, value if known else None, reported_at, kpi,
                                     direction, moment)
        firings = tuple(sorted((t.firing for t in self._tracks.values() if t.firing is not None),
                               key=lambda f: (f.rule_index, f.since, f.place)))
        newest = max((f.since for f in firings), default=None)
        if newest is not None and self.state.newest_firing is not None and newest > self.state.newest_firing:
            self._acknowledged = False  # a new place or rule fired: the operator must see it too
        if not firings:
            self._acknowledged = False
        self.state = CrisisState(rules=len(self.rules), firings=firings, acknowledged=self._acknowledged,
                                 judged=judged, unknown=unknown, newest_firing=newest)
        return self.state, events

    def _step(self, track: _Track, index: int, rule: CrisisRule, place: str, value: float | None,
              reported_at: float | None, kpi: Kpi, direction: Direction, moment: datetime) -> list[CrisisEvent]:
        new_reading = value is not None and reported_at != track.reading_at
        if new_reading:
            track.reading_at = reported_at
            assert value is not None
            track.past = track.past + 1 if _past(value, rule.enter, direction) else 0
        elif value is None:
            track.past = 0  # unknown breaks the run of readings
        firing = track.firing
        if firing is None:
            if track.past >= rule.enter_readings and value is not None:
                track.firing = Firing(rule.name, index, place, value, rule.enter, rule.exit, direction, moment,
                                      kpi.code, rule.is_occupancy)
                return [CrisisEvent(moment, "fire", rule.name, place, value, rule.enter,
                                    detail=f"{track.past} readings past {rule.enter:g}")]
            return []
        if value is None:  # unknown: keep firing, the calm time starts again when it is known
            track.firing = replace(firing, value=None, calm_since=None)
            return []
        if not _calm(value, rule.exit, direction):
            track.firing = replace(firing, value=value, calm_since=None)
            return []
        calm_since = firing.calm_since or moment
        if moment - calm_since >= timedelta(minutes=rule.exit_minutes):
            track.firing, track.past = None, 0
            return [CrisisEvent(moment, "clear", rule.name, place, value, rule.exit,
                                detail=f"past {rule.exit:g} for {rule.exit_minutes:g} min")]
        track.firing = replace(firing, value=value, calm_since=calm_since)
        return []

    @staticmethod
    def _figures(catalog: Catalog, series: Mapping[str, KpiSeries], rule: CrisisRule,
                 moment: datetime) -> list[tuple[str, float | None, float | None, Kpi]]:
        """(place, figure, its newest report time, the KPI) for every place in the rule's scope;
        nothing when the catalog lacks the rule's codes (`main.py check` names them)."""
        if rule.entity is not None:
            places = [rule.entity] if catalog.level_of(rule.entity) is not None else []
        elif rule.level is not None and rule.level != "state":
            places = [e.code for e in catalog.entities_of_level(rule.level)]
        else:
            places = [catalog.state.code]
        out: list[tuple[str, float | None, float | None, Kpi]] = []
        if rule.kpi is not None:
            kpi = catalog.kpi(rule.kpi)
            if kpi is None:
                return []
            for place, fig in figures(catalog, series, kpi, places, moment).items():
                fig = _as_wanted(fig, rule.aggregate)
                out.append((place, fig.value, fig.reported_at, kpi))
            return out
        used = catalog.kpi(rule.used or "")
        total = catalog.kpi(rule.total or "")
        if used is None or total is None:
            return []
        for place, (u, t) in pair_figures(catalog, series, used, total, places, moment).items():
            u, t = _as_wanted(u, rule.aggregate), _as_wanted(t, rule.aggregate)
            share = 100.0 * u.value / t.value if u.value is not None and t.value is not None and t.value > 0 else None
            out.append((place, share, u.reported_at, used))
        return out


def _as_wanted(figure: Figure, aggregate: Aggregate) -> Figure:
    """The figure, or no value when the rule wants the place's own report and this one is rolled up."""
    if aggregate == "own" and figure.rolled_up:
        return replace(figure, value=None)
    return figure

"""Facts many tiles derive from the same snapshot, worked out once per snapshot.

At state scale some facts cost tens of milliseconds each (the freshness of all 3,400
ranked KPIs, the state's mean marks of every KPI) and a wall's rankings, maps,
breakdowns and attention lists each asked for them again for every snapshot. Kept
here beside the snapshot they were made from (weakly: they go with it), they are made
once per snapshot, whichever thread builds the tiles' models.
"""

from __future__ import annotations

import sys
import threading
import weakref
from collections import deque
from collections.abc import Callable, Hashable, Mapping
from datetime import datetime
from itertools import takewhile
from operator import attrgetter
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import numpy as np

from ..sync.alerts import ActiveAlert, Judgement, Select, shown_judgement
from ..sync.contract import Catalog
from ..sync.ranking.explain import Explanation
from ..sync.ranking.plan import ranked_kpis
from ..sync.ranking.result import RankingResult
from ..sync.ranking.rowmap import RowMapping
from ..sync.snapshot import Snapshot
from ..sync.thresholds import Thresholds
from .data_age import DataAge, KpisFreshness, Translate, freshness_age, snapshot_age
from .questioned import questioned_in_month

T = TypeVar("T")

_kept: WeakKeyDictionary[Snapshot, dict[Hashable, Any]] = WeakKeyDictionary()
_lock = threading.Lock()


# The facts of the snapshot asked of last: every tile asks of the same snapshot as a poll is
# applied (~1,000 look-ups on the GUI thread), found here without the lock and the weak dictionary.
_latest: tuple[weakref.ref[Snapshot], dict[Hashable, Any]] | None = None
_NOT_KEPT = object()


def _forget_latest(gone: weakref.ref[Snapshot]) -> None:
    """The snapshot asked of last was freed: its facts go with it."""
    global _latest
    latest = _latest
    if latest is not None and latest[0] is gone:
        _latest = None


def _remember_latest(snapshot: Snapshot, kept: dict[Hashable, Any]) -> None:
    global _latest
    latest = _latest
    if latest is None or latest[0]() is not snapshot:
        _latest = (weakref.ref(snapshot, _forget_latest), kept)


def once(snapshot: Snapshot, key: Hashable, make: Callable[[], T]) -> T:
    """`make()` the first time `key` is asked of `snapshot`; what it made ever after."""
    latest = _latest
    if latest is not None and latest[0]() is snapshot:
        value = latest[1].get(key, _NOT_KEPT)  # one dictionary read: atomic, no lock needed
        if value is not _NOT_KEPT:
            return value  # type: ignore[no-any-return]
    with _lock:
        kept = _kept.get(snapshot)
        if kept is not None and key in kept:
            _remember_latest(snapshot, kept)
            return kept[key]  # type: ignore[no-any-return]
    value = make()
    with _lock:
        kept = _kept.setdefault(snapshot, {})
        kept[key] = value
        _remember_latest(snapshot, kept)
    return value


_CATALOGS: list[tuple[Catalog, dict[Hashable, Any]]] = []  # the last few catalogs' facts (catalogs change rarely)


def per_catalog(catalog: Catalog, key: Hashable, make: Callable[[], T]) -> T:
    """`make()` the first time `key` is asked of `catalog` (one of the last few catalogs seen);
    what it made ever after: facts of the catalog alone, kept across polls."""
    with _lock:
        kept = next((facts for held, facts in _CATALOGS if held is catalog), None)
        if kept is not None and key in kept:
            return kept[key]  # type: ignore[no-any-return]
    value = make()
    with _lock:
        kept = next((facts for held, facts in _CATALOGS if held is catalog), None)
        if kept is None:
            kept = {}
            _CATALOGS.insert(0, (catalog, kept))
            del _CATALOGS[4:]
        kept[key] = value
    return value


def ranked_codes(snapshot: Snapshot) -> tuple[str, ...]:
    """The codes of the catalog's ranked KPIs, catalog order (`ranked_kpis`), once per catalog."""
    catalog = snapshot.catalog
    if catalog is None:
        return ()
    return per_catalog(catalog, "ranked_codes", lambda: tuple(k.code for k in ranked_kpis(catalog)))


class ReportFacts:
    """Each catalog KPI's newest report and when it falls due (sync/report_times.py
    `KpiReports.newest` / `newest_due`), as arrays in catalog order: what the freshness
    tile, the feed quality tile and every ranking age read of 3,400 KPIs. Gathered per
    snapshot from the previous snapshot's, reading again only the KPIs whose reports are
    new objects (a series a poll changed)."""

    def __init__(self, catalog: Catalog, reports: Mapping[str, Any], previous: ReportFacts | None) -> None:
        codes = [k.code for k in catalog.kpis]
        self.objects: list[Any] = [reports.get(code) for code in codes]
        self.newest: np.ndarray
        self.due: np.ndarray
        self.due_at: list[datetime | None]
        if previous is not None and len(previous.objects) == len(codes):
            self.newest, self.due = previous.newest.copy(), previous.due.copy()
            self.due_at = list(previous.due_at)
            changed: Any = [i for i, (now, before) in enumerate(zip(self.objects, previous.objects)) if now is not before]
        else:
            self.newest, self.due = np.full(len(codes), np.nan), np.full(len(codes), np.nan)
            self.due_at = [None for _ in codes]
            changed = range(len(codes))
        for i in changed:
            got = self.objects[i]
            if got is None or got.newest is None or got.newest_due is None:
                self.newest[i] = self.due[i] = np.nan
                self.due_at[i] = None
            else:
                self.newest[i], self.due[i], self.due_at[i] = got.newest, got.newest_due.timestamp(), got.newest_due
        self.newest.flags.writeable = False
        self.due.flags.writeable = False  # microsecond moments order as their POSIX seconds do

    def freshness(self, catalog: Catalog, rows: np.ndarray | None = None) -> KpisFreshness:
        """`kpis_freshness` over the KPIs at `rows` of the catalog (all when None)."""
        newest, due = (self.newest, self.due) if rows is None else (self.newest[rows], self.due[rows])
        if not len(newest) or np.isnan(newest).all():
            return KpisFreshness()
        last = int(np.nanargmax(due))  # the first KPI falling due last
        at = last if rows is None else int(rows[last])
        return KpisFreshness(float(np.nanmax(newest)), self.due_at[at], catalog.kpis[at])


_REPORT_FACTS: list[tuple[Catalog, ReportFacts]] = []  # the last facts gathered, to start the next from


def report_facts(snapshot: Snapshot) -> ReportFacts:
    """`ReportFacts` of `snapshot` (catalog and derived report times), once per snapshot."""
    catalog = snapshot.catalog
    assert catalog is not None

    def make() -> ReportFacts:
        with _lock:
            previous = next((facts for held, facts in _REPORT_FACTS if held is catalog), None)
        facts = ReportFacts(catalog, snapshot.derived.reports, previous)
        with _lock:
            _REPORT_FACTS[:] = [(catalog, facts)]
        return facts

    return once(snapshot, "report_facts", make)


def report_times_input(snapshot: Snapshot) -> tuple[bytes, bytes]:
    """Every KPI's newest report and when it falls due, as a `model_inputs` part compared by
    value (two memcmp calls), once per snapshot."""
    def make() -> tuple[bytes, bytes]:
        facts = report_facts(snapshot)
        return facts.newest.tobytes(), facts.due.tobytes()

    return once(snapshot, "report_times_input", make)


def _aged_kpis(snapshot: Snapshot, which: str) -> KpisFreshness:
    """`kpis_freshness` of the ranked KPIs (else all: `snapshot_age`'s default) or of all
    KPIs (`which` "ranked" / "all"), once per snapshot — 3,400 KPIs' report facts."""
    def make() -> KpisFreshness:
        catalog = snapshot.catalog
        assert catalog is not None
        facts = report_facts(snapshot)
        if which == "ranked":
            def ranked_rows() -> np.ndarray:
                ranked = {k.code for k in ranked_kpis(catalog)}
                return np.array([i for i, k in enumerate(catalog.kpis) if k.code in ranked], dtype=np.intp)

            rows = per_catalog(catalog, "ranked_rows", ranked_rows)
            if len(rows):
                return facts.freshness(catalog, rows)
        return facts.freshness(catalog)

    return once(snapshot, ("aged_kpis", which), make)


def ranking_age(snapshot: Snapshot, now: datetime, tr: Translate, language: str = "") -> DataAge:
    """`snapshot_age(snapshot, now, tr)` (its ranked KPIs' freshness): their report facts
    gathered once per snapshot, then judged against `now` in constant time."""
    if snapshot.catalog is None or snapshot.status.reachable is False or not snapshot.derived.derived:
        return snapshot_age(snapshot, now, tr)
    return freshness_age(snapshot, _aged_kpis(snapshot, "ranked"), now, tr)


def all_kpis_age(snapshot: Snapshot, now: datetime, tr: Translate) -> DataAge:
    """`snapshot_age(snapshot, now, tr, kpis=catalog.kpis)`, its facts gathered once per snapshot."""
    catalog = snapshot.catalog
    if catalog is None or snapshot.status.reachable is False or not snapshot.derived.derived:
        return snapshot_age(snapshot, now, tr, kpis=catalog.kpis if catalog is not None else None)
    return freshness_age(snapshot, _aged_kpis(snapshot, "all"), now, tr)


def age_input(age: DataAge) -> tuple[str, str]:
    """A tile's age as a `model_inputs` part (its words at the moment asked: a poll after
    the minute turned rebuilds the tile, as `PaintedTile.refresh_ages` would)."""
    return (age.state, age.text)


def state_marks(snapshot: Snapshot, ranking: RankingResult) -> dict[str, float]:
    """Each KPI's mean marks over the ranked places of `ranking` (one of `snapshot`'s)."""
    def make() -> dict[str, float]:
        table = marks_table(snapshot, ranking)
        means = table.state_means()
        return {code: float(means[i]) for code, i in table.index.items() if means[i] == means[i]}

    return once(snapshot, ("state_marks", id(ranking)), make)


class MarksTable:
    """The marks of a ranking's ranked places as one (places × KPIs) matrix, NaN for None,
    for tiles that compare every KPI across places (the attention tile): 3,400 KPIs × 33
    districts read through the rows' mappings cost tens of milliseconds per tile."""

    def __init__(self, ranking: RankingResult) -> None:
        ranked = ranking.ranked
        self.entities = tuple(r.entity for r in ranked)
        shared = _shared_rows([r.marks for r in ranked])
        if shared is not None:  # the wall's own ranking: views of one matrix's columns
            self.codes, self.index, rows = shared
            self.matrix = np.vstack(rows) if rows else np.empty((0, len(self.codes)))
        else:  # the store's: a dict per row, mostly all in one order
            keys = [tuple(r.marks) for r in ranked]
            codes: dict[str, int] = {code: i for i, code in enumerate(keys[0])} if keys else {}
            for row_keys in keys:
                if row_keys != keys[0]:
                    for code in row_keys:
                        codes.setdefault(code, len(codes))
            self.codes, self.index = tuple(codes), codes
            self.matrix = np.full((len(ranked), len(codes)), np.nan)
            for i, r in enumerate(ranked):
                numbers = _row_numbers(r.marks, self.codes)  # read already for the tiles' inputs
                if numbers is not None:
                    self.matrix[i] = numbers
                    continue
                if tuple(r.marks) == self.codes:  # None reads as NaN
                    self.matrix[i] = np.array(list(r.marks.values()), dtype=np.float64)
                    continue
                for code, marks in r.marks.items():
                    if marks is not None:
                        self.matrix[i, codes[code]] = marks
        self.matrix.flags.writeable = False
        self._means: np.ndarray | None = None
        self._columns: dict[tuple[str, ...], np.ndarray] = {}

    def state_means(self) -> np.ndarray:
        """Each KPI's mean marks over the ranked places (NaN: none has marks), summed place
        by place in rank order as `kpi_marks` sums them, so the means are the same floats."""
        if self._means is None:
            self._means = self._state_means()
        return self._means

    def _state_means(self) -> np.ndarray:
        known = ~np.isnan(self.matrix)
        filled = np.where(known, self.matrix, 0.0)  # adding 0.0 leaves a sum as it was
        sums = np.zeros(len(self.codes))
        for row in filled:  # place by place, in rank order
            sums += row
        counts = known.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)

    def columns(self, codes: tuple[str, ...]) -> np.ndarray:
        """The matrix's columns for `codes` in that order (NaN for a code it has no marks of)."""
        with _lock:
            held = self._columns.get(codes)
        if held is not None:
            return held
        where = np.array([self.index.get(c, -1) for c in codes], dtype=np.intp)
        out = np.full((self.matrix.shape[0], len(codes)), np.nan)
        has = where >= 0
        out[:, has] = self.matrix[:, where[has]]
        out.flags.writeable = False
        with _lock:
            self._columns = {codes: out}  # tiles ask for one order of codes (the ranked KPIs')
        return out

    def row_of(self, entity: str) -> int | None:
        """The matrix row of a ranked `entity`."""
        try:
            return self.entities.index(entity)
        except ValueError:
            return None


def _shared_rows(marks: list[Any]) -> tuple[tuple[str, ...], Mapping[str, int], list[np.ndarray]] | None:
    """(codes, code -> column, each row's numbers) when every row is a view over the same codes."""
    if not marks or not all(isinstance(m, RowMapping) for m in marks):
        return None
    parts = [m.parts for m in marks]
    codes, index = parts[0][0], parts[0][1]
    if any(p[0] is not codes or p[1] is not index for p in parts):
        return None
    return codes, index, [p[2] for p in parts]


_TABLES: dict[int, tuple[weakref.ref[RankingResult], MarksTable]] = {}


_CONTENT: dict[int, tuple[weakref.ref[RankingResult], tuple[Any, ...]]] = {}
_ORDERS: list[tuple[tuple[str, ...], Mapping[str, int], np.ndarray]] = []  # (codes, index) -> positions, the last few


def _positions(codes: tuple[str, ...], index: Mapping[str, int]) -> np.ndarray:
    """Where each of `codes` sits in rows indexed by `index` (a row view's numbers in code order)."""
    with _lock:
        held = next((order for c, i, order in _ORDERS if c is codes and i is index), None)
    if held is None:
        held = np.fromiter((index[c] for c in codes), dtype=np.intp, count=len(codes))
        with _lock:
            _ORDERS.insert(0, (codes, index, held))
            del _ORDERS[8:]
    return held


# id(mapping) -> (mapping, codes asked with, its content, its numbers in those codes' order or None), for the
# rows of the last few rankings: a ranking is made anew every poll around the same marks objects (the month
# before's, a place whose marks did not change), whose content is then not worked out again.
_ROWS: deque[dict[int, tuple[Any, Any, Any, np.ndarray | None]]] = deque(maxlen=2)  # this poll's and the last's


def _mapping_content(mapping: Mapping[str, Any], codes: tuple[str, ...] | None,
                     known: tuple[dict[int, tuple[Any, Any, Any, np.ndarray | None]], ...]) -> tuple[Any, np.ndarray | None]:
    """A mapping of codes to numbers (or None) as a value that compares in a few memcmp calls:
    its codes, and its numbers in their order as bytes (NaN: None); with those numbers when
    they are in the order `codes` (most rows of a store's ranking share one order, compared
    once for the ranking); `known`: what the last rankings' rows were found to be."""
    for rows in known:
        held = rows.get(id(mapping))
        if held is not None and held[0] is mapping and held[1] == codes:
            return held[2], held[3]
    if isinstance(mapping, RowMapping):
        own, index, numbers = mapping.parts
        return ("view", own, numbers[_positions(own, index)].tobytes()), None
    if codes is not None and tuple(mapping) == codes:
        values = list(mapping.values())
        try:
            read: np.ndarray | None = np.array(values, dtype=np.float64)  # None reads as NaN
        except (TypeError, ValueError):
            read = None
        if read is not None and all(values[i] is None for i in np.flatnonzero(np.isnan(read)).tolist()):
            read.flags.writeable = False
            return ("same codes", read.tobytes()), read
    return ("items", tuple(mapping.items())), None


def ranking_content(ranking: RankingResult) -> tuple[Any, ...]:
    """Every row of `ranking` (all its fields: place, score, rank, grade, marks, group scores,
    not reported, provisional) as a value compared by content in a few memcmp calls a row,
    once per ranking object. A ranking is made anew at every poll; comparing its rows field by
    field went through each row's 3,400 marks (2 ms a row for the wall's own rows, read through
    Python) on the GUI thread, for every tile that keys on the ranking."""
    with _lock:
        held = _CONTENT.get(id(ranking))
        if held is not None and held[0]() is ranking:
            return held[1]
    first = next((r.marks for r in ranking.rows if not isinstance(r.marks, RowMapping)), None)
    codes = tuple(first) if first is not None else None
    made: dict[int, tuple[Any, Any, Any, np.ndarray | None]] = {}
    with _lock:
        known = tuple(_ROWS)

    def of(mapping: Mapping[str, Any], order: tuple[str, ...] | None) -> Any:
        content, numbers = _mapping_content(mapping, order, known)
        made[id(mapping)] = (mapping, order, content, numbers)
        return content

    content = (codes, tuple(
        (r.entity, r.score, r.rank, r.grade, of(r.marks, codes),
         tuple((level, of(scores, None)) for level, scores in r.by.items()), r.not_reported, r.provisional)
        for r in ranking.rows))
    with _lock:
        for key in [k for k, (alive, _) in _CONTENT.items() if alive() is None]:
            del _CONTENT[key]
        _CONTENT[id(ranking)] = (weakref.ref(ranking), content)
        _ROWS.appendleft(made)
    return content


def _row_numbers(mapping: Mapping[str, Any], codes: tuple[str, ...]) -> np.ndarray | None:
    """The numbers of a store's ranking row in the order `codes`, when `ranking_content` read them."""
    with _lock:
        for rows in _ROWS:
            held = rows.get(id(mapping))
            if held is not None and held[0] is mapping and held[1] == codes:
                return held[3]
    return None


def marks_table(snapshot: Snapshot, ranking: RankingResult) -> MarksTable:
    """`MarksTable(ranking)`, once per ranking: kept while the ranking lives, since the
    previous month's ranking stays the same object poll after poll."""
    with _lock:
        held = _TABLES.get(id(ranking))
        if held is not None and held[0]() is ranking:
            return held[1]
    table = MarksTable(ranking)
    with _lock:
        for key in [k for k, (alive, _) in _TABLES.items() if alive() is None]:
            del _TABLES[key]
        _TABLES[id(ranking)] = (weakref.ref(ranking), table)
    return table


def marks_by_code(snapshot: Snapshot, ranking: RankingResult, entity: str | None, codes: tuple[str, ...]) -> np.ndarray:
    """The marks `kpi_marks(ranking, code, entity)` gives for each of `codes` (NaN: None):
    the place's own row (ranked or not), or for the state (None) the means over ranked places."""
    def make() -> np.ndarray:
        if entity is None:
            table = marks_table(snapshot, ranking)
            means = table.state_means()
            where = np.array([table.index.get(c, -1) for c in codes], dtype=np.intp)
            return np.where(where >= 0, means[np.maximum(where, 0)], np.nan) if len(means) else np.full(len(codes), np.nan)
        row = ranking.row(entity)
        if row is None:
            return np.full(len(codes), np.nan)
        if isinstance(row.marks, RowMapping):  # a view of the engine's matrix: read by position
            own_codes, index, numbers = row.marks.parts
            where = np.array([index.get(c, -1) for c in codes], dtype=np.intp)
            return np.where(where >= 0, numbers[np.maximum(where, 0)], np.nan) if len(numbers) else np.full(len(codes), np.nan)
        got = [row.marks.get(c) for c in codes]
        return np.array([np.nan if m is None else m for m in got], dtype=np.float64)

    return once(snapshot, ("marks_by_code", id(ranking), entity, codes), make)


def questioned_kpis(snapshot: Snapshot, entity: str, month: str) -> tuple[str, ...]:
    """The KPIs (sorted) whose value `entity` counts with in the ranking month `month` is
    questioned (`questioned_in_month`), once per snapshot: only the entity's own questioned
    values are looked at, never every KPI."""
    def make() -> tuple[str, ...]:
        quality = snapshot.feed_quality
        kpis = questioned_at_place(snapshot, entity)
        return tuple(k for k in kpis if questioned_in_month(quality, snapshot.series.get(k), k, entity, month) is not None)

    if not snapshot.feed_quality.implausible:
        return ()
    return once(snapshot, ("questioned_kpis", entity, month), make)


def questioned_at_place(snapshot: Snapshot, place: str) -> tuple[str, ...]:
    """The KPIs (sorted) with any value at `place` the feed quality questions: one pass over
    the questioned values per snapshot for every place, not one per place (a store whose
    clock runs ahead has every value questioned: ~100,000 at state scale, and a pass per
    breakdown and attention tile froze the wall for a quarter of a second at every poll)."""
    def make() -> dict[str, tuple[str, ...]]:
        by_place: dict[str, set[str]] = {}
        for code, where, _ in snapshot.feed_quality.implausible:
            by_place.setdefault(where, set()).add(code)
        return {where: tuple(sorted(codes)) for where, codes in by_place.items()}

    return once(snapshot, "questioned_by_place", make).get(place, ())


def questioned_of(snapshot: Snapshot, kpi: str) -> tuple[tuple[str, str], ...]:
    """The (place, period) of every value of `kpi` the feed quality questions, once per
    snapshot for every KPI (a tile's model is rebuilt only when these change)."""
    def make() -> dict[str, tuple[tuple[str, str], ...]]:
        by_kpi: dict[str, list[tuple[str, str]]] = {}
        for code, place, period in snapshot.feed_quality.implausible:
            by_kpi.setdefault(code, []).append((place, period))
        return {code: tuple(sorted(keys)) for code, keys in by_kpi.items()}

    return once(snapshot, "questioned_by_kpi", make).get(kpi, ())


def _judged_for(snapshot: Snapshot, thresholds: Thresholds) -> int | None:
    """Which of the snapshot's judgements (`derived.alerts`) is under `thresholds` (its index:
    a key for `once`), or None when the sync thread did not judge for them."""
    return next((i for i, (judged, _) in enumerate(snapshot.derived.alerts) if judged == thresholds), None)


def judgement(snapshot: Snapshot, thresholds: Thresholds) -> Judgement | None:
    """`shown_judgement(snapshot, thresholds)` without the clock (every alert, critical first),
    once per snapshot: at state scale putting the judged KPIs' alerts in order takes a third
    of a second. Only a judgement with no alert depends on the clock (`too_old_to_judge`)."""
    held = _judged_for(snapshot, thresholds)
    if held is None:  # not judged for these: unknown (nothing to keep)
        return shown_judgement(snapshot, thresholds)
    return once(snapshot, ("judgement", held), lambda: shown_judgement(snapshot, thresholds))


def critical_alerts(snapshot: Snapshot, thresholds: Thresholds) -> tuple[ActiveAlert, ...]:
    """The critical alerts of `judgement(snapshot, thresholds)`, in its order (its head: a
    judgement holds them first), once per snapshot: the crisis banner's, prepared on the sync
    thread (at state scale hundreds of them were picked out of ~5,700 on the GUI thread)."""
    def make() -> tuple[ActiveAlert, ...]:
        whole = judgement(snapshot, thresholds)
        return tuple(takewhile(attrgetter("is_critical"), whole.alerts)) if whole is not None else ()

    held = _judged_for(snapshot, thresholds)
    return make() if held is None else once(snapshot, ("critical_alerts", held), make)


def explanation_input(snapshot: Snapshot, entity: str) -> Any:
    """All that `entity`'s explanation says, as a `model_inputs` part compared by value:
    explanations are made anew every poll, equal or not. Its columns as bytes, so two
    explanations compare in a few memcmp calls; once per snapshot (prepared on the sync
    thread). None when not derived; the reason when it has none."""
    why = snapshot.derived.explanation(entity)
    if not isinstance(why, Explanation):
        return why

    def make() -> tuple[Any, ...]:
        c = why.columns
        by = tuple((level, tuple(scores.items())) for level, scores in why.by.items())
        return (why.entity, why.period, why.max_marks, why.score, why.rank, why.grade, why.provisional, by, c.codes,
                c.targets, *(a.tobytes() for a in (c.value, c.marks, c.marks_lost, c.weight, c.previous_marks, c.change,
                                                    c.reported, c.cost)))

    return once(snapshot, ("explanation_input", entity), make)


def group_averages(snapshot: Snapshot) -> tuple[tuple[tuple[str, str], float | None], ...]:
    """((level, code), the mean of the ranked places' scores) for every sector and department
    of the catalog, for the ranking on the wall (empty without one), once per snapshot."""
    def make() -> tuple[tuple[tuple[str, str], float | None], ...]:
        catalog, ranking = snapshot.catalog, snapshot.ranking
        if catalog is None or ranking is None:
            return ()
        ranked = ranking.ranked
        out = []
        for level, items in (("sector", catalog.sectors), ("department", catalog.departments)):
            for item in items:
                scores = [s for r in ranked if (s := r.by.get(level, {}).get(item.code)) is not None]
                out.append(((level, item.code), sum(scores) / len(scores) if scores else None))
        return tuple(out)

    return once(snapshot, "group_averages", make)


def selected_judgement(snapshot: Snapshot, thresholds: Thresholds, kpis: tuple[str, ...], select: Select) -> Judgement | None:
    """`shown_judgement(snapshot, thresholds, select)` without the clock, for a tile whose
    `select` keeps the alerts on KPIs whose code starts with one of `kpis` (every KPI when
    empty), once per snapshot and `kpis`: the whole judgement's alerts (in order, prepared
    on the sync thread) kept when their measure is selected — putting them in order again
    for each tile took tens of milliseconds."""
    held = _judged_for(snapshot, thresholds)
    if held is None or snapshot.catalog is None:
        return shown_judgement(snapshot, thresholds, select)
    whole = judgement(snapshot, thresholds)
    if not kpis or whole is None:
        return whole
    measures = snapshot.derived.alerts[held][1]

    def make() -> Judgement:
        chosen = [select(*codes) for codes, _, _ in measures]
        picked = {id(a): wanted for (_, _, found), wanted in zip(measures, chosen) for a in found}
        if len(picked) != sum(len(found) for _, _, found in measures):  # an alert in two measures: judge again
            found = shown_judgement(snapshot, thresholds, select)
            assert found is not None
            return found
        return Judgement(tuple(a for a in whole.alerts if picked[id(a)]), sum(chosen),
                         sum(judged for (_, judged, _), wanted in zip(measures, chosen) if wanted))

    return once(snapshot, ("selected_judgement", held, kpis), make)


class _Releaser:
    """Lets go of the snapshots the wall has shown on a thread of its own, not the GUI thread.

    The last reference to a snapshot used to be dropped on the GUI thread as the next one
    was applied (the crisis banner's, the windows'), and Python freed its ranking, alerts
    and explanations there and then: 2-5 ms of the GUI thread's CPU a poll at state scale
    (issue 12). The wall hands each snapshot it applies to `hold`; a sweep drops those
    only it still holds, so they are freed on the sweeping thread. A sweep runs after each
    apply and, while a held snapshot is still referred to elsewhere (the one on screen, a
    tile's build on its way), again every second; `prepare` sweeps on the sync thread too."""

    RETRY_S = 1.0

    def __init__(self) -> None:
        self._held: list[Snapshot] = []
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def hold(self, snapshot: Snapshot) -> None:
        """Keep `snapshot` until nothing else refers to it (called on the GUI thread)."""
        with self._wake:
            if not any(held is snapshot for held in self._held):
                self._held.append(snapshot)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="snapshot-releaser", daemon=True)
                self._thread.start()
            self._wake.notify()

    def sweep(self) -> int:
        """Drop every held snapshot referred to by nothing else, on the calling thread; how many
        are still referred to elsewhere."""
        with self._wake:
            alone = [sys.getrefcount(probe) for probe in [object()]][0]  # a list's item and nothing else
            counts = [sys.getrefcount(held) for held in self._held]
            gone = [held for held, count in zip(self._held, counts) if count <= alone]
            self._held = [held for held, count in zip(self._held, counts) if count > alone]
            waiting = len(self._held)
        gone.clear()  # freed here, outside the lock
        return waiting

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait()
            while self.sweep():  # some still referred to elsewhere: look again soon (a few calls a second)
                with self._wake:
                    self._wake.wait(self.RETRY_S)


_releaser = _Releaser()


def release_later(snapshot: Snapshot) -> None:
    """The wall applied `snapshot`: it is freed off the GUI thread once nothing refers to it
    (`_Releaser`)."""
    _releaser.hold(snapshot)


def prepare(snapshot: Snapshot) -> None:
    """Work out, on the thread that delivers `snapshot` (the sync thread), the facts the GUI
    thread looks up as it applies it: every tile's questioned values, the alerts under each
    thresholds the snapshot was judged for (the crisis banner's). They cost seconds of
    Python at state scale; on the GUI thread they froze the wall at every poll. Snapshots
    the wall no longer refers to are freed here too (`_Releaser`)."""
    _releaser.sweep()
    questioned_of(snapshot, "")
    questioned_at_place(snapshot, "")
    if snapshot.catalog is not None:
        for thresholds, _measures in snapshot.derived.alerts:
            judgement(snapshot, thresholds)
            critical_alerts(snapshot, thresholds)
        for entity, why in snapshot.derived.explanations.items():  # the breakdown tiles' inputs
            explanation_input(snapshot, entity)
            if isinstance(why, Explanation):
                questioned_kpis(snapshot, entity, why.period)
        group_averages(snapshot)
        for ranking in (snapshot.ranking, snapshot.previous_ranking):  # what the ranking tiles key on
            if ranking is not None:
                ranking_content(ranking)
        if snapshot.ranking is not None:  # the KPI tiles' state marks (their inputs, on the GUI thread)
            state_marks(snapshot, snapshot.ranking)
        if snapshot.derived.derived and snapshot.status.reachable is not False:
            _aged_kpis(snapshot, "ranked")  # every tile's ranking age


def same_inputs(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Whether two tuples of a model's inputs are alike: each part the same object (a
    KPI's series, the catalog: immutable, replaced when they change) or an equal value."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):  # a plain loop: ~200 tiles ask at every poll, on the GUI thread
        if x is not y and (type(x) is not type(y) or not isinstance(x, _VALUES) or x != y):
            return False
    return True


_VALUES = (str, int, float, bool, tuple, datetime, type(None))

"""The tiles' shared facts, gathered once per snapshot as arrays, say what the plain way says.

At state scale the attention, alerts, freshness and breakdown tiles took 20–75 ms each to
build per poll, most of it Python steps per KPI × place repeated by every tile. They now
read facts worked out once per snapshot (widgets/per_snapshot.py) and array operations;
each is held here to the plain per-KPI way it replaced, value for value and in order.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

import numpy as np
from cmwall.layouts.tile_options import AlertsOptions
from cmwall.sync.alerts import shown_judgement
from cmwall.sync.contract import Kpi
from cmwall.sync.ranking.plan import ranked_kpis
from cmwall.sync.ranking.result import RankedEntity, RankingResult
from cmwall.sync.ranking.rowmap import RowMapping
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.thresholds import DEFAULT_THRESHOLDS
from cmwall.widgets.data_age import DataAge, kpi_age, kpis_age, snapshot_age, worst_kpi_age
from cmwall.widgets.feeding import feeding, feeding_at, feeding_by_kpi, feeding_facts
from cmwall.widgets.kpi_figures import kpi_marks
from cmwall.widgets.per_snapshot import (
    ReportFacts,
    all_kpis_age,
    marks_by_code,
    ranked_codes,
    ranking_age,
    report_facts,
    selected_judgement,
    state_marks,
)
from cmwall.widgets.tiles.attention_tile import bottom_quarter, code_ranks, falls, lowest_quarter, top_falls
from cmwall.widgets.worst_age import worst_age
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import DEMO_NOW
from .derived import for_wall

CODES = ("K.A", "K.B", "K.C", "K.D", "K.E", "K.F")
PLACES = ("438", "439", "440", "441", "442")
marks_values = st.one_of(st.none(), st.sampled_from([0.0, 2.5, 5.0, 7.25, 10.0]), st.floats(0, 10))


@st.composite
def rankings(draw: st.DrawFn, period: str) -> RankingResult:
    """A ranking whose places have marks (or none) in each KPI; ties and gaps are likely."""
    rows = []
    for i, place in enumerate(PLACES):
        marks = {code: draw(marks_values) for code in CODES}
        rank = None if draw(st.booleans()) and i == len(PLACES) - 1 else i + 1
        rows.append(RankedEntity(place, 5.0, rank, None, MappingProxyType(marks)))
    return RankingResult(period=period, rows=tuple(rows), source="central", computed_at=DEMO_NOW)


def hand_snapshot(ranking: RankingResult, previous: RankingResult) -> Snapshot:
    from .hand_snapshots import catalog, snapshot

    cat = catalog([{"code": c, "name": c, "scheme": "S", "scoring": {"method": "target"}, "target": 10} for c in CODES])
    return replace(snapshot(cat, []), ranking=ranking, previous_ranking=previous)


@settings(max_examples=150, deadline=None)
@given(rankings("2026-10"), rankings("2026-09"), st.sampled_from([None, *PLACES]), st.integers(1, 8))
def test_falls_and_bottom_quarter_as_arrays_are_the_per_kpi_lists(
        now: RankingResult, before: RankingResult, place: str | None, n: int) -> None:
    made = hand_snapshot(now, before)
    assert made.catalog is not None
    codes = ranked_codes(made)
    ranks = code_ranks(made.catalog, codes)
    mine = marks_by_code(made, now, place, codes)

    def marks_of(result: RankingResult, kpi: str, entity: str | None) -> float | None:
        return kpi_marks(result, kpi, entity)[0]

    assert top_falls(codes, ranks, mine, marks_by_code(made, before, place, codes), n) == \
        falls(now, before, list(codes), place, marks_of)[:n]
    from cmwall.widgets.per_snapshot import marks_table
    others = marks_table(made, now).columns(codes) if place is not None else None
    assert lowest_quarter(codes, ranks, mine, others, n) == bottom_quarter(now, list(codes), place, marks_of)[:n]


def test_state_marks_are_the_means_kpi_marks_gives(demo_snapshot: Snapshot) -> None:
    assert demo_snapshot.catalog is not None
    for ranking in (demo_snapshot.ranking, demo_snapshot.local_ranking):  # the store's rows (dicts), the wall's (views)
        assert ranking is not None
        means = state_marks(demo_snapshot, ranking)
        for kpi in ranked_kpis(demo_snapshot.catalog):
            assert means.get(kpi.code) == kpi_marks(ranking, kpi.code, None)[0]  # the same float, not near it


def test_feeding_from_arrays_is_feeding_kpi_by_kpi(demo_snapshot: Snapshot, city_snapshot: Snapshot) -> None:
    for made in (demo_snapshot, city_snapshot):
        assert made.catalog is not None
        for moment in (DEMO_NOW, DEMO_NOW + timedelta(days=3), DEMO_NOW + timedelta(days=40)):
            for level in (None, "department", "scheme", "kpi"):
                assert feeding(made.catalog, made.derived.reports, moment, level) == \
                    feeding_by_kpi(made.catalog, made.derived.reports, moment, level)


def reference_kpis_age(snapshot: Snapshot, kpis: list[Kpi], now: datetime) -> DataAge:
    """`kpis_age` as it was written before its facts were gathered once per snapshot."""
    from cmwall.sync.freshness import age_text, overdue_text

    newest: float | None = None
    last_due: tuple[datetime, Kpi] | None = None
    current = False
    for kpi in kpis:
        reports = snapshot.derived.reports_of(kpi.code)
        if reports is None or reports.newest is None or reports.newest_due is None:
            continue
        newest = reports.newest if newest is None else max(newest, reports.newest)
        due = reports.newest_due
        if due > now:
            current = True
        elif last_due is None or due > last_due[0]:
            last_due = (due, kpi)
    if newest is None:
        return DataAge("not_fed", "not fed yet")
    if current or last_due is None:
        return DataAge("fresh", age_text(datetime.fromtimestamp(newest, DEMO_NOW.tzinfo), now, str))
    return DataAge("late", overdue_text(last_due[1], last_due[0], now, str))


def test_ages_from_facts_gathered_once_are_the_ages_worked_out_kpi_by_kpi(demo_snapshot: Snapshot) -> None:
    catalog = demo_snapshot.catalog
    assert catalog is not None
    judged = shown_judgement(demo_snapshot, DEFAULT_THRESHOLDS)
    assert judged is not None
    alerted = {a.kpi for a in judged.alerts}
    assert alerted
    groups = [list(catalog.kpis), list(ranked_kpis(catalog)), [k for k in catalog.kpis if k.code in alerted],
              list(catalog.kpis[:40]), []]
    for moment in (DEMO_NOW, DEMO_NOW + timedelta(hours=2), DEMO_NOW + timedelta(days=3), DEMO_NOW + timedelta(days=60)):
        for kpis in groups:
            if kpis:
                assert kpis_age(demo_snapshot, kpis, moment, str) == reference_kpis_age(demo_snapshot, kpis, moment)
            plain = worst_age(kpi_age(demo_snapshot, k, demo_snapshot.series[k.code].entities, moment, str)
                              for k in kpis if k.code in demo_snapshot.series)
            assert worst_kpi_age(demo_snapshot, [k for k in kpis if k.code in demo_snapshot.series], moment, str) == plain


def test_a_tiles_selected_alerts_are_the_judgement_of_its_kpis(demo_snapshot: Snapshot) -> None:
    made = for_wall(demo_snapshot)
    for prefixes in ((), ("HFW.",), ("HFW.O2", "HFW.BED"), ("NOPE.",)):
        options = AlertsOptions(kpis=prefixes)
        got = selected_judgement(made, DEFAULT_THRESHOLDS, options.kpis, options.selects)
        assert got == shown_judgement(made, DEFAULT_THRESHOLDS, options.selects)
    assert selected_judgement(made, DEFAULT_THRESHOLDS, ("HFW.",), AlertsOptions(kpis=("HFW.",)).selects) is \
        selected_judgement(made, DEFAULT_THRESHOLDS, ("HFW.",), AlertsOptions(kpis=("HFW.",)).selects)  # once per snapshot


def test_marks_by_code_reads_every_kind_of_row(demo_snapshot: Snapshot) -> None:
    """The wall's own ranking rows (views of one matrix), the store's (a row each over shared codes)
    and rows held as dicts read alike."""
    ranking, local = demo_snapshot.ranking, demo_snapshot.local_ranking
    assert ranking is not None and local is not None
    assert all(isinstance(r.marks, RowMapping) for r in local.rows)  # the wall's own: views
    codes = ranked_codes(demo_snapshot)
    as_dicts = replace(ranking, rows=tuple(replace(r, marks=MappingProxyType(dict(r.marks))) for r in ranking.rows))
    for result in (ranking, local, as_dicts):
        for place in (None, *(r.entity for r in ranking.rows[:3]), ranking.rows[-1].entity, "no-such-place"):
            got = marks_by_code(demo_snapshot, result, place, codes)
            want = [kpi_marks(result, c, place)[0] for c in codes]
            assert [None if np.isnan(v) else float(v) for v in got] == want


def test_report_facts_gathered_from_the_last_polls_are_the_kpis_own(newer_demo_snapshots: tuple[Snapshot, ...]) -> None:
    """Each poll's report facts start from the previous poll's and read again only the KPIs
    whose reports changed: ages and feeding come out as the plain way gives them."""
    previous: ReportFacts | None = None
    for made in newer_demo_snapshots:  # in poll order: each starts from the one before
        catalog = made.catalog
        assert catalog is not None
        fresh = ReportFacts(catalog, made.derived.reports, None)
        for facts in (ReportFacts(catalog, made.derived.reports, previous), report_facts(made)):
            assert np.array_equal(facts.newest, fresh.newest, equal_nan=True)
            assert np.array_equal(facts.due, fresh.due, equal_nan=True) and facts.due_at == fresh.due_at
        previous = facts
        for moment in (DEMO_NOW, DEMO_NOW + timedelta(days=2, hours=1), DEMO_NOW + timedelta(days=45)):
            assert ranking_age(made, moment, str) == snapshot_age(made, moment, str)
            assert all_kpis_age(made, moment, str) == snapshot_age(made, moment, str, kpis=catalog.kpis)
            gathered = feeding_facts(catalog, made.derived.reports, None, facts.newest, facts.due, facts.due_at)
            assert feeding_at(gathered, moment) == feeding_by_kpi(catalog, made.derived.reports, moment)


def test_a_rankings_content_is_equal_when_made_anew_and_differs_in_any_field(demo_snapshot: Snapshot) -> None:
    """Tiles key on a ranking by content (`ranking_content`, compared in a few memcmp calls a
    row): a ranking made again with equal rows is the same; any field of any row changed is not."""
    from dataclasses import fields

    from cmwall.sync.contract import compact_marks
    from cmwall.sync.ranking.rowmap import column_mappings
    from cmwall.widgets.per_snapshot import ranking_content

    local, central = demo_snapshot.local_ranking, demo_snapshot.ranking
    assert local is not None and central is not None
    first = local.rows[0]
    codes, _, _ = first.marks.parts  # type: ignore[attr-defined]
    matrix = np.column_stack([[np.nan if (m := r.marks.get(c)) is None else m for c in codes] for r in local.rows])
    views = column_mappings(codes, matrix)  # the same marks in new views, another index
    remade = replace(local, rows=tuple(replace(r, marks=v) for r, v in zip(local.rows, views)))
    assert remade.rows[0].marks is not first.marks and ranking_content(remade) == ranking_content(local)
    copied = replace(central, rows=tuple(replace(r, marks=compact_marks(dict(r.marks))) for r in central.rows))
    assert copied.rows[0].marks is not central.rows[0].marks and ranking_content(copied) == ranking_content(central)
    as_dicts = replace(central, rows=tuple(replace(r, marks=MappingProxyType(dict(r.marks))) for r in central.rows))
    dicts_again = replace(central, rows=tuple(replace(r, marks=MappingProxyType(dict(r.marks))) for r in central.rows))
    assert ranking_content(dicts_again) == ranking_content(as_dicts)  # rows held as dicts (tests' rankings)

    changes: dict[str, Any] = {"entity": "999", "score": 1.23, "rank": 99, "grade": "Z", "not_reported": ("K.X",), "provisional": True,
               "marks": MappingProxyType(dict(first.marks, **{codes[0]: 0.123})),
               "by": MappingProxyType({**first.by, "sector": MappingProxyType({"NEW": 1.0})})}
    assert set(changes) == {f.name for f in fields(RankedEntity)}  # every field a tile may show is compared
    for ranking in (local, central):
        for name, value in changes.items():
            changed = replace(ranking, rows=(replace(ranking.rows[0], **{name: value}), *ranking.rows[1:]))
            assert ranking_content(changed) != ranking_content(ranking), name

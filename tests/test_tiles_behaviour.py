"""What my tiles say, checked on data whose answers are known (tests/synthetic.py).

Assertions are on each tile's view model — exactly the strings and numbers painted —
plus a few checks of timers and painting that only a widget can show.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from cmwall.sync.period_time import period_seconds
from cmwall.sync.snapshot import Snapshot
from cmwall.widgets.base import TileContext
from cmwall.widgets.painted_tile import PaintedTile, TileMessage
from cmwall.widgets.tiles.attention_tile import AttentionTile
from cmwall.widgets.tiles.banner_tile import BannerTile
from cmwall.widgets.tiles.breakdown_tile import BreakdownTile
from cmwall.widgets.tiles.clock_tile import ClockTile
from cmwall.widgets.tiles.kpi_tile import BETTER, WORSE, KpiTile
from cmwall.widgets.tiles.ranking_tile import RankingTile
from cmwall.widgets.tiles.trend_tile import TrendTile
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from . import synthetic
from .derived import show
from .synthetic import NOW


@pytest.fixture
def ctx() -> TileContext:
    return TileContext(language="en", now=lambda: NOW, layout_dir=Path(__file__).parent)


TileT = TypeVar("TileT", bound=PaintedTile)


def build(qtbot: QtBot, cls: type[TileT], ctx: TileContext, snapshot: Snapshot | None = None,
          size: tuple[int, int] = (960, 540), **options: Any) -> TileT:
    tile = cls(cls.options_model(**options), ctx)
    qtbot.addWidget(tile)
    tile.resize(*size)
    tile.show()
    show(tile, snapshot or synthetic.snapshot())
    return tile


# --- ranking ------------------------------------------------------------------------------


def test_local_estimate_banner_only_when_ranking_is_local(qtbot: QtBot, ctx: TileContext) -> None:
    central = build(qtbot, RankingTile, ctx, synthetic.snapshot(source="central"))
    local = build(qtbot, RankingTile, ctx, synthetic.snapshot(source="local"))
    assert central.model.banner == ""
    assert local.model.banner.startswith("LOCAL ESTIMATE — computed on the wall from data as of")
    assert local.model.banner.endswith("2 Nov 12:00")  # newest report, IST
    # The banner is visible: the two renderings differ, and only in the local one is there orange.
    assert central.grab().toImage() != local.grab().toImage()


def test_movement_is_places_gained_since_previous_month(qtbot: QtBot, ctx: TileContext) -> None:
    snap = synthetic.snapshot()
    tile = build(qtbot, RankingTile, ctx, snap)
    assert snap.previous_ranking is not None
    before = {r.entity: r.rank for r in snap.previous_ranking.ranked}
    for row in tile.model.rows:
        previous = before[row.entity]
        assert previous is not None
        gained = previous - int(row.rank)
        expected = f"▲{gained}" if gained > 0 else f"▼{-gained}" if gained < 0 else "="
        assert row.move == expected
    moves = {r.name: r.move for r in tile.model.rows}
    assert moves["Ahmadabad"] == "▲1" and moves["Amreli"] == "▼1"  # Amreli's cards collapsed in October


def test_ranking_rows_flags_and_highlight(qtbot: QtBot, ctx: TileContext) -> None:
    tile = build(qtbot, RankingTile, ctx, highlight="439")
    rows = {r.name: r for r in tile.model.rows}
    assert [r.rank for r in tile.model.rows] == [str(i) for i in range(1, 9)]
    assert rows["Kachchh"].flags == "⚠ 1 not reported"
    assert rows["Amreli"].highlighted and not rows["Dohad"].highlighted
    assert rows["Dohad"].score == "8.57" and rows["Dohad"].grade == "A"


def test_ranking_top_bottom_and_by_kpi(qtbot: QtBot, ctx: TileContext) -> None:
    top = build(qtbot, RankingTile, ctx, mode="top", count=3)
    bottom = build(qtbot, RankingTile, ctx, mode="bottom", count=2)
    assert [r.rank for r in top.model.rows] == ["1", "2", "3"]
    assert [r.rank for r in bottom.model.rows] == ["7", "8"]
    by_kpi = build(qtbot, RankingTile, ctx, by="kpi", code="PMJAY.CARDS")
    scores = [float(r.score) for r in by_kpi.model.rows]
    assert scores == sorted(scores, reverse=True)
    assert by_kpi.model.rows[-1].name == "Amreli" and by_kpi.model.rows[-1].grade == "D"  # 3.4 marks
    assert by_kpi.model.column == "Marks"


def test_ranking_in_gujarati_uses_local_names(qtbot: QtBot) -> None:
    tile = build(qtbot, RankingTile, TileContext(language="gu", now=lambda: NOW))
    assert {r.name for r in tile.model.rows} >= {"અમદાવાદ", "કચ્છ"}


def test_ranking_scrolls_smoothly_in_mode_all_and_stops_on_cleanup(qtbot: QtBot, ctx: TileContext) -> None:
    tile = build(qtbot, RankingTile, ctx, size=(480, 130), mode="all", seconds_per_row=0.2)
    assert tile._scroll_timer.isActive()
    qtbot.waitUntil(lambda: tile.scroll_offset > 0, timeout=2000)
    tile.cleanup()
    assert not tile._scroll_timer.isActive()
    still = build(qtbot, RankingTile, ctx, size=(960, 540), mode="all")  # 8 rows fit: no scrolling
    assert not still._scroll_timer.isActive()


def test_unknown_codes_show_a_message(qtbot: QtBot, ctx: TileContext) -> None:
    assert build(qtbot, RankingTile, ctx, by="department", code="NOPE").model.text == "unknown department NOPE"
    assert build(qtbot, KpiTile, ctx, kpi="NOPE.X").model.text == "unknown KPI NOPE.X"
    assert build(qtbot, TrendTile, ctx, kpi="NOPE.X").model.text == "unknown KPI NOPE.X"
    assert build(qtbot, BreakdownTile, ctx, entity="999").model.text == "unknown entity 999"
    assert build(qtbot, AttentionTile, ctx, entity="999").model.text == "unknown entity 999"


def test_waiting_for_first_data(qtbot: QtBot, ctx: TileContext) -> None:
    tile = build(qtbot, KpiTile, ctx, synthetic.snapshot(empty=True), kpi="PMJAY.CARDS")
    assert isinstance(tile.model, TileMessage) and tile.model.text == "waiting for first data"


# --- kpi ------------------------------------------------------------------------------------


def test_kpi_tile_value_achievement_marks_grade_change(qtbot: QtBot, ctx: TileContext) -> None:
    m = build(qtbot, KpiTile, ctx, kpi="PMJAY.CARDS", entity="439").model
    assert (m.value, m.unit) == ("34.0", "%")
    assert m.target == "Target 100 % · achievement 34%"
    assert m.marks == "3.4 / 10 marks" and m.grade == "D"
    assert m.change == "▼ 29.2 since Sep (worse)" and m.change_colour == WORSE
    assert len(m.values) == 6 and m.subtitle == "Amreli · Oct 2026"


def test_kpi_tile_lower_is_better(qtbot: QtBot, ctx: TileContext) -> None:
    m = build(qtbot, KpiTile, ctx, kpi="MCH.IMR", entity="438").model
    assert m.change.startswith("▼ 0.2") and m.change_colour == BETTER and "(better)" in m.change


def test_kpi_tile_state_is_mean_of_districts_unless_the_state_reports(qtbot: QtBot, ctx: TileContext) -> None:
    mean = build(qtbot, KpiTile, ctx, kpi="SSA.ATT").model
    october = [v for d in range(len(synthetic.DISTRICTS)) if (v := synthetic.value("SSA.ATT", d, 5)) is not None]
    assert len(october) == len(synthetic.DISTRICTS)
    assert mean.subtitle == "Gujarat · mean of 8 districts · Oct 2026"
    assert mean.value == f"{sum(october) / len(october):.1f}"
    own = build(qtbot, KpiTile, ctx, synthetic.snapshot(include_state=True), kpi="MCH.INST").model
    assert own.subtitle == "Gujarat · Oct 2026" and own.value == "96.0"


def test_kpi_sparkline_is_bounded(qtbot: QtBot, ctx: TileContext) -> None:
    tile = build(qtbot, KpiTile, ctx, kpi="PMJAY.CARDS", entity="439", sparkline_periods=4)
    show(tile, synthetic.snapshot(snapshot_id=2, drop_last_month=True))
    assert len(tile.model.values) == len(tile.model.seconds) == 4


# --- freshness --------------------------------------------------------------------------------


def test_freshness_states(qtbot: QtBot, ctx: TileContext) -> None:
    fresh = build(qtbot, KpiTile, ctx, kpi="PMJAY.CARDS", entity="439").model.age
    assert fresh.state == "fresh" and fresh.text == "updated 19 d ago"
    late_ctx = TileContext(now=lambda: NOW + timedelta(days=30))
    late = build(qtbot, KpiTile, late_ctx, kpi="PMJAY.CARDS", entity="439").model.age
    assert late.state == "late" and late.text == "overdue since 2 Dec"
    cached = build(qtbot, RankingTile, ctx, synthetic.snapshot(reachable=False)).model.age
    assert cached.state == "cached" and cached.text.startswith("store unreachable since 10:53")
    silent = build(qtbot, KpiTile, ctx, kpi="KISAN.PAID", entity="445").model.age
    assert silent.state == "late" and silent.text == "overdue since 3 Nov"  # Kachchh stopped after September
    not_fed = build(qtbot, KpiTile, ctx, replace(synthetic.snapshot(), series={}), kpi="PMJAY.CARDS").model.age
    assert not_fed.state == "not_fed"


def test_numbers_do_not_repaint_when_nothing_changed(qtbot: QtBot, ctx: TileContext) -> None:
    tile = build(qtbot, RankingTile, ctx)
    qtbot.waitExposed(tile)
    QApplication.processEvents()
    painted = tile.paint_count
    show(tile, replace(synthetic.snapshot(), id=2))  # same figures, newer snapshot
    QApplication.processEvents()
    assert tile.paint_count == painted


# --- breakdown and attention ---------------------------------------------------------------------


def test_breakdown_explains_rank_score_and_costliest_kpis(qtbot: QtBot, ctx: TileContext) -> None:
    snap = synthetic.snapshot()
    m = build(qtbot, BreakdownTile, ctx, snap, entity="439", count=3).model
    assert snap.ranking is not None
    row = snap.ranking.row("439")
    assert row is not None
    assert m.rank == "8th" and m.of == "of 8" and m.score == f"{row.score:.2f}" and m.grade == row.grade
    assert m.title.startswith("Why is Amreli 8th?")
    assert len(m.costs) == 3 and m.costs[0].name.startswith("Ayushman")  # weight 2, 6.6 marks lost
    assert m.costs[0].change == "▼2.9"
    social = next(g for g in m.groups if g.name == "Social Sector")
    ranked = snap.ranking.ranked
    socs = [s for r in ranked if (s := r.by["sector"]["SOC"]) is not None]
    assert len(socs) == len(ranked)
    assert social.average == pytest.approx(sum(socs) / len(socs))


def test_attention_lists_falls_and_bottom_quarter(qtbot: QtBot, ctx: TileContext) -> None:
    m = build(qtbot, AttentionTile, ctx, entity="439").model
    assert m.falls[0].name.startswith("Ayushman") and m.falls[0].note == "▼2.9"
    assert all(int(r.note.split("/")[0]) > 6 for r in m.bottom)  # bottom quarter of 8 districts
    state = build(qtbot, AttentionTile, ctx).model
    assert state.title.startswith("Needs attention — Gujarat") and len(state.bottom) == 1  # a quarter of 5 KPIs


# --- clock and banner ------------------------------------------------------------------------------


def test_clock_shows_ist_in_the_wall_language(qtbot: QtBot) -> None:
    tile = build(qtbot, ClockTile, TileContext(language="gu", now=lambda: NOW))
    assert tile.model.time == "11:00:00" and "નવેમ્બર" in tile.model.date
    assert tile._tick.isActive()
    tile.cleanup()
    assert not tile._tick.isActive()


def test_banner_without_logo_and_localised_text(qtbot: QtBot, tmp_path: Path) -> None:
    ctx = TileContext(language="gu", now=lambda: NOW, layout_dir=tmp_path)
    tile = build(qtbot, BannerTile, ctx, title="CM Dashboard", text="Government of Gujarat",
                 text_local={"gu": "ગુજરાત સરકાર"}, logo="missing.png")
    assert tile.logo is None and tile.model.text == "ગુજરાત સરકાર"
    tile.grab()  # paints without the image


def test_trend_lines_state_and_districts(qtbot: QtBot, ctx: TileContext) -> None:
    tile = build(qtbot, TrendTile, ctx, kpi="PMJAY.CARDS", entities=("439", "444"), periods=4)
    m = tile.model
    assert [line.name for line in m.lines] == ["Gujarat (mean of 8 districts)", "Amreli", "Dohad"]
    assert all(line.seconds == tuple(period_seconds(p) for p in synthetic.MONTHS[-4:]) for line in m.lines)
    assert m.target_text == "target 100 %"
    assert m.lines[1].values[-1] == 34.0 and len(m.lines) == 3




def test_attention_says_not_fed_instead_of_zero_marks() -> None:
    from datetime import datetime

    from cmwall.sync.ranking.result import RankedEntity, RankingResult
    from cmwall.widgets.tiles.attention_tile import not_reported

    rows = (RankedEntity("438", 7.0, 1, "B", not_reported=("UDD.X",)),
            RankedEntity("439", 6.0, 2, "B", not_reported=("UDD.X", "HFW.Y")))
    ranking = RankingResult("2026-11", rows, "local", datetime(2026, 11, 22, tzinfo=UTC))
    assert not_reported(ranking, "UDD.X", None)  # no district reported it: the state has no figure
    assert not not_reported(ranking, "HFW.Y", None)  # one district did
    assert not_reported(ranking, "HFW.Y", "439") and not not_reported(ranking, "HFW.Y", "438")


def test_central_ranking_shows_where_the_local_estimate_differed(qtbot: QtBot, ctx: TileContext) -> None:
    import dataclasses

    from cmwall.sync.ranking.fallback import RankDifference

    agreed = build(qtbot, RankingTile, ctx, synthetic.snapshot(source="central"))
    assert agreed.model.note == ""
    differing = dataclasses.replace(synthetic.snapshot(source="central"),
                                    ranking_differences=(RankDifference("439", 2, 3, 6.5, 6.1),))
    tile = build(qtbot, RankingTile, ctx, differing)
    assert tile.model.note.startswith("Local estimate differed for 1:")
    assert "2→3" in tile.model.note
    assert build(qtbot, RankingTile, ctx, dataclasses.replace(differing, ranking=synthetic.snapshot(source="local").ranking)).model.note == ""


def test_figures_shrink_to_fit_instead_of_being_elided(qtbot: QtBot) -> None:
    from cmwall.widgets.paint_kit import fitted_text

    assert fitted_text("1,234", 30, 400) == ("1,234", 30)  # room enough: unchanged
    shown, size = fitted_text("1,234", 30, 45)
    assert shown == "1,234" and size < 30  # a figure is drawn whole, smaller
    name, name_size = fitted_text("Surendranagar", 30, 45)
    assert name.endswith("…") and name_size == 30  # a name is elided as before
    legend, legend_size = fitted_text("! warning  (< 90.0%)", 30, 200, shrink=True)
    assert legend == "! warning  (< 90.0%)" and legend_size < 30  # a legend keeps its threshold


def test_sentences_with_numbers_keep_the_languages_word_order(qtbot: QtBot, demo_snapshot: Snapshot) -> None:
    import re

    from cmwall.layouts.tile_options import FreshnessOptions
    from cmwall.widgets.tiles.freshness_tile import FreshnessTile

    tile = FreshnessTile(FreshnessOptions(), TileContext(language="gu", now=lambda: demo_snapshot.created_at))
    qtbot.addWidget(tile)
    tile.resize(960, 540)
    show(tile, demo_snapshot)
    late = [row for row in tile.model.rows if row.state == "late"]
    assert late, "the demo's Revenue department reports late"
    # "3 of 12 KPIs overdue" is "12 માંથી 3 KPI બાકી" in Gujarati, "overdue since 13 Nov" is "13 નવે થી બાકી"
    assert all(re.fullmatch(r"\d+ માંથી \d+ KPI બાકી", row.share) for row in late), [r.share for r in late]
    assert all(re.fullmatch(r"\d+ [\u0A80-\u0AFF]+ થી બાકી", row.since) for row in late), [r.since for r in late]


def test_breakdown_marks_departments_that_reported_nothing(qtbot: QtBot, demo_snapshot: Snapshot, tile_context: TileContext) -> None:
    """A department none of whose KPIs reported scores 0 by the missing rule: shown, and marked ⚠."""
    from cmwall.layouts.tile_options import BreakdownOptions
    from cmwall.widgets.tiles.breakdown_tile import BreakdownTile

    tile = BreakdownTile(BreakdownOptions(entity="439"), tile_context)
    qtbot.addWidget(tile)
    tile.resize(960, 1000)
    show(tile, demo_snapshot)
    groups = {g.name: g for g in tile.model.groups}
    catalog = demo_snapshot.catalog
    assert catalog is not None
    silent = {d.name for d in catalog.departments if d.code in ("UDD", "TDD")}  # the demo's departments not feeding
    assert silent and all(groups[name].unreported for name in silent if name in groups)
    assert any(name in groups for name in silent)
    assert not groups[catalog.departments_by_code["HFW"].name].unreported

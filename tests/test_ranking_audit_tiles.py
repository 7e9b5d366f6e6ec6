"""What the screens say of the check of the official ranking (sync/ranking/audit.py).

"≠ local check" in alarm colour only for a verified difference; "local check
incomplete" when the wall cannot tell; nothing when the check agrees or the ranking
on screen is the wall's own estimate.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
from cmwall.sync.ranking.audit import AuditFinding, Incomplete, RankingAudit, Verdict
from cmwall.sync.snapshot import Snapshot
from cmwall.wall.status_text import ranking_item
from cmwall.widgets.base import TileContext
from cmwall.widgets.look import theme
from cmwall.widgets.painted_tile import PaintedTile
from cmwall.widgets.tiles.breakdown_tile import BreakdownTile
from cmwall.widgets.tiles.ranking_tile import RankingModel, RankingTile
from pytestqt.qtbot import QtBot

from . import synthetic
from .synthetic import NOW

TileT = TypeVar("TileT", bound=PaintedTile)


@pytest.fixture
def ctx() -> TileContext:
    return TileContext(language="en", now=lambda: NOW, layout_dir=Path(__file__).parent)


def build(qtbot: QtBot, cls: type[TileT], ctx: TileContext, snapshot: Snapshot, **options: Any) -> TileT:
    tile = cls(cls.options_model(**options), ctx)
    qtbot.addWidget(tile)
    tile.resize(960, 540)
    tile.show()
    try:
        from .derived import show  # snapshots carry what the sync thread derives for the tiles
    except ImportError:  # pragma: no cover - before derived facts existed
        tile.apply(snapshot)
    else:
        show(tile, snapshot)
    return tile


def audited(verdict: Verdict, entity: str = "439") -> Snapshot:
    snapshot = synthetic.snapshot(source="central")
    ranking = snapshot.ranking
    assert ranking is not None
    row = ranking.row(entity)
    assert row is not None and row.score is not None and row.rank is not None
    finding = AuditFinding(entity, verdict, ("score",), row.rank, row.rank, row.score, round(row.score - 0.4, 2),
                           row.grade, row.grade)
    incomplete = () if verdict is Verdict.DIFFERS else (Incomplete.FEED_BEHIND,)
    audit = RankingAudit(ranking.period, ranking.revision, ranking.computed_at, NOW, incomplete, (finding,))
    return replace(snapshot, ranking_audit=audit)


def model_of(tile: RankingTile) -> RankingModel:
    assert isinstance(tile.model, RankingModel)
    return tile.model


def test_a_verified_difference_is_flagged_on_its_row_and_in_the_note(qtbot: QtBot, ctx: TileContext) -> None:
    snapshot = audited(Verdict.DIFFERS)
    model = model_of(build(qtbot, RankingTile, ctx, snapshot))
    flagged = [r for r in model.rows if "local check" in r.flags]
    assert [r.entity for r in flagged] == ["439"]
    assert flagged[0].flags.startswith("≠ local check") and flagged[0].flags_colour == theme.ALERT_COLOURS["critical"]
    assert model.note.startswith("Official ranking differs from local check for 1: ") and model.note_alarm
    finding = snapshot.ranking_audit.findings[0]  # type: ignore[union-attr]
    assert f"{finding.central_score:.2f}→{finding.local_score:.2f}" in model.note
    item = ranking_item(snapshot, "en")
    assert item.text.endswith("· differs from local check for 1") and item.tone == "critical"


def test_an_unverifiable_difference_is_never_called_wrong(qtbot: QtBot, ctx: TileContext) -> None:
    snapshot = audited(Verdict.INCOMPLETE)
    model = model_of(build(qtbot, RankingTile, ctx, snapshot))
    (row,) = [r for r in model.rows if "local check" in r.flags]
    assert row.flags.startswith("local check incomplete") and "≠" not in row.flags
    assert row.flags_colour != theme.ALERT_COLOURS["critical"]
    assert model.note.startswith("Local check incomplete") and not model.note_alarm
    item = ranking_item(snapshot, "en")
    assert "local check incomplete for 1" in item.text and "differs" not in item.text and item.tone == "warn"


def test_no_flag_when_the_check_agrees_or_is_about_another_ranking(qtbot: QtBot, ctx: TileContext) -> None:
    snapshot = audited(Verdict.DIFFERS)
    agreed = replace(snapshot, ranking_audit=replace(snapshot.ranking_audit, findings=()))  # type: ignore[type-var]
    model = model_of(build(qtbot, RankingTile, ctx, agreed))
    assert model.note == "" and not any("local check" in r.flags for r in model.rows)
    assert ranking_item(agreed, "en").tone == "ok"
    older = replace(snapshot, ranking_audit=replace(snapshot.ranking_audit, revision="r-0"))  # type: ignore[type-var]
    assert not any("local check" in r.flags for r in model_of(build(qtbot, RankingTile, ctx, older)).rows)
    local = synthetic.snapshot(source="local")
    estimate = replace(local, ranking_audit=snapshot.ranking_audit)
    assert not any("local check" in r.flags for r in model_of(build(qtbot, RankingTile, ctx, estimate)).rows)


def test_the_breakdown_names_the_official_figures_that_differ(qtbot: QtBot, ctx: TileContext) -> None:
    snapshot = audited(Verdict.DIFFERS)
    model = build(qtbot, BreakdownTile, ctx, snapshot, entity="439").model
    finding = snapshot.ranking_audit.findings[0]  # type: ignore[union-attr]
    assert model.flags.startswith(f"official {finding.central_rank}")
    assert f"· {finding.central_score:.2f} ≠ local check" in model.flags
    other = build(qtbot, BreakdownTile, ctx, snapshot, entity="438").model
    assert "local check" not in other.flags


@pytest.mark.parametrize("language", ["hi", "gu"])
def test_the_words_are_translated(qtbot: QtBot, language: str) -> None:
    ctx = TileContext(language=language, now=lambda: NOW, layout_dir=Path(__file__).parent)
    model = model_of(build(qtbot, RankingTile, ctx, audited(Verdict.DIFFERS)))
    assert "Official ranking" not in model.note and "local check" not in " ".join(r.flags for r in model.rows)
    assert "differs" not in ranking_item(audited(Verdict.DIFFERS), language).text


def test_the_map_by_score_says_the_official_scores_differ(qtbot: QtBot, demo_snapshot: Snapshot) -> None:
    from cmwall.layouts.tile_options import MapOptions
    from cmwall.widgets.tiles.map_tile import MapModel, MapTile

    from .conftest import DEMO_NOW

    ranking = demo_snapshot.ranking
    assert ranking is not None and ranking.source == "central"
    row = ranking.row("439")
    assert row is not None and row.score is not None
    finding = AuditFinding("439", Verdict.DIFFERS, ("score",), row.rank, row.rank, row.score, row.score - 1, row.grade,
                           row.grade)
    snapshot = replace(demo_snapshot, ranking_audit=RankingAudit(ranking.period, ranking.revision, ranking.computed_at,
                                                                 DEMO_NOW, (), (finding,)))
    tile = MapTile(MapOptions(colour_by="score"), TileContext(language="en", now=lambda: DEMO_NOW))
    qtbot.addWidget(tile)
    tile.resize(960, 720)
    tile.show()
    tile.apply(snapshot)
    assert isinstance(tile.model, MapModel) and tile.model.legend_title.endswith("· ≠\u00a0local check (1)")

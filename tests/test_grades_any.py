"""Any number of grades with any names: whole on the chips, coloured by their order.

A store may grade districts with ten grades named "Daksh" … "Akanshi-3" (Uttar
Pradesh's district PGI) instead of A–D. The ranking, breakdown and attention tiles
are rendered at the sizes they have on a 1080p and a 4K wall from a synthetic
catalog of ten long grade names whose answers are known by construction: district i
scores 9.55 − i, so it gets grade i. Every text the tiles draw is recorded (what
`fitted_text` shows for it) and the painted pixels are read back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest
from cmwall.sync.contract import Catalog
from cmwall.sync.ranking.engine import compute_ranking
from cmwall.sync.ranking.fallback import RankingReason, ReasonKind
from cmwall.sync.ranking.inputs import RankingInput
from cmwall.sync.series import apply_rows, frozen, table_for_months
from cmwall.sync.snapshot import Snapshot, SyncStatus
from cmwall.widgets import fitted_text, paint_kit, painted_tile
from cmwall.widgets.base import TileContext
from cmwall.widgets.look import theme
from cmwall.widgets.painted_tile import PaintedTile
from cmwall.widgets.tiles import attention_tile, breakdown_tile, ranking_tile
from cmwall.widgets.tiles.attention_tile import AttentionTile
from cmwall.widgets.tiles.breakdown_tile import BreakdownTile, month_name
from cmwall.widgets.tiles.ranking_tile import RankingTile
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from . import synthetic
from .derived import show
from .imaging import image_array

IST = timezone(timedelta(hours=5, minutes=30))
NOW = datetime(2026, 11, 22, 11, 0, tzinfo=IST)
MONTHS = ("2026-09", "2026-10")

# Best first; long, hyphenated and of very different lengths, as real grade names are.
GRADES = ("Daksh", "Agrani", "Pragatisheel", "Utkrisht-Pragatisheel", "Prayatnasheel-1",
          "Prayatnasheel-2", "Prayatnasheel-3", "Akanshi-1", "Akanshi-2", "Akanshi-3")
DISTRICTS = [(str(101 + i), name) for i, name in enumerate(
    ("Agra", "Aligarh", "Prayagraj", "Ambedkar Nagar", "Amethi", "Amroha", "Auraiya", "Ayodhya", "Azamgarh", "Baghpat"))]
SHOWN_DISTRICT = "105"  # district 4: overall grade 4, its departments grades 3 and 5

SIZES = [(960, 540), (480, 540), (1920, 1080)]  # 1080p tiles, and a 4K one


def ten_grade_catalog() -> Catalog:
    return Catalog.model_validate({
        "revision": "c-ten",
        "state": {"code": "09", "name": "Uttar Pradesh"},
        "entities": [{"code": "09", "name": "Uttar Pradesh", "level": "state"}]
        + [{"code": c, "name": n, "level": "district", "parent": "09"} for c, n in DISTRICTS],
        "sectors": [{"code": "SOC", "name": "Social Sector"}],
        "departments": [{"code": "HFW", "name": "Health", "sector": "SOC"},
                        {"code": "EDU", "name": "Education", "sector": "SOC"}],
        "schemes": [{"code": "H", "name": "Health scheme", "department": "HFW"},
                    {"code": "E", "name": "School scheme", "department": "EDU"}],
        "kpis": [
            {"code": "H.X", "name": "Deliveries in hospital", "scheme": "H", "unit": "%", "better": "higher",
             "target": 100, "level": "district", "scoring": {"method": "target"}},
            {"code": "E.X", "name": "Teacher attendance", "scheme": "E", "unit": "%", "better": "higher",
             "target": 100, "level": "district", "scoring": {"method": "target"}},
        ],
        "ranking": {"level": "district", "max_marks": 10,
                    "grades": [[name, 9.0 - i] for i, name in enumerate(GRADES)]},
    })


def ten_grade_snapshot(*, unreported: tuple[str, str] | None = None) -> Snapshot:
    """District i: health 10.35 − i marks (10 at most), education 8.75 − i: overall 9.55 − i,
    grade i. Health was 0.2 marks better last month, so it shows as a fall.
    `unreported` (kpi, district) has no observation this month."""
    catalog = ten_grade_catalog()
    rows: list[tuple[str, str, str, float | None, float]] = []
    for m, month in enumerate(MONTHS):
        reported = datetime(int(month[:4]), int(month[5:]), 28, 12, 0, tzinfo=IST).timestamp()
        for i, (code, _) in enumerate(DISTRICTS):
            rows.append(("H.X", code, month, min(100.0, 103.5 - 10 * i + (2.0 if m == 0 else 0.0)), reported))
            rows.append(("E.X", code, month, 87.5 - 10 * i, reported))
    rows = [r for r in rows if (r[0], r[1], r[2]) != (*(unreported or ("", "")), MONTHS[1])]
    series = frozen(apply_rows({}, rows))
    table = table_for_months(series, MONTHS, [k.code for k in catalog.kpis])
    computed = NOW - timedelta(hours=1)
    current_month = compute_ranking(catalog, table, MONTHS[1], computed_at=computed)
    previous_month = compute_ranking(catalog, table, MONTHS[0], computed_at=computed)
    assert current_month is not None and previous_month is not None
    current = replace(current_month, source="central", revision="r-1")
    previous = replace(previous_month, source="central", revision="r-0")
    return Snapshot(
        id=1, created_at=NOW, status=SyncStatus("http://test", reachable=True, last_success=NOW),
        catalog=catalog, series=series, data_as_of=NOW - timedelta(days=20), ranking=current,
        previous_ranking=previous, central_ranking=current, ranking_input=RankingInput.of_table(table),
        ranking_reason=RankingReason(ReasonKind.CENTRAL, "central"),
    )


@dataclass(frozen=True)
class Painted:
    text: str
    shown: str  # what fitted_text makes of it in its rectangle: the text as it appears
    size: int


@pytest.fixture
def painted(monkeypatch: pytest.MonkeyPatch) -> list[Painted]:
    """Every line of text the tiles draw, as it appears on screen."""
    record: list[Painted] = []
    original = paint_kit.draw_text

    def recording(painter: QPainter, rect: QRectF, text: str, pixel_size: int, **kwargs: Any) -> float:
        shown, size = paint_kit.fitted_text(text, pixel_size, rect.width(), kwargs.get("bold", False),
                                            shrink=kwargs.get("shrink", False))
        record.append(Painted(text, shown, size))
        return original(painter, rect, text, pixel_size, **kwargs)

    for module in (paint_kit, fitted_text, painted_tile, ranking_tile, breakdown_tile, attention_tile):
        monkeypatch.setattr(module, "draw_text", recording)
    return record


@pytest.fixture
def ctx() -> TileContext:
    return TileContext(language="en", now=lambda: NOW, layout_dir=Path(__file__).parent)


TileT = TypeVar("TileT", bound=PaintedTile)


def render(qtbot: QtBot, cls: type[TileT], ctx: TileContext, snapshot: Snapshot, size: tuple[int, int],
           **options: Any) -> tuple[TileT, np.ndarray]:
    tile = cls(cls.options_model(**options), ctx)
    qtbot.addWidget(tile)
    tile.resize(*size)
    tile.show()
    show(tile, snapshot)
    QApplication.processEvents()
    image = image_array(tile.grab().toImage())[..., ::-1]  # 32-bit pixels are stored B, G, R: make them R, G, B
    tile.cleanup()
    return tile, image


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.uint8)


def pixels_of(image: np.ndarray, hex_colour: str) -> tuple[np.ndarray, np.ndarray]:
    """(ys, xs) of the pixels painted exactly in `hex_colour` (a chip's or bar's fill)."""
    ys, xs = np.nonzero((image == rgb(hex_colour)).all(axis=2))
    return ys, xs


def assert_whole(painted: list[Painted], names: tuple[str, ...]) -> None:
    for name in names:
        drawn = [p for p in painted if p.text == name]
        assert drawn, f"grade {name!r} was not painted"
        assert all(p.shown == name for p in drawn), f"grade {name!r} painted as {[p.shown for p in drawn]}"


# --- the chip itself ------------------------------------------------------------------------


@pytest.mark.parametrize("pixel_size", [10, 14, 24, 48])
def test_a_chip_of_grade_chip_width_shows_the_longest_name_whole(qtbot: QtBot, pixel_size: int) -> None:
    width = paint_kit.grade_chip_width(GRADES, pixel_size)
    for name in GRADES:
        size = paint_kit.chip_label_size(name, pixel_size, width)
        assert size == pixel_size  # room enough: nothing shrinks
        assert paint_kit.fitted_text(name, size, width, True) == (name, size)


def test_a_chip_too_narrow_shrinks_its_label_instead_of_eliding_it(qtbot: QtBot) -> None:
    name = "Utkrisht-Pragatisheel"
    width = paint_kit.grade_chip_width((name,), 30) / 2
    size = paint_kit.chip_label_size(name, 30, width)
    assert 6 <= size < 30
    assert paint_kit.fitted_text(name, size, width, True, shrink=True)[0] == name


def test_one_letter_grades_keep_their_square_chip(qtbot: QtBot) -> None:
    for chip in (18.0, 35.0, 70.0):  # chip heights on 1080p and 4K tiles
        px = int(chip * 0.7)
        assert paint_kit.grade_chip_width(theme.DEFAULT_GRADES, px) <= chip
        assert paint_kit.chip_label_size("A", px, chip) == px


# --- ranking --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_ranking_shows_every_grade_name_whole_in_ten_colours_by_order(qtbot: QtBot, ctx: TileContext, painted: list[Painted], size: tuple[int, int]) -> None:
    tile, image = render(qtbot, RankingTile, ctx, ten_grade_snapshot(), size, mode="all")
    assert [r.grade for r in tile.model.rows] == list(GRADES)  # district i has grade i
    assert_whole(painted, GRADES)
    colours = theme.grade_colours(GRADES)
    assert len(set(colours.values())) == len(GRADES)
    # The chips sit at the right of each row; there, each grade's colour is painted in
    # its own row, top to bottom in the catalog's order.
    chips = image[int(tile.heading_rect().bottom()):, int(size[0] * 0.6):]
    rows_at = []
    for name in GRADES:
        ys, _ = pixels_of(chips, colours[name])
        assert ys.size > 20, f"no chip painted in {name}'s colour {colours[name]}"
        rows_at.append(float(np.median(ys)))
    assert rows_at == sorted(rows_at) and len(set(rows_at)) == len(GRADES)
    assert pixels_of(chips, theme.UNGRADED)[0].size == 0  # no grade fell back to grey


@pytest.mark.parametrize("size", SIZES[:2], ids=[f"{w}x{h}" for w, h in SIZES[:2]])
def test_ranking_by_kpi_grades_marks_with_the_catalogs_names(qtbot: QtBot, ctx: TileContext, painted: list[Painted], size: tuple[int, int]) -> None:
    tile, _ = render(qtbot, RankingTile, ctx, ten_grade_snapshot(), size, mode="all", by="kpi", code="E.X")
    # education marks 8.75 − i: district i is graded i + 1 (the worst stays in the last grade)
    assert [r.grade for r in tile.model.rows] == list(GRADES[1:]) + [GRADES[-1]]
    assert_whole(painted, GRADES[1:])


def test_ranking_a_to_d_chips_stay_square_and_coloured_as_before(qtbot: QtBot, ctx: TileContext, painted: list[Painted]) -> None:
    tile, image = render(qtbot, RankingTile, ctx, synthetic.snapshot(), (960, 540), mode="all")
    grades = [r.grade for r in tile.model.rows]
    assert set(grades) <= set("ABCD") and len(set(grades)) >= 2
    chips = image[int(tile.heading_rect().bottom()):, int(960 * 0.9):]  # right of the flags, which are orange too
    for letter, expected in zip("ABCD", theme.GRADE_RAMP):
        assert theme.grade_colour(letter, tile.model.grades) == expected
        if letter not in grades:
            continue
        ys, xs = pixels_of(chips, expected)
        lines = np.unique(ys)
        gaps = np.flatnonzero(np.diff(lines) > 1)
        last_line = lines[gaps[0]] if gaps.size else lines[-1]  # the first chip of this grade, top to bottom
        first = ys <= last_line
        height, width = int(np.ptp(ys[first])) + 1, int(np.ptp(xs[first])) + 1
        assert height > 10 and abs(width - height) <= 3, f"grade {letter} chip is {width}×{height}, not square"
    assert_whole(painted, tuple(sorted(set(grades))))


# --- breakdown ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_breakdown_headline_and_bars_use_the_catalogs_grades(qtbot: QtBot, ctx: TileContext, painted: list[Painted], size: tuple[int, int]) -> None:
    tile, image = render(qtbot, BreakdownTile, ctx, ten_grade_snapshot(), size, entity=SHOWN_DISTRICT)
    model = tile.model
    assert model.rank == "5th" and model.grade == GRADES[4]
    assert {g.name: g.grade for g in model.groups} == {"Social Sector": GRADES[4], "Health": GRADES[3],
                                                        "Education": GRADES[5]}
    assert_whole(painted, (GRADES[4],))
    colours = theme.grade_colours(GRADES)
    for name in GRADES[3:6]:  # the headline chip (grade 4) and the bars of grades 3, 4, 5
        assert pixels_of(image, colours[name])[0].size > 20, f"nothing painted in {name}'s colour"
    assert pixels_of(image, theme.UNGRADED)[0].size == 0
    assert model.cost_columns[2] == "vs Sep"
    headers = [p for p in painted if p.text in model.cost_columns]
    assert headers and all(p.shown == p.text for p in headers)


def test_breakdown_flags_beside_a_long_grade_are_never_cut(qtbot: QtBot, ctx: TileContext, painted: list[Painted]) -> None:
    snap = ten_grade_snapshot(unreported=("E.X", SHOWN_DISTRICT))  # (6.35 + 0) / 2: grade 6
    tile, _ = render(qtbot, BreakdownTile, ctx, snap, (480, 540), entity=SHOWN_DISTRICT)
    assert tile.model.flags.startswith("⚠ 1 KPIs not reported") and tile.model.grade == GRADES[6]
    assert_whole(painted, (GRADES[6], tile.model.flags))


def test_vs_month_keeps_a_translated_month_name_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    assert month_name("2026-09") == "Sep"
    assert month_name("2025-12") == "Dec"
    hindi = {"Sep": "सितंबर"}
    assert month_name("2026-09", lambda text: hindi.get(text, text)) == "सितंबर"  # not "सित", never half a letter
    monkeypatch.setattr(breakdown_tile, "period_label", lambda period, tr=None: "2026年9月")
    assert month_name("2026-09") == "2026年9月"  # a year it cannot find stays: right, if longer


# --- attention ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_attention_works_with_ten_grades_and_cuts_no_figure(qtbot: QtBot, ctx: TileContext, painted: list[Painted], size: tuple[int, int]) -> None:
    tile, _ = render(qtbot, AttentionTile, ctx, ten_grade_snapshot(), size, entity=SHOWN_DISTRICT, count=6)
    model = tile.model
    assert [(r.name, r.marks, r.note) for r in model.falls] == [("Deliveries in hospital", "6.3", "▼0.2")]
    figures = [p for p in painted if p.text in {r.marks for r in model.falls + model.bottom}
               | {r.note for r in model.falls + model.bottom}]
    assert figures and all(p.shown == p.text for p in figures)

"""A wall at rest paints almost nothing: what moves is drawn from pictures made once.

Issue 12 compares the wall at rest with the same screens as a browser kiosk; these
check the behaviour behind its figures without timing anything: the scrolling ranking
paints its rows once and then only moves pixels (and shows the same thing as painting
them afresh), a page off screen does not scroll, a page turn does not repaint the
incoming page's tiles on every frame of the fade, and the strip's tick does not judge
the alerts again while nothing changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cmwall.layouts.loader import load_layout
from cmwall.sync import alerts
from cmwall.wall.audit import recording
from cmwall.wall.screen_window import ScreenWindow
from cmwall.wall.status_board import StatusBoard
from cmwall.widgets import paint_kit
from cmwall.widgets.base import TileContext
from cmwall.widgets.painted_tile import PaintedTile
from cmwall.widgets.tiles import ranking_tile
from cmwall.widgets.tiles.ranking_tile import RankingTile
from cmwall.widgets.view_models import ModelStage
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from . import synthetic
from .derived import for_wall, show
from .test_wall_controller import LAYOUT, Clock


@pytest.fixture
def ctx() -> TileContext:
    return TileContext(language="en", now=lambda: synthetic.NOW, layout_dir=Path(__file__).parent)


def scrolling_ranking(qtbot: QtBot, ctx: TileContext) -> RankingTile:
    tile = RankingTile(RankingTile.options_model(mode="all", seconds_per_row=0.5), ctx)
    qtbot.addWidget(tile)
    tile.resize(700, 150)  # eight districts, room for about four
    tile.show()
    qtbot.waitExposed(tile)
    show(tile, synthetic.snapshot())
    qtbot.waitUntil(lambda: tile._scroll_timer.isActive())
    return tile


def rows_painted(tile: RankingTile, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the rows the tile paints from now on."""
    painted = [0]
    paint_row = tile._paint_row

    def counting(*args: Any) -> None:
        painted[0] += 1
        paint_row(*args)

    monkeypatch.setattr(tile, "_paint_row", counting)
    return painted


def on_screen(widget: QWidget) -> QImage:
    """What the window shows now (its backing store), not a fresh rendering."""
    screen = QGuiApplication.primaryScreen()
    return screen.grabWindow(widget.winId()).toImage().convertToFormat(QImage.Format.Format_RGB32)


def test_scrolling_ranking_paints_its_rows_once_then_moves_pixels(qtbot: QtBot, ctx: TileContext,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    band_px = 16  # bands much shorter than the view, so that the view spans several
    monkeypatch.setattr(ranking_tile, "STRIP_BAND_PX", band_px)
    tile = scrolling_ranking(qtbot, ctx)
    assert tile._rows_view.height() > 3 * band_px
    tile._scroll_timer.stop()
    tile.scroll_offset = 0
    tile._rows_view.update()
    QApplication.processEvents()
    painted = rows_painted(tile, monkeypatch)
    cycle, rows = tile._cycle(), len(tile.model.rows)
    for _ in range(cycle + 60):  # a whole lap, and on
        tile._scroll_step()
        QApplication.processEvents()
    assert tile.scroll_offset == 60
    bands = -(-cycle // band_px)
    assert painted[0] <= 2 * (rows + bands)  # each row about once a lap (twice where it spans two bands)
    # only the band(s) of the line last uncovered are kept: the rest of the view is in the window
    kept = tile._rows_view.strip
    bottom = (tile.scroll_offset + tile._rows_view.height() - 1) % cycle // band_px
    assert kept is not None and bottom in kept and len(kept) <= 2, (sorted(kept or ()), bottom)
    # ... and the window shows what painting the whole tile afresh at that offset shows
    assert on_screen(tile) == tile.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def test_scrolling_ranking_wraps_round_and_shows_every_row_on_the_audit_record(qtbot: QtBot, ctx: TileContext) -> None:
    tile = scrolling_ranking(qtbot, ctx)
    tile._scroll_timer.stop()
    tile.scroll_offset = tile._cycle() - 10  # the list's end and its start both on show
    names: list[str] = []
    previous = paint_kit.set_text_recorder(lambda painter, rect, text, *rest: names.append(text))
    try:
        tile.grab()
    finally:
        paint_kit.set_text_recorder(previous)
    assert tile.model.rows[0].name in names  # the first row comes round again below the blank row
    assert tile.model.rows[1].name in names


def test_a_ranking_off_screen_does_not_scroll(qtbot: QtBot, ctx: TileContext) -> None:
    tile = scrolling_ranking(qtbot, ctx)
    tile.hide()
    assert not tile._scroll_timer.isActive()
    offset = tile.scroll_offset
    tile.show()
    assert tile._scroll_timer.isActive() and tile.scroll_offset == offset  # goes on where it was
    qtbot.waitUntil(lambda: tile.scroll_offset != offset, timeout=3000)


def window_with_data(qtbot: QtBot, tmp_path: Path, fade_ms: int, models: ModelStage | None = None) -> ScreenWindow:
    """The first screen of LAYOUT at 960×540, exposed, with the synthetic snapshot applied."""
    path = tmp_path / "wall.toml"
    path.write_text(LAYOUT, encoding="utf-8")
    spec = load_layout(path).spec.screens[0]
    window = ScreenWindow(spec, TileContext(language="en", now=lambda: synthetic.NOW, models=models), fade_ms=fade_ms)
    qtbot.addWidget(window)
    window.resize(960, 540)
    window.show()
    qtbot.waitExposed(window)
    window.apply(for_wall(synthetic.snapshot()))
    return window


def test_a_page_turn_does_not_repaint_the_incoming_tiles_while_fading(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_with_data(qtbot, tmp_path, fade_ms=600)
    QApplication.processEvents()
    incoming = [t for t in window.pages[1] if isinstance(t, PaintedTile)]
    assert incoming
    before = [t.paint_count for t in incoming]
    window.show_page(1)
    assert window.area.fade.isVisible()
    qtbot.waitUntil(lambda: not window.area.fade.isVisible(), timeout=5000)
    QApplication.processEvents()
    # grabbed once for the fade, painted once when it ends: not once per frame of the fade
    assert all(t.paint_count - b <= 3 for t, b in zip(incoming, before)), [t.paint_count - b for t, b in zip(incoming, before)]
    assert window.area.stack.currentIndex() == 1 and all(t.isVisible() for t in incoming)


def test_a_page_turn_blends_the_incoming_page_over_the_window_without_painting_the_outgoing_one(
        qtbot: QtBot, tmp_path: Path) -> None:
    window = window_with_data(qtbot, tmp_path, fade_ms=60_000)  # frames are driven by hand below
    QApplication.processEvents()
    outgoing_tiles = [t for t in window.pages[0] if isinstance(t, PaintedTile)]
    painted_before = [t.paint_count for t in outgoing_tiles]
    outgoing = on_screen(window)
    window.show_page(1)
    fade = window.area.fade
    fade._timer.stop()
    QApplication.processEvents()
    # the outgoing page's pixels are the window's: its tiles are not painted again for a picture of them
    assert [t.paint_count for t in outgoing_tiles] == painted_before
    assert fade.incoming is not None
    incoming = fade.incoming.toImage().convertToFormat(QImage.Format.Format_RGB32)
    page = QRect(fade.mapTo(window, QPoint(0, 0)), fade.size())  # the fade's area, in the window
    blended = fade._uncovered()  # less the pinned tiles over it
    points = [QPoint(x, y) for y in range(0, page.height(), 7) for x in range(0, page.width(), 7)
              if blended.contains(QPoint(x, y))]
    assert len(points) > 1000 and len(points) < page.width() * page.height() / 49 - 100  # pinned tiles left out

    def pixels(window_image: QImage) -> list[int]:
        return [window_image.pixel(point + page.topLeft()) for point in points]

    out_px, in_px = pixels(outgoing), [incoming.pixel(point) for point in points]
    assert sum(a != b for a, b in zip(out_px, in_px)) > len(points) // 20  # the two pages differ
    for share in (0.1, 0.35, 0.6, 0.9):  # frames of the fade: the window shows that share of the incoming page
        fade.target = share
        fade.repaint(blended)
        worst = 0.0
        for mixed, a, b in zip(pixels(on_screen(window)), out_px, in_px):
            for shift in (0, 8, 16):
                expected = (1 - share) * (a >> shift & 255) + share * (b >> shift & 255)
                worst = max(worst, abs((mixed >> shift & 255) - expected))
        assert worst <= 4, (share, worst)
    with recording():  # a screenshot mid-turn paints afresh: it shows the page being turned to
        grabbed = window.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert pixels(grabbed) == in_px
    fade.stop()
    QApplication.processEvents()
    assert on_screen(window).copy(page) == window.grab().toImage().convertToFormat(QImage.Format.Format_RGB32).copy(page)


def test_a_page_turns_without_a_fade_under_the_help(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_with_data(qtbot, tmp_path, fade_ms=600)
    window.help.show_message("Keys", [("H", "help")])
    window.show_page(1)
    assert not window.area.fade.isVisible() and window.area.stack.currentIndex() == 1
    window.help.hide()
    window.show_page(0)
    assert window.area.fade.isVisible()


def test_the_strips_tick_never_judges_alerts_it_looks_their_counts_up(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    judged = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        judged.append(kwargs.get("now"))
        return real(*args, **kwargs)

    real = alerts.judgement_of
    monkeypatch.setattr(alerts, "judgement_of", counting)
    board = StatusBoard(clock=clock, data_clock=clock, windows=lambda: [], language=lambda: "en", unplaced=lambda: [])
    snapshot = for_wall(synthetic.snapshot())
    thresholds = load_layout("cm_residence").spec.judging()
    board.take(snapshot, thresholds)
    for _ in range(8):  # two seconds of ticks
        board.refresh()
    clock.advance(60)
    board.refresh()
    latest = for_wall(synthetic.snapshot())
    board.take(latest, thresholds)
    assert judged == []  # counted on the sync side (sync/derive.py), only looked up here
    counts = latest.derived.counts_for(thresholds)
    assert counts is not None and board.alerts_judged == counts.figures > 0

"""Where a hidden sensitive tile's cells go in presentation mode (wall/presentation.py
`fill_hidden`): to the neighbours that cover one of its sides exactly, else to a plain
panel — never an empty hole."""

from __future__ import annotations

from cmwall.wall.grid_panel import Cell
from cmwall.wall.presentation import fill_hidden


def test_the_neighbour_beside_a_hidden_tile_widens_over_it() -> None:
    cells = [Cell(0, 0), Cell(0, 1), Cell(1, 0, 1, 2)]
    filled = fill_hidden(cells, [False, True, False])
    assert filled.cells == (Cell(0, 0, 1, 2), None, Cell(1, 0, 1, 2)) and filled.panels == ()


def test_a_side_covered_by_two_stacked_tiles_grows_both() -> None:
    # a 2-row tile on the right; on its left a KPI above a trend
    cells = [Cell(0, 0), Cell(1, 0), Cell(0, 1, 2, 1)]
    filled = fill_hidden(cells, [False, False, True])
    assert filled.cells == (Cell(0, 0, 1, 2), Cell(1, 0, 1, 2), None) and filled.panels == ()


def test_one_neighbour_is_preferred_to_several_and_wider_to_taller() -> None:
    # hidden bottom-right block: the trend on its left (one tile) beats the two KPIs above it
    cells = [Cell(0, 0), Cell(0, 1), Cell(0, 2), Cell(0, 3), Cell(1, 0, 2, 2), Cell(1, 2, 2, 2)]
    filled = fill_hidden(cells, [False] * 5 + [True])
    assert filled.cells[4] == Cell(1, 0, 2, 4) and filled.cells[2:4] == (Cell(0, 2), Cell(0, 3))
    # a hidden middle tile with neighbours left and right: the one on the right widens first
    row = fill_hidden([Cell(0, 0), Cell(0, 1), Cell(0, 2)], [False, True, False])
    assert row.cells == (Cell(0, 0), None, Cell(0, 1, 1, 2))


def test_a_neighbour_sticking_out_cannot_take_the_place_and_a_plain_panel_does() -> None:
    # the only neighbour is taller than the hidden tile: growing it would not be a rectangle
    cells = [Cell(0, 0, 2, 1), Cell(0, 1)]
    filled = fill_hidden(cells, [False, True])
    assert filled.cells == (Cell(0, 0, 2, 1), None) and filled.panels == (Cell(0, 1),)


def test_neighbouring_panels_join_into_one_and_a_page_of_sensitive_tiles_is_one_panel() -> None:
    cells = [Cell(0, 0), Cell(0, 1), Cell(1, 0, 1, 2)]
    filled = fill_hidden(cells, [True, True, True])
    assert filled.cells == (None, None, None) and filled.panels == (Cell(0, 0, 2, 2),)


def test_nothing_sensitive_changes_nothing() -> None:
    cells = [Cell(0, 0), Cell(0, 1, 2, 2)]
    assert fill_hidden(cells, [False, False]).cells == tuple(cells)

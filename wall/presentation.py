"""Presentation mode: the wall as protocol staff show it to a visiting delegation.

One operator action (`Action.TOGGLE_PRESENTATION`, key F, the control page, a peer)
holds the data on screen while the CM speaks, hides the tiles the layout marks
`sensitive = true`, and marks every strip quietly ("Presentation · data as of 14:05
IST"); the same action returns to live. While it lasts:

- **Nothing is lost.** Polling goes on and every snapshot is stored as usual; this part
  only keeps the last one (`latest`) and gives the windows the one held (`held`).
  Back to live, the newest snapshot shows at once.
- **Honest times.** Ages on the tiles keep counting from the real clock (a figure held
  for an hour says so), and the strip keeps saying whether the store is reachable
  and when the last sync was — only what the data says is held.
- **No hole.** A hidden tile's cells are taken by the neighbours along one side when
  they exactly cover that side (they widen or grow taller), else by a plain panel
  carrying the state's name — never an empty cell or a "no data" message
  (`fill_hidden`, Qt-free).
- **A crisis breaks through.** The wall watches crises for the operator first: a crisis
  rule that fires ends presentation mode (live data, the crisis layout and its
  flashing banner, a notice on the strip), and presentation mode cannot start while a
  crisis is on. A critical alert without a crisis keeps its banner on every screen,
  judged on live data, whatever is held: the operator is never the last to know.

It knows the windows only through the callables it is given and talks to the other
parts through signals wired in controller.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from ..sync.period_time import IST
from ..sync.snapshot import Snapshot
from ..widgets.base import plain_label
from ..widgets.look import theme
from ..widgets.look.i18n import display_name, tr
from .grid_panel import Cell, GridPanel
from .screen_window import ScreenWindow
from .status_text import ist_time, moment_text

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
NOTICE_SECONDS = 12.0


# --- where the hidden tiles' cells go (Qt-free) -------------------------------------------


@dataclass(frozen=True)
class Filled:
    """A page with its sensitive tiles hidden: each tile's cell (None: hidden) and the
    plain panels that fill what no neighbour could take."""

    cells: tuple[Cell | None, ...]
    panels: tuple[Cell, ...]


def _band(kept: dict[int, Cell], hole: Cell, side: str) -> list[int]:
    """The kept tiles along `side` of `hole` that cover that side exactly (none sticking out):
    they can grow over the hole; [] when they cannot."""
    if side in ("left", "right"):
        edge = hole.col + hole.col_span if side == "right" else hole.col
        touching = [i for i, c in kept.items()
                    if (c.col if side == "right" else c.col + c.col_span) == edge
                    and c.row >= hole.row and c.row + c.row_span <= hole.row + hole.row_span]
        covered = sum(kept[i].row_span for i in touching)
        return touching if covered == hole.row_span else []
    edge = hole.row + hole.row_span if side == "below" else hole.row
    touching = [i for i, c in kept.items()
                if (c.row if side == "below" else c.row + c.row_span) == edge
                and c.col >= hole.col and c.col + c.col_span <= hole.col + hole.col_span]
    covered = sum(kept[i].col_span for i in touching)
    return touching if covered == hole.col_span else []


def _grown(cell: Cell, hole: Cell, side: str) -> Cell:
    if side == "right":  # the tile right of the hole widens to the left
        return Cell(cell.row, hole.col, cell.row_span, cell.col_span + hole.col_span)
    if side == "left":
        return Cell(cell.row, cell.col, cell.row_span, cell.col_span + hole.col_span)
    if side == "below":
        return Cell(hole.row, cell.col, cell.row_span + hole.row_span, cell.col_span)
    return Cell(cell.row, cell.col, cell.row_span + hole.row_span, cell.col_span)


def _merged(a: Cell, b: Cell) -> Cell | None:
    """One rectangle of two neighbouring ones, if they make one."""
    if a.row == b.row and a.row_span == b.row_span and (a.col + a.col_span == b.col or b.col + b.col_span == a.col):
        return Cell(a.row, min(a.col, b.col), a.row_span, a.col_span + b.col_span)
    if a.col == b.col and a.col_span == b.col_span and (a.row + a.row_span == b.row or b.row + b.row_span == a.row):
        return Cell(min(a.row, b.row), a.col, a.row_span + b.row_span, a.col_span)
    return None


def fill_hidden(cells: Sequence[Cell], hidden: Sequence[bool]) -> Filled:
    """Hide the tiles flagged in `hidden` and give their cells away: to the neighbours that
    cover one side of a hidden tile exactly (fewest tiles first; wider before taller),
    else to plain panels, neighbouring panels joined into one where they make a rectangle."""
    kept = {i: c for i, (c, h) in enumerate(zip(cells, hidden, strict=True)) if not h}
    panels: list[Cell] = []
    for hole in (c for c, h in zip(cells, hidden, strict=True) if h):
        bands = [(len(found), n, side, found) for n, side in enumerate(("right", "left", "below", "above"))
                 if (found := _band(kept, hole, side))]
        if not bands:
            panels.append(hole)
            continue
        _, _, side, band = min(bands)
        for i in band:
            kept[i] = _grown(kept[i], hole, side)
    joined = True
    while joined:
        joined = False
        for a in range(len(panels)):
            for b in range(a + 1, len(panels)):
                one = _merged(panels[a], panels[b])
                if one is not None:
                    panels[a] = one
                    del panels[b]
                    joined = True
                    break
            if joined:
                break
    return Filled(tuple(kept.get(i) for i in range(len(cells))), tuple(panels))


def data_time_text(moment: datetime | None, now: datetime, language: str) -> str:
    """'14:05 IST' today, '21 Nov 2026 14:05 IST' another day, 'unknown' without data."""
    if moment is None:
        return tr("unknown", language)
    if moment.astimezone(IST).date() == now.astimezone(IST).date():
        return f"{ist_time(moment)} IST"
    return moment_text(moment, language)


def mark_text(held: Snapshot | None, now: datetime, language: str) -> str:
    """The strip's quiet mark: 'Presentation · data as of 14:05 IST'."""
    when = data_time_text(held.data_as_of if held is not None else None, now, language)
    return tr("Presentation · data as of {time}", language).format(time=when)


# --- hiding sensitive tiles in a window ------------------------------------------------------


class NeutralPanel(QFrame):
    """What stands where a sensitive tile was: a tile-coloured panel with the state's
    name, quiet, so the page looks composed rather than broken."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("neutralPanel")
        self.setStyleSheet(f"QFrame#neutralPanel {{ background: {theme.PANEL}; border: 1px solid {theme.PANEL_BORDER};"
                           f" border-radius: 6px; }}")
        self.label = plain_label(text, self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setStyleSheet(f"color: {theme.TEXT_DIM}; background: transparent; border: none;")
        column = QVBoxLayout(self)
        column.addWidget(self.label)

    def set_text(self, text: str) -> None:
        self.label.setText(text)

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt override)
        font = self.label.font()
        font.setPixelSize(max(14, min(self.height() // 8, self.width() // 14)))
        self.label.setFont(font)


@dataclass
class Cover:
    """What hiding a window's sensitive tiles changed, to be undone."""

    moved: list[tuple[GridPanel, QWidget, Cell]] = field(default_factory=list)
    hidden: list[QWidget] = field(default_factory=list)
    panels: list[tuple[GridPanel, NeutralPanel]] = field(default_factory=list)

    def undo(self) -> None:
        for grid, panel in self.panels:
            grid.cells.pop(panel, None)
            panel.hide()
            panel.deleteLater()
        for grid, widget, cell in self.moved:
            grid.place(widget, cell)
        for widget in self.hidden:
            widget.show()
        self.panels, self.moved, self.hidden = [], [], []


def cover_sensitive(window: ScreenWindow, panel_text: str) -> Cover:
    """Hide `window`'s sensitive tiles (pinned and on every page) and fill their cells."""
    cover = Cover()
    spec = window.screen_spec
    if spec is None:
        return cover
    groups: list[tuple[QWidget | None, Sequence[QWidget], Sequence[bool]]] = [
        (window.area, window.pinned, [t.sensitive for t in spec.pinned])]
    for index, page in enumerate(window.pages[:len(spec.pages)]):  # a page of its own (drill-down) has no spec
        groups.append((window.area.stack.widget(index), page, [t.sensitive for t in spec.pages[index].tiles]))
    for grid, tiles, hidden in groups:
        if not isinstance(grid, GridPanel) or not any(hidden) or len(tiles) != len(hidden):
            continue
        before = [grid.cells[tile] for tile in tiles]
        filled = fill_hidden(before, hidden)
        for tile, old, new in zip(tiles, before, filled.cells, strict=True):
            if new is None:
                tile.hide()
                cover.hidden.append(tile)
            elif new != old:
                grid.place(tile, new)
                cover.moved.append((grid, tile, old))
        for cell in filled.panels:
            panel = NeutralPanel(panel_text)
            grid.place(panel, cell)
            panel.show()
            panel.raise_()
            cover.panels.append((grid, panel))
    return cover


def panel_text(snapshot: Snapshot | None, language: str) -> str:
    """The state's name in the language shown (nothing before a catalog has come)."""
    catalog = snapshot.catalog if snapshot is not None else None
    return display_name(catalog.state, language, "") if catalog is not None else ""


# --- the part ---------------------------------------------------------------------------------


class Presentation(QObject):
    """Presentation mode on the wall: which snapshot the windows show, sensitive tiles, the mark."""

    changed = Signal(bool)  # on (True) / back to live (False): the controller shows the snapshot to show
    notice = Signal(str, float)  # for the strip: why it did not start, or why it ended

    def __init__(self, *, windows: Callable[[], Iterable[ScreenWindow]], language: Callable[[], str],
                 clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.windows = windows
        self.language = language
        self.clock = clock  # the real clock: the mark says "today" by it
        self.active = False
        self.held: Snapshot | None = None  # what the windows show while active
        self.latest: Snapshot | None = None  # the newest snapshot received, shown again back to live
        self.since: datetime | None = None
        self._covers: dict[int, tuple[ScreenWindow, Cover]] = {}

    # --- snapshots ---------------------------------------------------------------------

    def take(self, snapshot: Snapshot) -> Snapshot:
        """A new snapshot arrived: kept as the newest; the one the windows are to show is
        returned (the held one while presenting). A crisis that fires ends presentation."""
        self.latest = snapshot
        if self.active and snapshot.crisis.active:
            self.stop(tr("Presentation ended: a crisis rule fired", self.language()))
        return self.held if self.active and self.held is not None else snapshot

    def for_strip(self, snapshot: Snapshot) -> Snapshot:
        """What the strip words: the held data with the live link (reachable, last sync,
        local store), so it never says a stale "reachable" while it holds data."""
        if not self.active or self.held is None or self.held is snapshot:
            return snapshot
        return replace(self.held, status=snapshot.status)

    # --- on and off --------------------------------------------------------------------

    def toggle(self) -> None:
        if self.active:
            self.stop()
        else:
            self.start()

    def start(self) -> bool:
        """Hold the data shown now, hide sensitive tiles, mark the strips; False (with a
        notice) when there is nothing to hold yet or a crisis is on."""
        language = self.language()
        if self.active:
            return True
        latest = self.latest
        if latest is None or latest.catalog is None:
            self.notice.emit(tr("Presentation mode: no data to present yet", language), NOTICE_SECONDS)
            return False
        if latest.crisis.active:
            self.notice.emit(tr("Presentation mode is not available during a crisis", language), NOTICE_SECONDS)
            return False
        self.active, self.held, self.since = True, latest, self.clock()
        log.info("presentation mode: data held as of %s", latest.data_as_of)
        for window in self.windows():
            self.prepare(window)
        self.changed.emit(True)
        return True

    def stop(self, reason: str = "") -> None:
        """Back to live: every tile shown again, the newest snapshot at once (by `changed`)."""
        if not self.active:
            return
        self.active, self.held, self.since = False, None, None
        log.info("presentation mode ended%s", f": {reason}" if reason else "")
        current = {id(w) for w in self.windows()}
        for key, (_window, cover) in self._covers.items():
            if key in current:  # a window already dropped has nothing to give back
                cover.undo()
        self._covers.clear()
        for window in self.windows():
            window.strip.set_mark("")
        if reason:
            self.notice.emit(reason, NOTICE_SECONDS)
        self.changed.emit(False)

    # --- windows -----------------------------------------------------------------------

    def prepare(self, window: ScreenWindow) -> None:
        """A window made or shown while presenting: its sensitive tiles hidden, its mark set."""
        if not self.active:
            return
        language = self.language()
        if id(window) not in self._covers:
            self._covers[id(window)] = (window, cover_sensitive(window, panel_text(self.held, language)))
        window.strip.set_mark(mark_text(self.held, self.clock(), language))

    def follow_windows(self) -> None:
        """After windows were made or dropped: forget the dropped, prepare the new."""
        current = {id(w): w for w in self.windows()}
        for key in [k for k in self._covers if k not in current]:
            del self._covers[key]
        for window in current.values():
            self.prepare(window)

    def refresh(self) -> None:
        """The mark and the panels in the language shown now (and the day's date, at midnight)."""
        if not self.active:
            return
        language = self.language()
        mark, text = mark_text(self.held, self.clock(), language), panel_text(self.held, language)
        for window in self.windows():
            window.strip.set_mark(mark)
        for _window, cover in self._covers.values():
            for _grid, panel in cover.panels:
                panel.set_text(text)

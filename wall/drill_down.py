"""Drill-down: where the operator has opened the wall to (state → district → taluka → …) and back.

In a review meeting someone asks to open one district, then one of its talukas. This
part holds the way down (the places opened, the state first) and the child picked on
the current page, and asks for the generated page of the current place
(entity_page.py) to be shown in place of the layout's first screen. Places and their
children come only from the catalog's `parent` links. Every move is an `Action`
(keys.py: DRILL_INTO opens the picked child — or the state's page from the rotation —,
DRILL_NEXT_CHILD / DRILL_PREVIOUS_CHILD pick, DRILL_UP, DRILL_HOME), so keys, the
control page and the wall's other PCs move it alike. While drilled in the generated
layout does not rotate; Home, Up past the state, another layout (crisis, V) or
`idle_seconds` without a drill-down command bring the wall back to its rotation, so
it is never left on one taluka overnight (`[drill_down] idle_minutes` in the
configuration). Between the PCs of one wall the place travels as data: every
drill-down command leaves `shared_state()` (the codes opened and picked), and
another PC `adopt`s it, so a tap opens the same place everywhere even where a PC
lists the children in another order or had missed a step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ..layouts.loader import Layout
from ..sync.contract import Catalog
from ..sync.snapshot import Snapshot
from ..widgets.tiles.children_tile import ordered_children
from .entity_page import entity_layout, trail

log = logging.getLogger(__name__)

IDLE_SECONDS = 600.0  # back to the rotation after ten minutes without a drill-down command


class DrillDown(QObject):
    """The places opened and the child picked; `show` switches layouts, `changed` says it moved."""

    changed = Signal()

    def __init__(self, *, current: Callable[[], Layout], show: Callable[[Layout], object],
                 snapshot: Callable[[], Snapshot | None], idle_seconds: float = IDLE_SECONDS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.current = current  # the layout shown now
        self.show = show  # switch the wall to a layout
        self.snapshot = snapshot  # the snapshot the windows show
        self.path: list[str] = []  # places opened, the first one first; empty: the rotation
        self.selected: str | None = None  # the child of the current place Enter would open
        self.home: Layout | None = None  # the layout to go back to
        self._shown: Layout | None = None
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(max(1, int(idle_seconds * 1000)))
        self._idle.timeout.connect(self.go_home)

    # --- what the rest of the wall reads ------------------------------------------------

    @property
    def active(self) -> bool:
        return bool(self.path)

    @property
    def entity(self) -> str | None:
        return self.path[-1] if self.path else None

    def catalog(self) -> Catalog | None:
        snapshot = self.snapshot()
        return snapshot.catalog if snapshot is not None else None

    def shared_state(self) -> dict[str, Any]:
        """Where the drill-down is, for the other PCs of the wall: the codes opened and picked."""
        return {"path": list(self.path), "selected": self.selected}

    def adopt(self, state: Mapping[str, Any]) -> None:
        """Another PC's drill-down (`shared_state()`), shown here as there; an empty path:
        back to the rotation. A place this catalog does not know opens nothing."""
        path, selected = state.get("path"), state.get("selected")
        if not isinstance(path, list) or not all(isinstance(c, str) for c in path):
            return
        if not path:
            self.go_home()
            return
        catalog = self.catalog()
        known = catalog is not None and (path[-1] == catalog.state.code or catalog.entity(path[-1]) is not None)
        if catalog is None or not known or trail(catalog, path[-1]) != path:
            log.warning("drill-down of another PC not shown: %s is not a place of this catalog", " › ".join(path))
            return
        if path == self.path and selected == self.selected:
            return
        self.path, self.selected = list(path), selected if isinstance(selected, str) else None
        self._show_page()

    def child_codes(self) -> list[str]:
        catalog = self.catalog()
        if catalog is None:
            return []
        return [e.code for e in ordered_children(catalog, self.entity or catalog.state.code)]

    # --- the moves ----------------------------------------------------------------------

    def into_selected(self) -> None:
        """Open the picked child (the first if none is picked); from the rotation, the state's page."""
        catalog = self.catalog()
        if catalog is None:
            return
        if not self.path:
            self.open(catalog.state.code)
            return
        children = self.child_codes()
        target = self.selected if self.selected in children else (children[0] if children else None)
        if target is not None:
            self.open(target)

    def open(self, code: str) -> bool:
        """Open `code`'s page: a child of the current place goes one step down; any other
        known place opens with the way down to it from the state."""
        catalog = self.catalog()
        if catalog is None or (code != catalog.state.code and catalog.entity(code) is None):
            return False
        if self.path and code in self.child_codes():
            self.path.append(code)
        else:
            self.path = trail(catalog, code)
        self.selected = None
        self._show_page()
        return True

    def pick(self, step: int) -> None:
        """Pick the next (+1) or previous (-1) child of the current place."""
        children = self.child_codes()
        if not self.path or not children:
            return
        index = children.index(self.selected) + step if self.selected in children else (0 if step > 0 else -1)
        self.selected = children[index % len(children)]
        self._show_page()

    def up(self) -> None:
        """One place up; from the first place opened, back to the rotation."""
        if len(self.path) <= 1:
            self.go_home()
            return
        self.selected = self.path.pop()
        self._show_page()

    def go_home(self) -> None:
        """Back to the layout and its rotation as they were before drilling in."""
        self._idle.stop()
        if not self.path:
            return
        home, self.path, self.selected, self._shown, self.home = self.home, [], None, None, None
        if home is not None:
            self.show(home)
        self.changed.emit()

    def follow_layout(self, layout: Layout) -> None:
        """A layout shown by someone else (crisis, the layout key, a peer): drilling ends there."""
        if layout is self._shown or not self.path:
            return
        self._idle.stop()
        self.path, self.selected, self._shown, self.home = [], None, None, None
        self.changed.emit()

    def _show_page(self) -> None:
        catalog = self.catalog()
        assert catalog is not None and self.path
        if self.home is None:
            self.home = self.current()
        try:
            layout = entity_layout(self.home, catalog, self.snapshot(), self.path[-1], self.selected)
        except ValueError:  # a page the schema refuses is a bug here: the wall keeps what it shows
            log.exception("cannot build the page of %s", self.path[-1])
            return
        self._shown = layout
        self._idle.start()
        self.show(layout)
        self.changed.emit()

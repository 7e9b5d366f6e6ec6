"""Which layout the wall shows: the one it started with, the crisis layout, or the next shipped one.

The operator switches with a key today; crisis rules will switch (and switch back)
by themselves tomorrow. Either way a layout is loaded here and, only if it is
valid, announced with `changed`; a bad one is refused with a notice in the wall's
language and the wall keeps what it shows. Rebuilding the windows is not this
part's job: whoever owns them follows `changed`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..layouts.loader import CRISIS, SHIPPED_LAYOUTS, Layout, LayoutError, load_layout
from ..widgets.look.i18n import tr

log = logging.getLogger(__name__)


class LayoutChoice(QObject):
    """The current layout, the home one to come back to, and switching between them."""

    changed = Signal(object)  # the new Layout, valid and loaded
    refused = Signal(str)  # a notice for the strip: why the layout was not switched

    def __init__(self, layout: Layout, language: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.current = layout
        self.home = layout  # where the crisis key returns to
        self.crisis = CRISIS  # the crisis key's layout: the home layout's `[crisis] layout`, else the shipped one
        self.language = language

    @property
    def in_crisis(self) -> bool:
        return self.current.path.stem in (CRISIS, Path(self.crisis).stem)

    def switch(self, layout: Layout | str) -> bool:
        """Show `layout` (or the shipped layout / file so named); on a bad layout keep the current one."""
        if isinstance(layout, str):
            try:
                layout = load_layout(layout)
            except LayoutError as err:
                log.error("cannot switch layout: %s", err.report())
                self.refused.emit(f"{tr('Cannot switch layout', self.language())}: {err}")
                return False
        self.current = layout
        self.changed.emit(layout)
        return True

    def toggle_crisis(self) -> None:
        """The crisis layout, or back to the home layout from it."""
        if self.in_crisis:
            self.switch(self.home)
        else:
            self.switch(self.crisis)

    def next_layout(self) -> None:
        """The shipped layout after the current one (the first, from a layout file of one's own)."""
        stem = self.current.path.stem
        following = SHIPPED_LAYOUTS[(SHIPPED_LAYOUTS.index(stem) + 1) % len(SHIPPED_LAYOUTS)] \
            if stem in SHIPPED_LAYOUTS else SHIPPED_LAYOUTS[0]
        self.switch(following)

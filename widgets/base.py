"""The one small contract every tile follows.

A tile is a QFrame built from its validated options and a shared `TileContext`; it
draws only from the immutable snapshot given to `apply()` — never the network or the
database — and stops its own timers in `cleanup()`. On a wall, what it draws may
arrive a moment after `apply()`: its context's `ModelStage` builds it off the GUI thread. The wall calls `apply()` once per
new snapshot and `retranslate()` when the language changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QWidget

from ..layouts.tile_options import TileOptions
from ..layouts.tile_types import type_of_options
from ..sync.snapshot import Snapshot
from ..sync.thresholds import DEFAULT_THRESHOLDS, Thresholds
from .look import i18n
from .view_models import ModelStage


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class TileContext:
    """What every tile on a wall shares: language, clock, where the layout file lives."""

    language: str = "en"
    now: Callable[[], datetime] = field(default=_utc_now)
    layout_dir: Path = Path(".")
    thresholds: Thresholds = DEFAULT_THRESHOLDS  # the layout's, for what the catalog leaves unjudged
    # The wall's: tiles' view models are built off the GUI thread and applied a few per
    # event-loop turn (view_models.py). None (a tile on its own, in tests): built at once.
    models: ModelStage | None = None

    # A bilingual layout's languages (`languages = ["en", "gu"]`): titles and names are
    # shown in each, figures once. Empty: the wall's one language.
    languages: tuple[str, ...] = ()

    @property
    def shown_languages(self) -> tuple[str, ...]:
        """The languages text is shown in: the wall's first, then the layout's other one;
        only the wall's when it is not one of the layout's (never a third script)."""
        if self.language not in self.languages:
            return (self.language,)
        return (self.language, *(lang for lang in self.languages if lang != self.language))

    def tr(self, text: str) -> str:
        if i18n.is_calendar_word(text):  # a date is a figure: shown once, in the wall's language
            return i18n.tr(text, self.language)
        return i18n.both([i18n.tr(text, lang) for lang in self.shown_languages])

    def name(self, item: Any, fallback: str = "") -> str:
        return i18n.both([i18n.display_name(item, lang, fallback) for lang in self.shown_languages])

    def title(self, text: str, local: Mapping[str, str]) -> str:
        """A layout's title in each shown language: its `title_local` there, else the
        wall's translation of the English `text` (as the layout wrote it when unknown)."""
        return i18n.both([local.get(lang) or i18n.tr(text, lang) for lang in self.shown_languages])

    def number(self, value: float | None, unit: str = "", decimals: int | None = None) -> str:
        return i18n.format_number(value, unit, decimals=decimals, language=self.language)


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that never interprets store text as rich text."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


class Tile(QFrame):
    """A subclass states the options it takes (`options_model`); its `type_name` is the
    tile type declared with those options in layouts/tile_types.py."""

    type_name: ClassVar[str] = ""
    options_model: ClassVar[type[TileOptions]] = TileOptions

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = type_of_options(cls.options_model)
        if declared is not None and "type_name" not in vars(cls):
            cls.type_name = declared

    def __init__(self, options: TileOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.options = options
        self.context = context
        self.snapshot: Snapshot | None = None
        self.apply_count = 0  # how many snapshots were applied (tests: one poll → one repaint)

    def apply(self, snapshot: Snapshot) -> None:
        """Show `snapshot`. Subclasses override `show_snapshot()`, not this."""
        self.snapshot = snapshot
        self.apply_count += 1
        self.show_snapshot(snapshot)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Draw `snapshot` (named apart from QWidget.render, which paints a widget elsewhere)."""
        raise NotImplementedError

    def retranslate(self) -> None:
        """The language changed: draw again from the last snapshot."""
        if self.snapshot is not None:
            self.show_snapshot(self.snapshot)

    def cleanup(self) -> None:
        """Stop timers and release resources before the tile is destroyed."""

    def heading(self, default: str) -> str:
        # A layout title the wall's own catalogues know (the shipped layouts') is translated;
        # any other is shown as the layout wrote it (its title_local gives other languages).
        return self.context.title(self.options.title or default, self.options.title_local)

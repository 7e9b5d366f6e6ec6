"""The wall's language: the layout's own, until the operator (or `--language`) picks one.

One value every window, the strip and the help overlay follow. A change is one
signal, `changed`; a new layout brings its own language only while nobody has
chosen one.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..widgets.look.i18n import LANGUAGES


class LanguageChoice(QObject):
    """The language shown now: the operator's choice, else the layout's."""

    changed = Signal(str)

    def __init__(self, layout_language: str, chosen: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.layout_language = layout_language
        self.chosen = chosen

    @property
    def current(self) -> str:
        return self.chosen or self.layout_language

    def follow_layout(self, layout_language: str) -> None:
        """A new layout's language; shown only if nobody chose one (its windows are built in it: no signal)."""
        self.layout_language = layout_language

    def set(self, language: str) -> None:
        self.chosen = language
        self.changed.emit(language)

    def next(self) -> None:
        """English → हिन्दी → ગુજરાતી → English …"""
        self.set(LANGUAGES[(LANGUAGES.index(self.current) + 1) % len(LANGUAGES)])

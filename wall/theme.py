"""The control-room look: dark background, large type, colour-blind-safe status colours.

One place for colours and type sizes so every tile reads the same from across the
room. Grade and alert colours come from the Okabe–Ito palette (distinguishable with
the common colour-vision deficiencies) and always travel with a letter or symbol.
"""

from __future__ import annotations

from dataclasses import dataclass

FONT_FAMILIES = ["Noto Sans", "Noto Sans Gujarati", "Noto Sans Devanagari", "DejaVu Sans"]

BACKGROUND = "#0b1220"
PANEL = "#131c2e"
PANEL_BORDER = "#23304a"
TEXT = "#e8edf5"
TEXT_DIM = "#93a0b8"
ACCENT = "#56b4e9"

GRADE_COLOURS = {"A": "#009e73", "B": "#56b4e9", "C": "#e69f00", "D": "#d55e00"}
UNGRADED = "#6b7588"

# Alert levels: colour plus a symbol that says the same without colour.
ALERT_COLOURS = {"critical": "#d55e00", "warn": "#e69f00", "ok": "#009e73"}
ALERT_SYMBOLS = {"critical": "‼", "warn": "!", "ok": "✓"}

# Freshness of a figure: fresh, late (older than its frequency), not fed, cached.
FRESHNESS_COLOURS = {"fresh": "#009e73", "late": "#e69f00", "not_fed": "#8a94a6", "cached": "#cc79a7"}
FRESHNESS_SYMBOLS = {"fresh": "●", "late": "◐", "not_fed": "○", "cached": "⟲"}


@dataclass(frozen=True)
class TypeScale:
    """Pixel sizes derived from a tile's height so text scales from 1080p to 4K."""

    title: int
    body: int
    small: int
    figure: int

    @classmethod
    def for_height(cls, height: int) -> "TypeScale":
        unit = max(height, 120) / 100.0
        return cls(
            title=max(12, int(unit * 7)),
            body=max(11, int(unit * 5.5)),
            small=max(10, int(unit * 4.2)),
            figure=max(18, int(unit * 20)),
        )


def grade_colour(grade: str | None) -> str:
    return GRADE_COLOURS.get(grade or "", UNGRADED)


def stylesheet() -> str:
    """The application-wide Qt style sheet."""
    return f"""
    QWidget {{ background: {BACKGROUND}; color: {TEXT}; }}
    QFrame#tile {{ background: {PANEL}; border: 1px solid {PANEL_BORDER}; border-radius: 6px; }}
    QLabel {{ background: transparent; }}
    """

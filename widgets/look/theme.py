"""The control-room look: dark background, large type, colour-blind-safe status colours.

One place for colours and type sizes so every tile reads the same from across the
room. Grade and alert colours come from the Okabe–Ito palette (distinguishable with
the common colour-vision deficiencies) and always travel with a letter or symbol.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FONT_FAMILIES = ["Noto Sans", "Noto Sans Gujarati", "Noto Sans Devanagari", "DejaVu Sans"]

BACKGROUND = "#0b1220"
PANEL = "#131c2e"
PANEL_BORDER = "#23304a"
TEXT = "#e8edf5"
TEXT_DIM = "#93a0b8"
ACCENT = "#56b4e9"

# Grade colours follow the grades' order in the catalog (best first), whatever their
# names and number: four grades get these four colours; any other number is spread
# evenly along the same ramp (best green … worst vermillion).
GRADE_RAMP = ("#009e73", "#56b4e9", "#e69f00", "#d55e00")
DEFAULT_GRADES = ("A", "B", "C", "D")
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
    def for_height(cls, height: int) -> TypeScale:
        unit = max(height, 120) / 100.0
        return cls(
            title=max(12, int(unit * 7)),
            body=max(11, int(unit * 5.5)),
            small=max(10, int(unit * 4.2)),
            figure=max(18, int(unit * 20)),
        )


def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb))


def ramp_colour(position: float) -> str:
    """The grade ramp at `position` in [0, 1] (0 best, 1 worst)."""
    position = min(1.0, max(0.0, position)) * (len(GRADE_RAMP) - 1)
    low = min(int(position), len(GRADE_RAMP) - 2)
    return _mix(GRADE_RAMP[low], GRADE_RAMP[low + 1], position - low)


def grade_colours(grades: Sequence[str]) -> dict[str, str]:
    """Grade name -> colour, by order (best first) for any number of grades."""
    n = len(grades)
    if n == 0:
        return {}
    if n == 1:
        return {grades[0]: GRADE_RAMP[0]}
    return {name: ramp_colour(i / (n - 1)) for i, name in enumerate(grades)}


def grade_colour(grade: str | None, grades: Sequence[str] = DEFAULT_GRADES) -> str:
    """The colour of `grade` among `grades` (the catalog's names, best first); grey if unknown."""
    return grade_colours(tuple(grades)).get(grade or "", UNGRADED)


def stylesheet() -> str:
    """The application-wide Qt style sheet."""
    return f"""
    QWidget {{ background: {BACKGROUND}; color: {TEXT}; }}
    QFrame#tile {{ background: {PANEL}; border: 1px solid {PANEL_BORDER}; border-radius: 6px; }}
    QLabel {{ background: transparent; }}
    """

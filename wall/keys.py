"""The operator's keys: one table from key to action, also the help overlay's text.

A wall has a keyboard on a shelf, not a mouse; every action is one key, listed on
the help overlay (F1 or ?). Quitting asks for confirmation so a stray key cannot
blank the wall.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt

from ..widgets.look.i18n import N_

K = Qt.Key


class Action(Enum):
    NEXT_PAGE = N_("Next page")
    PREVIOUS_PAGE = N_("Previous page")
    TOGGLE_PAUSE = N_("Pause / resume rotation")
    TOGGLE_CRISIS = N_("Crisis layout on / off")
    ACKNOWLEDGE = N_("Acknowledge the crisis banner")
    TOGGLE_PRESENTATION = N_("Presentation mode on / off (data held, sensitive tiles hidden)")
    NEXT_LAYOUT = N_("Next layout")
    DRILL_INTO = N_("Drill down: open the picked place (from the rotation: the state)")
    DRILL_NEXT_CHILD = N_("Drill down: pick the next place")
    DRILL_PREVIOUS_CHILD = N_("Drill down: pick the previous place")
    DRILL_UP = N_("Drill down: one place up")
    DRILL_HOME = N_("Drill down: back to the rotation")
    NEXT_LANGUAGE = N_("Language: English → हिन्दी → ગુજરાતી")
    REFRESH = N_("Refresh data now")
    SCREENSHOT = N_("Screenshot of every screen")
    HELP = N_("Show / hide this help")
    QUIT = N_("Quit (asks to confirm)")


BINDINGS: dict[int, Action] = {
    K.Key_Right: Action.NEXT_PAGE,
    K.Key_PageDown: Action.NEXT_PAGE,
    K.Key_N: Action.NEXT_PAGE,
    K.Key_Left: Action.PREVIOUS_PAGE,
    K.Key_PageUp: Action.PREVIOUS_PAGE,
    K.Key_P: Action.PREVIOUS_PAGE,
    K.Key_Space: Action.TOGGLE_PAUSE,
    K.Key_C: Action.TOGGLE_CRISIS,
    K.Key_A: Action.ACKNOWLEDGE,
    K.Key_F: Action.TOGGLE_PRESENTATION,
    K.Key_V: Action.NEXT_LAYOUT,
    K.Key_Return: Action.DRILL_INTO,
    K.Key_Enter: Action.DRILL_INTO,
    K.Key_Down: Action.DRILL_NEXT_CHILD,
    K.Key_Up: Action.DRILL_PREVIOUS_CHILD,
    K.Key_Backspace: Action.DRILL_UP,
    K.Key_Home: Action.DRILL_HOME,
    K.Key_L: Action.NEXT_LANGUAGE,
    K.Key_R: Action.REFRESH,
    K.Key_F5: Action.REFRESH,
    K.Key_S: Action.SCREENSHOT,
    K.Key_F1: Action.HELP,
    K.Key_Question: Action.HELP,
    K.Key_H: Action.HELP,
    K.Key_Q: Action.QUIT,
    K.Key_Escape: Action.QUIT,
}

# Keys that confirm a pending quit; any other key cancels it.
CONFIRM_KEYS = (K.Key_Y, K.Key_Return, K.Key_Enter)

HELP_ROWS: tuple[tuple[str, Action], ...] = (
    ("→  PgDn  N", Action.NEXT_PAGE),
    ("←  PgUp  P", Action.PREVIOUS_PAGE),
    ("Space", Action.TOGGLE_PAUSE),
    ("C", Action.TOGGLE_CRISIS),
    ("A", Action.ACKNOWLEDGE),
    ("F", Action.TOGGLE_PRESENTATION),
    ("V", Action.NEXT_LAYOUT),
    ("Enter", Action.DRILL_INTO),
    ("↓", Action.DRILL_NEXT_CHILD),
    ("↑", Action.DRILL_PREVIOUS_CHILD),
    ("Backspace", Action.DRILL_UP),
    ("Home", Action.DRILL_HOME),
    ("L", Action.NEXT_LANGUAGE),
    ("R  F5", Action.REFRESH),
    ("S", Action.SCREENSHOT),
    ("F1  ?  H", Action.HELP),
    ("Q  Esc", Action.QUIT),
)


def action_for(key: int) -> Action | None:
    return BINDINGS.get(key)

"""Choosing Qt's platform plugin before the QApplication exists. Qt-free.

A wall PC normally has a display; a build machine, a test run or a `--screenshot`
job over SSH does not. Rather than let Qt abort with "could not connect to display",
the wall selects the offscreen platform itself when no display is there and says so
once on stderr. An explicit QT_QPA_PLATFORM always wins, including
`offscreen:configfile=screens.json`, which emulates several monitors.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY")


def choose_platform(env: MutableMapping[str, str] | None = None) -> str | None:
    """Set QT_QPA_PLATFORM=offscreen in `env` when there is no display; the message, if any."""
    env = os.environ if env is None else env
    if env.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith(("win", "darwin")):
        return None  # always a display there
    if any(env.get(name) for name in DISPLAY_VARIABLES):
        return None
    env["QT_QPA_PLATFORM"] = "offscreen"
    return "cm-wall: no display found (DISPLAY/WAYLAND_DISPLAY unset): rendering offscreen"

"""Choosing Qt's platform plugin before the QApplication exists. Qt-free.

A wall PC normally has a display; a build machine, a test run or a `--screenshot`
job over SSH does not. A screenshot job without a display renders offscreen and says
so once on stderr. A wall meant to be seen never does: started without a display (a
service started before the graphical session, a unit missing its DISPLAY) it would
paint a black nothing forever while systemd reported it healthy, so it refuses at once
with one line naming what is missing, and the service's restart brings it back when the
session is there. An explicit QT_QPA_PLATFORM always wins, including
`offscreen:configfile=screens.json`, which emulates several monitors.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY")


class NoDisplay(Exception):
    """The wall is to be seen but there is no display to show it on: a one-line reason."""


def choose_platform(env: MutableMapping[str, str] | None = None, *, offscreen_ok: bool) -> str | None:
    """Set QT_QPA_PLATFORM=offscreen in `env` when there is no display and `offscreen_ok`
    (a screenshot job); the message to print, if any. Raises NoDisplay when there is no
    display, no explicit platform, and the wall is meant to be seen."""
    env = os.environ if env is None else env
    if env.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith(("win", "darwin")):
        return None  # always a display there
    if any(env.get(name) for name in DISPLAY_VARIABLES):
        return None
    if not offscreen_ok:
        raise NoDisplay("no display: DISPLAY and WAYLAND_DISPLAY are unset; run the wall in a graphical session "
                        "(see docs/install.md), or pass --screenshot DIR, or set QT_QPA_PLATFORM")
    env["QT_QPA_PLATFORM"] = "offscreen"
    return "cm-wall: no display found (DISPLAY/WAYLAND_DISPLAY unset): rendering offscreen"

"""The smallest layout file text, one screen of 2 x 2 with one page, for tests that change one part of it.

The schema tests and the hostile-layout limits both start from this skeleton and put their
own tiles, screen or top-level lines into it (or `.replace` a line of it), so it is written once.
"""

from __future__ import annotations


def minimal(tiles: str = "", screen: str = "", top: str = "", *, name: str = "t") -> str:
    """A schema 2 layout named `name`: `top` after the name, `screen` in the one screen
    (rows = 2, cols = 2), `tiles` in its one page (dwell = 10)."""
    return f"""schema_version = 2
name = "{name}"
{top}
[[screens]]
id = "s"
rows = 2
cols = 2
{screen}
  [[screens.pages]]
  dwell = 10
{tiles}
"""

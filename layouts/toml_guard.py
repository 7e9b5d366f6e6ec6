"""A cheap look at a layout file's raw text before the TOML parser does expensive work on it.

tomllib's cost grows with the square of a dotted key's parts (a 100 KB file holding
one 50,000-part key takes 39 s and 9.8 GB) and it recurses once per nested array or
inline table (1,000 levels end in RecursionError). A layout needs neither: its
deepest key has a handful of parts and its values nest four levels at most. So the
raw text is scanned once, in linear time, for keys with too many parts and values
nested too deeply, and such a file is refused with the line and the key before
tomllib sees it. The scan skips strings and comments; it only has to be right about
files that are valid TOML, as anything else is refused by the parser afterwards.
Qt-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_FILE_BYTES = 256 * 1024  # the shipped layouts are 3–5 KB; a 30-screen wall fits many times over
MAX_KEY_PARTS = 16  # `[thresholds.kpi."CODE"]` has 3; `a.b.c = 1` has 3
MAX_NESTING = 16  # arrays and inline tables inside each other; a capacity tile's options use 4

# One token per match: a string (its dots and brackets are text), a comment, or a
# character that separates keys and values. Alternatives inside each string pattern
# are disjoint, so matching stays linear.
_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # multi-line basic string
    r"|'''(?:[^']|'(?!''))*'''"  # multi-line literal string
    r'|"(?:[^"\\\n]|\\.)*"'  # basic string
    r"|'[^'\n]*'"  # literal string
    r"|#[^\n]*"  # comment
    r"|[\[\]{}=,.\n]",
    re.DOTALL,
)
_KEY_SHOWN = 40  # characters of an over-long key quoted in the message


@dataclass(frozen=True)
class Hazard:
    """What makes a file too costly to parse: where, under which key, and why."""

    line: int
    key: str
    message: str


def scan(text: str) -> Hazard | None:
    """The first part of `text` that would make tomllib slow or recurse too deeply, or None."""
    line = 1
    depth = 0
    parts = 1  # parts of the key being read (dots seen since the last separator, plus one)
    key_start = 0  # where the text of the key being read starts
    statement_start = 0  # where the current top-level line starts (for the key of a deep value)
    for token in _TOKEN.finditer(text):
        char = token.group()
        if char == ".":
            parts += 1
            if parts > MAX_KEY_PARTS:
                shown = " ".join(text[key_start:token.start()].split())[:_KEY_SHOWN]
                return Hazard(line, f"{shown}…", f"a key of more than {MAX_KEY_PARTS} dotted parts: "
                                                 f"expected at most {MAX_KEY_PARTS} (a layout needs 3)")
            continue
        if len(char) > 1 or char == "#":  # a string or a comment: its text is not structure
            line += char.count("\n")
            continue
        parts = 1
        key_start = token.end()
        if char == "\n":
            line += 1
            if depth == 0:
                statement_start = token.end()
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                key = text[statement_start:token.start()].split("=", 1)[0].strip(" \t[]")[:_KEY_SHOWN]
                return Hazard(line, key, f"arrays and inline tables nested more than {MAX_NESTING} deep: "
                                         f"expected at most {MAX_NESTING} (a layout needs 4)")
        elif char in "]}":
            depth = max(depth - 1, 0)
    return None

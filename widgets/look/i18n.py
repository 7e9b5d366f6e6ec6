"""The wall's languages: English, Hindi and Gujarati.

The wall's own labels come from small JSON catalogues beside this module; entity and
KPI names come from the catalog's `local_name` when the language is not English;
numbers use Indian digit grouping (12,34,567) and lakh / crore for counts.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources
from typing import Protocol

LANGUAGES = ("en", "hi", "gu")

COUNT_UNITS = {"count", "no.", "nos", "number", "persons", "households", "beds", "cases", "complaints", ""}


class Named(Protocol):
    name: str
    local_name: str | None


# The Unicode block each wall language is written in: a catalog's `local_name` is in
# the *state's* language, which the wall only knows by its script, so it is shown
# only when that script is the wall language's (a Gujarati name never on a Hindi wall).
SCRIPTS = {"hi": (0x0900, 0x097F), "gu": (0x0A80, 0x0AFF)}


def written_in(text: str, language: str) -> bool:
    """True when `text`'s letters outside ASCII are in `language`'s script."""
    block = SCRIPTS.get(language)
    if block is None:
        return False
    letters = [ord(c) for c in text if c.isalpha() and ord(c) > 0x7F]
    return bool(letters) and all(block[0] <= c <= block[1] for c in letters)


@cache
def _catalogue(language: str) -> dict[str, str]:
    if language == "en":
        return {}
    try:
        text = resources.files(__package__).joinpath("catalogues", f"{language}.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    return dict(json.loads(text))


def tr(text: str, language: str) -> str:
    """The wall's own label `text` (English) in `language`; English if untranslated."""
    return _catalogue(language).get(text, text)


def display_name(item: Named | None, language: str, fallback: str = "") -> str:
    if item is None:
        return fallback
    if language == "en":
        return item.name
    names = getattr(item, "names", None) or {}
    if names.get(language):
        return str(names[language])
    if item.local_name and written_in(item.local_name, language):
        return item.local_name
    return item.name  # never a third script: English when the language has no name


def group_indian(integer_digits: str) -> str:
    """'1234567' -> '12,34,567'."""
    if len(integer_digits) <= 3:
        return integer_digits
    head, tail = integer_digits[:-3], integer_digits[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join(groups + [tail])


def format_number(value: float | None, unit: str = "", *, decimals: int | None = None, language: str = "en") -> str:
    """A figure as the wall prints it: Indian grouping, lakh/crore for large counts."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    unit_key = unit.strip().lower()
    if unit_key in COUNT_UNITS and abs(value) >= 1e5:
        if abs(value) >= 1e7:
            return f"{_fixed(value / 1e7, 2)} {tr('crore', language)}"
        return f"{_fixed(value / 1e5, 2)} {tr('lakh', language)}"
    if decimals is None:
        # A whole number is shown whole ("211 patients", not "211.0"), whatever the store
        # calls its unit; a percentage keeps its decimal so 82.0 % and 82.4 % line up.
        whole = float(value).is_integer() and unit_key != "%"
        decimals = 0 if whole or abs(value) >= 1000 else 1
    return _fixed(value, decimals)


def _fixed(value: float, decimals: int) -> str:
    text = f"{abs(value):.{decimals}f}"
    integer, _, fraction = text.partition(".")
    sign = "-" if value < 0 and float(text) != 0 else ""
    return sign + group_indian(integer) + (f".{fraction}" if fraction else "")

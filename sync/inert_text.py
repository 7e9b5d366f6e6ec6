"""Text from the store made inert before anything paints or prints it.

A U+202E RIGHT-TO-LEFT OVERRIDE in a district's name reverses the rest of the line it
is painted in, figures from other fields included; zero-width spaces, a BOM or a soft
hyphen make two names that look the same differ; a lone surrogate cannot even be
written to the local store. So every free text of the contract (names, units, grade
names, revisions) passes through `inert()` once, in the contract models' validators
(contract.py), and every consumer — tiles, the command line, the audit JSON — gets
the clean text. Control and invisible format characters are removed (a line break or
a tab becomes a space); ZERO WIDTH JOINER and NON-JOINER stay, because Hindi and
Gujarati conjuncts need them. Codes are identifiers, not text: one holding such a
character does not match the contract and is refused (`plain_code()`), never altered,
so two codes that look alike cannot both exist. Qt-free.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator

KEPT = frozenset({"\u200c", "\u200d"})  # ZWNJ, ZWJ: conjuncts in Devanagari and Gujarati script
INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})  # controls, format characters, lone surrogates, line/paragraph separators
SPACE_LIKE = frozenset("\t\n\r\x0b\x0c\x85\u2028\u2029")  # breaks a single line of painted text: a space instead


def _invisible(char: str) -> bool:
    return char not in KEPT and unicodedata.category(char) in INVISIBLE


def inert(text: str) -> str:
    """`text` without control and invisible format characters (bidirectional overrides,
    embeddings, isolates and marks, zero-width spaces, BOM, …); line breaks and tabs
    become spaces; ZWJ and ZWNJ are kept."""
    if text.isprintable():  # nearly every name: nothing to do
        return text
    return "".join(" " if char in SPACE_LIKE else char for char in text if char in SPACE_LIKE or not _invisible(char))


def invisible_characters(text: str) -> list[str]:
    """The characters `inert()` would take out of `text` (ZWJ and ZWNJ included: a code has no
    use for them), as "U+202E" names; empty for a text with none."""
    return [f"U+{ord(char):04X}" for char in dict.fromkeys(text) if char in KEPT or _invisible(char)]


def plain_code(code: str) -> str:
    """`code` unchanged, or ValueError when it holds a control or invisible character."""
    if code.isprintable():  # nearly every code (a ranking at 3,400 KPIs holds ~340,000): nothing to look for
        return code
    found = invisible_characters(code)
    if found:
        raise ValueError(f"a code must not hold control or invisible characters (found {', '.join(found)})")
    return code


def shown_escaped(text: str) -> str:
    """`text` with each control or invisible character written as an escape (\\u202e), for
    showing what a store sent (a rejected row) without letting it act; ZWJ/ZWNJ kept."""
    if text.isprintable():
        return text
    return "".join(_escape(char) if _invisible(char) else char for char in text)


def _escape(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


Text = Annotated[str, AfterValidator(inert)]  # free text from the store: names, units, grade names
Code = Annotated[str, AfterValidator(plain_code)]  # an identifier: refused, never altered, if it holds one

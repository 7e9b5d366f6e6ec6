"""Babel extraction methods for the wall's interface strings (see docs/translations/babel.cfg).

Babel's own Python extractor reads tokens, and on Python 3.11 an f-string is one
token: `f"{tr('Data', language)}: {age}"` would hide 'Data' from it, and half the
wall's labels are written that way. So the Python sources are read with `ast`, which
sees calls inside f-strings and both branches of `tr(a if c else b)`. The layouts the
wall ships are interface text too (page titles, column headings): their English
strings are extracted from the TOML files.

Marked calls: `tr(text, …)`, `ctx.tr(text)`, `self.heading(text)`, `translate(text)`
(sync's word functions take the caller's translator) and `N_(text)` (a string kept in
a table and translated later); `trn(singular, plural, n, …)` for plurals. A tile's
`default_heading()` returns its title: the strings it returns are extracted too, and so are
the default texts of layout options shown as headings (`pending_heading: str =
Field(default="complaints pending over")`). A non-literal argument is not an interface string (it is translated where
its literals are marked with `N_`).
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from typing import IO, Any

# the function names whose first argument is an interface string (docs/translations/babel.cfg names the methods)
SINGULAR = frozenset({"tr", "N_", "heading", "translate"})
PLURAL = frozenset({"trn"})
# the keys of a layout file whose (English) values are shown as interface text
LAYOUT_TEXT_KEYS = frozenset({"title", "label", "pending_labels", "pending_heading", "satisfaction_label"})

Extracted = tuple[int, str, str | tuple[str, ...], list[str]]


def _literals(node: ast.expr) -> list[str]:
    """The strings a marked argument can be: a literal, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict):  # tr({"a": "A", …}[key])
        return [text for value in node.value.values for text in _literals(value)]
    return []


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def extract_python(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Extracted]:
    """Babel extraction method: interface strings of one Python source file."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "default_heading":
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and ret.value is not None:
                    for text in _literals(ret.value):
                        yield ret.lineno, "gettext", text, []
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                and node.target.id in LAYOUT_TEXT_KEYS and isinstance(node.value, ast.Call):
            # a layout option's default text (layouts/tile_options.py: `heading: str = Field(default=…)`)
            for keyword in node.value.keywords:
                if keyword.arg == "default":
                    for text in _literals(keyword.value):
                        yield node.lineno, "gettext", text, []
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = _called_name(node)
        if name in SINGULAR:
            for text in _literals(node.args[0]):
                yield node.lineno, "gettext", text, []  # Babel's default keywords: no -k needed
        elif name in PLURAL and len(node.args) >= 2:
            singular, plural = _literals(node.args[0]), _literals(node.args[1])
            if len(singular) == len(plural) == 1:
                yield node.lineno, "ngettext", (singular[0], plural[0]), []


def _layout_texts(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for child_key, child in value.items():
            yield from _layout_texts(child, child_key)
    elif isinstance(value, list):
        for item in value:
            yield from _layout_texts(item, key)
    elif isinstance(value, str) and key in LAYOUT_TEXT_KEYS and value.strip():
        yield value


def extract_layout(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Extracted]:
    """Babel extraction method: the English titles and headings of a shipped layout file."""
    for text in _layout_texts(tomllib.loads(fileobj.read().decode("utf-8"))):
        yield 0, "gettext", text, []

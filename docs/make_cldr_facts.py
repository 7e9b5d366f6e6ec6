"""Make widgets/look/cldr_facts.py: the few CLDR facts the wall prints with, from Babel.

The wall writes its numbers, month and weekday names and ordinals by CLDR (Indian
grouping "12,34,567", "नवंबर 2026", "17વાँ"), but it uses a few dozen words and symbols of
it: each language's decimal and group symbols, the wide month names and abbreviated
day names, and the rule that gives a number's ordinal category. Asked at run time,
Babel loads each locale's whole CLDR data and keeps it for the life of the process
(~4.8 MB for en_IN and ~1.1 MB for each further language, with no public way to let it
go), so the wall would carry ~7 MB it never reads. This script asks Babel once and
writes those facts as a small module, as `docs/translations/update.sh` compiles the
`.mo` catalogues; tests/test_cldr_facts.py makes them again in memory and fails when
the shipped module differs, and compares the wall's formatting with Babel's own.

Run after upgrading Babel (from anywhere; writes into the checkout):
    .venv/bin/python docs/make_cldr_facts.py

The ordinal rule is kept as the C expression `babel.plural.to_gettext` writes for whole
numbers (the form of a catalogue's Plural-Forms header), which the standard library's
`gettext.c2py` turns back into a function at run time, as it does for the catalogues.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import babel
from babel import Locale
from babel.core import get_cldr_version
from babel.dates import get_day_names, get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol
from babel.plural import to_gettext

# The CLDR locale of each wall language (India's grouping and calendar words); written
# into the module, where widgets/look/i18n.py takes it from.
LOCALES = {"en": "en_IN", "hi": "hi_IN", "gu": "gu_IN"}
TARGET = Path(__file__).resolve().parent.parent / "widgets" / "look" / "cldr_facts.py"
# CLDR's plural categories in the order `to_gettext` numbers them ("other" is always there).
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def _ordinal_rule(locale: Locale) -> tuple[str, tuple[str, ...]]:
    """(C expression giving the category's index for a whole n >= 0, the categories)."""
    rule = locale.ordinal_form
    header = to_gettext(rule)  # "nplurals=4; plural=(... ? 0 : ... ? 1 : 3);"
    expression = header.split("plural=", 1)[1].removesuffix(";")
    used = rule.tags | {"other"}
    categories = tuple(category for category in PLURAL_CATEGORIES if category in used)
    if f"nplurals={len(categories)};" not in header:
        raise SystemExit(f"{locale}: unexpected plural header {header!r}")
    return expression, categories


def _dict_source(name: str, comment: str, values: Mapping[str, object]) -> list[str]:
    """`name: Final = {...}` with one language a line, a long tuple wrapped."""
    lines = [f"# {comment}", f"{name}: Final = {{"]
    for language, value in values.items():
        line = f"    {language!r}: {value!r},"
        if len(line) > 110 and isinstance(value, tuple):
            items = [f"        {item!r}," for item in value]
            line = "\n".join([f"    {language!r}: (", *items, "    ),"])
        lines.append(line)
    return [*lines, "}", ""]


def render() -> str:
    """The module's text, from the installed Babel."""
    locales = {language: Locale.parse(name) for language, name in LOCALES.items()}
    decimal = {language: get_decimal_symbol(locale) for language, locale in locales.items()}
    group = {language: get_group_symbol(locale) for language, locale in locales.items()}
    months = {
        language: tuple(str(get_month_names("wide", locale=locale)[number]) for number in range(1, 13))
        for language, locale in locales.items()
    }
    days = {
        language: tuple(str(get_day_names("abbreviated", locale=locale)[number]) for number in range(7))
        for language, locale in locales.items()
    }
    days_wide = {
        language: tuple(str(get_day_names("wide", locale=locale)[number]) for number in range(7))
        for language, locale in locales.items()
    }
    ordinals = {language: _ordinal_rule(locale) for language, locale in locales.items()}
    locale_list = ", ".join(f"{language} = {name}" for language, name in LOCALES.items())
    lines = [
        '"""The few CLDR facts the wall prints with, per wall language. GENERATED: do not edit.',
        "",
        f"Made by docs/make_cldr_facts.py from Babel {babel.__version__} (CLDR {get_cldr_version()}) for",
        f"{locale_list}. Run it again after upgrading Babel; tests/test_cldr_facts.py fails",
        "when this file differs from what Babel says.",
        "",
        "Why it exists: Babel keeps each locale's whole CLDR data it loads for the life of the",
        "process (~4.8 MB for en_IN, ~1.1 MB per further language); the wall reads only these",
        "symbols, names and rules of it (widgets/look/i18n.py), so it keeps only them.",
        '"""',
        "",
        "from typing import Final",
        "",
        *_dict_source("LOCALES", "The CLDR locale of each wall language.", LOCALES),
        *_dict_source("DECIMAL_SYMBOL", "Decimal separator (Latin digits).", decimal),
        *_dict_source("GROUP_SYMBOL", "Group separator (Latin digits).", group),
        *_dict_source("MONTHS_WIDE", "Month names, January first (format context).", months),
        *_dict_source("DAYS_ABBREVIATED", "Day names, Monday first (format context).", days),
        *_dict_source("DAYS_WIDE", "Day names in full, Monday first (format context).", days_wide),
        *_dict_source(
            "ORDINAL_RULE",
            "Ordinal categories: (C expression of a whole n >= 0 giving an index, the categories it indexes).",
            ordinals,
        ),
    ]
    return "\n".join(lines)


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

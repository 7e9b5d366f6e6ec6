"""The wall's languages: English, Hindi and Gujarati, through gettext and CLDR.

Why this module exists: every word the wall writes itself, and every number, date and
ordinal it prints, goes through here, so a tile never formats for one language by hand.

- Interface strings are gettext messages: the English text is the message id, the
  translations are `catalogues/<lang>/LC_MESSAGES/cmwall.po` (compiled to `.mo`, both
  shipped in the package). `docs/translations/update.sh` extracts them from the sources and
  layouts (docs/translations/babel.cfg), updates the catalogues and compiles them; tests/test_translations.py
  fails when a string lacks a translation or a `.mo` is older than its `.po`.
- Numbers, month and weekday names and ordinals follow CLDR (en_IN, hi_IN, gu_IN):
  Indian grouping 12,34,567, lakh/crore for large counts, "नवंबर 2026", "17वाँ". The
  few CLDR facts used (symbols, names, ordinal rules) are in `cldr_facts`, generated
  from Babel by docs/make_cldr_facts.py: Babel itself would keep each locale's whole
  CLDR data (~5-7 MB) in the wall for its life. tests/test_cldr_facts.py holds every
  output here equal to Babel's own. Digits stay Latin in every language: the
  Constitution (Art. 343) makes the international form of Indian numerals the official
  one, government dashboards use it, and a bilingual room then reads the same figures in
  both languages. CLDR's default numbering for hi_IN and gu_IN is Latin too.
- Names from the catalog: `names[lang]`, else the `local_name` when written in that
  language's script, else English — never a third script.
- A layout may show two languages at once (`languages = ["en", "gu"]`): titles and names
  in both (`both`), figures once.
"""

from __future__ import annotations

import gettext
import math
import operator
from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache
from importlib import resources
from typing import Protocol

from . import cldr_facts
from .cldr_facts import LOCALES as LOCALES  # each wall language's CLDR locale (India's grouping, calendar)

LANGUAGES = ("en", "hi", "gu")
DOMAIN = "cmwall"
# Between a title in English and the same title in the state language, on one line.
BILINGUAL_SEPARATOR = " · "

COUNT_UNITS = {"count", "no.", "nos", "number", "persons", "households", "beds", "cases", "complaints", ""}


def N_(text: str) -> str:  # noqa: N802 - gettext's conventional name for "mark, translate later"
    """Marks an English string kept in a table, translated where it is shown (for `pybabel extract`)."""
    return text


# Words that come from the catalog's data, not from the wall's code: the levels of API v1
# and the units stores commonly use. The wall shows them in its language when it knows
# them (a unit it does not know is shown as the store wrote it).
CATALOG_WORDS = (
    N_("state"), N_("zone"), N_("district"), N_("taluka"), N_("village"), N_("facility"), N_("place"),
    N_("states"), N_("zones"), N_("districts"), N_("talukas"), N_("villages"), N_("facilities"), N_("places"),
    N_("State"), N_("Zone"), N_("District"), N_("Taluka"), N_("Village"), N_("Facility"),
    N_("beds"), N_("patients"), N_("minutes"), N_("cylinders"), N_("hours"), N_("days"), N_("count"),
    N_("Rs lakh"), N_("pupils per teacher"), N_("per 1,000 patient-days"),
)

# The wall's own three-letter calendar words (sync/period_time.py writes "22 Nov", "Tue"):
# they are not messages but CLDR's month and day names, so every language's come from
# the locale data. Hindi and Gujarati use the full month name ("नवंबर", "નવેમ્બર"): their
# CLDR abbreviations ("नव॰") are not what an Indian government screen writes.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Ordinal suffixes by CLDR ordinal plural category (cldr_facts.ORDINAL_RULE): 1st 2nd 3rd 4th;
# पहला-style numerals "1ला 2रा 3रा 4था 6ठा 17वाँ"; Gujarati "1લો 2જો 3જો 4થો 6ઠ્ઠો 17મો"
# (masculine, as in "ક્રમ"/"स्थान": the rank).
ORDINAL_SUFFIXES = {
    "en": {"one": "st", "two": "nd", "few": "rd", "other": "th"},
    "hi": {"one": "ला", "two": "रा", "few": "था", "many": "ठा", "other": "वाँ"},
    "gu": {"one": "લો", "two": "જો", "few": "થો", "many": "ઠ્ઠો", "other": "મો"},
}


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
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of `language` (English: the message ids themselves)."""
    if language == "en":
        return gettext.NullTranslations()
    path = resources.files(__package__).joinpath("catalogues", language, "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        with path.open("rb") as mo:
            return gettext.GNUTranslations(mo)
    except FileNotFoundError:
        return gettext.NullTranslations()


def _facts_language(language: str) -> str:
    """`language` if CLDR facts were made for it, else English (as en_IN stands in)."""
    return language if language in LOCALES else "en"


@cache
def _calendar_words(language: str) -> dict[str, str]:
    language = _facts_language(language)
    words = dict(zip(_MONTHS, cldr_facts.MONTHS_WIDE[language]))
    words.update(zip(_WEEKDAYS, cldr_facts.DAYS_ABBREVIATED[language]))
    return words


@cache
def _ordinal_category(language: str) -> Callable[[int], str]:
    """CLDR's ordinal category of a whole number in `language` ("one", "few", ...)."""
    expression, categories = cldr_facts.ORDINAL_RULE[_facts_language(language)]
    index_of = gettext.c2py(expression)  # the C expression of a Plural-Forms header, as for the catalogues
    return lambda n: categories[index_of(abs(n))]  # CLDR's rules read the absolute value


def tr(text: str, language: str) -> str:
    """The wall's own label `text` (English) in `language`; English if untranslated."""
    if language != "en" and text in _calendar_words(language):  # English keeps "Sep" (en_IN's CLDR says "Sept")
        return _calendar_words(language)[text]
    return translations(language).gettext(text)


def is_calendar_word(text: str) -> bool:
    """A month or weekday word of the wall's dates ("Nov", "Tue"): part of a figure."""
    return text in _MONTHS or text in _WEEKDAYS


def trn(singular: str, plural: str, count: int, language: str) -> str:
    """`singular` or `plural` as `language`'s plural rules choose for `count` (not formatted)."""
    return translations(language).ngettext(singular, plural, count)


def both(texts: Sequence[str]) -> str:
    """One title in each of a bilingual layout's languages, once each: 'Beds · બેડ'."""
    unique: list[str] = []
    for text in texts:
        if text and text not in unique:
            unique.append(text)
    return BILINGUAL_SEPARATOR.join(unique)


def ordinal(n: int, language: str = "en") -> str:
    """17 → '17th', '17वाँ', '17મો': the suffix by CLDR's ordinal category of `n`."""
    suffixes = ORDINAL_SUFFIXES.get(language, ORDINAL_SUFFIXES["en"])
    category = _ordinal_category(language if language in ORDINAL_SUFFIXES else "en")(operator.index(n))
    return f"{n}{suffixes.get(category, suffixes['other'])}"


def long_date(day: date, language: str) -> str:
    """'Wednesday, 2 December 2026', 'बुधवार, 2 दिसंबर 2026': the day and month named in full."""
    facts = _facts_language(language)
    weekday, month = cldr_facts.DAYS_WIDE[facts][day.weekday()], cldr_facts.MONTHS_WIDE[facts][day.month - 1]
    return f"{weekday}, {day.day} {month} {day.year}"


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
    """'1234567' -> '12,34,567' (CLDR's en_IN pattern #,##,##0)."""
    if not integer_digits.isdigit():
        return integer_digits
    return _grouped(str(int(integer_digits)), cldr_facts.GROUP_SYMBOL["en"])


def _grouped(digits: str, separator: str) -> str:
    """Whole `digits` grouped as CLDR's Indian pattern #,##,##0 groups them: the last
    three, then twos (12,34,567)."""
    if len(digits) <= 3:
        return digits
    head, last_three = digits[:-3], digits[-3:]
    twos = [head[max(0, end - 2):end] for end in range(len(head), 0, -2)]
    return separator.join([*reversed(twos), last_three])


def format_number(value: float | None, unit: str = "", *, decimals: int | None = None, language: str = "en") -> str:
    """A figure as the wall prints it: Indian grouping, lakh/crore (in the language's
    words) for large counts, Latin digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    unit_key = unit.strip().lower()
    if unit_key in COUNT_UNITS and abs(value) >= 1e5:
        if abs(value) >= 1e7:
            return f"{fixed(value / 1e7, 2, language)} {tr('crore', language)}"
        return f"{fixed(value / 1e5, 2, language)} {tr('lakh', language)}"
    if decimals is None:
        # A whole number is shown whole ("211 patients", not "211.0"), whatever the store
        # calls its unit; a percentage keeps its decimal so 82.0 % and 82.4 % line up.
        whole = float(value).is_integer() and unit_key != "%"
        decimals = 0 if whole or abs(value) >= 1000 else 1
    return fixed(value, decimals, language)


def half_up(value: float, decimals: int) -> Decimal:
    """`value` rounded to `decimals` decimals half up from its shortest decimal form
    (2.345 → 2.35, as the ranking rounds); a zero is never negative."""
    number = Decimal(repr(float(value)))
    with localcontext() as context:
        context.rounding = ROUND_HALF_UP
        number = number.quantize(Decimal(1).scaleb(-decimals))
    return abs(number) if number == 0 else number


def fixed(value: float, decimals: int, language: str = "en") -> str:
    """`value` with exactly `decimals` decimals in the language's grouping, rounded half
    up from its shortest decimal form (2.345 → 2.35, as the ranking rounds); never '-0'."""
    number = half_up(value, decimals)
    language = _facts_language(language)
    whole, _, fraction = f"{abs(number):f}".partition(".")
    sign = "-" if number.is_signed() else ""  # CLDR's pattern has no negative form: '-' before it
    text = sign + _grouped(whole, cldr_facts.GROUP_SYMBOL[language])
    return text + cldr_facts.DECIMAL_SYMBOL[language] + fraction if fraction else text

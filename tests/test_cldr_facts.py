"""The wall's numbers, ordinals and calendar words are Babel's own, from facts it ships.

widgets/look/cldr_facts.py keeps the few CLDR facts the wall prints with, made from
Babel by docs/make_cldr_facts.py so the running wall does not hold Babel's whole locale
data. These tests hold that module to what the installed Babel says (made again in
memory) and every output of widgets/look/i18n.py to Babel's answer for the same value:
Indian grouping, half-up rounding as `fixed` documents, never "-0", in all three languages.
"""

from __future__ import annotations

import importlib.util
import math
import re
from datetime import date, timedelta
from decimal import InvalidOperation
from pathlib import Path
from types import ModuleType

import pytest
from babel import Locale
from babel.dates import get_day_names, get_month_names
from babel.numbers import format_decimal
from cmwall.widgets.look import i18n
from hypothesis import assume, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "hi", "gu")


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_cldr_facts", ROOT / "docs" / "make_cldr_facts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_facts_are_what_the_installed_babel_says() -> None:
    generator = _generator()
    shipped = (ROOT / "widgets" / "look" / "cldr_facts.py").read_text(encoding="utf-8")
    assert generator.render() == shipped, "widgets/look/cldr_facts.py is stale: run .venv/bin/python docs/make_cldr_facts.py"
    assert generator.LOCALES == i18n.LOCALES == {"en": "en_IN", "hi": "hi_IN", "gu": "gu_IN"}


def babel_fixed(value: float, decimals: int, language: str = "en") -> str:
    """What `fixed` printed when it asked Babel (the code it replaced): the same rounding,
    Babel's formatting."""
    number = i18n.half_up(value, decimals)
    pattern = "#,##,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(number, format=pattern, locale=i18n.LOCALES[language], decimal_quantization=True)


def outcome(function: object, *args: object) -> str:
    """The text, or the error's type: both ways must agree (a 10^30 cannot take 2 decimals)."""
    try:
        return str(function(*args))  # type: ignore[operator]
    except InvalidOperation as error:
        return type(error).__name__


FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e12, max_value=1e12),
    st.integers(min_value=-10**15, max_value=10**15).map(lambda n: n / 1000),  # halves and thousandths
    st.sampled_from([0.0, -0.0, 0.005, -0.005, 2.345, -2.345, 0.125, 1e5, 99999.995, 1e7 - 0.005, 1e25, 1e27]),
)


@settings(max_examples=3000, deadline=None)
@given(FLOATS, st.integers(min_value=0, max_value=8), st.sampled_from(LANGUAGES))
def test_fixed_prints_what_babel_prints(value: float, decimals: int, language: str) -> None:
    assume(not math.isnan(value))  # never reaches fixed: format_number prints "—" (Babel wrote "NaN.0")
    assert outcome(i18n.fixed, value, decimals, language) == outcome(babel_fixed, value, decimals, language)
    assert not re.fullmatch(r"-[0,.]+", outcome(i18n.fixed, value, decimals, language))  # never "-0", "-0.00"


def test_fixed_over_wide_ranges_and_its_examples() -> None:
    for language in LANGUAGES:
        for exponent in range(-6, 26):
            for mantissa in (1.0, 1.5, 4.999, 5.5, 9.999999, 1.2345678901234567):
                for value in (mantissa * 10.0**exponent, -mantissa * 10.0**exponent):
                    for decimals in (0, 1, 2, 3):
                        assert outcome(i18n.fixed, value, decimals, language) == \
                            outcome(babel_fixed, value, decimals, language), (value, decimals, language)
    assert i18n.fixed(2.345, 2) == "2.35" and i18n.fixed(-0.004, 2) == "0.00" and i18n.fixed(-0.005, 2) == "-0.01"
    assert i18n.fixed(-1234567.891, 1, "gu") == "-12,34,567.9" and i18n.fixed(123456789012, 0) == "1,23,45,67,89,012"


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.none(), FLOATS), st.sampled_from(["", "count", "%", "beds", "Rs lakh", "minutes"]),
       st.one_of(st.none(), st.integers(min_value=0, max_value=4)), st.sampled_from(LANGUAGES))
def test_format_number_prints_what_it_printed_with_babel(
        value: float | None, unit: str, decimals: int | None, language: str) -> None:
    """format_number is lakh/crore words around `fixed`: the same with the old `fixed` in its place."""
    mine = _format(value, unit, decimals, language)
    new_fixed = i18n.fixed
    try:
        i18n.fixed = babel_fixed
        assert mine == _format(value, unit, decimals, language)
    finally:
        i18n.fixed = new_fixed


def _format(value: float | None, unit: str, decimals: int | None, language: str) -> str:
    try:
        return i18n.format_number(value, unit, decimals=decimals, language=language)
    except InvalidOperation as error:
        return type(error).__name__


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.integers(min_value=0, max_value=10**28 - 1).map(str), st.text(alphabet="0123456789१२३٣,.- x", max_size=12)))
def test_group_indian_prints_what_babel_prints(digits: str) -> None:
    """Up to 28 digits: Babel's decimal context could not take more (it raised)."""
    if digits.isdigit():
        expected = format_decimal(int(digits), format="#,##,##0", locale="en_IN")
    else:
        expected = digits
    assert i18n.group_indian(digits) == expected


def test_group_indian_examples() -> None:
    assert [i18n.group_indian(d) for d in ("0", "7", "999", "1000", "12345", "123456", "0012345678")] == \
        ["0", "7", "999", "1,000", "12,345", "1,23,456", "1,23,45,678"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_ordinal_categories_are_cldrs_for_every_number(language: str) -> None:
    rule = Locale.parse(i18n.LOCALES[language]).ordinal_form
    suffixes = i18n.ORDINAL_SUFFIXES[language]
    for n in range(-200, 100_001):
        assert i18n.ordinal(n, language) == f"{n}{suffixes[rule(n)]}", (n, language)
    for n in (10**6 + 1, 10**9 + 12, 10**12 + 3, 10**18 + 113):
        assert i18n.ordinal(n, language) == f"{n}{suffixes[rule(n)]}"


def test_ordinals_of_an_unknown_language_are_english() -> None:
    assert i18n.ordinal(22, "ta") == "22nd" and i18n.ordinal(13, "ta") == "13th"


@pytest.mark.parametrize("language", LANGUAGES)
def test_calendar_words_are_babels(language: str) -> None:
    locale = Locale.parse(i18n.LOCALES[language])
    months = get_month_names("wide", locale=locale)
    days = get_day_names("abbreviated", locale=locale)
    english_months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    english_days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    expected = {word: str(months[number]) for number, word in enumerate(english_months, start=1)}
    expected.update({word: str(days[number]) for number, word in enumerate(english_days)})
    assert i18n._calendar_words(language) == expected
    if language != "en":
        assert {word: i18n.tr(word, language) for word in expected} == expected
    else:
        assert all(i18n.tr(word, "en") == word for word in expected)  # English keeps "Sep"


@pytest.mark.parametrize("language", LANGUAGES)
def test_long_dates_are_what_babel_and_qt_write(language: str) -> None:
    """The clock's date, every day of a leap year: Babel's "EEEE, d MMMM y" in the wall's
    locale, and what the clock showed before through QLocale ("dddd, d MMMM yyyy")."""
    from babel.dates import format_date
    from PySide6.QtCore import QDate, QLocale

    locale, qt_locale = Locale.parse(i18n.LOCALES[language]), QLocale(i18n.LOCALES[language])
    day = date(2028, 1, 1)
    while day.year == 2028:
        written = i18n.long_date(day, language)
        assert written == format_date(day, "EEEE, d MMMM y", locale=locale), day
        assert written == qt_locale.toString(QDate(day.year, day.month, day.day), "dddd, d MMMM yyyy"), day
        day += timedelta(days=1)
    assert i18n.long_date(date(2026, 12, 2), language) == \
        {"en": "Wednesday, 2 December 2026", "hi": "बुधवार, 2 दिसंबर 2026", "gu": "બુધવાર, 2 ડિસેમ્બર 2026"}[language]


def test_long_dates_of_an_unknown_language_are_english() -> None:
    assert i18n.long_date(date(2026, 11, 29), "ta") == "Sunday, 29 November 2026"

"""Every interface string in Hindi and Gujarati, and the locale machinery behind figures.

The strings are extracted from the sources and the shipped layouts exactly as
`docs/translations/update.sh` does (docs/translations/babel.cfg), so a label added anywhere without a
translation fails here, as does a translation whose `{placeholders}` differ from the
English (it would raise or drop a figure at run time), and a `.mo` not compiled from
its current `.po` (the wall loads the `.mo`).
"""

from __future__ import annotations

import gettext
import io
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from cmwall.sync.contract import Entity
from cmwall.widgets.look import i18n

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "widgets" / "look" / "catalogues"
TRANSLATED = [language for language in i18n.LANGUAGES if language != "en"]

Message = str | tuple[str, ...]


def extracted_messages() -> dict[Message, str]:
    """Every interface string of the sources and shipped layouts → where it was found."""
    with open(ROOT / "docs" / "translations" / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    found: dict[Message, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, options_map=options_map, keywords=DEFAULT_KEYWORDS):
        found.setdefault(message, f"{filename}:{lineno}")
    return found


def po_catalogue(language: str) -> Catalog:
    with open(CATALOGUES / language / "LC_MESSAGES" / "cmwall.po", "rb") as po:
        return read_po(po, locale=language)


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def missing_translations(messages: dict[Message, str], catalogue: Catalog) -> list[str]:
    """The extracted messages the catalogue does not translate (absent, empty or fuzzy)."""
    missing = []
    for message, where in messages.items():
        entry = catalogue.get(message if isinstance(message, str) else message[0])
        strings = [] if entry is None else ([entry.string] if isinstance(entry.string, str) else list(entry.string or ()))
        if entry is None or entry.fuzzy or not strings or not all(strings):
            missing.append(f"{message!r} ({where})")
    return missing


def placeholder_mismatches(catalogue: Catalog) -> list[str]:
    wrong = []
    for entry in catalogue:
        if not entry.id:
            continue
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string or ())
        expected = set().union(*(placeholders(text) for text in ids))
        for text in strings:
            if text and placeholders(text) != expected:
                wrong.append(f"{entry.id!r} → {text!r}")
    return wrong


@pytest.fixture(scope="module")
def messages() -> dict[Message, str]:
    found = extracted_messages()
    assert len(found) > 300, "the extraction found almost nothing: is docs/translations/babel.cfg still right?"
    return found


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_interface_string_is_translated(messages: dict[Message, str], language: str) -> None:
    missing = missing_translations(messages, po_catalogue(language))
    assert not missing, (f"{len(missing)} interface strings lack a {language} translation: add them to "
                         f"widgets/look/catalogues/{language}/LC_MESSAGES/cmwall.po (bash docs/translations/update.sh): "
                         + "; ".join(missing[:20]))


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_of_the_english(language: str) -> None:
    assert placeholder_mismatches(po_catalogue(language)) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_shipped_mo_is_compiled_from_the_current_po(language: str) -> None:
    fresh = io.BytesIO()
    write_mo(fresh, po_catalogue(language))
    fresh.seek(0)
    shipped = (CATALOGUES / language / "LC_MESSAGES" / "cmwall.mo").read_bytes()
    expected = gettext.GNUTranslations(fresh)._catalog  # type: ignore[attr-defined]
    actual = gettext.GNUTranslations(io.BytesIO(shipped))._catalog  # type: ignore[attr-defined]
    assert actual == expected, f"run: bash docs/translations/update.sh compile ({language}.mo differs from its .po)"


def test_the_checks_catch_a_missing_translation_and_a_lost_placeholder() -> None:
    catalogue = Catalog(locale="hi")
    catalogue.add("Data", "डेटा")
    catalogue.add("updated {n} min ago", "{m} मिनट पहले अपडेट")
    catalogue.add("Alerts", "")
    found: dict[Message, str] = {"Data": "a.py:1", "Alerts": "a.py:2", "Trend": "a.py:3"}
    assert [line.split(" ")[0] for line in missing_translations(found, catalogue)] == ["'Alerts'", "'Trend'"]
    assert placeholder_mismatches(catalogue) == ["'updated {n} min ago' → '{m} मिनट पहले अपडेट'"]


def test_strings_inside_f_strings_and_tables_are_extracted(messages: dict[Message, str]) -> None:
    assert "Data" in messages            # f"{tr('Data', language)}: …" (Babel's own reader misses it on 3.11)
    assert "Worst KPIs" in messages      # a table value marked N_("…")
    assert "District ranking" in messages  # a tile's default_heading()
    assert "Beds and oxygen now" in messages  # a shipped layout's title


def test_labels_come_from_the_compiled_catalogues() -> None:
    assert i18n.tr("District ranking", "hi") == "ज़िला रैंकिंग"
    assert i18n.tr("District ranking", "gu") == "જિલ્લા રેન્કિંગ"
    assert i18n.tr("a label no catalogue has", "gu") == "a label no catalogue has"


def test_month_and_weekday_names_are_cldr_s() -> None:
    assert [i18n.tr("Nov", language) for language in i18n.LANGUAGES] == ["Nov", "नवंबर", "નવેમ્બર"]
    assert [i18n.tr("Tue", language) for language in i18n.LANGUAGES] == ["Tue", "मंगल", "મંગળ"]


def test_ordinals_follow_each_language_s_cldr_categories() -> None:
    assert [i18n.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 17, 21, 22, 23, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "17th", "21st", "22nd", "23rd", "101st"]
    assert [i18n.ordinal(n, "hi") for n in (1, 2, 3, 4, 6, 17)] == ["1ला", "2रा", "3रा", "4था", "6ठा", "17वाँ"]
    assert [i18n.ordinal(n, "gu") for n in (1, 2, 3, 4, 6, 17)] == ["1લો", "2જો", "3જો", "4થો", "6ઠ્ઠો", "17મો"]


def test_figures_group_the_indian_way_with_latin_digits_and_lakh_crore_in_words() -> None:
    assert i18n.format_number(1234567, "beds") == "12.35 lakh"
    assert i18n.format_number(1234567, "beds", language="hi") == "12.35 लाख"
    assert i18n.format_number(123456789, "", language="gu") == "12.35 કરોડ"
    assert i18n.format_number(98765.0, "Rs lakh") == "98,765"
    assert i18n.format_number(1234567.0, "kg", language="hi") == "12,34,567"
    assert i18n.format_number(2.345, "%", decimals=2) == "2.35"  # half up, as the ranking rounds
    assert i18n.format_number(-0.04, "%") == "0.0"
    assert i18n.format_number(None) == "—"
    assert i18n.group_indian("1234567") == "12,34,567"


def test_names_fall_back_to_english_never_to_a_third_script() -> None:
    botad = Entity(code="2", name="Botad", local_name="બોટાદ", level="district", parent="24",
                   names={"hi": "बोटाद"})
    plain = Entity(code="3", name="Surat", local_name="સુરત", level="district", parent="24")
    assert [i18n.display_name(botad, language) for language in i18n.LANGUAGES] == ["Botad", "बोटाद", "બોટાદ"]
    assert [i18n.display_name(plain, language) for language in i18n.LANGUAGES] == ["Surat", "Surat", "સુરત"]


def test_a_bilingual_title_names_each_language_once() -> None:
    assert i18n.both(["Beds", "પથારી"]) == "Beds · પથારી"
    assert i18n.both(["ICU", "ICU"]) == "ICU"

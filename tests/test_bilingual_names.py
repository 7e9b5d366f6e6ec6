"""The demo catalogs name everything a wall shows in Hindi and Gujarati, each in its own
script with Latin digits, and the store's `names` reach the wall through the contract."""

from __future__ import annotations

from typing import Any

import pytest
from cmwall.sync.contract import Catalog
from cmwall.sync.demo_store.catalog import build_catalog_json, monthly_kpis
from cmwall.sync.demo_store.city_catalog import build_city_catalog_json
from cmwall.sync.demo_store.script_letters import devanagari_to_gujarati, gujarati_to_devanagari
from cmwall.sync.demo_store.talukas import taluka_names, talukas
from cmwall.widgets.look.i18n import display_name, written_in

KINDS = ("entities", "kpis", "schemes", "departments", "sectors")


def _catalogs() -> dict[str, dict[str, Any]]:
    return {"gujarat": build_catalog_json(monthly_kpis(None)), "city-crisis": build_city_catalog_json()}


@pytest.mark.parametrize("profile", ["gujarat", "city-crisis"])
@pytest.mark.parametrize("language", ["hi", "gu"])
def test_every_named_item_has_a_name_in_the_language_in_its_script(profile: str, language: str) -> None:
    body = _catalogs()[profile]
    items = [body["state"], *(item for kind in KINDS for item in body[kind])]
    missing = [item["code"] for item in items if not item.get("names", {}).get(language)]
    assert missing == []
    wrong_script = [item["names"][language] for item in items if not written_in(item["names"][language], language)]
    assert wrong_script == []
    native_digits = [item["names"][language] for item in items
                     if any(c.isdigit() and not c.isascii() for c in item["names"][language])]
    assert native_digits == []  # README "Languages": digits stay Latin


def test_every_taluka_has_gujarati_and_hindi_names() -> None:
    names = taluka_names()
    assert {t.code for t in talukas()} == set(names)
    assert all(set(n) == {"gu", "hi"} for n in names.values())
    assert names["3783"] == {"gu": "ધોળકા", "hi": "धोलका"}  # ળ is written ल in Hindi
    assert names["3766"]["hi"] == "हिम्मतनगर"


def test_script_letters_convert_proper_names_both_ways() -> None:
    assert gujarati_to_devanagari("પાલનપુર") == "पालनपुर"
    assert devanagari_to_gujarati("पालनपुर") == "પાલનપુર"
    assert devanagari_to_gujarati("हज़रतगंज") == "હઝરતગંજ"  # Gujarati has no nukta


@pytest.mark.parametrize("profile", ["gujarat", "city-crisis"])
def test_contract_keeps_names_on_every_kind_and_the_wall_shows_them(profile: str) -> None:
    catalog = Catalog.model_validate(_catalogs()[profile])
    named = [catalog.state, *catalog.entities, *catalog.kpis, *catalog.schemes, *catalog.departments, *catalog.sectors]
    for item in named:
        assert written_in(display_name(item, "hi"), "hi"), item.code
        assert written_in(display_name(item, "gu"), "gu"), item.code
        assert display_name(item, "en") == item.name


def test_a_name_missing_in_a_language_falls_back_to_english_never_to_another_script() -> None:
    body = build_catalog_json(monthly_kpis(None))
    district = next(e for e in body["entities"] if e["code"] == "438")
    del district["names"]["hi"]
    catalog = Catalog.model_validate(body)
    ahmedabad = next(e for e in catalog.entities if e.code == "438")
    assert display_name(ahmedabad, "hi") == "Ahmadabad"
    assert display_name(ahmedabad, "gu") == "અમદાવાદ"

"""A layout may show two languages at once (`languages = ["en", "gu"]`): titles and names
in both, the wall's language first, figures once; never a third script."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from cmwall.layouts.loader import LayoutError, load_layout, parse_layout
from cmwall.layouts.schema import LayoutSpec
from cmwall.widgets.base import TileContext
from cmwall.widgets.look.i18n import BILINGUAL_SEPARATOR
from cmwall.widgets.tiles.kpi_tile import KpiTile
from pytestqt.qtbot import QtBot

from . import synthetic
from .derived import show
from .layout_text import minimal
from .synthetic import NOW

LAYOUTS = Path(__file__).resolve().parent.parent / "layouts"


def context(language: str, languages: tuple[str, ...] = ("en", "gu")) -> TileContext:
    return TileContext(language=language, now=lambda: NOW, layout_dir=Path(__file__).parent, languages=languages)


def parse(text: str) -> LayoutSpec:
    return parse_layout(tomllib.loads(text))


def test_schema_takes_two_different_languages() -> None:
    assert parse(minimal(top='languages = ["en", "gu"]')).languages == ("en", "gu")
    assert parse(minimal()).languages == ()
    for bad in ('["en", "en"]', '["en", "gu", "hi"]', '["en", "fr"]'):
        with pytest.raises(LayoutError):
            parse(minimal(top=f"languages = {bad}"))


def test_the_shipped_bilingual_layout_is_the_delegation_tour_in_english_and_gujarati() -> None:
    bilingual = load_layout(str(LAYOUTS / "bilingual.toml")).spec
    tour = load_layout("delegation").spec
    assert bilingual.languages == ("en", "gu")
    assert [s.id for s in bilingual.screens] == [s.id for s in tour.screens]


def test_titles_and_names_are_shown_in_both_languages_wall_language_first() -> None:
    catalog = synthetic.snapshot().catalog
    ahmedabad = catalog.entity("438")
    assert ahmedabad is not None
    english_first, gujarati_first = context("en"), context("gu")
    assert english_first.name(ahmedabad) == f"Ahmadabad{BILINGUAL_SEPARATOR}અમદાવાદ"
    assert gujarati_first.name(ahmedabad) == f"અમદાવાદ{BILINGUAL_SEPARATOR}Ahmadabad"
    assert english_first.tr("Target") == f"Target{BILINGUAL_SEPARATOR}લક્ષ્યાંક"
    assert english_first.tr("Nov") == "Nov" and gujarati_first.tr("Nov") == "નવેમ્બર"  # dates once
    assert english_first.title("Welcome", {"gu": "સ્વાગત"}) == f"Welcome{BILINGUAL_SEPARATOR}સ્વાગત"


def test_a_language_outside_the_pair_is_shown_alone_never_a_third_script() -> None:
    catalog = synthetic.snapshot().catalog
    ahmedabad = catalog.entity("438")
    hindi = context("hi")
    assert hindi.shown_languages == ("hi",)
    assert "અ" not in hindi.name(ahmedabad) and BILINGUAL_SEPARATOR not in hindi.tr("Target")
    assert context("en", ()).name(ahmedabad) == "Ahmadabad"


def test_a_kpi_tile_names_its_measure_and_place_in_both_and_shows_its_figure_once(qtbot: QtBot) -> None:
    tile = KpiTile(KpiTile.options_model(kpi="PMJAY.CARDS", entity="439"), context("en"))
    qtbot.addWidget(tile)
    tile.resize(960, 540)
    tile.show()
    show(tile, synthetic.snapshot())
    model = tile.model
    assert model.title.startswith("Ayushman cards issued") and BILINGUAL_SEPARATOR in model.title
    assert "આયુષ્માન" in model.title
    assert model.subtitle.startswith(f"Amreli{BILINGUAL_SEPARATOR}અમરેલી")
    assert model.value == "34.0"  # the figure once, in Latin digits

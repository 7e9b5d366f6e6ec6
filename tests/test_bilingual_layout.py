"""A layout may show two languages at once (`languages = ["en", "gu"]`): titles and names
in both, the wall's language first, figures once; never a third script."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from cmwall.layouts.loader import LayoutError, load_layout, parse_layout
from cmwall.layouts.schema import LayoutSpec
from cmwall.sync.alerts import ActiveAlert
from cmwall.wall.crisis_mode import critical_line
from cmwall.widgets import paint_kit
from cmwall.widgets.base import TileContext
from cmwall.widgets.look.i18n import BILINGUAL_SEPARATOR, tr, written_in
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
    assert catalog is not None
    ahmedabad = catalog.entity("438")
    assert ahmedabad is not None
    english_first, gujarati_first = context("en"), context("gu")
    assert english_first.name(ahmedabad) == f"Ahmadabad{BILINGUAL_SEPARATOR}અમદાવાદ"
    assert gujarati_first.name(ahmedabad) == f"અમદાવાદ{BILINGUAL_SEPARATOR}Ahmadabad"
    assert english_first.title_of(ahmedabad) == "Ahmadabad\nઅમદાવાદ"  # a heading: one language a line
    assert english_first.title("Welcome", {"gu": "સ્વાગત"}) == "Welcome\nસ્વાગત"
    assert english_first.one_line(english_first.title("Welcome", {"gu": "સ્વાગત"})) == f"Welcome{BILINGUAL_SEPARATOR}સ્વાગત"
    assert gujarati_first.titled(lambda c: f"{c.tr('Needs attention')} — {c.name(ahmedabad)}").split("\n")[1] == \
        "Needs attention — Ahmadabad"  # each language's line made whole in that language


def test_words_in_labels_and_sentences_are_in_the_walls_language_only() -> None:
    catalog = synthetic.snapshot().catalog
    assert catalog is not None
    ahmedabad = catalog.entity("438")
    english_first, gujarati_first = context("en"), context("gu")
    assert english_first.tr("Target") == "Target" and gujarati_first.tr("Target") == "લક્ષ્યાંક"
    assert english_first.tr("Nov") == "Nov" and gujarati_first.tr("Nov") == "નવેમ્બર"  # dates once
    assert english_first.name_here(ahmedabad) == "Ahmadabad" and gujarati_first.name_here(ahmedabad) == "અમદાવાદ"


def test_a_language_outside_the_pair_is_shown_alone_never_a_third_script() -> None:
    catalog = synthetic.snapshot().catalog
    assert catalog is not None
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
    english, gujarati = model.title.split("\n")
    assert english.startswith("Ayushman cards issued") and "આયુષ્માન" in gujarati
    assert model.subtitle.startswith(f"Amreli{BILINGUAL_SEPARATOR}અમરેલી")
    assert model.value == "34.0"  # the figure once, in Latin digits
    assert not any(written_in(word, "gu") for word in f"{model.target} {model.change} {model.marks}".split())


def test_a_bilingual_heading_draws_each_language_on_its_own_line_whole(qtbot: QtBot) -> None:
    tile = KpiTile(KpiTile.options_model(kpi="PMJAY.CARDS", entity="439"), context("en"))
    qtbot.addWidget(tile)
    tile.resize(480, 270)  # a quarter of a 1080p screen's row: the long KPI name must still fit
    tile.show()
    show(tile, synthetic.snapshot())
    english, gujarati = tile.model.title.split("\n")
    painted: list[tuple[str, str, float]] = []
    paint_kit.set_text_recorder(lambda _painter, rect, full, shown, *_: painted.append((full, shown, rect.top())))
    try:
        tile.grab()
    finally:
        paint_kit.set_text_recorder(None)
    lines = {full: (shown, top) for full, shown, top in painted}
    assert lines[english][0] == english and lines[gujarati][0] == gujarati  # neither cut to "…"
    assert lines[gujarati][1] > lines[english][1]  # the second language under the first
    assert tile.heading_rect().height() > KpiTile(KpiTile.options_model(kpi="PMJAY.CARDS"), context("en", ())).heading_rect().height()


def test_the_crisis_banner_names_the_alert_and_place_in_both_the_words_once() -> None:
    snapshot = synthetic.snapshot()
    catalog = snapshot.catalog
    alert = ActiveAlert(kpi="PMJAY.CARDS", entity="438", level="critical", value=3.0, threshold=10.0,
                        period="2026-11", reported_at=NOW)
    line = critical_line([alert], catalog, "en", ("en", "gu"))
    assert f"Ahmadabad{BILINGUAL_SEPARATOR}અમદાવાદ" in line and "આયુષ્માન" in line
    assert line.startswith("‼ Critical:") and "threshold" in line and tr("threshold", "gu") not in line
    assert "અમદાવાદ" not in critical_line([alert], catalog, "en", ())

"""Store text is inert: a U+202E in a district's name cannot reverse the painted line.

Control and invisible format characters are taken out of every free text of the
contract once, when the store's body is validated (sync/inert_text.py), so tiles,
the command line and the audit JSON all get clean text; ZWJ and ZWNJ stay, because
Hindi and Gujarati conjuncts need them; a code holding such a character is refused.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cmwall.sync.contract import Catalog, Observation, Ranking
from cmwall.sync.demo_store import make_store
from cmwall.sync.demo_store.profiles import PROFILES
from cmwall.sync.feed_quality import RejectedRow
from cmwall.sync.inert_text import inert, invisible_characters, shown_escaped
from cmwall.widgets import paint_kit
from cmwall.widgets.base import TileContext
from cmwall.widgets.tiles.ranking_tile import RankingTile
from pydantic import ValidationError
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from . import synthetic
from .derived import show

RLO = "\u202e"
ZWJ, ZWNJ = "\u200d", "\u200c"
# Half forms and explicit viramas written with ZWJ/ZWNJ, as Hindi and Gujarati text has them
HINDI = f"क्{ZWJ}ष विद्यालय्{ZWNJ}"
GUJARATI = f"ક્{ZWJ}ષ શાળા્{ZWNJ}"
BIDI_AND_FORMAT = ["\u202a", "\u202b", "\u202c", "\u202d", RLO, "\u2066", "\u2067", "\u2068", "\u2069",
                   "\u200e", "\u200f", "\u061c", "\u200b", "\ufeff", "\u2060", "\u00ad", "\x00", "\x1b", "\x7f"]


def catalog_with(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = copy.deepcopy(synthetic.CATALOG)
    ahmadabad = doc["entities"][1]
    assert ahmadabad["code"] == "438"
    ahmadabad.update(changes)
    return doc


@pytest.mark.parametrize("char", BIDI_AND_FORMAT, ids=lambda c: f"U+{ord(c):04X}")
def test_every_bidi_control_and_invisible_format_character_is_taken_out(char: str) -> None:
    assert inert(f"Ahmedabad{char}evil") == "Ahmedabadevil"


def test_line_breaks_and_tabs_become_spaces() -> None:
    assert inert("Civil\nHospital\tAsarwa\u2028East") == "Civil Hospital Asarwa East"


def test_zwj_and_zwnj_are_kept_in_hindi_and_gujarati() -> None:
    assert inert(HINDI) == HINDI and inert(GUJARATI) == GUJARATI
    assert inert(f"{RLO}{HINDI}") == HINDI


def test_every_free_text_of_the_catalog_is_cleaned_once_on_validation() -> None:
    doc = catalog_with(name=f"Ahmedabad{RLO}evil", local_name="અમદાવાદ\u2067",
                       names={"hi": f"{HINDI}\u200b", "gu": GUJARATI})
    doc["state"]["name"] = "Gujarat\u200f"
    doc["departments"][0]["name"] = f"Health{RLO} & Family Welfare"
    doc["kpis"][0]["name"] = "Ayushman\ufeff cards"
    doc["kpis"][0]["unit"] = f"%{RLO}"
    doc["ranking"]["grades"][0][0] = "A\u202d"
    catalog = Catalog.model_validate(doc)
    entity = catalog.entity("438")
    assert entity is not None
    assert (entity.name, entity.local_name, entity.names) == ("Ahmedabadevil", "અમદાવાદ", {"hi": HINDI, "gu": GUJARATI})
    assert catalog.state.name == "Gujarat"
    assert catalog.departments[0].name == "Health & Family Welfare"
    assert (catalog.kpis[0].name, catalog.kpis[0].unit) == ("Ayushman cards", "%")
    assert catalog.ranking.grades[0][0] == "A"


@pytest.mark.parametrize("field", ["code", "parent"])
def test_a_code_holding_an_invisible_character_does_not_match_the_contract(field: str) -> None:
    with pytest.raises(ValidationError, match=r"U\+202E"):
        Catalog.model_validate(catalog_with(**{field: f"438{RLO}"} if field == "code" else {field: f"24{RLO}"}))


def test_an_observation_or_ranking_naming_a_code_with_an_invisible_character_is_refused() -> None:
    row = {"kpi": "PMJAY.CARDS", "entity": "438", "period": "2026-10", "value": 82.4,
           "reported_at": "2026-11-03T12:10:00+05:30"}
    assert Observation.model_validate(row).entity == "438"
    with pytest.raises(ValidationError, match="entity"):
        Observation.model_validate({**row, "entity": f"43{ZWJ}8"})
    ranking: dict[str, Any] = {"revision": "r-1", "period": "2026-10", "computed_at": "2026-11-22T10:00:00+05:30",
                               "rows": [{"entity": "438", "score": 8.6, "rank": 1, "grade": f"A{RLO}", "marks": {"PMJAY.CARDS": 9.1}}]}
    assert Ranking.model_validate(ranking).rows[0].grade == "A"
    ranking["rows"][0]["marks"] = {"PMJAY.CARDS\u200b": 9.1}
    with pytest.raises(ValidationError, match="marks"):
        Ranking.model_validate(ranking)


def test_a_rejected_row_shows_what_the_store_sent_as_escapes_not_as_an_override() -> None:
    row = RejectedRow(received_at=datetime(2026, 11, 22, tzinfo=UTC), reason=f"entity: bad 438{RLO}",
                      entity=f"438{RLO}evil", raw=json.dumps({"entity": f"438{RLO}", "name": HINDI}, ensure_ascii=False))
    assert row.entity == "438\\u202eevil" and row.reason == "entity: bad 438\\u202e"
    assert RLO not in row.raw and "\\u202e" in row.raw and HINDI in row.raw
    assert shown_escaped("x\U000e0001") == "x\\U000e0001"


@pytest.mark.parametrize("profile", PROFILES)
def test_the_demo_catalogs_are_unchanged_by_the_cleaning(profile: str) -> None:
    body = json.loads(make_store(profile, seed=0).catalog().body)
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            texts.append(node)
        elif isinstance(node, dict):
            texts.extend(str(key) for key in node)
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(body)
    assert len(texts) > 100
    assert [t for t in texts if inert(t) != t or invisible_characters(t)] == []
    catalog = Catalog.model_validate(body)
    assert [(e.code, e.name, e.local_name, e.names) for e in catalog.entities] == [
        (e["code"], e["name"], e.get("local_name"), e.get("names", {})) for e in body["entities"]]


def test_a_district_named_with_a_right_to_left_override_paints_as_plain_text(qtbot: QtBot) -> None:
    catalog = Catalog.model_validate(catalog_with(name=f"Ahmedabad{RLO}evil"))
    snapshot = replace(synthetic.snapshot(), catalog=catalog)
    painted: list[str] = []

    def recorder(painter: QPainter, rect: QRectF, text: str, shown: str, size: int, requested: int,
                 align: Qt.AlignmentFlag) -> None:
        painted.append(shown)

    context = TileContext(language="en", now=lambda: synthetic.NOW, layout_dir=Path(__file__).parent)
    tile = RankingTile(RankingTile.options_model(mode="all", count=10), context)
    qtbot.addWidget(tile)
    tile.resize(960, 1080)
    tile.show()
    show(tile, snapshot)
    QApplication.processEvents()
    previous = paint_kit.set_text_recorder(recorder)
    try:
        tile.grab()
    finally:
        paint_kit.set_text_recorder(previous)
        tile.cleanup()
    assert any("Ahmedabadevil" in text for text in painted), painted
    assert not [text for text in painted if invisible_characters(text.replace(ZWJ, "").replace(ZWNJ, ""))]

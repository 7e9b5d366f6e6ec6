"""Letter-for-letter conversion between the Devanagari and Gujarati scripts.

Why this module exists: the demo catalog names its places in the language of the wall
(DESIGN.md "Optional catalog fields": `names`). Gujarati and Devanagari are parallel
Brahmic scripts laid out alike in Unicode (a fixed offset of 0x180), so a proper name
written in one is written in the other letter for letter: "પાલનપુર" ↔ "पालनपुर". This
is only for proper names (places, hospital names); words with a meaning are translated
by hand where the data is written. Hindi writes Gujarati's ળ as ल ("ધોળકા" → "धोलका"),
and Gujarati, which has no nukta, writes Hindi's ज़/फ़/ड़ as ઝ/ફ/ડ.
"""

from __future__ import annotations

_OFFSET = 0x0A80 - 0x0900
_GUJARATI = range(0x0A81, 0x0AF0)
_DEVANAGARI = range(0x0901, 0x0970)
_NUKTA = "\u093c"
# Devanagari letters written with a nukta (precomposed), and what Gujarati writes for them.
_DEVANAGARI_NUKTA_LETTERS = {"ज़": "ઝ", "फ़": "ફ", "ड़": "ડ", "ढ़": "ઢ", "ख़": "ખ", "क़": "ક", "ग़": "ગ", "य़": "ય"}


def gujarati_to_devanagari(text: str) -> str:
    """A Gujarati proper name in Devanagari as Hindi writes it."""
    out = []
    for char in text.replace("ળ", "લ"):
        code = ord(char)
        out.append(chr(code - _OFFSET) if code in _GUJARATI else char)
    return "".join(out)


def devanagari_to_gujarati(text: str) -> str:
    """A Hindi proper name in Gujarati letters."""
    for hindi, gujarati in _DEVANAGARI_NUKTA_LETTERS.items():
        text = text.replace(hindi, gujarati)
    out = []
    for char in text.replace(_NUKTA, "").replace("ँ", "ં"):
        code = ord(char)
        converted = code + _OFFSET
        out.append(chr(converted) if code in _DEVANAGARI and 0x0A81 <= converted <= 0x0AEF else char)
    return "".join(out)

"""One comparable key for the many spellings of an Indian district or state name.

A store says "Ahmedabad", a boundary file "AHMADABAD"; one "Banas Kantha", the other
"BANASKANTHA"; a renamed district is "Prayagraj" in one and "Allahabad" in the other.
The map places districts by name as well as by code (see district_matching.py), so
both sides are reduced to the same key: diacritics and case dropped, "&" read as
"and", a leading "The" and a trailing "District" dropped, every character that is
not a letter or digit removed, and known spelling variants and renames mapped to
one form. Both sides go through the same table, so a variant listed here can only
make two spellings of one district meet — within one state, where the matcher works.

Qt-free and dependency-free.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

# Normalised variant -> normalised form used as the key. Renames (old name -> new
# name) and common spellings of the same district; only unambiguous within a state.
# fmt: off
VARIANTS: Mapping[str, str] = MappingProxyType({
    # States and union territories
    "orissa": "odisha", "uttaranchal": "uttarakhand", "pondicherry": "puducherry",
    "nctofdelhi": "delhi", "nationalcapitalterritoryofdelhi": "delhi",
    "jammuandkashmir": "jammukashmir", "andamanandnicobar": "andamanandnicobarislands",
    # Gujarat
    "ahmedabad": "ahmadabad", "kutch": "kachchh", "kachh": "kachchh", "kutchh": "kachchh",
    "panchmahal": "panchmahals", "dangs": "dang", "dohad": "dahod", "mehsana": "mahesana",
    "aravalli": "arvalli", "aravali": "arvalli", "chhotaudaipur": "chhotaudepur",
    "devbhoomidwarka": "devbhumidwarka", "baroda": "vadodara",
    # Uttar Pradesh
    "allahabad": "prayagraj", "faizabad": "ayodhya", "jyotibaphulenagar": "amroha",
    "santravidasnagar": "bhadohi", "santravidasnagarbhadohi": "bhadohi", "kanshiramnagar": "kasganj",
    "lakhimpurkheri": "kheri", "mahamayanagar": "hathras", "panchsheelnagar": "hapur",
    "bhimnagar": "sambhal", "prabuddhanagar": "shamli", "chhatrapatishahujimaharajnagar": "amethi",
    "maharajganj": "mahrajganj", "shravasti": "shrawasti", "badaun": "budaun",
    "bulandshahar": "bulandshahr", "sonebhadra": "sonbhadra",
    "gautambudhnagar": "gautambuddhanagar",
    # Maharashtra
    "osmanabad": "dharashiv", "ahmednagar": "ahilyanagar", "ahmadnagar": "ahilyanagar",
    "gondiya": "gondia", "beed": "bid",
    # Karnataka
    "bangalore": "bengaluruurban", "bangaloreurban": "bengaluruurban", "bengaluru": "bengaluruurban",
    "bangalorerural": "bengalururural", "belgaum": "belagavi", "bellary": "ballari",
    "gulbarga": "kalaburagi", "mysore": "mysuru", "shimoga": "shivamogga", "tumkur": "tumakuru",
    "chikmagalur": "chikkamagaluru", "chickmagalur": "chikkamagaluru",
    # Haryana, Punjab
    "gurgaon": "gurugram", "mewat": "nuh", "ropar": "rupnagar", "nawanshahr": "shahidbhagatsinghnagar",
    "mohali": "sahibzadaajitsinghnagar", "sasnagar": "sahibzadaajitsinghnagar", "muktsar": "srimuktsarsahib",
    # Madhya Pradesh
    "hoshangabad": "narmadapuram",
    # Odisha
    "balasore": "baleshwar", "angul": "anugul", "keonjhar": "kendujhar", "sonepur": "subarnapur",
    "boudh": "baudh", "jagatsinghapur": "jagatsinghpur", "nabarangapur": "nabarangpur",
    "deogarh": "debagarh", "jajapur": "jajpur", "rayagarha": "rayagada",
    # West Bengal, Bihar
    "burdwan": "bardhaman", "darjiling": "darjeeling", "hugli": "hooghly", "haora": "howrah",
    "kochbihar": "coochbehar", "purnea": "purnia", "kaimurbhabua": "kaimur",
    "purbichamparan": "eastchamparan", "pashchimchamparan": "westchamparan",
    # Tamil Nadu, Kerala, Andhra Pradesh
    "tuticorin": "thoothukudi", "trichy": "tiruchirappalli", "tiruchchirappalli": "tiruchirappalli",
    "trivandrum": "thiruvananthapuram", "calicut": "kozhikode", "palghat": "palakkad",
    "trichur": "thrissur", "quilon": "kollam", "alleppey": "alappuzha", "cannanore": "kannur",
    "cuddapah": "ysrkadapa", "kadapa": "ysrkadapa", "ysr": "ysrkadapa", "anantapur": "anantapuramu",
    "ananthapuramu": "anantapuramu", "nellore": "spsrnellore", "sripottisriramulunellore": "spsrnellore",
    # Rajasthan, Uttarakhand, Chhattisgarh, Jammu and Kashmir
    "dholpur": "dhaulpur", "jhunjhunun": "jhunjhunu", "chittaurgarh": "chittorgarh",
    "sriganganagar": "ganganagar", "hardwar": "haridwar", "kawardha": "kabirdham",
    "dakshinbastardantewada": "dantewada", "uttarbastarkanker": "kanker", "baramula": "baramulla",
})
# fmt: on

_LEADING_THE = re.compile(r"^the\s+")
_TRAILING_DISTRICT = re.compile(r"\s+(district|dist\.?|zila|zilla)$")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_ALTERNATIVES = re.compile(r"[()/]")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return without_marks.casefold().replace("&", " and ").strip()


def name_key(name: str) -> str:
    """'The Dangs' -> 'dang', 'AHMEDABAD' -> 'ahmadabad', 'Banas Kantha' -> 'banaskantha'."""
    text = _TRAILING_DISTRICT.sub("", _LEADING_THE.sub("", _plain(name)))
    key = _NOT_ALNUM.sub("", text)
    return VARIANTS.get(key, key)


def name_keys(name: str) -> tuple[str, ...]:
    """The key of the whole name, then of each alternative it spells out.

    "Bhadohi (Sant Ravidas Nagar)" and "Allahabad/Prayagraj" name one district
    twice; either spelling may be the one the other side uses.
    """
    keys = [name_key(name)]
    parts = [p for p in _ALTERNATIVES.split(name) if p.strip()]
    if len(parts) > 1:
        keys.extend(name_key(p) for p in parts)
    return tuple(dict.fromkeys(k for k in keys if k))

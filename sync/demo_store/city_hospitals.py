"""Lucknow's hospitals for the city-crisis demo profile: names, places and beds.

A city health department's bed portal lists a few hundred hospitals, government and
private, each with a location and its beds by type. The list here is generated, not
real: names are put together from common hospital-name words and Lucknow's
localities (English and Hindi), located near the locality's centre, and sized by the
kind of hospital. It does not depend on the store's seed, so layouts can name
hospitals by code; only the values the hospitals report do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .script_letters import devanagari_to_gujarati

HOSPITAL_COUNT = 300
LAT_RANGE = (26.75, 26.98)  # the city, roughly; every hospital lies inside
LON_RANGE = (80.83, 81.08)
_LAYOUT_SEED = 1857  # fixed: the list of hospitals is the same for every seed

# (English, Hindi, lat, lon) of localities, approximately.
# fmt: off
LOCALITIES: tuple[tuple[str, str, float, float], ...] = (
    ("Hazratganj", "हज़रतगंज", 26.850, 80.946), ("Aminabad", "अमीनाबाद", 26.846, 80.928),
    ("Chowk", "चौक", 26.869, 80.909), ("Kaiserbagh", "कैसरबाग", 26.855, 80.933),
    ("Charbagh", "चारबाग", 26.831, 80.922), ("Alambagh", "आलमबाग", 26.813, 80.900),
    ("Aliganj", "अलीगंज", 26.892, 80.940), ("Kapoorthala", "कपूरथला", 26.882, 80.945),
    ("Mahanagar", "महानगर", 26.875, 80.960), ("Nishatganj", "निशातगंज", 26.868, 80.955),
    ("Indira Nagar", "इंदिरा नगर", 26.880, 80.995), ("Gomti Nagar", "गोमती नगर", 26.850, 81.000),
    ("Vibhuti Khand", "विभूति खंड", 26.863, 81.004), ("Chinhat", "चिनहट", 26.880, 81.050),
    ("Jankipuram", "जानकीपुरम", 26.925, 80.940), ("Vikas Nagar", "विकास नगर", 26.900, 80.955),
    ("Aashiana", "आशियाना", 26.790, 80.915), ("Telibagh", "तेलीबाग", 26.788, 80.950),
    ("Sarojini Nagar", "सरोजिनी नगर", 26.775, 80.880), ("Rajajipuram", "राजाजीपुरम", 26.840, 80.875),
    ("Thakurganj", "ठाकुरगंज", 26.875, 80.890), ("Daliganj", "डालीगंज", 26.880, 80.925),
    ("Husainganj", "हुसैनगंज", 26.843, 80.935), ("Lalbagh", "लालबाग", 26.852, 80.940),
    ("Vrindavan Yojana", "वृंदावन योजना", 26.775, 80.955), ("Sushant Golf City", "सुशांत गोल्फ सिटी", 26.778, 81.005),
    ("Amausi", "अमौसी", 26.765, 80.880), ("Krishna Nagar", "कृष्णा नगर", 26.800, 80.895),
    ("Cantonment", "छावनी", 26.825, 80.960), ("Nirala Nagar", "निराला नगर", 26.885, 80.955),
    ("Aishbagh", "ऐशबाग", 26.845, 80.900), ("Rakabganj", "रकाबगंज", 26.852, 80.918),
    ("Wazirganj", "वज़ीरगंज", 26.860, 80.920), ("Kalyanpur", "कल्याणपुर", 26.905, 80.990),
    ("Gudamba", "गुडम्बा", 26.935, 80.960), ("Madiyaon", "मड़ियांव", 26.905, 80.935),
    ("Bhitauli", "भिटौली", 26.920, 80.915), ("Ismailganj", "इस्माइलगंज", 26.875, 81.020),
    ("Utrethia", "उतरेठिया", 26.785, 80.935), ("Transport Nagar", "ट्रांसपोर्ट नगर", 26.780, 80.890),
    ("Dubagga", "दुबग्गा", 26.860, 80.850), ("Para", "पारा", 26.800, 80.860),
    ("Naka Hindola", "नाका हिंडोला", 26.838, 80.912), ("Faizullaganj", "फ़ैज़ुल्लागंज", 26.915, 80.925),
    ("Khurram Nagar", "खुर्रम नगर", 26.895, 80.975), ("Triveni Nagar", "त्रिवेणी नगर", 26.890, 80.910),
    ("Balaganj", "बालागंज", 26.870, 80.885), ("Matiyari", "मटियारी", 26.870, 81.065),
    ("Uttardhauna", "उत्तरधौना", 26.860, 81.072), ("Gomti Nagar Extension", "गोमती नगर विस्तार", 26.830, 81.030),
)

# Words a private hospital is named after: (English, Hindi).
NAME_WORDS: tuple[tuple[str, str], ...] = (
    ("Sanjeevani", "संजीवनी"), ("Arogya", "आरोग्य"), ("Jeevan Jyoti", "जीवन ज्योति"), ("Shanti", "शांति"),
    ("Navjeevan", "नवजीवन"), ("Dhanvantari", "धन्वंतरि"), ("Sushruta", "सुश्रुत"), ("Avadh", "अवध"),
    ("Gomti", "गोमती"), ("Kalyan", "कल्याण"), ("Seva", "सेवा"), ("Asha", "आशा"), ("Ujala", "उजाला"),
    ("Sparsh", "स्पर्श"), ("Anand", "आनंद"), ("Amar", "अमर"), ("Shivam", "शिवम"), ("Ganga", "गंगा"),
    ("Saraswati", "सरस्वती"), ("Janki", "जानकी"), ("Prakash", "प्रकाश"), ("Vatsalya", "वात्सल्य"),
    ("Mangalam", "मंगलम"), ("Sankalp", "संकल्प"), ("Kripa", "कृपा"), ("Nirmal", "निर्मल"), ("Surya", "सूर्य"),
    ("Chetna", "चेतना"), ("Aastha", "आस्था"), ("Pragati", "प्रगति"), ("Sahyog", "सहयोग"), ("Raksha", "रक्षा"),
    ("Ashirwad", "आशीर्वाद"), ("Param", "परम"), ("Vinayak", "विनायक"), ("Tulsi", "तुलसी"),
)
# fmt: on


@dataclass(frozen=True)
class HospitalKind:
    """A kind of hospital: its name pattern and how many beds of each type it has."""

    key: str
    english: str  # "{word} Nursing Home" or, for government ones, "Combined Hospital"
    hindi: str
    share: float  # of all hospitals
    general: tuple[int, int]  # range of general beds
    oxygen: float  # oxygen-supported beds, as a share of general beds
    icu: float
    ventilator: float  # 0: none, the hospital never reports ventilator beds


KINDS: tuple[HospitalKind, ...] = (
    HospitalKind("combined", "Combined Hospital", "संयुक्त चिकित्सालय", 0.04, (120, 320), 0.45, 0.12, 0.06),
    HospitalKind("uchc", "Urban Community Health Centre", "नगरीय सामुदायिक स्वास्थ्य केंद्र", 0.08, (30, 60), 0.5, 0.1, 0.0),
    HospitalKind("super", "{w} Superspeciality Hospital", "{w} सुपरस्पेशलिटी हॉस्पिटल", 0.07, (150, 420), 0.4, 0.16, 0.08),
    HospitalKind("multi", "{w} Multispeciality Hospital", "{w} मल्टीस्पेशलिटी हॉस्पिटल", 0.2, (70, 220), 0.35, 0.12, 0.05),
    HospitalKind("hospital", "{w} Hospital", "{w} हॉस्पिटल", 0.31, (30, 110), 0.3, 0.1, 0.04),
    HospitalKind("nursing", "{w} Nursing Home", "{w} नर्सिंग होम", 0.22, (12, 40), 0.3, 0.12, 0.0),
    HospitalKind("children", "{w} Children's Hospital", "{w} बाल चिकित्सालय", 0.08, (20, 70), 0.35, 0.2, 0.05),
)


@dataclass(frozen=True)
class Hospital:
    code: str
    name: str
    hindi: str
    lat: float
    lon: float
    kind: str
    beds: tuple[int, int, int, int]  # general, oxygen-supported, ICU, ventilator

    @property
    def gujarati(self) -> str:
        return gujarati_name(self.hindi)


# The generic words of the hospitals' Hindi names in Gujarati (translated, not spelled
# in Gujarati letters); the proper names (a word, a locality) are spelled letter for
# letter, except where Gujarati has its own word for the place.
GUJARATI_WORDS: tuple[tuple[str, str], ...] = (
    ("नगरीय सामुदायिक स्वास्थ्य केंद्र", "શહેરી સામુદાયિક આરોગ્ય કેન્દ્ર"),
    ("संयुक्त चिकित्सालय", "સંયુક્ત હોસ્પિટલ"),
    ("बाल चिकित्सालय", "બાળ હોસ્પિટલ"),
    ("सुपरस्पेशलिटी हॉस्पिटल", "સુપરસ્પેશિયાલિટી હોસ્પિટલ"),
    ("मल्टीस्पेशलिटी हॉस्पिटल", "મલ્ટિસ્પેશિયાલિટી હોસ્પિટલ"),
    ("नर्सिंग होम", "નર્સિંગ હોમ"),
    ("हॉस्पिटल", "હોસ્પિટલ"),
    ("छावनी", "છાવણી"),
    ("ट्रांसपोर्ट", "ટ્રાન્સપોર્ટ"),
)


def gujarati_name(hindi: str) -> str:
    """A hospital's Gujarati name from its Hindi one: generic words translated, the rest
    spelled in Gujarati letters."""
    for hindi_words, gujarati_words in GUJARATI_WORDS:
        hindi = hindi.replace(hindi_words, gujarati_words)
    return devanagari_to_gujarati(hindi)


def hospital_code(index: int) -> str:
    """Code of the index-th hospital (0-based): LKO-H001, ..."""
    return f"LKO-H{index + 1:03d}"


def _name(kind: HospitalKind, word: tuple[str, str], place: tuple[str, str, float, float]) -> tuple[str, str]:
    english = kind.english.format(w=word[0]) + f", {place[0]}"
    hindi = kind.hindi.format(w=word[1]) + f", {place[1]}"
    return english, hindi


def generate_hospitals(count: int = HOSPITAL_COUNT, *, first: int = 0, taken: frozenset[str] = frozenset(),
                       layout_seed: int = _LAYOUT_SEED) -> tuple[Hospital, ...]:
    """`count` hospitals with unique names (none of `taken`), all inside the city's
    bounding box, numbered from hospital `first`."""
    rng = np.random.default_rng(layout_seed)
    shares = np.array([k.share for k in KINDS])
    kinds = rng.choice(len(KINDS), size=count, p=shares / shares.sum())
    seen: set[str] = set(taken)
    hospitals: list[Hospital] = []
    for i, k in enumerate(kinds.tolist()):
        kind = KINDS[k]
        while True:
            place = LOCALITIES[int(rng.integers(len(LOCALITIES)))]
            word = NAME_WORDS[int(rng.integers(len(NAME_WORDS)))]
            english, hindi = _name(kind, word, place)
            if english not in seen:
                break
            if "{w}" not in kind.english:  # a second government hospital in a locality: number it
                english, hindi = f"{english} II", f"{hindi} II"
                if english not in seen:
                    break
        seen.add(english)
        lat = float(np.clip(place[2] + rng.normal(0, 0.006), LAT_RANGE[0] + 0.005, LAT_RANGE[1] - 0.005))
        lon = float(np.clip(place[3] + rng.normal(0, 0.006), LON_RANGE[0] + 0.005, LON_RANGE[1] - 0.005))
        general = int(rng.integers(kind.general[0], kind.general[1] + 1))
        beds = (
            general,
            max(4, round(general * kind.oxygen)),
            max(2, round(general * kind.icu)),
            round(general * kind.ventilator) if kind.ventilator else 0,
        )
        hospitals.append(Hospital(hospital_code(first + i), english, hindi, round(lat, 5), round(lon, 5), kind.key, beds))
    return tuple(hospitals)


HOSPITALS: tuple[Hospital, ...] = generate_hospitals()


def city_hospitals(count: int) -> tuple[Hospital, ...]:
    """A city of `count` hospitals whose first ones are always `HOSPITALS` (layouts name them)."""
    if count <= HOSPITAL_COUNT:
        return HOSPITALS[:count]
    more = generate_hospitals(count - HOSPITAL_COUNT, first=HOSPITAL_COUNT,
                              taken=frozenset(h.name for h in HOSPITALS), layout_seed=_LAYOUT_SEED + 1)
    return HOSPITALS + more

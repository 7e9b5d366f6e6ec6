"""The city-crisis profile's catalog: a city health department's hospital bed portal.

Lucknow's Chief Medical Officer watches about 300 hospitals through a crisis. The
catalog shares nothing with the Gujarat profile: the state is Uttar Pradesh (LGD
code "9"), there are no districts (every hospital's parent is the state), the KPI
codes are the department's own (`LKO.*`), and the ranking is of hospitals, with
ten long grade names. It uses the optional catalog fields of API v1: `aggregate`
on every KPI, `capacity_of` on every "in use" KPI, `names` in Hindi and Gujarati everywhere
(a Gujarati wall may be shown this profile too).
Most KPIs carry no alert thresholds, as in such feeds: the wall must bring its own.

Codes:

- ``LKO.BED.<TYPE>.CAP`` / ``LKO.BED.<TYPE>.USED`` for TYPE in GEN, OXY, ICU, VENT:
  beds and beds in use, counts (sum); snapshots at the instant a hospital reports.
- ``LKO.O2.CYL.HELD`` / ``LKO.O2.CYL.EMPTY``: oxygen cylinders held, and empty ones
  awaiting refill (the "used" of the pair).
- ``LKO.FLOW.*``: per day (period YYYY-MM-DD) — admissions, discharges (sum),
  referrals out and emergency triage wait (mean).
- ``LKO.PERF.*``: monthly hospital performance, scored, ranked at facility level.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

from .city_hospitals import HOSPITALS, Hospital

STATE_CODE = "9"
STATE_NAME = "Uttar Pradesh"
STATE_HINDI = "उत्तर प्रदेश"

# Gujarati names by code (sector, departments, schemes, KPIs and the state), so the
# (code, name, Hindi) tables below keep their shape.
# fmt: off
GUJARATI: dict[str, str] = {
    STATE_CODE: "ઉત્તર પ્રદેશ", "LKO.SEC.HEALTH": "જાહેર આરોગ્ય",
    "LKO.CMO": "મુખ્ય તબીબી અધિકારીની કચેરી, લખનઉ", "LKO.QAC": "હોસ્પિટલ ગુણવત્તા ખાતરી સેલ, લખનઉ",
    "LKO.BEDS": "હોસ્પિટલ પથારી ઉપલબ્ધતા", "LKO.O2": "તબીબી ઓક્સિજન", "LKO.FLOW": "દાખલ, ડિસ્ચાર્જ અને રીફરલ",
    "LKO.PERF": "હોસ્પિટલ કામગીરી",
    "LKO.O2.CYL.HELD": "ઓક્સિજન સિલિન્ડર ઉપલબ્ધ (કુલ)", "LKO.O2.CYL.EMPTY": "ખાલી ઓક્સિજન સિલિન્ડર (રીફિલ માટે)",
    "LKO.FLOW.ADMIT": "આજે દાખલ દર્દીઓ", "LKO.FLOW.DISCH": "આજે ડિસ્ચાર્જ",
    "LKO.FLOW.REFER": "અન્ય હોસ્પિટલોમાં રીફર દર્દીઓ (%)", "LKO.FLOW.ER_WAIT": "ઇમરજન્સી ટ્રાયેજ પ્રતીક્ષા સમય",
    "LKO.PERF.BEDDATA": "સમયસર મોકલેલી પથારી-સ્થિતિ અપડેટ (%)", "LKO.PERF.MORT": "હોસ્પિટલમાં મૃત્યુ દર (%)",
    "LKO.PERF.HAI": "હોસ્પિટલમાં લાગેલા ચેપ, દર 1,000 દર્દી-દિવસે",
    "LKO.PERF.DISCHSUM": "24 કલાકમાં અપલોડ ડિસ્ચાર્જ સારાંશ (%)", "LKO.PERF.SATISF": "દર્દી સંતોષ (%)",
}
BED_TYPES_GUJARATI = {"GEN": "સામાન્ય પથારી", "OXY": "ઓક્સિજન પથારી", "ICU": "આઈસીયુ પથારી", "VENT": "વેન્ટિલેટર પથારી"}
# fmt: on

SECTOR = ("LKO.SEC.HEALTH", "Public Health", "जन स्वास्थ्य")
DEPARTMENTS = (  # (code, name, Hindi)
    ("LKO.CMO", "Office of the Chief Medical Officer, Lucknow", "मुख्य चिकित्सा अधिकारी कार्यालय, लखनऊ"),
    ("LKO.QAC", "Hospital Quality Assurance Cell, Lucknow", "अस्पताल गुणवत्ता आश्वासन प्रकोष्ठ, लखनऊ"),
)
SCHEMES = (  # (code, name, Hindi, department)
    ("LKO.BEDS", "Hospital bed availability", "अस्पताल बिस्तर उपलब्धता", "LKO.CMO"),
    ("LKO.O2", "Medical oxygen", "चिकित्सीय ऑक्सीजन", "LKO.CMO"),
    ("LKO.FLOW", "Admissions, discharges and referrals", "भर्ती, डिस्चार्ज और रेफ़रल", "LKO.CMO"),
    ("LKO.PERF", "Hospital performance", "अस्पताल प्रदर्शन", "LKO.QAC"),
)

BED_TYPES = (  # (code part, English, Hindi)
    ("GEN", "General beds", "सामान्य बिस्तर"),
    ("OXY", "Oxygen-supported beds", "ऑक्सीजन युक्त बिस्तर"),
    ("ICU", "ICU beds", "आईसीयू बिस्तर"),
    ("VENT", "Ventilator beds", "वेंटिलेटर बिस्तर"),
)

# Ten grades, best first, with thresholds spread over where hospitals' scores fall.
GRADES: tuple[tuple[str, float], ...] = (
    ("Sarvottam", 9.3), ("Utkrisht", 8.8), ("Shreshth", 8.3), ("Uttam", 7.8), ("Sarahniya-1", 7.2),
    ("Sarahniya-2", 6.6), ("Pragatisheel-1", 6.0), ("Pragatisheel-2", 5.2), ("Akanshi-1", 4.2), ("Akanshi-2", 0.0),
)
RANKING_SPEC: dict[str, Any] = {
    "level": "facility", "max_marks": 10, "rollup": "kpi", "grades": [list(g) for g in GRADES],
    "ties": "dense", "missing": "skip",
}


@dataclass(frozen=True)
class CityKpi:
    code: str
    name: str
    hindi: str
    scheme: str
    unit: str
    better: str
    frequency: str
    aggregate: str
    capacity_of: str | None = None
    target: float | None = None
    scoring: dict[str, Any] | None = None
    alert: tuple[float, float] | None = None

    @property
    def gujarati(self) -> str:
        bed_type, _, measure = self.code.removeprefix("LKO.BED.").partition(".")
        if self.code.startswith("LKO.BED.") and bed_type in BED_TYPES_GUJARATI:
            return f"{BED_TYPES_GUJARATI[bed_type]}: {'ક્ષમતા' if measure == 'CAP' else 'ઉપયોગમાં'}"
        return GUJARATI[self.code]

    def to_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "code": self.code, "name": self.name, "local_name": self.hindi,
            "names": {"hi": self.hindi, "gu": self.gujarati},
            "scheme": self.scheme, "unit": self.unit, "better": self.better, "level": "facility",
            "frequency": self.frequency, "aggregate": self.aggregate,
        }
        if self.capacity_of:
            item["capacity_of"] = self.capacity_of
        if self.target is not None:
            item["target"] = self.target
        if self.scoring:
            item["scoring"] = self.scoring
        if self.alert:
            item["alert"] = {"warn": self.alert[0], "critical": self.alert[1]}
        return item


def bed_code(bed_type: str, measure: str) -> str:
    return f"LKO.BED.{bed_type}.{measure}"


def _bed_kpis() -> list[CityKpi]:
    kpis: list[CityKpi] = []
    for part, name, hindi in BED_TYPES:
        cap, used = bed_code(part, "CAP"), bed_code(part, "USED")
        kpis.append(CityKpi(cap, f"{name}: capacity", f"{hindi}: क्षमता", "LKO.BEDS", "beds", "higher", "P1D", "sum"))
        kpis.append(CityKpi(used, f"{name}: in use", f"{hindi}: उपयोग में", "LKO.BEDS", "beds", "lower", "PT1H",
                            "sum", capacity_of=cap))
    return kpis


def _score(method: str, weight: float, **extra: Any) -> dict[str, Any]:
    return {"method": method, "weight": weight, **extra}


CYLINDERS_HELD = "LKO.O2.CYL.HELD"
CYLINDERS_EMPTY = "LKO.O2.CYL.EMPTY"
FLOW_KPIS = ("LKO.FLOW.ADMIT", "LKO.FLOW.DISCH", "LKO.FLOW.REFER", "LKO.FLOW.ER_WAIT")
PERF_KPIS = ("LKO.PERF.BEDDATA", "LKO.PERF.MORT", "LKO.PERF.HAI", "LKO.PERF.DISCHSUM", "LKO.PERF.SATISF")

# fmt: off
CITY_KPIS: tuple[CityKpi, ...] = (
    *_bed_kpis(),
    CityKpi(CYLINDERS_HELD, "Oxygen cylinders held", "ऑक्सीजन सिलेंडर उपलब्ध (कुल)", "LKO.O2", "cylinders", "higher",
            "P1D", "sum"),
    CityKpi(CYLINDERS_EMPTY, "Oxygen cylinders empty, awaiting refill", "ख़ाली ऑक्सीजन सिलेंडर (रीफ़िल हेतु)", "LKO.O2",
            "cylinders", "lower", "PT1H", "sum", capacity_of=CYLINDERS_HELD),
    CityKpi("LKO.FLOW.ADMIT", "Admissions today", "आज की भर्तियाँ", "LKO.FLOW", "patients", "lower", "P1D", "sum"),
    CityKpi("LKO.FLOW.DISCH", "Discharges today", "आज के डिस्चार्ज", "LKO.FLOW", "patients", "higher", "P1D", "sum"),
    CityKpi("LKO.FLOW.REFER", "Patients referred to other hospitals (%)", "अन्य अस्पतालों को रेफ़र मरीज़ (%)", "LKO.FLOW",
            "%", "lower", "P1D", "mean", alert=(10.0, 18.0)),
    CityKpi("LKO.FLOW.ER_WAIT", "Emergency triage waiting time", "आपातकालीन ट्राइएज प्रतीक्षा समय", "LKO.FLOW", "minutes",
            "lower", "P1D", "mean"),
    CityKpi("LKO.PERF.BEDDATA", "Bed-status updates sent on time (%)", "समय पर भेजे गए बिस्तर-स्थिति अपडेट (%)", "LKO.PERF",
            "%", "higher", "P1M", "mean", target=100, scoring=_score("target", 2)),
    CityKpi("LKO.PERF.MORT", "In-hospital mortality (%)", "अस्पताल में मृत्यु दर (%)", "LKO.PERF", "%", "lower", "P1M",
            "mean", target=2.0, scoring=_score("minmax_target", 2)),
    CityKpi("LKO.PERF.HAI", "Hospital-acquired infections per 1,000 patient-days", "अस्पताल-जनित संक्रमण प्रति 1,000 रोगी-दिवस",
            "LKO.PERF", "per 1,000 patient-days", "lower", "P1M", "mean", target=1.5, scoring=_score("minmax_target", 1)),
    CityKpi("LKO.PERF.DISCHSUM", "Discharge summaries uploaded within 24 hours (%)", "24 घंटे में अपलोड डिस्चार्ज सारांश (%)",
            "LKO.PERF", "%", "higher", "P1M", "mean", target=100,
            scoring=_score("bands", 1, bands=[[100, 10], [95, 8], [85, 6], [70, 4], [50, 2]])),
    CityKpi("LKO.PERF.SATISF", "Patient satisfaction (%)", "मरीज़ संतुष्टि (%)", "LKO.PERF", "%", "higher", "P1M", "mean",
            target=90, scoring=_score("target", 1)),
)
# fmt: on
KPI_CODES: tuple[str, ...] = tuple(k.code for k in CITY_KPIS)


def _named(code: str, name: str, hindi: str, gujarati: str | None = None, **extra: Any) -> dict[str, Any]:
    names = {"hi": hindi, "gu": gujarati or GUJARATI[code]}
    return {"code": code, "name": name, "local_name": hindi, "names": names, **extra}


def entities_json(hospitals: tuple[Hospital, ...] = HOSPITALS) -> list[dict[str, Any]]:
    """The state and its hospitals; no districts: every hospital's parent is the state."""
    entities = [_named(STATE_CODE, STATE_NAME, STATE_HINDI, level="state", parent=None)]
    for h in hospitals:
        entities.append(_named(h.code, h.name, h.hindi, h.gujarati, level="facility", parent=STATE_CODE, lat=h.lat, lon=h.lon))
    return entities


def build_city_catalog_json(hospitals: tuple[Hospital, ...] = HOSPITALS) -> dict[str, Any]:
    """The `/v1/catalog` body; its revision is a hash of everything else in it."""
    body: dict[str, Any] = {
        "state": _named(STATE_CODE, STATE_NAME, STATE_HINDI),
        "entities": entities_json(hospitals),
        "sectors": [_named(*SECTOR)],
        "departments": [_named(c, n, h, sector=SECTOR[0]) for c, n, h in DEPARTMENTS],
        "schemes": [_named(c, n, h, department=d) for c, n, h, d in SCHEMES],
        "kpis": [k.to_json() for k in CITY_KPIS],
        "ranking": RANKING_SPEC,
    }
    digest = hashlib.blake2b(orjson.dumps(body, option=orjson.OPT_SORT_KEYS), digest_size=6).hexdigest()
    return {"revision": f"lko-{digest}", **body}

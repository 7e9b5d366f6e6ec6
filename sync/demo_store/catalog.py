"""The demo store's catalog: the API v1 `/v1/catalog` body and the KPI list behind it.

Builds, from `catalog_data` and `geography`, both the JSON the store publishes and
the flat list of monthly KPI specs the generator turns into values. In scale mode
(`scale_kpis=N`) the ranked KPIs are the realistic ones followed by synthetic ones
spread over the same schemes, until there are N: a benchmark-sized catalog that is
still shaped like the real one.

KPI code conventions the wall relies on:

- Crisis (facility level, unranked, period = the current hour "YYYY-MM-DDTHH:00",
  re-reported every few seconds as corrections of that hour; frequency PT1H):
  ``HFW.BEDS.<KIND>.TOTAL`` and ``HFW.BEDS.<KIND>.OCC`` for KIND in GEN, O2, ICU,
  VENT (beds total / occupied, count), and ``HFW.O2.STOCK_HOURS`` (oxygen stock in
  hours of consumption, better higher, alert warn 24 / critical 12).
- Essential medicines (no level: reported by hospitals and by district drug
  warehouses, hourly like the crisis figures): ``HFW.MED.<DRUG>.DAYS``, days of stock
  at the current rate of use (better higher, alert warn 10 / critical 5, aggregate
  "min"), with Gujarati and Hindi names.
- CM Helpline grievances (district level and state level, entity "24"; unranked;
  monthly period; frequency P1D): one scheme per department, ``CMHL.<DEPT>``, whose
  department is <DEPT>; KPIs ``CMHL.<DEPT>.PEND50``, ``.PEND100``, ``.PEND300``
  (complaints pending over 50 / 100 / 300 days, count, better lower) and
  ``.SATISFIED`` (share closed with citizen satisfaction, %, better higher).
  The state-level value is the sum of the districts (the mean for SATISFIED).

Optional catalog fields (API v1, additive) are published too: `aggregate` on every
KPI ("sum" for counts and amounts — beds, complaints, per-capita counts — "mean"
for rates and percentages, "min" for oxygen stock in hours, where a district is as
short as its shortest hospital), `capacity_of` on every ``HFW.BEDS.<KIND>.OCC``
naming ``HFW.BEDS.<KIND>.TOTAL``, and `names: {"gu": …, "hi": …}` wherever a Gujarati
or Hindi name exists (Hindi ones from hindi_names.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

import orjson

from . import catalog_data as data
from . import hindi_names as hindi
from .geography import STATE_CODE, STATE_HINDI_NAME, STATE_LOCAL_NAME, STATE_NAME, entities_json

CMHL_PREFIX = "CMHL"

RANKING_SPEC: dict[str, Any] = {
    "level": "district",
    "max_marks": 10,
    "rollup": "kpi",
    "grades": [["A", 8.0], ["B", 6.0], ["C", 4.0], ["D", 0.0]],
    "ties": "competition",
    "missing": "zero",
}


@dataclass(frozen=True)
class MonthlyKpi:
    """A monthly district-level KPI as the generator sees it."""

    spec: data.KpiSpec
    department: str
    state_aggregate: str | None = None  # "sum" / "mean": also reported for the state


def cmhl_code(department: str, measure: str) -> str:
    return f"{CMHL_PREFIX}.{department}.{measure}"


def _scheme_department() -> dict[str, str]:
    return {code: dept for code, _n, _g, dept in data.SCHEMES}


def ranked_specs(scale_kpis: int | None) -> list[data.KpiSpec]:
    """The realistic ranked KPIs, or exactly `scale_kpis` of them (synthetic ones appended)."""
    specs = list(data.RANKED_KPIS)
    if scale_kpis is None:
        return specs
    if scale_kpis <= len(specs):
        return specs[:scale_kpis]
    schemes = [s for s in data.SCHEMES if s[0] != "HOSP"]
    templates = specs
    extra: list[data.KpiSpec] = []
    i = 0
    while len(specs) + len(extra) < scale_kpis:
        scheme_code, scheme_name, _gu, _dept = schemes[i % len(schemes)]
        t = templates[i % len(templates)]
        n = i + 1
        extra.append(
            replace(
                t,
                code=f"{scheme_code}.X{n:04d}",
                scheme=scheme_code,
                name=f"{scheme_name}: indicator {n}",
                local_name=None,
                frequency="P1M",
            )
        )
        i += 1
    return specs + extra


def monthly_kpis(scale_kpis: int | None) -> list[MonthlyKpi]:
    """Every monthly district-level KPI: ranked ones, then the CM Helpline ones."""
    scheme_dept = _scheme_department()
    kpis = [MonthlyKpi(s, scheme_dept[s.scheme]) for s in ranked_specs(scale_kpis)]
    for dept, _name, _gu, _sector in data.DEPARTMENTS:
        load = data.GRIEVANCE_LOAD.get(dept, 1.0)
        for suffix, name, gu, unit, better, alert, base, spread, per_capita in data.GRIEVANCE_MEASURES:
            scale = load if per_capita else 1.0
            spec = data.KpiSpec(
                code=cmhl_code(dept, suffix), scheme=f"{CMHL_PREFIX}.{dept}", name=name, local_name=gu,
                unit=unit, better=better, target=None, method=None, weight=1, base=base * scale,
                spread=spread * scale, lo=0, hi=100 if unit == "%" else 1e6, decimals=1 if unit == "%" else 0,
                frequency="P1D", alert=alert, per_capita=per_capita,
            )
            kpis.append(MonthlyKpi(spec, dept, "mean" if unit == "%" else "sum"))
    return kpis


def gujarati(local_name: str | None, hindi_name: str | None = None) -> dict[str, Any]:
    """`local_name` and `names` for an item with this Gujarati name and, when known, Hindi
    name (nothing for a language without one: the wall falls back to English)."""
    names = {lang: name for lang, name in (("gu", local_name), ("hi", hindi_name)) if name}
    item: dict[str, Any] = {"local_name": local_name} if local_name else {}
    return {**item, "names": names} if names else item


def _kpi_hindi(code: str) -> str | None:
    """A KPI's Hindi name, a CM Helpline measure's by its suffix."""
    if code.startswith(f"{CMHL_PREFIX}."):
        return hindi.GRIEVANCE_MEASURES.get(code.rsplit(".", 1)[-1])
    return hindi.KPIS.get(code)


def aggregate_of(spec: data.KpiSpec) -> str:
    """Counts and amounts that scale with population add up; rates and shares average."""
    return "sum" if spec.per_capita or spec.unit == "count" else "mean"


def _kpi_json(spec: data.KpiSpec) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": spec.code, "name": spec.name, "scheme": spec.scheme, "unit": spec.unit,
        "better": spec.better, "level": "district", "frequency": spec.frequency, "aggregate": aggregate_of(spec),
        **gujarati(spec.local_name, _kpi_hindi(spec.code)),
    }
    if spec.target is not None:
        item["target"] = spec.target
    if spec.method is not None:
        scoring: dict[str, Any] = {"method": spec.method, "weight": spec.weight}
        if spec.bands:
            scoring["bands"] = [list(b) for b in spec.bands]
        item["scoring"] = scoring
    if spec.alert is not None:
        item["alert"] = {"warn": spec.alert[0], "critical": spec.alert[1]}
    return item


# The crisis figures are reported for the current hour (period "YYYY-MM-DDTHH:00"),
# corrected every few seconds: a new period each hour. The wall reads an instant
# period as the moment of its reading, so a frequency shorter than the hour would
# call every figure overdue a minute past the hour.
HOURLY = "PT1H"


def crisis_kpis_json() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for kind, name, gu in data.BED_KINDS:
        total = f"HFW.BEDS.{kind}.TOTAL"
        bed_hindi = hindi.BED_KINDS[kind]
        items.append({"code": total, "name": f"{name}: total",
                      **gujarati(f"{gu}: કુલ", hindi.BEDS_TOTAL.format(kind=bed_hindi)),
                      "scheme": "HOSP", "unit": "beds", "better": "higher", "level": "facility", "frequency": HOURLY,
                      "aggregate": "sum"})
        items.append({"code": f"HFW.BEDS.{kind}.OCC", "name": f"{name}: occupied",
                      **gujarati(f"{gu}: ભરાયેલી", hindi.BEDS_OCCUPIED.format(kind=bed_hindi)),
                      "scheme": "HOSP", "unit": "beds", "better": "lower", "level": "facility", "frequency": HOURLY,
                      "aggregate": "sum", "capacity_of": total})
    warn, critical = data.OXYGEN_ALERT
    items.append({"code": data.OXYGEN_STOCK_KPI, "name": "Oxygen stock (hours of consumption)",
                  **gujarati("ઓક્સિજન જથ્થો (કલાક)", hindi.KPIS[data.OXYGEN_STOCK_KPI]), "scheme": "HOSP", "unit": "hours", "better": "higher",
                  "level": "facility", "frequency": HOURLY, "aggregate": "min",
                  "alert": {"warn": warn, "critical": critical}})
    warn, critical = data.MEDICINE_ALERT
    for code, name, gu, hi in data.MEDICINES:  # reported by hospitals and district warehouses: no one level
        items.append({"code": code, "name": name, "local_name": gu, "names": {"gu": gu, "hi": hi}, "scheme": "HOSP",
                      "unit": "days", "better": "higher", "frequency": HOURLY, "aggregate": "min",
                      "alert": {"warn": warn, "critical": critical}})
    return items


def crisis_kpi_codes() -> list[str]:
    return [k["code"] for k in crisis_kpis_json()]


def build_catalog_json(kpis: list[MonthlyKpi]) -> dict[str, Any]:
    """The `/v1/catalog` body; its revision is a hash of everything else in it."""
    schemes = [{"code": c, "name": n, **gujarati(g, hindi.SCHEMES.get(c)), "department": d}
               for c, n, g, d in data.SCHEMES]
    for dept, name, gu, _sector in data.DEPARTMENTS:
        schemes.append({"code": f"{CMHL_PREFIX}.{dept}", "name": f"CM Helpline grievances: {name}",
                        **gujarati(f"સીએમ હેલ્પલાઇન ફરિયાદો: {gu}",
                                   hindi.CM_HELPLINE_SCHEME.format(department=hindi.DEPARTMENTS[dept])),
                        "department": dept})
    body: dict[str, Any] = {
        "state": {"code": STATE_CODE, "name": STATE_NAME, **gujarati(STATE_LOCAL_NAME, STATE_HINDI_NAME)},
        "entities": entities_json(),
        "sectors": [{"code": c, "name": n, **gujarati(g, hindi.SECTORS.get(c))} for c, n, g in data.SECTORS],
        "departments": [{"code": c, "name": n, **gujarati(g, hindi.DEPARTMENTS.get(c)), "sector": s}
                        for c, n, g, s in data.DEPARTMENTS],
        "schemes": schemes,
        "kpis": [_kpi_json(k.spec) for k in kpis] + crisis_kpis_json(),
        "ranking": RANKING_SPEC,
    }
    digest = hashlib.blake2b(orjson.dumps(body, option=orjson.OPT_SORT_KEYS), digest_size=6).hexdigest()
    return {"revision": f"c-{digest}", **body}

"""A deliberately naive ranking, written straight from DESIGN.md, to check the engine.

Plain loops and dicts, no numpy, no code shared with cmwall.sync.ranking: if both
agree on random inputs, the vectorised engine implements the rules. Edge cases
follow the rules documented in the engine's modules (marks.py, scores.py,
periods.py), restated here from their docstrings, not from their code.

Input: a Catalog and a list of (kpi, entity, period, value-or-None, reported_at)
tuples in arrival order (a later one for the same kpi/entity/period replaces an
earlier one). Output: {entity: RefRow} with rounded published numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from cmwall.sync.contract import Catalog

INF = float("inf")

Observation = tuple[str, str, str, float | None, float]  # kpi, entity, period, value, reported_at


def rnd(v: float) -> float:
    return math.floor(100 * v + 0.5 + 1e-9) / 100


@dataclass
class RefRow:
    entity: str
    score: float | None
    rank: int | None
    grade: str | None
    marks: dict[str, float | None] = field(default_factory=dict)
    by: dict[str, dict[str, float | None]] = field(default_factory=dict)
    not_reported: tuple[str, ...] = ()
    provisional: bool = False


def ratio(x: float, t: float, better: str) -> float:
    if better == "higher":
        if t == 0:
            if x > 0:
                return INF
            if x == 0:
                return 1.0
            return -INF
        return x / t
    if x <= 0:
        return 1.0
    return t / x


def reference_ranking(
    catalog: Catalog, rows: Iterable[Observation], period: str | None = None, provisional_threshold: float = 0.25
) -> tuple[tuple[str, float], dict[str, RefRow]] | tuple[None, None]:
    spec = catalog.ranking
    kpis = [k for k in catalog.kpis if k.scoring is not None and (k.level is None or k.level == spec.level)]
    kpi_codes = [k.code for k in kpis]
    entities = [e.code for e in catalog.entities if e.level == spec.level]

    latest_obs: dict[tuple[str, str, str], tuple[float | None, float]] = {}
    for kpi, entity, p, value, at in rows:
        latest_obs[(kpi, entity, p)] = (value, at)
    relevant = {key: v for key, v in latest_obs.items() if key[0] in kpi_codes and key[1] in entities}

    if period is None:
        months = [key[2][:7] for key in relevant]
        if not months:
            return None, None
        period = max(months)

    # Latest observation within the month per (kpi, entity): greatest period string.
    chosen: dict[tuple[str, str], tuple[str, float | None, float]] = {}
    for (kpi, entity, p), (value, at) in relevant.items():
        if p[:7] != period:
            continue
        if (kpi, entity) not in chosen or p > chosen[(kpi, entity)][0]:
            chosen[(kpi, entity)] = (p, value, at)
    if not chosen:
        return None, None
    data_as_of = max(at for _, _, at in chosen.values())

    reported: dict[tuple[str, str], float] = {}
    for (kpi, entity), (_, v, _) in chosen.items():
        if v is not None:
            reported[(kpi, entity)] = v

    max_marks = spec.max_marks
    marks: dict[tuple[str, str], float] = {}  # (kpi, entity) -> marks, only where reported
    for k in kpis:
        assert k.scoring is not None  # kpis holds the scored KPIs only
        method = k.scoring.method
        xs = [reported[(k.code, e)] for e in entities if (k.code, e) in reported]
        if not xs:
            continue
        lo = min(xs)
        hi = max(xs)
        for e in entities:
            if (k.code, e) not in reported:
                continue
            x = reported[(k.code, e)]
            if method == "target":
                assert k.target is not None
                a = ratio(x, k.target, k.better)
                if a < 0:
                    a = 0.0
                if a > 1:
                    a = 1.0
                m = max_marks * a
            elif method == "bands":
                assert k.target is not None and k.scoring.bands is not None
                pct = 100.0 * ratio(x, k.target, k.better)
                m = 0.0
                for threshold, band_marks in k.scoring.bands:
                    if threshold <= pct:
                        m = band_marks
                        break
            elif method == "minmax":
                if hi == lo:
                    share = 1.0
                elif k.better == "higher":
                    share = (x - lo) / (hi - lo)
                else:
                    share = (hi - x) / (hi - lo)
                m = max_marks * share
            else:  # minmax_target
                assert k.target is not None
                t = k.target
                if k.better == "higher":
                    if x >= t:
                        share = 1.0
                    elif t - lo == 0:
                        share = 1.0
                    else:
                        share = (x - lo) / (t - lo)
                else:
                    if x <= t:
                        share = 1.0
                    elif hi - t == 0:
                        share = 1.0
                    else:
                        share = 1.0 - (x - t) / (hi - t)
                m = max_marks * share
            marks[(k.code, e)] = m

    scheme_of: dict[str, str | None] = {}
    department_of: dict[str, str | None] = {}
    sector_of: dict[str, str | None] = {}
    schemes = {s.code: s for s in catalog.schemes}
    departments = {d.code: d for d in catalog.departments}
    for k in kpis:
        scheme_of[k.code] = k.scheme
        s = schemes.get(k.scheme)
        d = departments.get(s.department) if s else None
        department_of[k.code] = d.code if d else None
        sector_of[k.code] = d.sector if d else None
    level_maps = {"scheme": scheme_of, "department": department_of, "sector": sector_of}

    def weighted_mean(entity: str, codes: list[str]) -> float | None:
        num = 0.0
        den = 0.0
        for c in codes:
            scoring = catalog.kpis_by_code[c].scoring
            assert scoring is not None
            w = scoring.weight
            if (c, entity) in marks:
                num += w * marks[(c, entity)]
                den += w
            elif spec.missing == "zero":
                den += w
        if den > 0:
            return num / den
        return None

    out: dict[str, RefRow] = {}
    for e in entities:
        by: dict[str, dict[str, float | None]] = {}
        for level, mapping in level_maps.items():
            groups: dict[str, list[str]] = {}
            for c in kpi_codes:
                g = mapping[c]
                if g is not None:
                    groups.setdefault(g, []).append(c)
            by[level] = {g: weighted_mean(e, codes) for g, codes in groups.items()}
        if spec.rollup == "kpi":
            score = weighted_mean(e, kpi_codes)
        else:
            present = [s for s in by[spec.rollup].values() if s is not None]
            score = sum(present) / len(present) if present else None
        not_reported = tuple(sorted(c for c in kpi_codes if (c, e) not in marks))
        published: dict[str, float | None] = {}
        for c in kpi_codes:
            if (c, e) in marks:
                published[c] = rnd(marks[(c, e)])
            elif spec.missing == "zero":
                published[c] = 0.0
            else:
                published[c] = None
        out[e] = RefRow(
            entity=e,
            score=None if score is None else rnd(score),
            rank=None,
            grade=None,
            marks=published,
            by={lv: {g: (None if s is None else rnd(s)) for g, s in d.items()} for lv, d in by.items()},
            not_reported=not_reported,
            provisional=bool(kpi_codes) and len(not_reported) / len(kpi_codes) > provisional_threshold,
        )

    scores = {e: r.score for e, r in out.items() if r.score is not None}
    for e, score in scores.items():
        r = out[e]
        higher = [o for o in scores.values() if o > score]
        if spec.ties == "competition":
            r.rank = 1 + len(higher)
        else:
            r.rank = 1 + len(set(higher))
        for name, threshold in spec.grades:
            if threshold <= score:
                r.grade = name
                break
    return (period, data_as_of), out

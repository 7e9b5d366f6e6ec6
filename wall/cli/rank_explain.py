"""`main.py rank --explain DISTRICT`: why one district has its score, rank and grade.

For the review meeting ("why is my district 17th?"): the score, rank and grade; the
gap from full marks split over every rollup of the catalog (sector → department →
scheme → KPI) with marks and marks lost per KPI, every column adding up exactly to
the line above it (gaps.py); and what moved since the month before — rank, score
and the KPIs whose marks changed most.

The district is named by its code or by its name in any language the catalog gives
(English, the state's language, `names`), case- and normalisation-insensitive.
Anything that cannot be explained (unknown name, an entity of another level, no
ranked data) is one line on stderr and exit code 2. It reads what `rank` reads
(sources.py): a store, a data directory's local store, or the embedded demo store.
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from dataclasses import asdict
from typing import IO, Any

from ...sync.contract import Catalog, Entity, Named
from ...sync.observations import ObservationTable
from ...sync.ranking.explain import ExplainError, Explanation, explain
from ...sync.ranking.gaps import GapNode

EXIT_CANNOT_EXPLAIN = 2
MOVED_SHOWN = 5  # KPIs listed under "what moved"

ROLLUP_WORDS = {
    "kpi": "the overall score is the weighted mean of the marks of all counted KPIs",
    "scheme": "the overall score is the plain mean of the scheme scores",
    "department": "the overall score is the plain mean of the department scores",
    "sector": "the overall score is the plain mean of the sector scores",
}


class CannotExplain(LookupError):
    """One line saying why this district cannot be explained."""


def _folded(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def _names(item: Named) -> set[str]:
    names = {item.code, item.name, *(item.names or {}).values()}
    if item.local_name:
        names.add(item.local_name)
    return {_folded(n) for n in names if n}


def find_entity(catalog: Catalog, text: str) -> Entity:
    """The ranked entity called `text` (code or name in any language); CannotExplain otherwise."""
    level = catalog.ranking.level
    wanted = _folded(text)
    matches = [e for e in catalog.entities if wanted in _names(e)]
    ranked = [e for e in matches if e.level == level]
    if len(ranked) == 1:
        return ranked[0]
    if len(ranked) > 1:
        codes = ", ".join(e.code for e in ranked)
        raise CannotExplain(f"{text!r} names more than one {level} ({codes}): give the code")
    if matches:
        e = matches[0]
        raise CannotExplain(f"{e.name} ({e.code}) is a {e.level}; this store ranks each {level}, not each {e.level}")
    raise CannotExplain(f"no {level} is called {text!r} (give its code or its name)")


def _f(v: float | None, sign: bool = False) -> str:
    if v is None:
        return "—"
    return f"{v:+.2f}" if sign else f"{v:.2f}"


def _label(catalog: Catalog, node: GapNode) -> str:
    if node.level == "overall":
        return "Overall"
    if node.code is None:
        return f"(no {node.level})"
    table: dict[str, Any] = {"sector": catalog.sectors_by_code, "department": catalog.departments_by_code,
                             "scheme": catalog.schemes_by_code, "kpi": catalog.kpis_by_code}
    item = table[node.level].get(node.code)
    name = item.name if item is not None else ""
    return f"{node.level.title() if node.level != 'kpi' else 'KPI'} {node.code}" + (f" {name}" if name and name != node.code else "")


def _tree_rows(catalog: Catalog, why: Explanation) -> list[tuple[str, ...]]:
    assert why.gaps is not None
    kpis = {k.kpi: k for k in why.kpis}
    rows: list[tuple[str, ...]] = []

    def visit(node: GapNode, depth: int) -> None:
        k = kpis.get(node.code or "") if node.level == "kpi" else None
        label = "  " * depth + _label(catalog, node)
        if k is not None and not k.reported:
            label += " ⚠ not reported" + ("" if node.counted else " (not counted)")
        value = "" if k is None else ("—" if k.value is None else f"{k.value:g}")
        target = "" if k is None or k.target is None else f"{k.target:g}"
        weight = f"{node.weight:g}" if node.level != "overall" else ""
        change = "" if k is None else _f(k.change, sign=True) if k.change is not None else ""
        rows.append((label, value, target, weight, _f(node.score), _f(node.gap), _f(node.share) if depth else "",
                     _f(node.cost), change))
        for child in node.children:
            visit(child, depth + 1)

    visit(why.gaps, 0)
    return rows


def _aligned(header: tuple[str, ...], rows: list[tuple[str, ...]], out: IO[str]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out.write(line(header) + "\n")
    out.write(line(tuple("-" * w for w in widths)) + "\n")
    for r in rows:
        out.write(line(r) + "\n")


def write_text(catalog: Catalog, why: Explanation, ranked: int, out: IO[str]) -> None:
    entity = catalog.entity(why.entity)
    name = entity.name if entity is not None else why.entity
    level = catalog.ranking.level
    top = f"{why.max_marks:g}"
    out.write(f"{name} ({why.entity}) — {catalog.state.name} {level} ranking for {why.period} (local engine)\n")
    if why.rank is None or why.score is None:
        out.write(f"Not ranked for {why.period}: no counted KPI\n")
    else:
        gap = why.gaps.cost if why.gaps is not None else None
        out.write(f"Score {why.score:.2f} of {top} · rank {why.rank} of {ranked} · grade {why.grade or '—'} · "
                  f"{_f(gap)} short of full marks{' · provisional' if why.provisional else ''}\n")
    out.write(f"Rollup {catalog.ranking.rollup!r}: {ROLLUP_WORDS.get(catalog.ranking.rollup, '')}\n\n")
    if why.gaps is not None:
        header = ("Where marks were lost", "value", "target", "weight", "score", "gap", "share", "cost", "change")
        _aligned(header, _tree_rows(catalog, why), out)
        out.write(f"score: out of {top} (a KPI: its marks); gap: {top} − score (a KPI: its marks lost); "
                  "share: part of the gap of the line above; cost: part of the overall gap; change: marks since "
                  f"{why.previous_period}.\nUnder every line the shares add up exactly to its gap and the costs "
                  "to its cost.\n")
    out.write(f"\nWhat moved since {why.previous_period}:\n")
    if why.previous_rank is None:
        out.write(f"  not ranked in {why.previous_period}\n")
    else:
        rank_move = ""
        if why.rank is not None and why.rank != why.previous_rank:
            rank_move = f" ({'▲' if why.rank < why.previous_rank else '▼'}{abs(why.previous_rank - why.rank)})"
        score_move = ""
        if why.score is not None and why.previous_score is not None:
            score_move = f" ({why.score - why.previous_score:+.2f})"
        out.write(f"  rank {why.previous_rank} → {why.rank or '—'}{rank_move}; "
                  f"score {why.previous_score:.2f} → {_f(why.score)}{score_move}\n")
    moved = why.moved(MOVED_SHOWN)
    if moved:
        for k in moved:
            kpi = catalog.kpi(k.kpi)
            out.write(f"  {k.kpi} {kpi.name if kpi else ''}: marks {_f(k.previous_marks)} → {_f(k.marks)} "
                      f"({_f(k.change, sign=True)})\n")
    elif why.previous_rank is not None:
        out.write("  no KPI's marks changed\n")


def write_json(catalog: Catalog, why: Explanation, ranked: int, out: IO[str]) -> None:
    body: dict[str, Any] = {
        "entity": why.entity, "name": (e.name if (e := catalog.entity(why.entity)) else None), "period": why.period,
        "max_marks": why.max_marks, "score": why.score, "rank": why.rank, "of": ranked, "grade": why.grade,
        "provisional": why.provisional, "rollup": catalog.ranking.rollup,
        "gaps": asdict(why.gaps) if why.gaps is not None else None,
        "kpis": [asdict(k) for k in why.kpis],
        "previous": {"period": why.previous_period, "score": why.previous_score, "rank": why.previous_rank},
        "moved": [k.kpi for k in why.moved(MOVED_SHOWN)],
    }
    json.dump(body, out, ensure_ascii=False, indent=1)
    out.write("\n")


def run_explain(args: argparse.Namespace, catalog: Catalog, table: ObservationTable, period: str | None,
                out: IO[str], err: IO[str]) -> int:
    """Print the explanation of `args.explain`; 2 with one line on `err` when there is none."""
    try:
        entity = find_entity(catalog, args.explain)
        why = explain(catalog, table, entity.code, period)
    except (CannotExplain, ExplainError) as problem:
        text = str(problem)
        if isinstance(problem, ExplainError) and text.startswith("no observations"):
            text = f"nothing to explain: this store has no ranking for {period or 'any month'} (no observation of a ranked KPI)"
        print(f"rank: {text}", file=err)
        return EXIT_CANNOT_EXPLAIN
    from ...sync.ranking.engine import score_month

    scores = score_month(catalog, table, why.period)
    ranked = int((scores.rank > 0).sum()) if scores is not None else 0
    (write_json if getattr(args, "format", "table") == "json" else write_text)(catalog, why, ranked, out)
    return 0

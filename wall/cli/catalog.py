"""`python main.py catalog --store URL`: what a store publishes, for writing its layout.

A state IT team pointing the wall at its own store first needs to know which codes,
levels, units, frequencies, aggregates and used/total pairs the store's catalog
declares — the words a layout file is written in. This prints them as a plain table
(or JSON with `--format json`), straight from the same validated catalog the wall and
`main.py check` use. Qt is never loaded.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from ...sync.client import StoreError
from ...sync.contract import Catalog
from ...sync.demo_store.profiles import DEFAULT_PROFILE, PROFILES
from ...sync.token import TokenError
from .check import fetch_catalog

EXIT_OK = 0
EXIT_FAILED = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="URL", help="the store to describe (default: the embedded demo store)")
    parser.add_argument("--token-file", metavar="FILE", help="file holding the store's bearer token")
    parser.add_argument("--ca-bundle", metavar="FILE", help="CA certificates to trust for the store")
    parser.add_argument("--demo-profile", choices=PROFILES, default=DEFAULT_PROFILE,
                        help="without --store: describe this demo profile's catalog")
    parser.add_argument("--kpis", metavar="PREFIX", default="", help="only KPIs whose code starts with PREFIX")
    parser.add_argument("--format", choices=("table", "json"), default="table")


def summary_lines(catalog: Catalog, prefix: str = "") -> list[str]:
    state = catalog.state
    lines = [f"catalog {catalog.revision} · state {state.code} {state.name}"
             + (f" ({state.local_name})" if state.local_name else "")]
    levels = Counter(e.level for e in catalog.entities)
    placed = sum(1 for e in catalog.entities if e.lat is not None and e.lon is not None)
    parents = Counter(f"{e.level}→{catalog.level_of(e.parent) or e.parent}" for e in catalog.entities if e.parent)
    lines.append("entities: " + ", ".join(f"{n} {level}" for level, n in levels.most_common())
                 + f" · with lat/lon: {placed} · parents: " + ", ".join(f"{k} ×{n}" for k, n in parents.most_common()))
    spec = catalog.ranking
    lines.append(f"ranking: level {spec.level}, rollup {spec.rollup}, missing {spec.missing}, ties {spec.ties}, "
                 f"{len(spec.grades)} grades: " + ", ".join(f"{g} ≥ {t:g}" for g, t in spec.grades))
    pairs = catalog.capacity_pairs
    if pairs:
        lines.append("used/total pairs: " + ", ".join(f"{used.code} / {total.code}" for used, total in pairs))
    header = ("code", "level", "unit", "freq", "aggregate", "better", "alert", "scoring", "capacity_of", "name")
    rows = [header]
    for k in catalog.kpis:
        if not k.code.startswith(prefix):
            continue
        alert = f"{_num(k.alert.warn)}/{_num(k.alert.critical)}" if k.alert else ""
        rows.append((k.code, k.level or "", k.unit, k.frequency, k.aggregate, k.better, alert,
                     k.scoring.method if k.scoring else "", k.capacity_of or "", k.name))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header) - 1)]
    lines.append(f"KPIs: {len(rows) - 1}")
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)) + "  " + r[-1] for r in rows]
    return lines


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def run(args: argparse.Namespace) -> int:
    try:
        catalog = fetch_catalog(args.store, args.token_file, args.ca_bundle, profile=args.demo_profile)
    except (StoreError, TokenError) as err:
        print(f"catalog: cannot read the store's catalog: {err}", file=sys.stderr)
        return EXIT_FAILED
    if args.format == "json":
        print(json.dumps(catalog.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print("\n".join(summary_lines(catalog, args.kpis)))
    return EXIT_OK

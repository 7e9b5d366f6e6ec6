"""`python main.py rank`: the district ranking of any API v1 store, by the local engine.

Fetches the catalog and the whole observations feed (following the cursor), ranks
with the wall's own engine — ignoring whatever ranking the store publishes — and
prints it as an aligned table, JSON or CSV. Useful to check a store's published
ranking against DESIGN.md, or to rank when the store publishes none.

Bad input (unreachable store, HTTP error, a body that does not match the contract,
an unreadable token file, a bad period) is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypedDict

from ...sync.client import DEFAULT_DEADLINE_S, DEFAULT_MAX_BODY_MB, StoreClient, StoreError
from ...sync.contract import Catalog, Observation
from ...sync.observations import ObservationTable
from ...sync.ranking.engine import compute_ranking
from ...sync.ranking.periods import check_month
from ...sync.ranking.result import RankingResult
from ...sync.token import TokenError, load_token
from .argument_types import positive_number
from .rank_explain import run_explain
from .rank_sources import read_source

EXIT_BAD_INPUT = 2
EXIT_NOTHING_TO_RANK = 1


def _month(text: str) -> str:
    try:
        return check_month(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", default=argparse.SUPPRESS, metavar="URL",
                        help="API v1 store base URL (default: the embedded demo store of --demo-profile)")
    parser.add_argument("--explain", default=None, metavar="DISTRICT",
                        help="explain one ranked entity (code, or name in any language): marks and marks lost per "
                             "KPI under every rollup, and what moved since the month before")
    parser.add_argument("--data-dir", default=argparse.SUPPRESS, metavar="DIR",
                        help="rank the local store of this data directory (a wall's or `sync`'s) without any store")
    parser.add_argument("--demo-profile", default=argparse.SUPPRESS, metavar="NAME",
                        help="without --store: the embedded demo store's profile (gujarat, city-crisis)")
    parser.add_argument("--demo-seed", type=int, default=argparse.SUPPRESS, metavar="N",
                        help="without --store: the embedded demo store's seed (default 2026)")
    parser.add_argument("--period", type=_month, default=None, metavar="YYYY-MM",
                        help="month to rank (default: the latest month with a ranked observation)")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table",
                        help="table (default; aligned columns), json or csv (both with marks per KPI)")
    add_store_access_arguments(parser)


def add_store_access_arguments(parser: argparse.ArgumentParser) -> None:
    """How a command reaches a store, the same for every command that reads one (also `sync`):
    --token-file, --timeout, --deadline, --max-body-mb and --ca-bundle.

    SUPPRESS: when the top-level parser defines the same options, a value given before
    the command is not overwritten by this subparser's default."""
    parser.add_argument("--token-file", type=Path, default=argparse.SUPPRESS, metavar="FILE",
                        help="file holding the store's bearer token (else $CMWALL_TOKEN_FILE / $CMWALL_TOKEN)")
    parser.add_argument("--timeout", type=positive_number, default=argparse.SUPPRESS, metavar="SEC",
                        help="HTTP timeout in seconds (default 10)")
    parser.add_argument("--deadline", type=positive_number, default=argparse.SUPPRESS, metavar="SEC",
                        help=f"longest one whole request may take, however it trickles (default {DEFAULT_DEADLINE_S:g})")
    parser.add_argument("--max-body-mb", type=positive_number, default=argparse.SUPPRESS, metavar="MB",
                        help=f"largest document accepted; larger ones are refused unread (default {DEFAULT_MAX_BODY_MB:g})")
    parser.add_argument("--ca-bundle", default=argparse.SUPPRESS, metavar="FILE",
                        help="CA certificates to trust (TLS is always verified)")


class Limits(TypedDict):
    deadline: float
    max_body_mb: float


def limits(args: argparse.Namespace) -> Limits:
    """The StoreClient keywords for --deadline and --max-body-mb as given (defaults otherwise)."""
    return Limits(deadline=getattr(args, "deadline", None) or DEFAULT_DEADLINE_S,
                  max_body_mb=getattr(args, "max_body_mb", None) or DEFAULT_MAX_BODY_MB)


def _iter_observations(client: StoreClient, rejected: list[int]) -> Iterator[Observation]:
    """Every valid row of the feed; `rejected` counts the rows refused alone (as the wall does)."""
    for page in client.iter_observation_pages():
        rejected[0] += len(page.rejected)
        yield from page.observations


def fetch(args: argparse.Namespace, transport: Any = None) -> tuple[Catalog, ObservationTable]:
    """The store's catalog and its whole observations feed, as the engine's input."""
    token = load_token(getattr(args, "token_file", None))
    ca_bundle = getattr(args, "ca_bundle", None)
    with StoreClient(
        args.store,
        token=token,
        timeout=getattr(args, "timeout", None) or 10.0,
        **limits(args),
        verify=ca_bundle if ca_bundle else True,
        transport=transport,
    ) as client:
        catalog = client.fetch_catalog()
        rejected = [0]
        table = ObservationTable.from_observations(_iter_observations(client, rejected))
    if rejected[0]:  # never a silent difference from the store's own ranking
        print(f"cm-wall rank: note: {rejected[0]} observation rows broke API v1 and were left out "
              "(the wall keeps them with their reasons: main.py report)", file=sys.stderr)
    return catalog, table


def _fmt(v: float | None) -> str:
    return "" if v is None else f"{v:.2f}"


def _records(catalog: Catalog, result: RankingResult) -> list[dict[str, Any]]:
    out = []
    for row in result.rows:
        entity = catalog.entity(row.entity)
        out.append(
            {
                "entity": row.entity,
                "name": entity.name if entity else "",
                "score": row.score,
                "rank": row.rank,
                "grade": row.grade,
                "provisional": row.provisional,
                "marks": dict(row.marks),
            }
        )
    return out


def write_table(catalog: Catalog, result: RankingResult, out: IO[str]) -> None:
    records = _records(catalog, result)
    header = ("Rank", "Code", "Name", "Score", "Grade")
    cells = [
        (str(r["rank"] or "-"), r["entity"], r["name"] + (" *" if r["provisional"] else ""), _fmt(r["score"]) or "-", r["grade"] or "-")
        for r in records
    ]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(header)]
    right = (True, False, False, True, False)

    def line(values: tuple[str, ...]) -> str:
        return "  ".join(v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right)).rstrip()

    as_of = result.data_as_of.isoformat(timespec="seconds") if result.data_as_of else "-"
    out.write(f"{catalog.state.name} {catalog.ranking.level} ranking for {result.period} "
              f"(local engine; data as of {as_of})\n")
    out.write(line(header) + "\n")
    out.write(line(tuple("-" * w for w in widths)) + "\n")
    for c in cells:
        out.write(line(c) + "\n")
    if any(r["provisional"] for r in records):
        out.write("* provisional: too many KPIs not reported\n")


def write_json(catalog: Catalog, result: RankingResult, out: IO[str]) -> None:
    body = {
        "period": result.period,
        "source": result.source,
        "computed_at": result.computed_at.isoformat(),
        "data_as_of": result.data_as_of.isoformat() if result.data_as_of else None,
        "catalog_revision": catalog.revision,
        "rows": _records(catalog, result),
    }
    json.dump(body, out, ensure_ascii=False, indent=1)
    out.write("\n")


def write_csv(catalog: Catalog, result: RankingResult, out: IO[str]) -> None:
    records = _records(catalog, result)
    kpi_codes = list(records[0]["marks"]) if records else []
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["entity", "name", "score", "rank", "grade", "provisional", *kpi_codes])
    for r in records:
        writer.writerow(
            [r["entity"], r["name"], _fmt(r["score"]), r["rank"] or "", r["grade"] or "", int(r["provisional"]),
             *(_fmt(r["marks"][k]) for k in kpi_codes)]
        )


WRITERS = {"table": write_table, "json": write_json, "csv": write_csv}


def run(args: argparse.Namespace, *, transport: Any = None, out: IO[str] | None = None) -> int:
    """Fetch, rank, print. 0: printed; 1: nothing to rank; 2: bad input (message on stderr)."""
    out = out if out is not None else sys.stdout
    try:
        period = check_month(args.period) if args.period is not None else None
        catalog, table = read_source(args, lambda a: fetch(a, transport))  # --data-dir, --store or the demo store
    except (StoreError, TokenError, ValueError) as err:
        print(f"rank: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if getattr(args, "explain", None) is not None:
        return run_explain(args, catalog, table, period, out, sys.stderr)
    result = compute_ranking(catalog, table, period, computed_at=datetime.now(UTC), revision="local")
    if result is None:
        print(f"rank: nothing to rank: no observation of a ranked KPI for {period or 'any month'}", file=sys.stderr)
        return EXIT_NOTHING_TO_RANK
    WRITERS[args.format](catalog, result, out)
    return 0

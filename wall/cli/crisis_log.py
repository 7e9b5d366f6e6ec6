"""`python main.py crisis-log`: every crisis the wall saw, from its local store.

Lists the crisis log the sync thread wrote (sync/crisis_watch.py, the local store's
`crisis_log` table): rules firing and clearing with the figure and the threshold,
switches to and from the crisis layout (automatic or by hand) and the operator's
acknowledgements, oldest first, in IST; `--json` for machines. Reads only (no lock,
nothing written, no store contacted). Qt-free.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ...sync.crisis_watch import CrisisEvent
from ...sync.data_dir import open_for_reading
from ...sync.local_store import DB_FILENAME, LocalStoreError
from ...sync.period_time import IST

EXIT_BAD_INPUT = 2
PROG = "cm-wall crisis-log"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: the wall's own --data-dir, given before the command, stays.
    parser.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="the data directory whose crisis log to list (default: the wall's)")
    parser.add_argument("--limit", type=int, default=1000, metavar="N", help="the latest N entries (default 1000)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    data_dir: Path | None = getattr(args, "data_dir", None)
    if args.limit < 1:
        print(f"{PROG}: error: --limit must be at least 1, not {args.limit}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if data_dir is None or not (data_dir / DB_FILENAME).is_file():
        where = data_dir if data_dir is not None else "the data directory"
        print(f"{PROG}: error: no local store in {where} (run the wall or `main.py sync` first)", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        store = open_for_reading(data_dir)
        try:
            events = store.crisis_events(args.limit)
        finally:
            store.close()
    except LocalStoreError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps([as_json(e) for e in events], ensure_ascii=False, indent=1))
    else:
        print(render_text(events))
    return 0


def as_json(event: CrisisEvent) -> dict[str, Any]:
    return {"at": event.at.isoformat(), "kind": event.kind, "rule": event.rule, "place": event.place,
            "value": event.value, "threshold": event.threshold, "detail": event.detail}


def render_text(events: list[CrisisEvent]) -> str:
    if not events:
        return "No crisis recorded: no rule fired, no crisis layout switch, no acknowledgement."
    lines = []
    for e in events:
        when = e.at.astimezone(IST).strftime("%Y-%m-%d %H:%M:%S IST")
        figure = f"  {e.value:g} (threshold {e.threshold:g})" if e.value is not None and e.threshold is not None else ""
        what = "  ".join(part for part in (e.rule, f"@ {e.place}" if e.place else "") if part)
        lines.append(f"{when}  {e.kind:<11}  {what}{figure}{'  · ' + e.detail if e.detail else ''}".rstrip())
    return "\n".join(lines)

"""The command line of the wall's history: `--as-of TIME` and `main.py replay`.

Both show the local store of an earlier live run or of `main.py sync`, never the live
store. Times are ISO-8601, with or without an offset (without one: IST, the wall's
time zone). Every problem — a bad time, a period that ends before it starts, a data
directory without a local store — is one line and exit code 2, found before any
window opens and before anything is created in the data directory.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from ...sync.history import HistoryError, ReplayPlan, parse_moment
from ...sync.local_store import DB_FILENAME
from .argument_types import positive_number

EXIT_BAD_INPUT = 2
MAX_SCREENSHOT_SETS = 1000
DEFAULT_SPEED = 60.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`replay`: its own options, and the wall options that make sense with it."""
    parser.add_argument("--from", dest="replay_from", required=True, metavar="TIME",
                        help="first moment shown, ISO-8601 (without offset: IST), e.g. 2026-11-21T10:00")
    parser.add_argument("--to", dest="replay_to", required=True, metavar="TIME", help="last moment shown")
    parser.add_argument("--speed", type=positive_number, default=DEFAULT_SPEED, metavar="N",
                        help=f"replayed seconds per wall second (default {DEFAULT_SPEED:g}: an hour a minute)")
    parser.add_argument("--screenshot-every", type=positive_number, default=None, metavar="SEC",
                        help="with --screenshot: one set of screenshots every SEC replayed seconds, each in "
                             "DIR/<YYYYMMDD-HHMM>/ (default: 60 × speed, one set per minute of replay)")
    # SUPPRESS: the same wall options given before the command keep their values.
    parser.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="the data directory whose local store is replayed (default: the wall's)")
    parser.add_argument("--layout", default=argparse.SUPPRESS, metavar="NAME|FILE", help="layout to show it on")
    parser.add_argument("--language", choices=("en", "hi", "gu"), default=argparse.SUPPRESS,
                        help="language of the wall")
    parser.add_argument("--screenshot", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="step through the period writing screenshot sets (PNG + audit JSON) to DIR, then exit")
    parser.add_argument("--windowed", action="store_true", default=argparse.SUPPRESS,
                        help="ordinary windows instead of frameless full screen")


def run(args: argparse.Namespace) -> int:
    from ..app import run as run_wall
    from . import wall_config

    return run_wall(wall_config(args))


def prepare(args: argparse.Namespace, data_dir: Path) -> str | None:
    """Parse the history options in place (`args.as_of`, `args.replay_plan`); the problem, if any."""
    replaying = getattr(args, "command", None) == "replay"
    as_of = getattr(args, "as_of", None)
    if as_of is None and not replaying:
        return None
    if as_of is not None and replaying:
        return "--as-of and replay cannot be combined: replay shows --from … --to …"
    if getattr(args, "store", None):
        return "--as-of and replay show the local store of the data directory; --store is not used with them"
    try:
        if replaying:
            start, until = parse_moment(args.replay_from), parse_moment(args.replay_to)
            if until <= start:
                return f"replay --to ({args.replay_to}) must be after --from ({args.replay_from})"
            args.replay_plan = ReplayPlan(start=start, until=until, speed=args.speed)
            if getattr(args, "screenshot", None) is not None:
                every = args.screenshot_every or 60.0 * args.speed
                sets = math.ceil((until - start).total_seconds() / every) + 1
                if sets > MAX_SCREENSHOT_SETS:
                    return (f"replay would write {sets:,} screenshot sets (more than {MAX_SCREENSHOT_SETS:,}); "
                            "give a larger --screenshot-every")
        else:
            assert as_of is not None  # neither --as-of nor replay returned above
            args.as_of = parse_moment(as_of)
    except HistoryError as err:
        return f"{'replay' if replaying else '--as-of'}: {err}"
    if not (data_dir / DB_FILENAME).is_file():
        return (f"no local store in {data_dir}: fill it with a live run of the wall or "
                f"`main.py sync --store URL --data-dir {data_dir}` first")
    return None

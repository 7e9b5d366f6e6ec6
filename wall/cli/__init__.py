"""The command line: `python main.py [options]` starts the wall; `rank`, `check`, `sync`,
`report`, `replay`, `crisis-log`, `catalog`, `demo-store`, `layout-reference` are commands.

Every command is a module of this package, on top of all the layers (nothing else
imports it: a contract in pyproject.toml); the work itself is done by the packages
below. Commands are imported lazily so `rank` and `demo-store` start without loading Qt. A bad argument or bad
input is one readable line on stderr and a non-zero exit, never a traceback; the
details of an unexpected failure go to the log file in the data directory.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

# The store's machinery (demo store, sync service, ranking) is imported where used:
# `check` refuses a file that cannot be a layout before any of it loads.
if TYPE_CHECKING:  # imported where used: the Qt-free commands need no wall
    from ..config import WallConfig

PROG = "cm-wall"
DATA_DIR_ENV = "CMWALL_DATA_DIR"

log = logging.getLogger("cmwall")


def default_data_dir() -> Path:
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else Path(platformdirs.user_data_dir("cm-wall", appauthor=False))


def demo_profile_data_dir(default: Path, args: argparse.Namespace) -> Path:
    """The default data directory; a demo profile other than the default keeps its own local
    store below it, so one profile's observations and cursor never mix with another's."""
    from ...sync.demo_store.profiles import DEFAULT_PROFILE as DEFAULT_DEMO_PROFILE

    if args.store is None and args.demo_profile != DEFAULT_DEMO_PROFILE:
        return default / f"demo-{args.demo_profile}"
    return default


def build_parser() -> argparse.ArgumentParser:
    from ...sync.demo_store.profiles import DEFAULT_PROFILE as DEFAULT_DEMO_PROFILE
    from ...sync.demo_store.profiles import PROFILES as DEMO_PROFILES
    from .rank import positive_number

    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "CM Wall: the Chief Minister's dashboard video wall. With no command it starts the "
            "wall; with no --store it also starts the embedded demo central store on loopback."
        ),
        epilog=(
            "The bearer token for the store is read from $CMWALL_TOKEN or from the file named by "
            "--token-file / $CMWALL_TOKEN_FILE; it is never taken on the command line."
        ),
    )
    wall = parser.add_argument_group("wall")
    wall.add_argument("--store", metavar="URL", help="central store base URL (API v1); default: the embedded demo store")
    wall.add_argument("--layout", default=None, metavar="NAME|FILE",
                      help="layout name (cm_residence, crisis, delegation, single_screen) or a layout file; "
                           "default: cm_residence with 4 or more screens, single_screen otherwise")
    wall.add_argument("--language", choices=("en", "hi", "gu"), help="start in this language (default: the layout's)")
    wall.add_argument("--data-dir", type=Path, default=None, metavar="DIR",
                      help=f"local store and logs (default: ${DATA_DIR_ENV} or {default_data_dir()})")
    wall.add_argument("--screenshot", type=Path, metavar="DIR",
                      help="render every screen after the first successful sync, write one PNG per screen to DIR, exit")
    wall.add_argument("--as-of", metavar="TIME",
                      help="show the wall as it was at TIME (ISO-8601; without offset: IST) from the local store "
                           "of the data directory, without contacting any store")
    wall.add_argument("--windowed", action="store_true", help="ordinary windows instead of frameless full screen")
    wall.add_argument("--token-file", type=Path, metavar="FILE", help="file holding the store's bearer token")
    wall.add_argument("--ca-bundle", metavar="FILE", help="CA certificates to trust for the store (TLS is always verified)")
    wall.add_argument("--timeout", type=positive_number, default=10.0, metavar="SEC", help="HTTP timeout (default 10)")
    wall.add_argument("--deadline", type=positive_number, default=30.0, metavar="SEC",
                      help="longest one whole request to the store may take, however it trickles (default 30)")
    wall.add_argument("--max-body-mb", type=positive_number, default=64.0, metavar="MB",
                      help="largest document accepted from the store; larger ones are refused unread (default 64)")
    wall.add_argument("--poll-observations", type=positive_number, default=10.0, metavar="SEC",
                      help="seconds between observation polls (default 10); a layout's [sync] "
                           "poll_observations decides while that layout shows")
    wall.add_argument("--poll-ranking", type=positive_number, default=60.0, metavar="SEC",
                      help="seconds between ranking polls (default 60)")
    wall.add_argument("--poll-catalog", type=positive_number, default=300.0, metavar="SEC",
                      help="seconds between catalog polls (default 300)")
    wall.add_argument("--demo-seed", type=int, default=2026, metavar="N", help="seed of the embedded demo store")
    wall.add_argument("--demo-profile", choices=DEMO_PROFILES, default=DEFAULT_DEMO_PROFILE,
                      help=f"embedded demo store: whose data it serves ({', '.join(DEMO_PROFILES)}; default "
                           f"{DEFAULT_DEMO_PROFILE}); without --data-dir, another profile keeps its local store "
                           "in the default data directory's demo-PROFILE folder")
    wall.add_argument("--demo-ranking", choices=("live", "withheld", "stale"), default="live",
                      help="embedded demo store: publish its ranking live, withhold it (404), or serve a stale one")
    parser.add_argument("--log-level", default="WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR"))

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_command(commands, "demo-store", "serve the embedded demo central store on its own",
                 "cmwall.wall.cli.demo_store")
    _add_command(commands, "rank", "compute the district ranking from any API v1 store with the local engine",
                 "cmwall.wall.cli.rank")
    _add_command(commands, "check", "validate a layout file against the schema and the store's catalog",
                 "cmwall.wall.cli.check")
    _add_command(commands, "replay", "play a stored period of the local store forward on the wall",
                 "cmwall.wall.cli.replay")
    _add_command(commands, "sync", "fill the data directory from a store once (for --as-of and replay), then exit",
                 "cmwall.wall.cli.sync_once")
    _add_command(commands, "report", "print feed quality from the local store: rejected, late and implausible rows",
                 "cmwall.wall.cli.report")
    _add_command(commands, "crisis-log", "list the crisis rules fired and cleared, crisis layout switches and "
                 "acknowledgements from the local store", "cmwall.wall.cli.crisis_log")
    _add_command(commands, "catalog", "describe a store's catalog: the codes, levels and pairs a layout is written in",
                 "cmwall.wall.cli.catalog")
    _add_command(commands, "layout-reference", "print or write the layout file reference and its JSON Schema",
                 "cmwall.wall.cli.layout_reference")
    return parser


def _add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str,
                 module: str) -> None:
    import importlib

    sub = commands.add_parser(name, help=help_text, description=help_text)
    mod = importlib.import_module(module)
    mod.add_arguments(sub)
    sub.set_defaults(run=mod.run)


def wall_config(args: argparse.Namespace) -> WallConfig:
    from ...sync.service import Intervals
    from ..config import WallConfig

    return WallConfig(
        data_dir=args.data_dir or demo_profile_data_dir(default_data_dir(), args),
        store_url=args.store,
        layout=args.layout or "auto",
        language=args.language,
        screenshot_dir=args.screenshot,
        token_file=args.token_file,
        ca_bundle=args.ca_bundle,
        timeout=args.timeout,
        deadline=args.deadline,
        max_body_mb=args.max_body_mb,
        intervals=Intervals(catalog=args.poll_catalog, observations=args.poll_observations, ranking=args.poll_ranking),
        windowed=args.windowed,
        demo_seed=args.demo_seed,
        demo_ranking=args.demo_ranking,
        demo_profile=args.demo_profile,
        as_of=getattr(args, "as_of", None),
        replay=getattr(args, "replay_plan", None),
        screenshot_every=getattr(args, "screenshot_every", None),
    )


def _setup_logging(level: str, data_dir: Path | None) -> Path | None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if data_dir is None:
        return None
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        log_path = data_dir / "cm-wall.log"
        from ..log_file import LogFileHandler  # never a traceback for a full or read-only disk: one line

        handler = LogFileHandler(log_path, max_bytes=5_000_000, backup_count=3)
    except OSError:
        return None
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(min(logging.INFO, logging.getLevelName(level)))
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return log_path


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == ["check"]:  # a file that cannot be a layout: refused in well under 2 s
        from .check import refuse_unfit_layout

        refused = refuse_unfit_layout(words[1:])
        if refused is not None:
            return refused
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if args.command in (None, "replay", "sync", "report", "crisis-log"):
        args.data_dir = args.data_dir or demo_profile_data_dir(default_data_dir(), args)
    from .replay import prepare

    problem = prepare(args, args.data_dir)  # before logging creates anything in the data directory
    if problem is not None:
        print(f"{PROG}: error: {problem}", file=sys.stderr)
        return 2
    log_path = _setup_logging(args.log_level, None if run else (args.data_dir or default_data_dir()))
    try:
        if run is not None:
            return run(args)
        from ..app import run as run_wall

        return run_wall(wall_config(args))
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # the last line of defence: one readable line, details in the log
        log.debug("unexpected failure", exc_info=True)
        if log_path is not None:
            logging.getLogger("cmwall").error("unexpected failure", exc_info=True)
        where = f" (details in {log_path})" if log_path else ""
        print(f"{PROG}: error: {err}{where}", file=sys.stderr)
        return 1

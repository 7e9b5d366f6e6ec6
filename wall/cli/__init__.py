"""The command line: `python main.py [options]` starts the wall; `rank`, `check`, `sync`,
`report`, `replay`, `crisis-log`, `catalog`, `demo-store`, `layout-reference`, `config`, `export` are commands.

Every command is a module of this package, on top of all the layers (nothing else
imports it: a contract in pyproject.toml); the work itself is done by the packages
below. Commands are imported lazily so `rank` and `demo-store` start without loading Qt. A bad argument or bad
input is one readable line on stderr and a non-zero exit, never a traceback; the
details of an unexpected failure go to the log file in the data directory.

Settings come in layers, default < configuration file < `CMWALL_*` < flag
(wall/config.py, wall/config_file.py): the wall's flags default to None so a flag not
given lets the file and the environment speak; the effective values are written back
onto the parsed arguments before any command runs. A file, directory or URL the wall
cannot use is one line naming it and exit 2 (`usable_paths`).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import logging.handlers
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

# The store's machinery (demo store, sync service, ranking) is imported where used:
# `check` refuses a file that cannot be a layout before any of it loads.
if TYPE_CHECKING:  # imported where used: the Qt-free commands need no wall
    from ..config import ControlConfig, ControlSettings, PeerConfig, PeerSettings, WallConfig
    from ..config_file import Settings

PROG = "cm-wall"
DATA_DIR_ENV = "CMWALL_DATA_DIR"
EXIT_BAD_INPUT = 2
# Commands that run with the wall's settings (store, data directory, intervals …) written
# back onto their arguments; the others take only the log level from the configuration.
CONFIGURED_COMMANDS = (None, "replay", "sync", "report", "crisis-log", "rank", "config", "export")

log = logging.getLogger("cmwall")


def default_data_dir() -> Path:
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else Path(platformdirs.user_data_dir("cm-wall", appauthor=False))


def build_parser() -> argparse.ArgumentParser:
    from ...sync.demo_profile_names import DEFAULT_PROFILE as DEFAULT_DEMO_PROFILE
    from ...sync.demo_profile_names import PROFILES as DEMO_PROFILES
    from .argument_types import positive_number

    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "CM Wall: the Chief Minister's dashboard video wall. With no command it starts the "
            "wall; with no --store it also starts the embedded demo central store on loopback."
        ),
        epilog=(
            "Every wall option can also be set in the configuration file (--config FILE, else $CMWALL_CONFIG, "
            "else ~/.config/cm-wall/config.toml or /etc/cm-wall/config.toml) or in the environment variable "
            "CMWALL_ and the option's name (--poll-ranking: CMWALL_POLL_RANKING); a flag wins over the "
            "environment, which wins over the file. `config` shows the effective values and their sources. "
            "The bearer token for the store is read from $CMWALL_TOKEN or from the file named by "
            "--token-file / $CMWALL_TOKEN_FILE; it is never taken on the command line or from the configuration file."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="configuration file (TOML; default: $CMWALL_CONFIG, else the first of "
                             "~/.config/cm-wall/config.toml and /etc/cm-wall/config.toml that exists)")
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
    wall.add_argument("--screenshot-stall", type=positive_number, default=None, metavar="SEC",
                      help="with --screenshot: give up when the sync has made no progress for SEC (default 60); "
                           "a long first sync is waited for as long as it progresses")
    wall.add_argument("--screenshot-deadline", type=positive_number, default=None, metavar="SEC",
                      help="with --screenshot: give up after SEC in all, even while the sync progresses "
                           "(default: no deadline)")
    wall.add_argument("--drill", metavar="ENTITY", default=None,
                      help="open the drill-down page of this place (a catalog code; the state's code for the "
                           "state) as soon as the catalog is known, e.g. with --screenshot")
    wall.add_argument("--drill-idle-minutes", type=positive_number, default=None, metavar="MIN",
                      help="minutes without a drill-down command before the wall goes back to its rotation "
                           "(default 10)")
    wall.add_argument("--as-of", metavar="TIME",
                      help="show the wall as it was at TIME (ISO-8601; without offset: IST) from the local store "
                           "of the data directory, without contacting any store")
    wall.add_argument("--windowed", action=argparse.BooleanOptionalAction, default=None,
                      help="ordinary windows instead of frameless full screen (--no-windowed: full screen, "
                           "whatever the configuration says)")
    wall.add_argument("--token-file", type=Path, default=None, metavar="FILE", help="file holding the store's bearer token")
    wall.add_argument("--ca-bundle", metavar="FILE", help="CA certificates to trust for the store (TLS is always verified)")
    wall.add_argument("--timeout", type=positive_number, default=None, metavar="SEC", help="HTTP timeout (default 10)")
    wall.add_argument("--deadline", type=positive_number, default=None, metavar="SEC",
                      help="longest one whole request to the store may take, however it trickles (default 30)")
    wall.add_argument("--max-body-mb", type=positive_number, default=None, metavar="MB",
                      help="largest document accepted from the store; larger ones are refused unread (default 64)")
    wall.add_argument("--poll-observations", type=positive_number, default=None, metavar="SEC",
                      help="seconds between observation polls (default 10); a layout's [sync] "
                           "poll_observations decides while that layout shows")
    wall.add_argument("--poll-ranking", type=positive_number, default=None, metavar="SEC",
                      help="seconds between ranking polls (default 60)")
    wall.add_argument("--poll-catalog", type=positive_number, default=None, metavar="SEC",
                      help="seconds between catalog polls (default 300)")
    wall.add_argument("--demo-seed", type=int, default=None, metavar="N", help="seed of the embedded demo store")
    wall.add_argument("--demo-profile", choices=DEMO_PROFILES, default=None,
                      help=f"embedded demo store: whose data it serves ({', '.join(DEMO_PROFILES)}; default "
                           f"{DEFAULT_DEMO_PROFILE}); without --data-dir, another profile keeps its local store "
                           "in the default data directory's demo-PROFILE folder")
    wall.add_argument("--demo-ranking", choices=("live", "withheld", "stale"), default=None,
                      help="embedded demo store: publish its ranking live, withhold it (404), or serve a stale one")
    peers = parser.add_argument_group("several PCs, one wall")
    peers.add_argument("--peer", dest="peer", action="append", default=None, metavar="URL",
                       help="another PC of this wall, by its peer endpoint (repeat for each); commands go to it")
    peers.add_argument("--peer-port", type=int, default=None, metavar="PORT",
                       help="listen for the wall's other PCs on this port (the peer token from $CMWALL_PEER_TOKEN "
                            "or --peer-token-file)")
    peers.add_argument("--peer-bind", default=None, metavar="ADDRESS", help="address to listen on (default 0.0.0.0)")
    peers.add_argument("--wall-id", default=None, metavar="NAME", help="this PC's name among its peers (default: host name)")
    peers.add_argument("--peer-token-file", type=Path, default=None, metavar="FILE",
                       help="file holding the wall's shared peer token")
    control = parser.add_argument_group("control page (a tablet as the remote)")
    control.add_argument("--control-port", type=int, default=None, metavar="PORT",
                         help="serve the control page on this port (its token from $CMWALL_CONTROL_TOKEN or "
                              "--control-token-file)")
    control.add_argument("--control-bind", default=None, metavar="ADDRESS",
                         help="address the control page listens on (default 0.0.0.0; keep it on the wall LAN)")
    control.add_argument("--control-token-file", type=Path, default=None, metavar="FILE",
                         help="file holding the control page's token")
    control.add_argument("--control-lease-seconds", type=positive_number, default=None, metavar="SEC",
                         help="seconds a controller may be idle before another takes over without confirming "
                              "(default 120)")
    parser.add_argument("--log-level", default=None, choices=("DEBUG", "INFO", "WARNING", "ERROR"),
                        help="one level for the console and the log file (default: WARNING on the console, "
                             "INFO in the log file)")

    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_CommandParser)
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
    _add_command(commands, "export", "write every page of a layout as PNG and one PDF, with the export and data "
                 "times on each page, for a meeting brief", "cmwall.wall.cli.export")
    _add_command(commands, "config", "print the effective configuration and where each value came from "
                 "(default, file, environment variable or flag); never the token", "cmwall.wall.cli.show_config")
    return parser


class _CommandParser(argparse.ArgumentParser):
    """A command's parser that imports the command's module (and so what it needs: the
    demo store, the exporter, the ranking engine …) only when that command is parsed or its
    help shown: the wall itself, and each other command, never loads them (issue 12: a wall
    at rest carried every command's modules)."""

    def __init__(self, *args: Any, module: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.command_module = module
        self._loaded = False

    def load(self) -> None:
        if not self._loaded:
            self._loaded = True
            mod = importlib.import_module(self.command_module)
            mod.add_arguments(self)
            self.set_defaults(run=mod.run)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        self.load()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self.load()
        return super().format_help()

    def format_usage(self) -> str:
        self.load()
        return super().format_usage()


def _add_command(commands: argparse._SubParsersAction[_CommandParser], name: str, help_text: str,
                 module: str) -> None:
    commands.add_parser(name, help=help_text, description=help_text, module=module)


def package_version() -> str:
    """The installed distribution's version; in a source checkout without one, pyproject's."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cm-wall")
    except PackageNotFoundError:
        pass
    import tomllib

    try:
        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, ValueError, KeyError):
        return "unknown"


def settings_of(args: argparse.Namespace) -> Settings:
    """The effective settings for these arguments (default < file < environment < flag);
    resolved once per parse and kept on `args`. Raises ConfigError."""
    from ..config import flag_of, sections
    from ..config_file import resolve

    found: Settings | None = getattr(args, "settings", None)
    if found is None:
        flags = {}
        for model in sections().values():
            for key in model.model_fields:
                flag = flag_of(model, key)
                if flag is not None:
                    flags[flag] = getattr(args, flag.removeprefix("--").replace("-", "_"), None)
        found = resolve(flags, getattr(args, "config", None))
        args.settings = found
    return found


def effective_data_dir(settings: Settings) -> Path:
    """--data-dir as given; otherwise the configured (file or $CMWALL_DATA_DIR) or the
    platform's data directory, where a demo profile other than the default keeps its
    local store in its own demo-PROFILE folder."""
    from ...sync.demo_profile_names import DEFAULT_PROFILE as DEFAULT_DEMO_PROFILE

    config = settings.config
    if config.wall.data_dir is not None and settings.source("wall.data_dir") == "--data-dir":
        return Path(config.wall.data_dir).expanduser()
    base = (Path(config.wall.data_dir).expanduser() if config.wall.data_dir is not None
            else Path(platformdirs.user_data_dir("cm-wall", appauthor=False)))
    if config.store.url is None and config.demo.profile != DEFAULT_DEMO_PROFILE:
        return base / f"demo-{config.demo.profile}"
    return base


def apply_settings(args: argparse.Namespace, settings: Settings) -> None:
    """Write the effective values back onto the parsed arguments, where the commands read them
    (`rank` keeps its own --data-dir: without one it ranks a store, not a local store)."""
    from ..config import flag_of, sections

    for name, model in sections().items():
        for key in model.model_fields:
            flag = flag_of(model, key)
            if flag is not None:
                setattr(args, flag.removeprefix("--").replace("-", "_"), getattr(getattr(settings.config, name), key))
    token_file = settings.config.store.token_file
    args.token_file = Path(token_file).expanduser() if token_file is not None else None
    if args.command != "rank":
        args.data_dir = effective_data_dir(settings)


def wall_config(args: argparse.Namespace) -> WallConfig:
    from types import MappingProxyType

    from ...sync.service import Intervals
    from ..config import WallConfig

    settings = settings_of(args)
    config = settings.config
    token_file = config.store.token_file
    return WallConfig(
        data_dir=effective_data_dir(settings),
        store_url=config.store.url,
        layout=config.wall.layout,
        language=config.wall.language,
        screenshot_dir=args.screenshot,
        screenshot_stall=config.wall.screenshot_stall,
        screenshot_deadline=config.wall.screenshot_deadline,
        token_file=Path(token_file).expanduser() if token_file is not None else None,
        ca_bundle=config.store.ca_bundle,
        timeout=config.store.timeout,
        deadline=config.store.deadline,
        max_body_mb=config.store.max_body_mb,
        intervals=Intervals(catalog=config.poll.catalog, observations=config.poll.observations,
                            ranking=config.poll.ranking),
        windowed=config.wall.windowed,
        demo_seed=config.demo.seed,
        demo_ranking=config.demo.ranking,
        demo_profile=config.demo.profile,
        as_of=getattr(args, "as_of", None),
        replay=getattr(args, "replay_plan", None),
        screenshot_every=getattr(args, "screenshot_every", None),
        screen_outputs=MappingProxyType(dict(config.screens)),
        peers=peer_config(config.peers),
        control=control_config(config.control),
        drill=getattr(args, "drill", None),
        drill_idle_minutes=config.drill_down.idle_minutes,
    )


def peer_config(peers: PeerSettings) -> PeerConfig | None:
    """This PC's part in a wall of several PCs, or None without a peer port."""
    from ..config import PeerConfig

    if peers.port is None:
        return None
    token_file = peers.token_file
    return PeerConfig(peers=peers.urls, port=peers.port, bind=peers.bind, wall_id=peers.wall_id,
                      token_file=Path(token_file).expanduser() if token_file is not None else None)


def control_config(control: ControlSettings) -> ControlConfig | None:
    """The tablet's control page, or None without a control port."""
    from ..config import ControlConfig

    if control.port is None:
        return None
    token_file = control.token_file
    return ControlConfig(port=control.port, bind=control.bind, lease_seconds=control.lease_seconds,
                         token_file=Path(token_file).expanduser() if token_file is not None else None)


def usable_paths(settings: Settings, data_dir: Path | None, *, layout: bool = True) -> list[str]:
    """What the wall cannot use among the files, directories and URL it was given: one
    line each, naming the file and where it was set (flag, variable or file). `check`
    judges its layout itself (layout=False)."""
    from ...layouts.loader import AUTO, LayoutError, resolve_layout

    config = settings.config
    problems = []
    for path, what in (("store.ca_bundle", "CA bundle"), ("store.token_file", "token file")):
        section, key = path.split(".")
        value = getattr(getattr(config, section), key)
        if value is None:
            continue
        file = Path(value).expanduser()
        reason = ("no such file" if not file.exists() else "is a directory, not a file" if file.is_dir()
                  else "not readable" if not os.access(file, os.R_OK) else None)
        if reason:
            problems.append(f"cannot read {what} {file} ({settings.source(path)}): {reason}")
    if layout and config.wall.layout != AUTO:
        try:
            resolve_layout(config.wall.layout)
        except LayoutError as err:
            problems.append(f"layout {config.wall.layout} ({settings.source('wall.layout')}): "
                            f"{err.problems[0].message}")
    if data_dir is not None:
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            writable = os.access(data_dir, os.W_OK | os.X_OK)
            reason = None if writable else "not writable"
        except OSError as err:
            reason = f"cannot create it: {err.strerror}"
        if reason:
            problems.append(f"data directory {data_dir} ({settings.source('wall.data_dir')}): {reason}")
    return problems


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _setup_logging(level: str | None, data_dir: Path | None) -> Path | None:
    """The console and, with a data directory, the log file. A level given (flag,
    environment or file) holds for both; none given: WARNING on the console, INFO in
    the file. The handlers carry the levels, so the root logger passes everything
    either of them wants, and no handler shows less important records than asked."""
    console_level = logging.getLevelName(level or "WARNING")
    file_level = logging.getLevelName(level or "INFO")
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "cmwall_own", False)]:  # main() run again in one process
        root.removeHandler(old)
        old.close()
    console = logging.StreamHandler(sys.stderr)
    console.cmwall_own = True  # type: ignore[attr-defined]
    console.setLevel(console_level)
    console.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(console)
    root.setLevel(console_level)
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, console_level if level else logging.WARNING))
    if data_dir is None:
        return None
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        log_path = data_dir / "cm-wall.log"
        from ..log_file import LogFileHandler  # never a traceback for a full or read-only disk: one line

        handler = LogFileHandler(log_path, max_bytes=5_000_000, backup_count=3)
    except OSError:
        return None
    handler.setLevel(file_level)
    handler.cmwall_own = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(min(console_level, file_level))
    return log_path


def _bad_input(lines: Sequence[str]) -> int:
    for line in lines:
        print(f"{PROG}: error: {line}", file=sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    from ..config_file import ConfigError

    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == ["check"]:  # a file that cannot be a layout: refused in well under 2 s
        from .check import refuse_unfit_layout

        refused = refuse_unfit_layout(words[1:])
        if refused is not None:
            return refused
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    try:
        settings = settings_of(args)
    except ConfigError as err:
        return _bad_input(err.problems)
    configured = args.command in CONFIGURED_COMMANDS
    if configured:
        apply_settings(args, settings)
    from .replay import prepare

    problem = prepare(args, args.data_dir)  # before logging creates anything in the data directory
    if problem is not None:
        return _bad_input([problem])
    if args.command in (None, "replay", "sync", "rank", "catalog", "check", "export"):
        problems = usable_paths(settings, args.data_dir if args.command in (None, "replay", "sync", "export") else None,
                                layout=args.command in (None, "replay", "export"))
        if problems:
            return _bad_input(problems)
    level = settings.config.log.level
    log_path = _setup_logging(level, None if run else args.data_dir)
    try:
        if run is not None:
            return run(args)
        from ..app import run as run_wall

        return run_wall(wall_config(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cm-wall rank | head`: the reader stopped listening, nothing went wrong here
        _quiet_stdout()
        return 0
    except Exception as err:  # the last line of defence: one readable line, details in the log
        log.debug("unexpected failure", exc_info=True)
        if log_path is not None:
            logging.getLogger("cmwall").error("unexpected failure", exc_info=True)
        where = f" (details in {log_path})" if log_path else ""
        print(f"{PROG}: error: {err}{where}", file=sys.stderr)
        return 1


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so Python's flush at exit does not fail on the closed pipe again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)

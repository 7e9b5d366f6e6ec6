"""`main.py demo-store [--profile gujarat|city-crisis]`: serve the embedded demo store on the network.

The entry point's owner wires `add_arguments` into the `demo-store` sub-command
and calls `run`. The token comes from a file or the CMWALL_DEMO_TOKEN environment
variable, never from the command line (where other users could read it in the
process list).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ...sync.demo_store.profiles import DEFAULT_PROFILE, PROFILES, make_store
from ...sync.demo_store.server import serve_forever
from ...sync.demo_store.store import RANKING_MODES

TOKEN_ENV = "CMWALL_DEMO_TOKEN"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on; 0 picks a free one (default 8765)")
    parser.add_argument("--profile", choices=PROFILES, default=DEFAULT_PROFILE,
                        help=f"whose data to serve: {', '.join(PROFILES)} (default {DEFAULT_PROFILE})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated data (default 0)")
    parser.add_argument("--scale-kpis", type=int, default=None, metavar="N",
                        help="generate N ranked KPIs instead of the realistic set (benchmarks; gujarat only)")
    parser.add_argument("--token-file", type=Path, default=None,
                        help=f"require this bearer token (file's first line); or set {TOKEN_ENV}")
    parser.add_argument("--ranking", choices=RANKING_MODES, default="live",
                        help="publish rankings live (default), withhold them (404), or serve a stale one")
    parser.add_argument("--log-requests", action="store_true", help="print one line per request")


def read_token(args: argparse.Namespace) -> str | None:
    if getattr(args, "token_file", None):
        text = Path(args.token_file).read_text(encoding="utf-8").strip()
        return text.splitlines()[0].strip() if text else None
    return os.environ.get(TOKEN_ENV) or None


def run(args: argparse.Namespace) -> int:
    try:
        token = read_token(args)
    except OSError as exc:
        print(f"demo-store: cannot read token file: {exc}", file=sys.stderr)
        return 2
    if args.scale_kpis is not None and args.scale_kpis < 1:
        print("demo-store: --scale-kpis must be positive", file=sys.stderr)
        return 2
    try:
        store = make_store(args.profile, seed=args.seed, scale_kpis=args.scale_kpis,
                           token=token, ranking_mode=args.ranking)
    except ValueError as exc:
        print(f"demo-store: {exc}", file=sys.stderr)
        return 2
    store.advance()

    def ready(url: str) -> None:
        auth = " (bearer token required)" if token else ""
        profile = args.profile
        print(f"CM Wall demo store ({profile}) serving at {url}{auth}; Ctrl-C to stop", flush=True)

    try:
        serve_forever(store, args.host, args.port, quiet=not args.log_requests, on_ready=ready)
    except KeyboardInterrupt:
        print("demo-store: stopped", flush=True)
    except OSError as exc:
        print(f"demo-store: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0

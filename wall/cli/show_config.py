"""`main.py config`: the effective configuration and where each value came from.

An installer reading it on a wall PC sees at once whether a value is the default, came
from the configuration file (its path), an environment variable (its name) or a flag.
The token is never printed: only whether one is set and from where.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from ...sync.token import TOKEN_ENV, TOKEN_FILE_ENV
from ..config_file import CONFIG_ENV, Settings, candidate_paths


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def token_state(settings: Settings) -> str:
    """Whether the wall has a token and where from, in the order sync/token.py reads it."""
    token_file = settings.config.store.token_file
    if token_file is not None:
        return f"read from the file {token_file} ({settings.source('store.token_file')})"
    if os.environ.get(TOKEN_FILE_ENV):  # the token module's own variable, outside the settings
        return f"read from the file {os.environ[TOKEN_FILE_ENV]} (${TOKEN_FILE_ENV})"
    return f"set (from {TOKEN_ENV})" if os.environ.get(TOKEN_ENV) else "not set"


def report(args: argparse.Namespace) -> dict[str, Any]:
    settings: Settings = args.settings
    looked = [str(path) for path in candidate_paths()]
    return {
        "config_file": str(settings.file) if settings.file is not None else None,
        "looked_in": looked if settings.file is None and not os.environ.get(CONFIG_ENV) else [],
        "settings": {s.path: {"value": s.value, "source": s.source} for s in settings.each()},
        "data_dir": {"value": str(args.data_dir), "source": settings.source("wall.data_dir")},
        "token": token_state(settings),
    }


def run(args: argparse.Namespace) -> int:
    shown = report(args)
    if args.json:
        print(json.dumps(shown, indent=2, ensure_ascii=False))
        return 0
    if shown["config_file"] is not None:
        print(f"configuration file: {shown['config_file']}")
    else:
        print(f"configuration file: none (looked for {' and '.join(shown['looked_in'])})")
    rows = [(path, "(not set)" if item["value"] is None else json.dumps(item["value"], ensure_ascii=False),
             item["source"]) for path, item in shown["settings"].items()]
    rows.append(("data directory used", shown["data_dir"]["value"], shown["data_dir"]["source"]))
    rows.append(("store token", shown["token"], ""))
    width = max(len(path) for path, _, _ in rows)
    value_width = min(max(len(value) for _, value, _ in rows), 48)
    for path, value, source in rows:
        print(f"{path:<{width}}  {value:<{value_width}}  {source}".rstrip())
    return 0

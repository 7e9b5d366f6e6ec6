"""`python main.py layout-reference`: print the layout file reference, or write it and its
JSON Schema into a folder (docs/), from the schema models (layouts/reference.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ...layouts.reference import REFERENCE_FILE, SCHEMA_FILE, layout_json_schema, reference_markdown


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--write", type=Path, metavar="DIR",
                        help=f"write {REFERENCE_FILE} and {SCHEMA_FILE} into DIR (default: print the reference)")


def run(args: argparse.Namespace) -> int:
    if args.write is None:
        sys.stdout.write(reference_markdown())
        return 0
    try:
        args.write.mkdir(parents=True, exist_ok=True)
        (args.write / REFERENCE_FILE).write_text(reference_markdown(), encoding="utf-8")
        (args.write / SCHEMA_FILE).write_text(json.dumps(layout_json_schema(), indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
    except OSError as err:
        print(f"layout-reference: cannot write into {args.write}: {err.strerror or err}", file=sys.stderr)
        return 1
    print(f"wrote {args.write / REFERENCE_FILE} and {args.write / SCHEMA_FILE}")
    return 0

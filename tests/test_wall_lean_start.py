"""What a wall at rest holds that it does not need (issue 12: PSS at rest, against a browser
wall): each command's modules are imported only for that command, so a plain wall never
loads the demo store, the exporter, `rank` or any other command; and a wall started from the
command line runs with Python's objects on the C allocator (wall/memory.py), which gives
freed pages back, unless the operator chose otherwise. Subprocesses: a fresh interpreter
is what ships, and another test of the session may have imported anything."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PLAIN_WALL_IMPORTS = """
import sys
from cmwall.wall.cli import build_parser
args = build_parser().parse_args(["--store", "http://127.0.0.1:9", "--layout", "cm_residence"])
from cmwall.wall.cli.replay import prepare  # what main() runs for the wall too
import cmwall.wall.app, cmwall.wall.controller
print(args.command, getattr(args, "run", None))
print(sorted(m for m in sys.modules if m.startswith("cmwall.sync.demo_store") or m.startswith("cmwall.wall.cli.")
             and m not in ("cmwall.wall.cli.argument_types", "cmwall.wall.cli.replay")))
"""

A_COMMAND_PARSED = """
import sys
from cmwall.wall.cli import build_parser
args = build_parser().parse_args(["demo-store", "--profile", "city-crisis", "--seed", "3"])
print(args.command, args.run.__module__, args.profile, args.seed, "cmwall.wall.cli.demo_store" in sys.modules)
"""


def _python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=env or dict(os.environ))


def test_a_plain_wall_imports_no_command_and_no_demo_store() -> None:
    done = _python(PLAIN_WALL_IMPORTS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["None None", "[]"]


def test_a_command_is_imported_when_it_is_parsed_and_keeps_its_arguments() -> None:
    done = _python(A_COMMAND_PARSED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["demo-store", "cmwall.wall.cli.demo_store", "city-crisis", "3", "True"]


def test_a_commands_help_lists_its_own_options(capsys: pytest.CaptureFixture[str]) -> None:
    from cmwall.wall.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo-store", "--help"])
    assert "--profile" in capsys.readouterr().out

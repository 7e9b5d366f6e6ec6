"""CM Wall entry point: `python main.py --help`.

Kept to a few lines so the real command line lives inside the installed package
(`cmwall.wall.cli`, also installed as the `cm-wall` command).
"""

import sys

try:
    from cmwall.wall.cli import main
except ModuleNotFoundError as err:  # run before setup: say what to do, not a traceback
    print(f"cm-wall: {err.name} is not installed; run `bash .ci/setup` first "
          "(see README.md), then use .venv/bin/python main.py", file=sys.stderr)
    sys.exit(2)

if __name__ == "__main__":
    sys.exit(main())

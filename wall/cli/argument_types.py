"""argparse types shared by the wall's options and its commands.

Apart from the commands so that parsing the wall's own options loads no command (the
wall at rest carried `rank` and what it imports only for this function; issue 12).
"""

from __future__ import annotations

import argparse


def positive_number(text: str) -> float:
    """argparse type: a number greater than 0 (timeouts, poll intervals)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0: {text!r}")
    return value

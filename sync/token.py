"""Where the bearer token for the central store comes from.

Tokens are secrets: they come from an environment variable or a file readable by the
wall's user, never from the command line (visible in `ps`) and never into a log.
"""

from __future__ import annotations

import os
from pathlib import Path

TOKEN_ENV = "CMWALL_TOKEN"
TOKEN_FILE_ENV = "CMWALL_TOKEN_FILE"


class TokenError(Exception):
    pass


def load_token(token_file: str | os.PathLike[str] | None = None) -> str | None:
    """The token from `token_file`, else $CMWALL_TOKEN_FILE, else $CMWALL_TOKEN, else None."""
    path = token_file or os.environ.get(TOKEN_FILE_ENV)
    if path:
        try:
            token = Path(path).read_text(encoding="utf-8").strip()
        except OSError as err:
            raise TokenError(f"cannot read token file {path}: {err.strerror}") from None
        if not token:
            raise TokenError(f"token file {path} is empty")
        return token
    return os.environ.get(TOKEN_ENV) or None

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
    return load_secret(TOKEN_ENV, TOKEN_FILE_ENV, token_file)


def load_secret(env_var: str, file_env_var: str, file: str | os.PathLike[str] | None, *,
                what: str = "token") -> str | None:
    """A secret from `file`, else the file named by $`file_env_var`, else $`env_var` as set, else None.

    The one reader of every shared secret (the store's bearer token, the wall PCs' peer token), so
    that they all come from the same places, in the same order, with the same errors. A file's text
    is stripped and must not be empty; `what` names the secret in a `TokenError`."""
    path = file or os.environ.get(file_env_var)
    if path:
        try:
            token = Path(path).read_text(encoding="utf-8").strip()
        except OSError as err:
            raise TokenError(f"cannot read {what} file {path}: {err.strerror}") from None
        if not token:
            raise TokenError(f"{what} file {path} is empty")
        return token
    return os.environ.get(env_var) or None

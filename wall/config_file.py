"""The wall's settings in layers: default < configuration file < `CMWALL_*` < flag.

Where the file is looked for: `--config FILE`, else `$CMWALL_CONFIG`, else the first
that exists of the user's config directory (`~/.config/cm-wall/config.toml` on Linux)
and the system's (`/etc/cm-wall/config.toml`, for the service); none is fine (all
defaults). A file named by flag or variable that is missing is an error.

The file is read like a layout: size capped, raw text scanned for hazards before the
TOML parser (layouts/toml_guard.py), then validated strictly (wall/config.py); every
problem is one line "file: field.path: what was expected". An environment value or a
flag that breaks a bound is named the same way ("$CMWALL_TIMEOUT: store.timeout: …").
Each effective value remembers where it came from, for `main.py config`. The token is
never a setting: a `token` key is refused, pointing to `token_file` or $CMWALL_TOKEN.
Qt-free.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

import platformdirs
from pydantic import TypeAdapter, ValidationError

from ..layouts import toml_guard
from ..layouts.loader import format_path
from .config import ConfigFile, Section, env_of, flag_of, sections

CONFIG_ENV = "CMWALL_CONFIG"
CONFIG_FLAG = "--config"
MAX_CONFIG_BYTES = 64 * 1024
DEFAULT = "default"


def candidate_paths() -> tuple[Path, ...]:
    """Where a configuration file is looked for when none is named, first found wins."""
    user = platformdirs.user_config_path("cm-wall", appauthor=False) / "config.toml"
    system = (Path("/etc/cm-wall/config.toml") if sys.platform != "win32"
              else platformdirs.site_config_path("cm-wall", appauthor=False) / "config.toml")
    return user, system


class ConfigError(Exception):
    """Settings that cannot be used: one line per problem, each naming its file, variable or flag."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Setting:
    """One value the wall runs with, as `section.key`, and where it came from."""

    path: str
    value: Any
    source: str  # "default", the file's path, "$CMWALL_…" or "--flag"


@dataclass(frozen=True)
class Settings:
    config: ConfigFile
    file: Path | None  # the configuration file read, if any
    sources: Mapping[str, str] = field(default_factory=dict)  # "store.timeout" → source; absent: default

    def source(self, path: str) -> str:
        return self.sources.get(path, DEFAULT)

    def each(self) -> list[Setting]:
        """Every setting of every section, then each screen override, in file order."""
        out = []
        for name, model in sections().items():
            section = getattr(self.config, name)
            for key in model.model_fields:
                out.append(Setting(f"{name}.{key}", getattr(section, key), self.source(f"{name}.{key}")))
        for screen, where in self.config.screens.items():
            out.append(Setting(f"screens.{screen}", where.model_dump(exclude_none=True), self.source("screens")))
        return out


def find_config(named: str | None, env: Mapping[str, str]) -> Path | None:
    """The configuration file to read (see the module docstring), or None."""
    if named is not None:
        return _must_exist(Path(named).expanduser(), CONFIG_FLAG)
    if env.get(CONFIG_ENV):
        return _must_exist(Path(env[CONFIG_ENV]).expanduser(), f"${CONFIG_ENV}")
    return next((path for path in candidate_paths() if path.is_file()), None)


def _must_exist(path: Path, named_by: str) -> Path:
    if not path.is_file():
        reason = "is a directory" if path.is_dir() else "no such file"
        raise ConfigError([f"configuration file {path} ({named_by}): {reason}"])
    return path


def read_config_file(path: Path) -> dict[str, Any]:
    """The file's TOML as a dict, or ConfigError naming the file (never a traceback)."""
    file = str(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_CONFIG_BYTES + 1)
    except OSError as err:
        raise ConfigError([f"{file}: cannot read: {err.strerror}"]) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError([f"{file}: larger than {MAX_CONFIG_BYTES // 1024} KB: expected a configuration file "
                           f"of at most {MAX_CONFIG_BYTES // 1024} KB"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError([f"{file}: not a UTF-8 text file"]) from None
    hazard = toml_guard.scan(text)
    if hazard is not None:
        raise ConfigError([f"{file}: {hazard.key}: line {hazard.line}: {hazard.message}"])
    try:
        return tomllib.loads(text)
    except ValueError as err:
        raise ConfigError([f"{file}: not valid TOML: {err}"]) from None
    except RecursionError:
        raise ConfigError([f"{file}: values nested too deeply to read"]) from None


TOKEN_VARIABLES = {"store": "CMWALL_TOKEN", "peers": "CMWALL_PEER_TOKEN", "control": "CMWALL_CONTROL_TOKEN"}  # where each table's token may come from


def token_refused(section: str) -> str:
    table = section or "store"
    variable = TOKEN_VARIABLES.get(table, "CMWALL_TOKEN")
    return (f"a token is never kept in the configuration file: name the file holding it with "
            f"{table}.token_file, or set ${variable}")


def validate_file(raw: dict[str, Any], file: str) -> ConfigFile:
    """The file's settings, or ConfigError with one line per problem and its field path."""
    tables = [("", raw)] + [(f"{name}.", table) for name, table in raw.items() if isinstance(table, dict)]
    tokens = [(prefix, key) for prefix, table in tables for key in table if key in ("token", "peer_token")]
    if tokens:
        raise ConfigError([f"{file}: {prefix}{key}: {token_refused(prefix.rstrip('.'))}" for prefix, key in tokens])
    try:
        return ConfigFile.model_validate(raw)
    except ValidationError as err:
        raise ConfigError([f"{file}: {format_path(e['loc'])}: {_expectation(e, ConfigFile)}"
                           for e in err.errors()]) from None


def _expectation(error: Any, root: type[Section]) -> str:
    if error["type"] == "extra_forbidden":
        loc = tuple(error["loc"])
        table: Any = root
        for part in loc[:-1]:
            info = table.model_fields.get(part) if isinstance(part, str) and hasattr(table, "model_fields") else None
            table = info.annotation if info is not None else None
        allowed = list(table.model_fields) if isinstance(table, type) and issubclass(table, Section) else []
        return "unknown key" + (f"; expected one of: {', '.join(allowed)}" if allowed else "")
    message = str(error["msg"]).removeprefix("Value error, ")
    got = error.get("input")
    if isinstance(got, (str, int, float, bool)) and error["type"] != "value_error":
        shown = repr(got)
        message += f" (got {shown if len(shown) <= 60 else shown[:59] + '…'})"
    return message


def _from_text(annotation: Any, text: str) -> Any:
    """An environment variable's text as the field's type ("5" → 5.0, "yes" → True);
    a tuple takes comma-separated items. Bounds are checked afterwards, with the rest."""
    if get_origin(annotation) is tuple or tuple in (get_origin(a) for a in get_args(annotation)):
        return TypeAdapter(annotation).validate_python(tuple(i.strip() for i in text.split(",") if i.strip()))
    return TypeAdapter(annotation).validate_python(text, strict=False)


def resolve(flags: Mapping[str, Any], config_flag: str | None = None,
            env: Mapping[str, str] | None = None) -> Settings:
    """The effective settings. `flags` maps a flag ("--timeout") to the value given on
    the command line; None or absent means not given."""
    env = os.environ if env is None else env
    path = find_config(config_flag, env)
    merged: dict[str, dict[str, Any]] = {}
    sources: dict[str, str] = {}
    if path is not None:
        raw = read_config_file(path)
        validate_file(raw, str(path))  # the file on its own: its problems name its lines' paths
        for name, value in raw.items():
            if isinstance(value, dict) and name in sections():
                merged[name] = dict(value)
                sources.update({f"{name}.{key}": str(path) for key in value})
            else:
                merged[name] = value
                sources[name] = str(path)
    problems: list[str] = []
    for name, model in sections().items():
        for key, info in model.model_fields.items():
            flag = flag_of(model, key)
            if flag is None:
                continue
            text = env.get(env_of(flag))
            if text is not None and text != "":
                try:
                    merged.setdefault(name, {})[key] = _from_text(info.annotation, text)
                    sources[f"{name}.{key}"] = f"${env_of(flag)}"
                except ValidationError as err:
                    problems.append(f"${env_of(flag)}: {name}.{key}: {_expectation(err.errors()[0], model)}")
            given = flags.get(flag)
            if given is not None:  # a flag not given is None (store_true flags too: --no-windowed is False)
                merged.setdefault(name, {})[key] = str(given) if isinstance(given, Path) else given
                sources[f"{name}.{key}"] = flag
    if problems:
        raise ConfigError(problems)
    try:
        config = ConfigFile.model_validate(merged)
    except ValidationError as err:
        lines = []
        for e in err.errors():
            where = format_path(e["loc"])
            source = sources.get(where, sources.get(where.split(".")[0], DEFAULT))
            lines.append(f"{source}: {where}: {_expectation(e, ConfigFile)}")
        raise ConfigError(lines) from None
    return Settings(config=config, file=path, sources=sources)

"""What one run of the wall was asked to do, and the settings it is gathered from.

`WallConfig` is the frozen value the command line hands to the application shell; no
global configuration dictionary anywhere. `ConfigFile` is the configuration file
(TOML), one pydantic model per section (`[store]`, `[poll]`, `[wall]`, `[demo]`,
`[log]`, `[screens.<id>]`): strict types, bounded numbers, unknown keys refused, so a
typo on an unattended wall PC is an error with its field path, never a silent
default. Every setting names its flag; its environment variable is `CMWALL_` and the
flag's name (`--poll-ranking` → `CMWALL_POLL_RANKING`), so the three always agree.
To add a setting, add a field to a section with `setting(...)`: the file, the
environment, the flag, `main.py config` and the example-file test all pick it up.
Reading and layering them is wall/config_file.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .memory import without_unused_extras

with without_unused_extras():  # the first import of the wall's HTTP client, without what it never uses
    import httpcore  # noqa: F401  (httpx imports its transport on first use: here, within the guard)

    from ..sync.client import DEFAULT_DEADLINE_S, DEFAULT_MAX_BODY_MB
    from ..sync.demo_profile_names import DEFAULT_PROFILE as DEFAULT_DEMO_PROFILE
    from ..sync.demo_profile_names import PROFILES as DEMO_PROFILES
    from ..sync.history import ReplayPlan
    from ..sync.service import Intervals

ENV_PREFIX = "CMWALL_"
MAX_PATH = 4096
MAX_SCREEN_OVERRIDES = 64  # a layout has at most 64 screens (layouts/schema.py)


def setting(default: Any, flag: str | None, description: str, **bounds: Any) -> Any:
    """A field of a section that `--flag` and `$CMWALL_FLAG` override (no flag: file only)."""
    return Field(default=default, description=description, json_schema_extra={"flag": flag}, **bounds)


def flag_of(model: type[BaseModel], name: str) -> str | None:
    extra = model.model_fields[name].json_schema_extra
    flag = extra.get("flag") if isinstance(extra, dict) else None
    return flag if isinstance(flag, str) else None


def env_of(flag: str) -> str:
    """'--poll-ranking' → 'CMWALL_POLL_RANKING'."""
    return ENV_PREFIX + flag.removeprefix("--").replace("-", "_").upper()


class Section(BaseModel):
    """Strict like the layouts: `timeout = "5"` is no number, NaN and infinity are no
    figure, an unknown key is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class StoreSettings(Section):
    """The central store and how the wall talks to it. The token itself is never here."""

    url: str | None = setting(None, "--store", "central store base URL (API v1); absent: the embedded demo store",
                              max_length=2048)
    token_file: str | None = setting(None, "--token-file", "file holding the store's bearer token "
                                     "(else $CMWALL_TOKEN)", min_length=1, max_length=MAX_PATH)
    ca_bundle: str | None = setting(None, "--ca-bundle", "CA certificates to trust for the store "
                                    "(TLS is always verified)", min_length=1, max_length=MAX_PATH)
    timeout: float = setting(10.0, "--timeout", "seconds an HTTP connect or read may take", gt=0, le=600)
    deadline: float = setting(DEFAULT_DEADLINE_S, "--deadline", "seconds one whole request to the store may take",
                              gt=0, le=3600)
    max_body_mb: float = setting(DEFAULT_MAX_BODY_MB, "--max-body-mb", "largest document accepted from the store (MB)",
                                 gt=0, le=4096)

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url!r} is not an http(s) URL: expected e.g. https://store.example/api")
        try:
            parts.port  # noqa: B018 - a port that is no number raises here
        except ValueError:
            raise ValueError(f"{url!r} has a port that is not a number") from None
        return url


class PollSettings(Section):
    """Seconds between polls of each document (a layout's [sync] may poll observations faster)."""

    observations: float = setting(10.0, "--poll-observations", "seconds between observation polls", ge=1, le=86400)
    ranking: float = setting(60.0, "--poll-ranking", "seconds between ranking polls", ge=1, le=86400)
    catalog: float = setting(300.0, "--poll-catalog", "seconds between catalog polls", ge=1, le=86400)


class WallSettings(Section):
    """What this PC's wall shows and where it keeps its data."""

    layout: str = setting("auto", "--layout", '"auto", a shipped layout name or a layout file',
                          min_length=1, max_length=MAX_PATH)
    language: Literal["en", "hi", "gu"] | None = setting(None, "--language", "starting language; absent: the layout's")
    data_dir: str | None = setting(None, "--data-dir", "local store and logs; absent: the platform's data directory",
                                   min_length=1, max_length=MAX_PATH)
    windowed: bool = setting(False, "--windowed", "ordinary windows instead of frameless full screen")
    screenshot_stall: float = setting(60.0, "--screenshot-stall", "with --screenshot: give up after this many "
                                      "seconds without sync progress", gt=0, le=86400)
    screenshot_deadline: float | None = setting(None, "--screenshot-deadline", "with --screenshot: give up after "
                                                "this many seconds even while the sync progresses; absent: none",
                                                gt=0, le=604800)


class DemoSettings(Section):
    """The embedded demo store, used when no store URL is set."""

    profile: str = setting(DEFAULT_DEMO_PROFILE, "--demo-profile", f"whose data it serves: {', '.join(DEMO_PROFILES)}")
    seed: int = setting(2026, "--demo-seed", "seed of its generated data", ge=0, le=2**31 - 1)
    ranking: Literal["live", "withheld", "stale"] = setting("live", "--demo-ranking",
                                                            "publish its ranking live, withhold it, or serve a stale one")

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, profile: str) -> str:
        if profile not in DEMO_PROFILES:
            raise ValueError(f"unknown demo profile {profile!r}: expected one of {', '.join(DEMO_PROFILES)}")
        return profile


class LogSettings(Section):
    """Absent: warnings and errors on the console, INFO and above in the log file."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] | None = setting(
        None, "--log-level", "one level for the console and the log file")


class PeerSettings(Section):
    """The other PCs driving the same wall (README "Several PCs, one wall"); with no `port`
    this PC is the whole wall. The peer token itself is never here."""

    urls: tuple[str, ...] = setting((), "--peer", "the other PCs' peer endpoints, e.g. http://wall-pc-2:8790",
                                    max_length=64, strict=False)
    port: int | None = setting(None, "--peer-port", "this PC's peer endpoint port; absent: no peer endpoint",
                               ge=0, le=65535)
    bind: str = setting("0.0.0.0", "--peer-bind", "address the peer endpoint listens on", min_length=1, max_length=255)
    wall_id: str | None = setting(None, "--wall-id", "this PC's name among its peers; absent: the host name",
                                  min_length=1, max_length=64)
    token_file: str | None = setting(None, "--peer-token-file", "file holding the wall's shared peer token "
                                     "(else $CMWALL_PEER_TOKEN)", min_length=1, max_length=MAX_PATH)

    @field_validator("urls")
    @classmethod
    def _http_urls(cls, urls: tuple[str, ...]) -> tuple[str, ...]:
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{url!r} is not an http(s) URL: expected e.g. http://wall-pc-2:8790")
        return urls

    @model_validator(mode="after")
    def _peers_need_a_port(self) -> PeerSettings:
        if self.urls and self.port is None:  # else the PC would neither listen nor send, without a word
            raise ValueError("other PCs are named (urls / --peer) but this PC has no peer port "
                             "(port / --peer-port): commands would neither reach nor leave it")
        return self


class ControlSettings(Section):
    """The control page a tablet drives the wall from (README "A tablet as the remote"); with
    no `port` there is none. The control token itself is never here."""

    port: int | None = setting(None, "--control-port", "serve the control page on this port; absent: no control page",
                               ge=0, le=65535)
    bind: str = setting("0.0.0.0", "--control-bind", "address the control page listens on (keep it on the wall LAN)",
                        min_length=1, max_length=255)
    token_file: str | None = setting(None, "--control-token-file", "file holding the control page's token "
                                     "(else $CMWALL_CONTROL_TOKEN)", min_length=1, max_length=MAX_PATH)
    lease_seconds: float = setting(120.0, "--control-lease-seconds", "seconds a controller may be idle before "
                                   "another takes over without confirming", ge=10, le=86400)


class DrillDownSettings(Section):
    """The drill-down (wall/drill_down.py): a wall left on one taluka goes back to its rotation by itself."""

    idle_minutes: float = setting(10.0, "--drill-idle-minutes", "minutes without a drill-down command before the "
                                  "wall goes back to its rotation", gt=0, le=1440)


class ScreenOutput(Section):
    """This PC's monitor for one layout screen, overriding the layout's `output`/`index`:
    `[screens.main] output = "HDMI-1"`; applies to every layout that has a screen of that id."""

    output: str | None = Field(default=None, min_length=1, max_length=64, description="connector name, e.g. DP-1")
    index: int | None = Field(default=None, ge=0, le=63, description="the output's index when no name matches")

    @model_validator(mode="after")
    def _says_where(self) -> ScreenOutput:
        if self.output is None and self.index is None:
            raise ValueError("give `output` (a connector name) or `index`")
        return self


class ConfigFile(Section):
    """The whole configuration file; every section is optional."""

    store: StoreSettings = StoreSettings()
    poll: PollSettings = PollSettings()
    wall: WallSettings = WallSettings()
    demo: DemoSettings = DemoSettings()
    log: LogSettings = LogSettings()
    peers: PeerSettings = PeerSettings()
    control: ControlSettings = ControlSettings()
    drill_down: DrillDownSettings = DrillDownSettings()
    screens: dict[str, ScreenOutput] = Field(default_factory=dict, max_length=MAX_SCREEN_OVERRIDES,
                                             description="per layout screen id: the monitor it goes on at this PC")


def sections() -> dict[str, type[Section]]:
    """The sections whose fields are settings (flag + environment), by table name."""
    found: dict[str, type[Section]] = {}
    for name, info in ConfigFile.model_fields.items():
        if isinstance(info.annotation, type) and issubclass(info.annotation, Section):
            found[name] = info.annotation
    return found


@dataclass(frozen=True)
class PeerConfig:
    """This PC as one of several driving one wall (wall/peers.py): the other PCs' peer
    endpoints, where this one listens, and its name. The peer token is never here."""

    peers: tuple[str, ...]  # e.g. ("http://wall-pc-2:8790",); empty: listen only
    port: int  # this PC's peer endpoint; 0: any free port
    bind: str = "0.0.0.0"
    wall_id: str | None = None  # None: the host name
    token_file: Path | None = None  # else $CMWALL_PEER_TOKEN_FILE, else $CMWALL_PEER_TOKEN


@dataclass(frozen=True)
class ControlConfig:
    """The tablet's control page (wall/control_panel.py): where it listens, how long a lease
    lasts idle. The control token is never here."""

    port: int  # 0: any free port
    bind: str = "0.0.0.0"
    token_file: Path | None = None  # else $CMWALL_CONTROL_TOKEN_FILE, else $CMWALL_CONTROL_TOKEN
    lease_seconds: float = 120.0


@dataclass(frozen=True)
class WallConfig:
    data_dir: Path
    store_url: str | None = None  # None: start the embedded demo store on loopback
    layout: str = "auto"  # "auto", a shipped layout name, or a path to a layout file
    language: str | None = None  # None: the layout's default
    screenshot_dir: Path | None = None  # render every screen after the first sync, then exit
    screenshot_stall: float = 60.0  # … giving up after this long without sync progress
    screenshot_deadline: float | None = None  # … or after this long in all, progress or not (None: no limit)
    token_file: Path | None = None
    ca_bundle: str | None = None  # custom CA file; TLS is always verified
    timeout: float = 10.0
    deadline: float = DEFAULT_DEADLINE_S  # a whole request to the store (sync/client.py)
    max_body_mb: float = DEFAULT_MAX_BODY_MB  # a larger document is refused unread
    intervals: Intervals = field(default_factory=Intervals)
    windowed: bool = False  # ordinary windows instead of frameless full screen (desk testing)
    demo_seed: int = 2026
    demo_ranking: str = "live"  # live | withheld | stale
    demo_profile: str = "gujarat"  # whose data the embedded demo store serves (sync/demo_store/profiles.py)
    # History instead of the live store (sync/history.py): the local store as of a moment,
    # or a stored period played forward; with screenshot_dir, one set per `screenshot_every`
    # replayed seconds (None: one set per minute of replay, i.e. 60 × speed).
    as_of: datetime | None = None
    replay: ReplayPlan | None = None
    screenshot_every: float | None = None
    # This PC's monitor per layout screen id (the configuration's [screens.<id>]).
    screen_outputs: Mapping[str, ScreenOutput] = field(default_factory=lambda: MappingProxyType({}))
    peers: PeerConfig | None = None  # None: this PC is the whole wall (no peer endpoint)
    control: ControlConfig | None = None  # None: no control page
    drill: str | None = None  # a place's code: its drill-down page shown from the first data on (screenshot runs)
    drill_idle_minutes: float = 10.0  # drilled in this long without a drill-down command: back to the rotation

    @property
    def history_moment(self) -> datetime | None:
        """The first moment shown from the local store, or None on the live wall."""
        return self.replay.start if self.replay is not None else self.as_of

"""What one run of the wall was asked to do, gathered from the command line.

A frozen value passed from the command line to the application shell; no global
configuration dictionary anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..sync.client import DEFAULT_DEADLINE_S, DEFAULT_MAX_BODY_MB
from ..sync.history import ReplayPlan
from ..sync.service import Intervals


@dataclass(frozen=True)
class WallConfig:
    data_dir: Path
    store_url: str | None = None  # None: start the embedded demo store on loopback
    layout: str = "auto"  # "auto", a shipped layout name, or a path to a layout file
    language: str | None = None  # None: the layout's default
    screenshot_dir: Path | None = None  # render every screen after the first sync, then exit
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

    @property
    def history_moment(self) -> datetime | None:
        """The first moment shown from the local store, or None on the live wall."""
        return self.replay.start if self.replay is not None else self.as_of

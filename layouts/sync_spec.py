"""The layout's `[sync]` table: how often the wall polls the store while the layout shows.

A crisis layout promises figures fresh within seconds; a monthly scheme review does
not need the store asked every few seconds. So a layout may name its own polling
interval for observations, and the wall reschedules its polls when the layout on
screen changes (sync/service.py). A layout that says nothing keeps the command
line's `--poll-observations`. Qt-free, like every layout module.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from .tile_options import LAYOUT_MODEL_CONFIG

MIN_POLL_S = 1.0  # a store asked more often than once a second gains nothing for the wall
MAX_POLL_S = 300.0  # five minutes: slower than that, figures would look stale on any layout


class SyncSpec(BaseModel):
    """How often the wall asks the store for new observations while this layout shows:

        [sync]
        poll_observations = 5     # seconds; else the command line's --poll-observations

    Each poll sends the store's last ETag, so an unchanged store costs one 304."""

    model_config = LAYOUT_MODEL_CONFIG

    poll_observations: float | None = Field(
        default=None, ge=MIN_POLL_S, le=MAX_POLL_S,
        description=f"seconds between observation polls while this layout shows ({MIN_POLL_S:g}–{MAX_POLL_S:g}); "
                    "when absent, the command line's --poll-observations")

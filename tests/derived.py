"""Hand-made snapshots made the way the sync thread makes them: carrying derived facts.

The screens only read the alerts and explanations a snapshot carries (sync/derive.py);
the wall asks for those its layout shows. Tests that hand a snapshot to a tile or a
wall do the same here, so they test what the wall really shows.
"""

from __future__ import annotations

from pathlib import Path

from cmwall.layouts.loader import SHIPPED_LAYOUTS, load_layout
from cmwall.sync.derive import derive
from cmwall.sync.derived_facts import Wants
from cmwall.sync.snapshot import Snapshot
from cmwall.sync.thresholds import DEFAULT_THRESHOLDS
from cmwall.widgets.base import Tile

CITY_LAYOUT = Path(__file__).resolve().parent.parent / "layouts" / "city_crisis.toml"


def for_tile(tile: Tile, snapshot: Snapshot) -> Snapshot:
    """`snapshot` with what `tile` shows derived, as its layout would have asked."""
    return derive(snapshot, Wants((tile.context.thresholds,), tile.options.explains(), tile.options.projects()))


def show(tile: Tile, snapshot: Snapshot) -> None:
    """Hand `snapshot` to `tile` as the wall does: derived on the sync side first."""
    tile.apply(for_tile(tile, snapshot))


def shipped_wants() -> Wants:
    """What every shipped layout (and the city profile's) asks, and the catalog-only judgement."""
    wants = Wants((DEFAULT_THRESHOLDS,))
    for name in (*SHIPPED_LAYOUTS, str(CITY_LAYOUT)):
        wants = wants | load_layout(name).spec.wants()
    return wants


def for_wall(snapshot: Snapshot) -> Snapshot:
    """`snapshot` carrying what any shipped layout shows."""
    return derive(snapshot, shipped_wants())

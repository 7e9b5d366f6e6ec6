"""Builds the tile a layout asks for, by its registered name, or a placeholder.

The registry (widgets/registry.py) maps layout names to tile classes; a name that
is not registered yet, or a tile whose constructor fails, becomes a
`PlaceholderTile` naming the problem — the rest of the wall carries on.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QWidget

from ..layouts.schema import TileBase
from ..widgets.base import Tile, TileContext
from ..widgets.registry import tile_class
from .placeholder import PlaceholderTile

log = logging.getLogger(__name__)


def build_tile(spec: TileBase, context: TileContext, parent: QWidget | None = None) -> Tile:
    try:
        cls = tile_class(spec.type)
    except KeyError:
        log.warning("tile type %r is not registered: showing a placeholder", spec.type)
        return PlaceholderTile(spec.type, context.tr("This build has no tile of this type yet."),
                               spec.options, context, parent)
    except Exception as err:  # a tile module that fails to import must not take the wall down
        log.exception("tile modules failed to load")
        return PlaceholderTile(spec.type, f"{type(err).__name__}: {err}", spec.options, context, parent)
    try:
        return cls(spec.options, context, parent)
    except Exception as err:
        log.exception("tile %r failed to build", spec.type)
        return PlaceholderTile(spec.type, f"{type(err).__name__}: {err}", spec.options, context, parent)

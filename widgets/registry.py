"""The widget class of each tile type, resolved from its one declaration.

Tile types are declared in layouts/tile_types.py (name, option model, option
version, widget) so layouts stay Qt-free; this module imports the widget a type
names, on first use, and checks it takes the declared options. The wall builds
tiles by name here, and the shared tile tests run over every declared type.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from ..layouts.tile_types import TILE_TYPES
from .base import Tile


@cache
def tile_class(name: str) -> type[Tile]:
    """The widget class of tile type `name`; KeyError for a type nobody declared."""
    try:
        declared = TILE_TYPES[name]
    except KeyError:
        raise KeyError(f"unknown tile type {name!r}; known: {', '.join(sorted(TILE_TYPES))}") from None
    module, _, attribute = declared.widget.partition(":")
    cls = getattr(import_module(module), attribute)
    if not (isinstance(cls, type) and issubclass(cls, Tile)):
        raise TypeError(f"tile type {name!r}: {declared.widget} is not a Tile")
    if cls.options_model is not declared.options or cls.type_name != name:
        raise TypeError(f"tile type {name!r}: {declared.widget} takes {cls.options_model.__name__} as "
                        f"{cls.type_name!r}, declared {declared.options.__name__}")
    return cls


def registered() -> dict[str, type[Tile]]:
    """Every declared tile type's widget class, by name."""
    return {name: tile_class(name) for name in TILE_TYPES}

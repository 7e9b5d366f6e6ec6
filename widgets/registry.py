"""Tile types by the stable names layout files use.

A widget class registers itself with `@register("kpi")`; the wall builds tiles by
name, and the shared contract test runs over everything registered here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from .base import Tile

_REGISTRY: dict[str, type["Tile"]] = {}

T = TypeVar("T", bound="type[Tile]")


def register(name: str):  # type: ignore[no-untyped-def]
    def decorate(cls: T) -> T:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(f"tile type {name!r} registered twice")
        cls.type_name = name
        _REGISTRY[name] = cls
        return cls

    return decorate


def tile_class(name: str) -> type["Tile"]:
    load_all()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown tile type {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def registered() -> dict[str, type["Tile"]]:
    load_all()
    return dict(_REGISTRY)


def load_all() -> None:
    """Import every tile module so each registers itself."""
    from . import tiles  # noqa: F401  (imports each tile module)

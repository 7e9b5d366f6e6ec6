"""The tile widgets; which class draws which tile type is declared in layouts/tile_types.py."""

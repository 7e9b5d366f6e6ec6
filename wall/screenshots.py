"""Writing what every wall window shows to PNG files.

Used by `--screenshot DIR` (render once after the first sync, then exit) and by the
operator's screenshot key. Windows are rendered with `QWidget.grab()`, which works
the same on a real display and on the offscreen platform.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QWidget

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_stem(text: str) -> str:
    return _UNSAFE.sub("_", text).strip("_") or "screen"


def save_window_images(directory: Path, windows: Sequence[tuple[str, QWidget]]) -> list[Path]:
    """Grab each window into `directory`/<stem>.png; raises OSError if one cannot be written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, window in windows:
        path = directory / f"{safe_stem(stem)}.png"
        if not window.grab().save(str(path), "PNG"):
            raise OSError(f"cannot write {path}")
        paths.append(path)
    return paths

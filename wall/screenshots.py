"""Writing what every wall window shows to PNG files, each with its audit record.

Used by `--screenshot DIR` (render once after the first sync, then exit), by
`--as-of` / `replay` screenshot sets and by the operator's screenshot key. Windows
are rendered with `QWidget.grab()`, which works the same on a real display and on the
offscreen platform; while a window is grabbed every text it paints is recorded, and
`<stem>.json` beside `<stem>.png` says what the screen showed (wall/audit.py).

One window's picture is held at a time: it is grabbed, written and let go before the
next window is grabbed (a 1080p window is 8.3 MB, a 4K one 33 MB; holding the last
one while grabbing the next put two on top of the wall's peak memory, issue 12).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QWidget

from .audit import TextRecording, recording, screen_record, write_record

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_stem(text: str) -> str:
    return _UNSAFE.sub("_", text).strip("_") or "screen"


def save_window_images(directory: Path, windows: Sequence[tuple[str, QWidget]], *,
                       layout: tuple[str, str] | None = None) -> list[Path]:
    """Grab each window into `directory`/<stem>.png and write <stem>.json beside it;
    raises OSError if one cannot be written. `layout` is (file stem, display name)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, window in windows:
        path = directory / f"{safe_stem(stem)}.png"
        texts = _grab_into(window, path)
        write_record(path.with_suffix(".json"), screen_record(window, texts, layout=layout, image=path.name))
        paths.append(path)
    return paths


def _grab_into(window: QWidget, path: Path) -> TextRecording:
    """Grab `window` into the PNG file `path`, recording every text it paints; the picture
    is let go on return, before the next window is grabbed."""
    with recording() as texts:
        image = window.grab()
    if not image.save(str(path), "PNG"):
        raise OSError(f"cannot write {path}")
    return texts

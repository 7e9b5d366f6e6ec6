"""The audit record of a screen: what it showed, as data, beside its screenshot.

Every screenshot `<stem>.png` gets a `<stem>.json`: layout, screen, page, language,
the moment shown (live, or `--as-of` / replay history), the header and status strip,
and for each tile on screen its type, title, state (ok / no data / waiting / error),
freshness and every text it painted in reading order (top to bottom, then left to
right), with the texts that were cut short ("…") listed again under "elided". Tests
read these records instead of pixels; an auditor reads them to answer "what did the
wall say at 10:32?".

Texts are caught while a window is grabbed: `paint_kit.draw_text` reports each one to
the recorder installed here, and nothing is recorded the rest of the time. Text a
tile does not paint itself is read from the widgets that hold it: plain labels (charts
paint their axes with draw_text too, widgets/plot_paint.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QWidget

from ..sync.period_time import IST
from ..sync.ranking.fallback import RankingReason
from ..widgets import paint_kit
from ..widgets.base import Tile
from ..widgets.data_age import DataAge
from ..widgets.painted_tile import PaintedTile, TileMessage
from .placeholder import PlaceholderTile
from .status_text import ranking_reason_text

# TileMessage texts that mean the layout and the catalog disagree, or a tile failed.
_ERROR_PHRASES = ("unknown KPI", "unknown entity", "unknown department", "unknown scheme", "unknown sector",
                  "map unavailable", "no ranking for level")
_WAITING = "waiting for first data"


@dataclass(frozen=True)
class PaintedText:
    """One text as painted, in the coordinates of the tile that painted it."""

    text: str  # what the tile asked for
    shown: str  # what is on screen ("…" when cut)
    x: float
    y: float
    width: float
    height: float
    size: int  # pixel size drawn
    requested: int  # pixel size asked for
    source: str = "painted"  # painted | axis | label

    @property
    def elided(self) -> bool:
        return self.shown != self.text

    @property
    def shrunk(self) -> bool:
        return self.size < self.requested

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.shown, "rect": [round(v, 1) for v in (self.x, self.y, self.width, self.height)],
                               "size": self.size, "source": self.source}
        if self.elided:
            out["full_text"] = self.text
        if self.shrunk:
            out["requested_size"] = self.requested
        return out


class TextRecording:
    """Every text `draw_text` paints while active, by the tile it belongs to."""

    def __init__(self) -> None:
        self.by_tile: dict[int, list[PaintedText]] = {}
        self._tiles: dict[int, Tile] = {}  # keeps each key's tile alive, so ids stay unique

    def record(self, painter: QPainter, rect: QRectF, text: str, shown: str, size: int, requested: int,
               align: Qt.AlignmentFlag) -> None:
        device = painter.device()
        if not isinstance(device, QWidget):
            return
        tile = _tile_of(device)
        if tile is None:
            return
        drawn = painter.boundingRect(rect, int(align) | int(Qt.TextFlag.TextSingleLine), shown)
        box = painter.transform().mapRect(drawn)
        if device is not tile:
            offset = device.mapTo(tile, QPoint(0, 0))
            box.translate(offset.x(), offset.y())
        self._tiles[id(tile)] = tile
        self.by_tile.setdefault(id(tile), []).append(
            PaintedText(text, shown, box.x(), box.y(), box.width(), box.height(), size, requested))

    def texts_of(self, tile: Tile) -> list[PaintedText]:
        return list(self.by_tile.get(id(tile), []))


def _tile_of(widget: QWidget | None) -> Tile | None:
    while widget is not None and not isinstance(widget, Tile):
        widget = widget.parentWidget()
    return widget


@contextmanager
def recording() -> Iterator[TextRecording]:
    """Record the texts painted inside the `with` block (e.g. around `window.grab()`)."""
    rec = TextRecording()
    previous = paint_kit.set_text_recorder(rec.record)
    try:
        yield rec
    finally:
        paint_kit.set_text_recorder(previous)


# --- texts not painted by draw_text --------------------------------------------------------

def _label_texts(tile: Tile) -> list[PaintedText]:
    out = []
    for label in tile.findChildren(QLabel):
        if label.isVisible() and label.text():
            g = label.geometry()
            parent = label.parentWidget()
            pos = parent.mapTo(tile, g.topLeft()) if parent is not None and parent is not tile else g.topLeft()
            size = label.font().pixelSize()
            out.append(PaintedText(label.text(), label.text(), pos.x(), pos.y(), g.width(), g.height(), size, size,
                                   "label"))
    return out


def reading_order(texts: list[PaintedText]) -> list[PaintedText]:
    """Top to bottom, then left to right: texts whose middles lie within one line's height
    are on that line."""
    lines: list[list[PaintedText]] = []
    for item in sorted(texts, key=lambda t: (t.y + t.height / 2, t.x)):
        middle = item.y + item.height / 2
        if lines:
            first = lines[-1][0]
            if first.y <= middle <= first.y + first.height:
                lines[-1].append(item)
                continue
        lines.append([item])
    return [item for line in lines for item in sorted(line, key=lambda t: t.x)]


# --- the record --------------------------------------------------------------------------

def tile_state(tile: Tile) -> str:
    """ok, no data, waiting or error: what the tile is showing, from its view model."""
    if isinstance(tile, PlaceholderTile):
        return "error"
    if not isinstance(tile, PaintedTile):
        return "ok"
    model = tile.model
    tr = tile.context.tr
    if model is None:
        return "waiting"
    if isinstance(model, TileMessage):
        if model.text == tr(_WAITING):
            return "waiting"
        if any(model.text.startswith(tr(phrase)) for phrase in _ERROR_PHRASES):
            return "error"
        return "no data"
    age = getattr(model, "age", None)
    if isinstance(age, DataAge) and age.state == "not_fed":
        return "no data"
    return "ok"


def tile_title(tile: Tile) -> str:
    if isinstance(tile, PlaceholderTile):
        return tile.title.text()
    model = getattr(tile, "model", None)
    for name in ("title", "heading"):
        value = getattr(model, name, None)
        if isinstance(value, str) and value:
            return value
    default = tile.default_heading() if isinstance(tile, PaintedTile) else tile.type_name.title()
    return tile.heading(default)


def tile_record(tile: Tile, rec: TextRecording, spec: Any | None) -> dict[str, Any]:
    texts = reading_order(rec.texts_of(tile) + _label_texts(tile))
    model = getattr(tile, "model", None)
    age = getattr(model, "age", None)
    record: dict[str, Any] = {
        "type": tile.missing_type if isinstance(tile, PlaceholderTile) else tile.type_name,
        "title": tile_title(tile),
        "state": tile_state(tile),
        "freshness": {"state": age.state, "text": age.text} if isinstance(age, DataAge) else None,
        "row": getattr(spec, "row", None),
        "col": getattr(spec, "col", None),
        "row_span": getattr(spec, "row_span", None),
        "col_span": getattr(spec, "col_span", None),
        "texts": [t.shown for t in texts],
        "elided": [t.text for t in texts if t.elided],
        "shrunk": [t.shown for t in texts if t.shrunk],
        "painted": [t.as_json() for t in texts],
    }
    if isinstance(tile, PlaceholderTile):
        record["message"] = tile.reason
    elif isinstance(model, TileMessage):
        record["message"] = model.text
    return record


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(IST).isoformat(timespec="seconds") if moment is not None else None


def reason_record(reason: RankingReason, language: str) -> dict[str, Any]:
    """Why this ranking is shown: the reason's fields, and its words on the wall."""
    return {
        "kind": reason.kind.value,
        "shown": reason.shown,
        "error": reason.error,
        "central_computed_at": _iso(reason.central_computed_at),
        "newest_observation": _iso(reason.newest_observation),
        "text": ranking_reason_text(reason, language),
    }


def screen_record(window: QWidget, rec: TextRecording, *, layout: tuple[str, str] | None = None,
                  image: str = "") -> dict[str, Any]:
    """The audit record of one wall window (a `ScreenWindow`, read by its attributes)."""
    spec = getattr(window, "screen_spec", None)
    context = getattr(window, "context", None)
    snapshot = getattr(window, "snapshot", None)
    page_index = getattr(window, "current_page", 0)
    page = spec.pages[page_index] if spec is not None and spec.pages else None
    view = snapshot.history if snapshot is not None else None
    tiles: list[dict[str, Any]] = []
    if spec is not None:
        pinned = list(zip(getattr(window, "pinned", []), spec.pinned))
        pages = getattr(window, "pages", [])
        shown = list(zip(pages[page_index], page.tiles)) if page is not None and page_index < len(pages) else []
        tiles = [tile_record(tile, rec, tile_spec) for tile, tile_spec in pinned + shown
                 if not tile.isHidden()]  # a sensitive tile hidden in presentation mode is not on screen
    strip = getattr(window, "strip", None)
    ranking = snapshot.ranking if snapshot is not None else None
    language = context.language if context is not None else "en"
    return {
        "image": image,
        "layout": layout[0] if layout else None,
        "layout_name": layout[1] if layout else None,
        "screen": spec.id if spec is not None else None,
        "screen_title": spec.title if spec is not None else None,
        "page": page_index if spec is not None else None,
        "page_title": page.title if page is not None else None,
        "pages": len(spec.pages) if spec is not None else 0,
        "language": context.language if context is not None else None,
        "mode": view.mode if view is not None else "live",
        "as_of": _iso(view.moment) if view is not None else None,
        "replay": {"speed": view.speed, "until": _iso(view.until)} if view is not None and view.until else None,
        "shown_at": _iso(context.now()) if context is not None else None,
        "created_at": _iso(datetime.now(UTC)),
        "snapshot_id": snapshot.id if snapshot is not None else None,
        "data_as_of": _iso(snapshot.data_as_of) if snapshot is not None else None,
        "ranking": {"source": ranking.source, "period": ranking.period,
                    "reason": reason_record(snapshot.ranking_reason, language)}
        if ranking is not None and snapshot is not None else None,
        "header": [label.text() for label in (getattr(window, "title", None), getattr(window, "page_marks", None),
                                              getattr(window, "paused_label", None))
                   if isinstance(label, QLabel) and label.text()],
        "status_strip": (strip.texts() + [strip.clock.text()]) if strip is not None else [],
        "status_strip_clipped": strip.clipped_texts() if strip is not None else [],
        "tiles": tiles,
    }


def write_record(path: Path, record: dict[str, Any]) -> None:
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

"""Base of the tiles drawn with QPainter from a frozen view model.

`show_snapshot(snapshot)` turns the snapshot into a small frozen dataclass (the *view
model*: exactly the strings and numbers on screen) — on a wall off the GUI thread, by
the context's ModelStage (view_models.py). Only when it differs from the
one on screen is the tile repainted — so a poll that changes nothing repaints
nothing, numbers never flicker, and one poll costs one paint (Qt coalesces
`update()`). A tile's inputs (`model_inputs`) leave the clock out: a slow timer
asks, once the minute has turned, for a low-priority *refresh* of the model so
"updated 12 min ago" keeps counting and a figure that fell overdue is marked within
a minute, without a data change waiting behind 192 such rebuilds (view_models.py). Before the first data, and when a layout names an unknown KPI or entity,
the tile shows a calm message instead of failing.

On a wall the stage also paints the tile, into a picture, when it applies a new model
(`prepare_picture`, inside its time budget per turn), and the window's next paint event
copies the picture: the paints of every tile applied in one turn used to land together
in one frame (up to 50 ms of GUI-thread CPU at state scale). The picture is let go once
copied, so 192 tiles hold no second copy of the screen.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QHideEvent, QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QWidget

from ..layouts.tile_options import TileOptions
from ..sync.snapshot import Snapshot
from .base import Tile, TileContext
from .data_age import DataAge
from .fitted_text import heading_height, paint_fitted_heading
from .look import theme
from .paint_kit import ALIGN_CENTER, colour, draw_text, recording_texts
from .per_snapshot import same_inputs

log = logging.getLogger(__name__)
REASON_CHARS = 80  # a failed build's reason on screen: one short line, the traceback is in the log


@dataclass(frozen=True)
class TileMessage:
    """What a tile shows instead of data: waiting, or a layout/catalog mismatch."""

    heading: str
    text: str
    age: DataAge | None = None


@dataclass(frozen=True)
class BuildFailure(TileMessage):
    """Shown when building the tile's model raised: never the previous model, which would
    pass an old figure off as current. The tile forgets what that model was built from,
    so the next snapshot builds it again."""


def short_reason(error: BaseException) -> str:
    """One line naming what went wrong, short enough for a tile."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


class PaintedTile(Tile):
    AGE_REFRESH_MS = 30_000

    def __init__(self, options: TileOptions, context: TileContext, parent: QWidget | None = None) -> None:
        super().__init__(options, context, parent)
        self.paint_count = 0  # paintEvents so far (tests: one poll → one repaint)
        self.model: Any = None
        self.model_snapshot: Snapshot | None = None  # the snapshot whose model is on screen or on its way
        self._inputs: tuple[Any, ...] | None = None  # what that model was built from (model_inputs)
        self.skipped = 0  # snapshots whose model would be the one already built (tests, benchmarks)
        self._logged_failures: set[tuple[type[BaseException], str]] = set()  # each failure's traceback logged once
        self.scale = theme.TypeScale.for_height(180)
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(self.AGE_REFRESH_MS)
        self._age_timer.timeout.connect(self.refresh_ages)
        self._age_minute: datetime | None = None  # the minute the model on screen or on its way was built in
        # On a wall, the tile as painted for its new model (`prepare_picture`): the window's next
        # paint event copies it instead of painting every text in the same frame as other tiles.
        self._picture: QImage | None = None
        self._picture_for: tuple[Any, QSize, float, str] | None = None  # (model, size, device pixel ratio, language)
        self.picture_renders = 0  # pictures painted (tests, benchmarks)
        self.picture_ms = 0.0  # what painting the last one took: the model stage's guess at the next
        # While a page turn fades in (wall/screen_window.py): the picture painted for the fade's
        # grab is kept, so the page shown when the fade ends is copied, not painted a second time.
        self.hold_picture = False
        self._unpainted = False  # a model was applied that no paint has shown yet
        self.setMinimumSize(160, 90)

    # --- contract ---------------------------------------------------------------

    def show_snapshot(self, snapshot: Snapshot) -> None:
        if not self._age_timer.isActive() and self.AGE_REFRESH_MS:
            self._age_timer.start()
        inputs = self.model_inputs(snapshot) if snapshot.catalog is not None else None
        if inputs is not None and self._inputs is not None and same_inputs(inputs, self._inputs):
            self.skipped += 1  # nothing it shows changed: the model built (or being built) stands
            if self.context.models is None or self.context.models.settled(self):
                # The newer snapshot stands for the model on screen, so the older one and all its data can
                # go: a tile whose figures never change would otherwise hold its first snapshot for good
                # (at 3,400 KPIs, idle tiles held up to 8 snapshots, ~60 MB). Not while a build is on its
                # way: the stage shows a build only for the snapshot the tile last asked for.
                self.model_snapshot = snapshot
            return
        self._inputs, self.model_snapshot = inputs, snapshot
        self._age_minute = self._minute()
        if snapshot.catalog is None:
            self.show_model(TileMessage(self.heading(self.default_heading()), self.context.tr("waiting for first data")))
        elif self.context.models is not None:
            self.context.models.request(self, snapshot)  # built on the stage's thread, shown when ready
        else:
            self.show_model(self.model_or_failure(snapshot))

    def refresh_ages(self) -> None:
        """The minute turned since the model was built: build it again for its snapshot so its
        age words and overdue/stale marks are current — after any waiting data change."""
        snapshot = self.model_snapshot
        if snapshot is None or snapshot.catalog is None or self._age_minute == self._minute():
            return
        self._age_minute = self._minute()
        if self.context.models is not None:
            self.context.models.request(self, snapshot, refresh=True)
        else:
            self.show_model(self.model_or_failure(snapshot))

    def _minute(self) -> datetime:
        return self.context.now().replace(second=0, microsecond=0)

    def cleanup(self) -> None:
        self._age_timer.stop()
        if self.context.models is not None:
            self.context.models.forget(self)

    def model_or_failure(self, snapshot: Snapshot) -> Any:
        """`build_model(snapshot)`, or the BuildFailure to show when it raises (on any thread)."""
        try:
            return self.build_model(snapshot)
        except Exception as error:  # a tile's bug must not stop the wall, nor leave an old figure shown
            return self.failure_model(error)

    def failure_model(self, error: Exception) -> BuildFailure:
        """What the tile shows when building its model raised `error`; the traceback is
        logged the first time this tile fails so (not at every poll that retries it)."""
        key = (type(error), str(error))
        if key not in self._logged_failures:
            self._logged_failures.add(key)
            log.error("building the view model of a %s tile failed", self.type_name, exc_info=error)
        return BuildFailure(self.heading(self.default_heading()), self.context.tr("could not show this: {reason}").format(reason=short_reason(error)))

    def show_model(self, model: Any) -> None:
        if isinstance(model, BuildFailure):
            self._inputs = None  # the next snapshot builds again, even with the same inputs
        if model == self.model:
            return
        self.model = model
        self._unpainted = True  # the screen shows an older model until the next paint
        self.model_changed(model)
        # Painted in the window's next paint event, which Qt coalesces with the other tiles
        # applied in this turn: a synchronous repaint() per tile cost the GUI thread one
        # backing-store flush each. Models are applied a few per turn (view_models.py), so
        # a crisis figure still reaches the screen one turn after its model is built.
        self.update()

    # --- for subclasses ---------------------------------------------------------------

    def default_heading(self) -> str:
        return self.type_name.title()

    def build_model(self, snapshot: Snapshot) -> Any:
        """The view model of `snapshot`. Runs on the model stage's thread on a wall: it may
        read the snapshot, `self.options` and `self.context`, never the widget (size,
        children) nor change the tile; what the GUI must keep goes in `model_changed`."""
        raise NotImplementedError

    def model_inputs(self, snapshot: Snapshot) -> tuple[Any, ...] | None:
        """Everything `build_model(snapshot)` reads, cheap to gather on the GUI thread; a
        snapshot with the same inputs as the model already built is skipped (a poll that
        changed 200 values rebuilds only the tiles that show them). None: always build."""
        return None

    def paint_model(self, painter: QPainter, rect: QRectF, model: Any) -> None:
        raise NotImplementedError

    def model_changed(self, model: Any) -> None:
        """A new model is about to be painted (charts feed their plot items here)."""

    def relayout(self) -> None:
        """The tile was resized (child widgets move here)."""

    @property
    def pad(self) -> float:
        return max(6.0, self.scale.small * 0.6)

    def heading_rect(self) -> QRectF:
        return QRectF(self.pad, self.pad * 0.6, self.width() - 2 * self.pad, heading_height(self.scale.title, self.context.bilingual))

    def body_rect(self) -> QRectF:
        top = self.heading_rect().bottom() + self.pad * 0.4
        return QRectF(self.pad, top, self.width() - 2 * self.pad, self.height() - top - self.pad)

    def paint_heading(self, painter: QPainter, title: str, age: DataAge | None) -> None:
        paint_fitted_heading(painter, self.heading_rect(), self.pad, title, age, self.scale.title, self.scale.small)

    # --- Qt -----------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        # Narrow tiles are scaled by width too, so long names still fit.
        self.scale = theme.TypeScale.for_height(min(self.height(), int(self.width() * 0.6)))
        self.relayout()
        super().resizeEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt override)
        self._picture = self._picture_for = None
        super().hideEvent(event)

    def prepare_picture(self) -> None:
        """On a wall: paint the tile for its model now, into a picture, if it is on screen.
        The model stage calls this right after applying a model, inside its time budget per
        event-loop turn, so the window's next paint event (every tile applied in that turn at
        once) only copies pictures: the cost of painting is spread over turns instead of
        landing in one frame. The picture is let go once copied (the window keeps the pixels;
        192 tile-sized pictures would hold ~30 MB), so any other repaint paints directly."""
        if self.context.models is None or not self._unpainted or not self.isVisible() or recording_texts():
            return  # (an unchanged model asks for no paint: no picture either)
        self._paint_picture()

    def _paint_picture(self) -> QImage:
        key = self._picture_key()
        if self._picture is not None and self._same_picture_key(key):
            return self._picture
        started = time.perf_counter()
        ratio = key[2]
        image = QImage(self.size() * ratio, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        self.paint_tile(painter)
        painter.end()
        self._picture, self._picture_for = image, key
        self.picture_renders += 1
        self.picture_ms = (time.perf_counter() - started) * 1000
        return image

    def _picture_key(self) -> tuple[Any, QSize, float, str]:
        return (self.model, self.size(), self.devicePixelRatioF(), self.context.language)

    def _same_picture_key(self, key: tuple[Any, QSize, float, str]) -> bool:
        held = self._picture_for
        return held is not None and held[0] is key[0] and held[1:] == key[1:]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        self.paint_count += 1
        self._unpainted = False
        painter = QPainter(self)
        picture = self._picture
        if self.hold_picture and self.context.models is not None and not recording_texts():
            painter.drawImage(0, 0, self._paint_picture())  # kept until the fade is over
        elif picture is not None and not recording_texts() and self._same_picture_key(self._picture_key()):
            painter.drawImage(0, 0, picture)  # clipped to the region Qt asked for
        else:  # no picture of this model and size (a tile on its own, an exposure), or an audit record of each text
            self.paint_tile(painter)
        if not self.hold_picture:
            self._picture = self._picture_for = None
        painter.end()

    def paint_tile(self, painter: QPainter) -> None:
        """The whole tile for its model: panel, heading and body."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setPen(colour(theme.PANEL_BORDER))
        painter.setBrush(colour(theme.PANEL))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        model = self.model
        if model is None:
            model = TileMessage(self.heading(self.default_heading()), self.context.tr("waiting for first data"))
        if isinstance(model, BuildFailure):  # "could not show this:" over its reason, each shrunk to fit
            self.paint_heading(painter, model.heading, model.age)
            body, (said, _, reason) = self.body_rect(), model.text.partition(": ")
            half = body.height() / 2
            draw_text(painter, QRectF(body.left(), body.top(), body.width(), half), said + ":", self.scale.body,
                      fg=theme.TEXT_DIM, align=ALIGN_CENTER, shrink=True)
            draw_text(painter, QRectF(body.left(), body.top() + half, body.width(), half), reason, self.scale.small,
                      fg=theme.TEXT_DIM, align=ALIGN_CENTER, shrink=True)
        elif isinstance(model, TileMessage):
            self.paint_heading(painter, model.heading, model.age)
            draw_text(painter, self.body_rect(), model.text, self.scale.body, fg=theme.TEXT_DIM, align=ALIGN_CENTER)
        else:
            self.paint_model(painter, self.body_rect(), model)

"""Drawing helpers shared by the painted tiles: fonts, plain text, chips, freshness.

Tiles draw store text (entity and KPI names) only through `QPainter.drawText`, which
never interprets markup, and all sizes come from `look.theme.TypeScale`, so the same
code reads from across the room on a 1080p and on a 4K wall.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from .data_age import DataAge
from .look import theme

ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ALIGN_CENTER = Qt.AlignmentFlag.AlignCenter


@lru_cache(maxsize=256)
def font(pixel_size: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(theme.FONT_FAMILIES)
    f.setPixelSize(max(6, int(pixel_size)))
    f.setBold(bold)
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return f


@lru_cache(maxsize=64)
def colour(name: str) -> QColor:
    return QColor(name)


# Texts' widths and fittings are asked again at every paint of every tile (names, headings,
# figures that did not change): measured once each. Bounded, so changing figures cannot grow it.
TEXT_CACHE_SIZE = 16_384


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def text_width(text: str, pixel_size: int, bold: bool = False) -> float:
    return QFontMetricsF(font(pixel_size, bold)).horizontalAdvance(text)


# (painter with the text's font set, rect, text asked for, text as drawn, pixel size drawn,
#  pixel size asked for, alignment)
TextRecorder = Callable[[QPainter, QRectF, str, str, int, int, Qt.AlignmentFlag], None]
_text_recorder: TextRecorder | None = None  # set only while a screen's audit record is taken


def set_text_recorder(recorder: TextRecorder | None) -> TextRecorder | None:
    """Report every text painted to `recorder` (wall/audit.py, while grabbing a screen); returns
    the previous one. With none set, drawing pays one global lookup per text."""
    global _text_recorder
    previous, _text_recorder = _text_recorder, recorder
    return previous


def recording_texts() -> bool:
    """Is a screen's audit record being taken? (Then text cached as pixels must be painted again.)"""
    return _text_recorder is not None


def record_text(painter: QPainter, rect: QRectF, text: str, shown: str, size: int, requested: int,
                align: Qt.AlignmentFlag = ALIGN_LEFT) -> None:
    """For text painted without `draw_text` (wrapped lines): tell the recorder, if any. Call it
    with the painter's font set, just before drawing."""
    if _text_recorder is not None:
        _text_recorder(painter, rect, text, shown, size, requested, align)


def draw_text(
    painter: QPainter,
    rect: QRectF,
    text: str,
    pixel_size: int,
    *,
    fg: str = theme.TEXT,
    bold: bool = False,
    align: Qt.AlignmentFlag = ALIGN_LEFT,
    shrink: bool = False,
) -> float:
    """Draw one line of plain text elided to `rect`; returns the width used.

    A short figure ("1,234", "‼ 9 h", "8.27") is never elided — "1…" would be a wrong
    number on the wall — it is drawn smaller until it fits instead; so is any text
    with `shrink` (a legend entry that carries a threshold)."""
    shown, size = fitted_text(text, pixel_size, rect.width(), bold, shrink=shrink)
    painter.setFont(font(size, bold))
    painter.setPen(colour(fg))
    if _text_recorder is not None:
        _text_recorder(painter, rect, text, shown, size, pixel_size, align)
    painter.drawText(rect, int(align) | int(Qt.TextFlag.TextSingleLine), shown)
    return text_width(shown, size, bold)


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def fitted_text(text: str, pixel_size: int, width: float, bold: bool = False, *, shrink: bool = False) -> tuple[str, int]:
    """(text as drawn, pixel size): figures shrink to fit; other text is elided, but
    only in its words, never in its figures (see `elide_keeping_figures`)."""
    size = pixel_size
    metrics = QFontMetricsF(font(size, bold))
    if shrink or _is_figure(text):
        while metrics.horizontalAdvance(text) > width and size > max(6, pixel_size // 2):
            size -= 1
            metrics = QFontMetricsF(font(size, bold))
    return elide_keeping_figures(text, metrics, max(0.0, width)), size


_NO_DIGITS = re.compile(r"[^\d]+")


def elide_keeping_figures(text: str, metrics: QFontMetricsF, width: float) -> str:
    """`text` cut to `width` in its longest stretch without digits, so a rank, count,
    date or threshold stays whole: "Why is Prakash Superspec… 129th? · Nov 2026",
    never "Why is Prakash Superspeciality Hosp…". Text that still cannot fit is cut at
    the end as usual."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    stretches = [m for m in _NO_DIGITS.finditer(text) if len(m.group().strip()) > 3]
    if stretches and any(c.isdigit() for c in text):
        longest = max(stretches, key=lambda m: len(m.group()))
        head, words, tail = text[: longest.start()], longest.group(), text[longest.end():]
        room = width - metrics.horizontalAdvance(head) - metrics.horizontalAdvance(tail)
        trailing = " " if words.endswith(" ") else ""
        if room > metrics.horizontalAdvance("…" + trailing) * 2:
            cut = metrics.elidedText(words.rstrip(), Qt.TextElideMode.ElideRight, room - metrics.horizontalAdvance(trailing))
            if cut and cut != "…":
                candidate = head + cut + trailing + tail
                if metrics.horizontalAdvance(candidate) <= width:
                    return candidate
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


def _is_figure(text: str) -> bool:
    return len(text) <= 14 and any(c.isdigit() for c in text)


CHIP_PADDING = 0.3  # room each side of a chip's label, as a share of its pixel size


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def chip_label_size(label: str, pixel_size: int, width: float) -> int:
    """The largest size ≤ `pixel_size` at which `label` (bold, padded) fits a chip `width`
    wide: a grade name shrinks to fit, it is never cut to "Prag…"."""
    size = max(6, int(pixel_size))
    needed = text_width(label, size, True) + 2 * CHIP_PADDING * size
    if needed > width > 0:  # start near the answer (widths grow about linearly with size)
        size = max(6, min(size, int(size * width / needed) + 1))
    while size > 6 and text_width(label, size, True) + 2 * CHIP_PADDING * size > width:
        size -= 1
    return size


def draw_chip(painter: QPainter, rect: QRectF, label: str, fill: str, pixel_size: int) -> None:
    """A filled rounded chip with a dark label (a grade name, an alert symbol), shrunk to fit."""
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour(fill))
    radius = min(rect.width(), rect.height()) * 0.2
    painter.drawRoundedRect(rect, radius, radius)
    draw_text(painter, rect, label, chip_label_size(label, pixel_size, rect.width()), fg=theme.BACKGROUND, bold=True,
              align=ALIGN_CENTER, shrink=True)


def grade_chip_width(grades: Sequence[str], pixel_size: int) -> float:
    """How wide a grade chip must be to show the longest of `grades` (the catalog's grade
    names) whole at `pixel_size`, padding included. Reserve it for every row of a column,
    so the layout does not jump with the grade shown; callers keep a chip at least as
    wide as it is tall, so one-letter grades stay square."""
    longest = max((text_width(name, pixel_size, True) for name in grades), default=0.0)
    return longest + 2 * CHIP_PADDING * pixel_size


def grade_chip(painter: QPainter, rect: QRectF, grade: str | None, pixel_size: int,
               grades: Sequence[str] = theme.DEFAULT_GRADES) -> None:
    """`grade`'s chip, coloured by its place among `grades` (the catalog's names, best first)."""
    draw_chip(painter, rect, grade or "–", _grade_fill(grade, tuple(grades)), pixel_size)


@lru_cache(maxsize=256)
def _grade_fill(grade: str | None, grades: tuple[str, ...]) -> str:
    """theme.grade_colour, worked out once per grade and catalog (a ranking paints a chip a row)."""
    return theme.grade_colour(grade, grades)


def draw_age(painter: QPainter, rect: QRectF, age: DataAge, pixel_size: int) -> float:
    """Freshness symbol and text, right-aligned in `rect`; returns the width used."""
    tint = theme.FRESHNESS_COLOURS[age.state]
    label = f"{theme.FRESHNESS_SYMBOLS[age.state]} {age.text}"
    # Stale states get a tinted pill so they differ from fresh at a glance, not only by hue.
    width = min(rect.width(), text_width(label, pixel_size) + pixel_size)
    pill = QRectF(rect.right() - width, rect.center().y() - pixel_size * 0.75, width, pixel_size * 1.5)
    if age.state != "fresh":
        fill = QColor(tint)
        fill.setAlpha(60)
        painter.setPen(colour(tint))
        painter.setBrush(fill)
        painter.drawRoundedRect(pill, pixel_size * 0.3, pixel_size * 0.3)
    draw_text(painter, pill, label, pixel_size, fg=tint, align=ALIGN_CENTER)
    return width

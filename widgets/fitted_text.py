"""Text that shrinks a little to fit, and wraps, for headings and legends.

Long KPI and department names are the norm on this wall ("CM Helpline complaints
pending over 300 days"). Eliding them hides the part that matters, so headings
first shrink (to no less than `minimum` of their size) and only then elide, and
legend titles wrap onto a second line. Text is still plain (QPainter.drawText).
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter

from .data_age import DataAge
from .look import theme
from .look.i18n import BILINGUAL_SEPARATOR
from .paint_kit import TEXT_CACHE_SIZE, colour, draw_age, draw_text, font, record_text, text_width


def fitted_size(text: str, pixel_size: int, width: float, *, bold: bool = False, minimum: float = 0.72) -> int:
    """The largest size ≤ `pixel_size` (and ≥ minimum × it) at which `text` fits `width`."""
    needed = text_width(text, pixel_size, bold)
    if needed <= width or needed <= 0:
        return pixel_size
    return max(int(pixel_size * minimum), int(pixel_size * width / needed))


def draw_fitted(painter: QPainter, rect: QRectF, text: str, pixel_size: int, *, fg: str = theme.TEXT, bold: bool = False,
                minimum: float = 0.72) -> None:
    draw_text(painter, rect, text, fitted_size(text, pixel_size, rect.width(), bold=bold, minimum=minimum), fg=fg, bold=bold)


def draw_name(painter: QPainter, rect: QRectF, text: str, pixel_size: int, *, fg: str = theme.TEXT) -> None:
    """A name in a table row (a department, a KPI): one line when it fits at a little under
    `pixel_size`, else two smaller lines centred in the row — a bilingual name ('Health ·
    આરોગ્ય') broken between its languages, any other between words — before any '…'."""
    one = fitted_size(text, pixel_size, rect.width(), minimum=0.85)
    if text_width(text, one) <= rect.width():
        draw_text(painter, rect, text, one, fg=fg)
        return
    px = max(6, min(pixel_size * 0.8, rect.height() / 2 / 1.4))
    first, separator, second = text.partition(BILINGUAL_SEPARATOR)
    parts = [first, second] if separator else []
    f = font(int(px))
    lines = parts or list(wrapped_lines(text, int(px), rect.width(), 2))
    line_h = QFontMetricsF(f).lineSpacing()
    top = rect.top() + max(0.0, (rect.height() - line_h * len(lines)) / 2)
    for i, line in enumerate(lines):
        draw_text(painter, QRectF(rect.left(), top + i * line_h, rect.width(), line_h), line, int(px), fg=fg,
                  shrink=bool(parts) or i == len(lines) - 1)


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def wrapped_lines(text: str, pixel_size: int, width: float, lines: int) -> tuple[str, ...]:
    """`text` broken between words into lines of `width` at `pixel_size`, at most `lines` of
    them (the last takes the rest). Worked out once per text and size: tiles paint the same
    names at every model change."""
    out: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if text_width(trial, pixel_size) <= width or not current:
            current = trial
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    return tuple(out[: lines - 1] + [" ".join(out[lines - 1:])] if len(out) > lines else out)


def fewer_parts(text: str, pixel_size: int, width: float, *, separator: str = " · ", minimum: float = 0.8) -> str:
    """`text` ('Civil Hospital · Morbi · Health') with its last parts left off until it fits
    `width` at `minimum` × `pixel_size`: the least telling part goes, not the end of a name."""
    parts = text.split(separator)
    while len(parts) > 1 and text_width(separator.join(parts), int(pixel_size * minimum)) > width:
        parts.pop()
    return separator.join(parts)


def draw_wrapped(painter: QPainter, rect: QRectF, text: str, pixel_size: int, *, fg: str = theme.TEXT_DIM, lines: int = 2) -> float:
    """Word-wrapped plain text in at most `lines` lines from the top of `rect`; returns the height used."""
    f = font(pixel_size)
    metrics = QFontMetricsF(f)
    line_height = metrics.lineSpacing()
    out = wrapped_lines(text, pixel_size, rect.width(), lines)
    painter.setFont(f)
    painter.setPen(colour(fg))
    for i, line in enumerate(out):
        shown = metrics.elidedText(line, Qt.TextElideMode.ElideRight, rect.width())
        record_text(painter, QRectF(rect.left(), rect.top() + i * line_height, rect.width(), line_height),
                    line, shown, pixel_size, pixel_size)
        painter.drawText(QRectF(rect.left(), rect.top() + i * line_height, rect.width(), line_height),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter) | int(Qt.TextFlag.TextSingleLine), shown)
    return len(out) * line_height


def paint_fitted_heading(painter: QPainter, heading: QRectF, pad: float, title: str, age: DataAge | None, title_px: int, small_px: int) -> None:
    """The tile heading: freshness on the right, the title shrunk to fit the rest. A
    bilingual title (its languages on two lines) shows the second language on its own
    smaller line under the first, so neither is cut to make room for the other."""
    used = 0.0
    # a long title may shrink to the tile's small type (no less than 0.6 of its own) before it is cut
    minimum = min(0.72, max(0.6, small_px / max(1, title_px)))
    first, _, second = title.partition("\n")
    first_h = heading.height() if not second else min(heading.height(), title_px * 1.35)
    if age is not None:
        used = draw_age(painter, QRectF(heading.left() + heading.width() * 0.35, heading.top(), heading.width() * 0.65, first_h), age, small_px)
    draw_fitted(painter, QRectF(heading.left(), heading.top(), heading.width() - used - pad, first_h), first, title_px, bold=True,
                minimum=minimum)
    if second:
        second = " · ".join(second.split("\n"))
        second_px = second_line_px(title_px)
        draw_fitted(painter, QRectF(heading.left(), heading.top() + first_h, heading.width() - pad, heading.bottom() - heading.top() - first_h),
                    second, second_px, fg=theme.TEXT_DIM, bold=True, minimum=minimum)


def second_line_px(title_px: int) -> int:
    """The size of a bilingual heading's second language: smaller, still readable."""
    return max(8, round(title_px * 0.78))


def heading_height(title_px: int, bilingual: bool) -> float:
    """The height of a tile heading of `title_px` type: one line, or two when bilingual."""
    return title_px * 1.35 + (second_line_px(title_px) * 1.3 if bilingual else 0.0)

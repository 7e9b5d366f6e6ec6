"""Where the ticks of a time axis go and what they say, for any granularity.

A trend may be of months, of days, or of hospital snapshots taken at irregular
instants. Its x axis is time itself (POSIX seconds), so the ticks are calendar
moments in IST — the first of a month, a midnight, a round hour — and their labels
carry what the span needs: "Oct 26" for months, "22 Nov" for days, "10:00" for hours
with the date where a day begins ("22 Nov 10:00" at the first tick, "23 Nov" at
midnight). The step is the finest that lets every label be drawn whole at the axis's
width (the caller measures text, so this stays Qt-free), never finer than the data:
monthly figures get no weekly ticks. The numbers of a value axis get "nice" steps
(1, 2, 2.5, 5 × 10ⁿ) the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

from ..sync.period_time import IST, Granularity, clock_label, day_label, month_name

Translate = Callable[[str], str]
Measure = Callable[[str], float]  # width of a label in pixels

Step = tuple[str, int]  # ("minute" | "hour" | "day" | "week" | "month", amount)

STEPS: tuple[Step, ...] = (
    ("minute", 1), ("minute", 5), ("minute", 10), ("minute", 15), ("minute", 30),
    ("hour", 1), ("hour", 2), ("hour", 3), ("hour", 6), ("hour", 12),
    ("day", 1), ("day", 2), ("week", 1), ("week", 2),
    ("month", 1), ("month", 2), ("month", 3), ("month", 6),
    ("month", 12), ("month", 24), ("month", 60), ("month", 120),
)
UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400, "month": 30 * 86400}
FINEST = {"instant": 0, "day": STEPS.index(("day", 1)), "month": STEPS.index(("month", 1))}
IST_OFFSET = 19800  # seconds east of UTC
MONDAY_SHIFT = 3  # 1970-01-01 (day 0) was a Thursday: day + 3 is a multiple of 7 on Mondays


def _same(text: str) -> str:
    return text


def _local(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).astimezone(IST)


def tick_moments(lo: float, hi: float, step: Step) -> list[float]:
    """POSIX seconds of the calendar moments of `step` in [lo, hi], in IST."""
    unit, amount = step
    if unit in ("minute", "hour", "day", "week"):
        size = UNIT_SECONDS[unit if unit != "week" else "day"] * (amount if unit != "week" else 7 * amount)
        shift = MONDAY_SHIFT * 86400 if unit == "week" else 0
        first = math.ceil((lo + IST_OFFSET + shift) / size) * size
        return [float(t - IST_OFFSET - shift) for t in range(int(first), int(hi + IST_OFFSET + shift) + 1, int(size))]
    start = _local(lo)
    index = start.year * 12 + start.month - 1
    if start != datetime(start.year, start.month, 1, tzinfo=IST):
        index += 1
    index = math.ceil(index / amount) * amount
    ticks: list[float] = []
    while True:
        moment = datetime(index // 12, index % 12 + 1, 1, tzinfo=IST).timestamp()
        if moment > hi:
            return ticks
        ticks.append(moment)
        index += amount


def tick_labels(ticks: list[float], step: Step, translate: Translate = _same) -> list[str]:
    """What each tick says: months 'Oct 26' (a year's worth of steps: '2026'), days and
    weeks '22 Nov', hours and minutes '10:00' with the date where a day begins."""
    unit, amount = step
    labels = []
    previous: datetime | None = None
    for seconds in ticks:
        local = _local(seconds)
        if unit == "month":
            labels.append(str(local.year) if amount % 12 == 0 else f"{month_name(local.month, translate)} {local.year % 100:02d}")
        elif unit in ("day", "week"):
            labels.append(day_label(local, translate))
        elif local.hour == 0 and local.minute == 0:
            labels.append(day_label(local, translate))  # midnight: the new day's date says it all
        elif previous is None or previous.date() != local.date():
            labels.append(f"{day_label(local, translate)} {clock_label(local)}")
        else:
            labels.append(clock_label(local))
        previous = local
    return labels


def _inside(ticks: list[float], step: Step, lo: float, hi: float, width: float, measure: Measure,
            translate: Translate) -> tuple[list[float], list[str]]:
    """The ticks whose labels, centred on them, lie inside the axis (an end tick's label
    would stick out and be dropped by the plot), labelled as the survivors need."""
    scale = width / (hi - lo)
    while True:
        labels = tick_labels(ticks, step, translate)
        keep = [i for i, (t, label) in enumerate(zip(ticks, labels))
                if measure(label) / 2 <= (t - lo) * scale and (t - lo) * scale + measure(label) / 2 <= width]
        if len(keep) == len(ticks):
            return ticks, labels
        ticks = [ticks[i] for i in keep]


def fits(ticks: list[float], labels: list[str], lo: float, hi: float, width: float, measure: Measure, gap: float) -> bool:
    """True when no two labels, centred on their ticks, come closer than `gap`."""
    scale = width / (hi - lo) if hi > lo else 0.0
    spans = [((t - lo) * scale - measure(label) / 2, (t - lo) * scale + measure(label) / 2) for t, label in zip(ticks, labels)]
    return all(b[0] - a[1] >= gap for a, b in zip(spans, spans[1:]))


def time_ticks(
    lo: float, hi: float, granularity: Granularity, width: float, measure: Measure,
    translate: Translate = _same, *, gap: float = 12.0,
) -> list[tuple[float, str]]:
    """(seconds, label) ticks for an axis showing [lo, hi] across `width` pixels: the
    finest calendar step (no finer than the data's granularity) whose labels fit, with
    at least two ticks when some step gives two."""
    if not hi > lo or width <= 0:
        return []
    single: list[tuple[float, str]] = []
    for step in STEPS[FINEST[granularity]:]:
        approx = UNIT_SECONDS[step[0]] * step[1]
        if (hi - lo) / approx > width / 8:  # certainly too many labels: not worth building
            continue
        ticks, labels = _inside(tick_moments(lo, hi, step), step, lo, hi, width, measure, translate)
        if not fits(ticks, labels, lo, hi, width, measure, gap):
            continue
        if len(ticks) >= 2:
            return list(zip(ticks, labels))
        if ticks and not single:
            single = list(zip(ticks, labels))
    return single


def nice_step(span: float, count: int) -> float:
    """A step of 1, 2, 2.5 or 5 × 10ⁿ giving about `count` intervals over `span`."""
    if span <= 0 or count <= 0:
        return 1.0
    raw = span / count
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if factor * power >= raw:
            return factor * power
    return 10.0 * power


def value_ticks(lo: float, hi: float, count: int) -> tuple[float, list[float]]:
    """(step, values): round values within [lo, hi], about `count` intervals apart."""
    step = nice_step(hi - lo, max(1, count))
    first = math.ceil(lo / step - 1e-9)
    values = []
    k = first
    while k * step <= hi + step * 1e-9:
        values.append(round(k * step, 12))
        k += 1
    return step, values

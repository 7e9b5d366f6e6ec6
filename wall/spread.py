"""How a layout's screens spread over the monitors connected now, so every monitor shows
content and no screen is lost. Qt-free.

A layout is written for some number of screens, but the wall it runs on may have
fewer monitors, more, or one 3840×2160 monitor. Screens pinned to an output (by
connector name, index or a surface's panel) go there as placement.py has always
placed them; the others — and pinned ones whose output is missing — are spread over
the monitors left, by the layout's `[spread]` table:

* a plan for exactly this many monitors says which screens go on which monitor;
* else, with fewer monitors than screens, neighbouring screens share a monitor and
  show their pages in turn (`fewer = "rotate"`; the first screens keep a monitor of
  their own), or the last ones are left out (`"drop"`);
* with more monitors, screens with several pages share them out over the spare
  monitors, and once every page has a monitor, screens repeat (`more = "pages"`), or
  the spare monitors repeat the screens in order (`"mirror"`);
* an output of at least 3840×2160 counts as 2×2 monitors of 1920×1080 when the
  screens outnumber the monitors (`split_large`).

The result is one `View` per monitor (or panel): the window's key, where it goes, and
the screen it shows — a layout screen as written, a share of its pages, or several
screens' pages in turn, each page on its own screen's grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..layouts.schema import LayoutSpec, PageSpec, ScreenSpec, SpreadSpec
from .placement import Output, Placement, Rect, Unplaced, assign_screens, split_surface

LARGE = (3840, 2160)  # an output at least this large can show 2×2 screens of 1920×1080


@dataclass(frozen=True)
class Slot:
    """A monitor, or one panel of a split output or surface."""

    output: Output
    geometry: Rect
    panel: int | None = None


@dataclass(frozen=True)
class Part:
    """Some pages of one layout screen, shown on a monitor."""

    screen: ScreenSpec
    pages: tuple[int, ...]

    @property
    def whole(self) -> bool:
        return self.pages == tuple(range(len(self.screen.pages)))

    @property
    def label(self) -> str:
        return self.screen.id if self.whole else f"{self.screen.id}[{','.join(map(str, self.pages))}]"


@dataclass(frozen=True)
class View:
    """What one window shows, and where: `spec` is a layout screen (or a share of its
    pages, or several screens' pages in turn); `page_screens[i]` is the layout screen
    page i comes from (its grid and its title)."""

    key: str
    placement: Placement
    parts: tuple[Part, ...]
    spec: ScreenSpec = field(compare=False)
    page_screens: tuple[ScreenSpec, ...] = field(compare=False)


@dataclass(frozen=True)
class WallPlan:
    views: tuple[View, ...]  # in the order of the monitors (and panels)
    notes: tuple[Unplaced, ...]  # screens without a monitor of their own, moved or left out
    spare_outputs: tuple[Output, ...]  # outputs with nothing to show (a layout of nothing but pinned screens)


# --- monitors ------------------------------------------------------------------------


def is_large(output: Output) -> bool:
    return output.geometry.width >= LARGE[0] and output.geometry.height >= LARGE[1]


def free_slots(free: Sequence[Output], wanted: int, rule: str) -> list[Slot]:
    """The free outputs as slots, large ones split 2×2 by `rule` (`split_large`): "always",
    "never", or "as_needed" — one after another while fewer slots than `wanted`."""
    slots_per_output = [1] * len(free)
    for i, output in enumerate(free):
        if rule == "never" or not is_large(output):
            continue
        if rule == "always" or sum(slots_per_output) < wanted:
            slots_per_output[i] = 4
    slots = []
    for output, count in zip(free, slots_per_output, strict=True):
        if count == 1:
            slots.append(Slot(output, output.geometry))
        else:
            slots += [Slot(output, rect, panel) for panel, rect in enumerate(split_surface(output.geometry, 2, 2))]
    return slots


def _pinned(layout: LayoutSpec, outputs: Sequence[Output]) -> tuple[dict[str, Slot], dict[str, str], set[int], list[Slot]]:
    """Screens placed by a surface panel, a connector name or an index (placement.py):
    their slots, the reasons of those whose place is missing, the outputs they (and the
    surfaces) use, and the panels of connected surfaces that no screen took."""
    pinned = tuple(s for s in layout.screens if s.surface is not None or s.output is not None or s.index is not None)
    assignment = assign_screens(layout.model_copy(update={"screens": pinned}), outputs)
    placed = {p.screen_id: Slot(p.output, p.geometry, p.panel) for p in assignment.placements}
    missing = {u.screen_id: u.reason for u in assignment.unplaced}
    spare = {o.index for o in assignment.spare_outputs}
    taken = {(slot.output.index, slot.panel) for slot in placed.values()}
    unused: list[Slot] = []
    for surface in layout.surfaces:
        index = surface.index if surface.index is not None or surface.output is not None else 0
        output = next((o for o in outputs if o.name == surface.output), None) if surface.output is not None else None
        output = output or (outputs[index] if index is not None and index < len(outputs) else None)
        if output is None or output.index in spare:
            continue  # not connected, or its panels do not fit the output
        rects = split_surface(output.geometry, surface.rows, surface.cols, surface.bezel_px)
        unused += [Slot(output, rect, i) for i, rect in enumerate(rects) if (output.index, i) not in taken]
    return placed, missing, {o.index for o in outputs if o.index not in spare}, unused


# --- sharing screens out ---------------------------------------------------------------


def page_shares(count: int, shares: int) -> list[tuple[int, ...]]:
    """`count` pages dealt into `shares` runs of neighbouring pages, the first runs the
    longer; with more shares than pages, pages repeat (0, 1, …, 0, 1, …)."""
    if shares > count:
        return [(i % count,) for i in range(shares)]
    out, start = [], 0
    for i in range(shares):
        size = count // shares + (1 if i < count % shares else 0)
        out.append(tuple(range(start, start + size)))
        start += size
    return out


def group_neighbours(weights: Sequence[int], groups: int) -> list[int]:
    """Sizes of `groups` runs of neighbouring items whose heaviest run is as light as it can
    be; among such splits, the first runs hold as few items as they can (so the first
    screens keep a monitor of their own)."""
    def runs_needed(items: Sequence[int], limit: int) -> int:
        runs, load = 1, 0
        for w in items:
            if load + w > limit:
                runs, load = runs + 1, 0
            load += w
        return runs

    limit = next(v for v in range(max(weights), sum(weights) + 1) if runs_needed(weights, v) <= groups)
    sizes, start = [], 0
    for g in range(groups - 1):
        left = groups - g - 1
        size, load = 0, 0
        while True:  # the shortest run after which the rest still fits in the runs left
            load += weights[start + size]
            size += 1
            rest = weights[start + size:]
            if len(rest) >= left and runs_needed(rest, limit) <= left:
                break
        sizes.append(size)
        start += size
    sizes.append(len(weights) - start)
    return sizes


def _extra_shares(screens: Sequence[ScreenSpec], spare: int, more: str) -> list[int]:
    """How many monitors each screen gets when `spare` monitors are left after one each."""
    shares = [1] * len(screens)
    for n in range(spare):
        if more == "mirror":
            shares[n % len(screens)] += 1
            continue
        pages = [len(s.pages) / k for s, k in zip(screens, shares, strict=True)]
        best = max(range(len(screens)), key=lambda i: (pages[i] > 1, pages[i], -i))
        if pages[best] <= 1:  # every page has a monitor: repeat the screen shown least often
            best = min(range(len(screens)), key=lambda i: (shares[i], i))
        shares[best] += 1
    return shares


def _shared_out(screens: Sequence[ScreenSpec], shares: Sequence[int], more: str) -> list[list[Part]]:
    """One entry per monitor: screen i on shares[i] neighbouring monitors."""
    entries: list[list[Part]] = []
    for screen, count in zip(screens, shares, strict=True):
        every = tuple(range(len(screen.pages)))
        runs = [every] * count if more == "mirror" else page_shares(len(screen.pages), count)
        entries += [[Part(screen, run)] for run in runs]
    return entries


def _from_plan(plan: tuple[tuple[str, ...], ...], screens: dict[str, ScreenSpec]) -> list[list[Part]]:
    shares: dict[str, list[tuple[int, ...]]] = {}
    for screen_id in screens:
        count = sum(screen_id in monitor for monitor in plan)
        if count:
            shares[screen_id] = page_shares(len(screens[screen_id].pages), count)
    entries: list[list[Part]] = []
    for monitor in plan:
        entries.append([Part(screens[i], shares[i].pop(0)) for i in monitor if i in shares])
    return entries


def _pages(entry: Sequence[Part]) -> int:
    return sum(len(p.pages) for p in entry)


def _spread(spread: SpreadSpec, floating: list[ScreenSpec], slots: int,
            pinned: list[ScreenSpec]) -> tuple[list[list[Part]], list[ScreenSpec], bool]:
    """Entries for the free monitors (each a list of parts), the screens left out, and
    whether a plan of the layout decided."""
    by_id = {s.id: s for s in floating}
    plan = next((p.monitors for p in spread.plans if len(p.monitors) == slots), None)
    if plan is not None and slots:
        entries = _from_plan(plan, by_id)
        named = {i for monitor in plan for i in monitor}
        left = [s for s in floating if s.id not in named]  # pinned to an output that is missing
        if spread.fewer == "rotate":
            for screen in left:
                min(entries, key=_pages).append(Part(screen, tuple(range(len(screen.pages)))))
            left = []
        return entries, left, True
    if not floating and pinned and slots:  # only pinned screens: the spare monitors take their pages
        return _spare_entries(pinned, _extra_shares(pinned, slots, spread.more), spread.more), [], False
    if len(floating) <= slots:
        shares = _extra_shares(floating, slots - len(floating), spread.more) if floating else []
        return _shared_out(floating, shares, spread.more), [], False
    if spread.fewer == "drop" or not slots:
        return [[Part(s, tuple(range(len(s.pages))))] for s in floating[:slots]], floating[slots:], False
    sizes = group_neighbours([len(s.pages) for s in floating], slots)
    entries, start = [], 0
    for size in sizes:
        entries.append([Part(s, tuple(range(len(s.pages)))) for s in floating[start:start + size]])
        start += size
    return entries, [], False


def _spare_entries(pinned: list[ScreenSpec], shares: list[int], more: str) -> list[list[Part]]:
    """The spare monitors' entries when only pinned screens exist: each screen's later
    shares (its first share stays on its own output, see `plan_wall`)."""
    out: list[list[Part]] = []
    for screen, count in zip(pinned, shares, strict=True):
        out += _shared_out([screen], [count], more)[1:]
    return out


# --- the plan --------------------------------------------------------------------------


def _view(key: str, slot: Slot, parts: Sequence[Part]) -> View:
    page_screens = tuple(p.screen for p in parts for _ in p.pages)
    if len(parts) == 1:
        part = parts[0]
        spec = part.screen if part.whole else part.screen.model_copy(
            update={"pages": tuple(part.screen.pages[i] for i in part.pages)})
    else:  # several screens in turn: each page carries its screen's pinned tiles, on its screen's grid
        pages: list[PageSpec] = [p.screen.pages[i].model_copy(update={"tiles": (*p.screen.pinned, *p.screen.pages[i].tiles)})
                                 for p in parts for i in p.pages]
        first = parts[0].screen
        spec = first.model_copy(update={"id": key, "title": "", "title_local": {}, "pinned": (), "pages": tuple(pages)})
    return View(key, Placement(key, slot.output, slot.geometry, slot.panel), tuple(parts), spec, page_screens)


def plan_wall(layout: LayoutSpec, outputs: Sequence[Output]) -> WallPlan:
    """Where each of `layout`'s screens goes on `outputs` (in the windowing system's order)."""
    placed, missing, used, unused_panels = _pinned(layout, outputs)
    pinned = [s for s in layout.screens if s.id in placed]
    floating = [s for s in layout.screens if s.id not in placed]
    free = [o for o in outputs if o.index not in used]
    slots = unused_panels + free_slots(free, len(floating) - len(unused_panels), layout.spread.split_large)
    pinned_shares = _extra_shares(pinned, len(slots), layout.spread.more) if not floating and pinned else [1] * len(pinned)
    entries, dropped, planned = _spread(layout.spread, floating, len(slots), pinned)

    assigned: list[tuple[Slot, list[Part]]] = []
    for screen, share in zip(pinned, pinned_shares, strict=True):
        first = _shared_out([screen], [share], layout.spread.more)[0]
        assigned.append((placed[screen.id], first))
    assigned += list(zip(slots, entries, strict=False))
    if not slots and floating and layout.spread.fewer == "rotate" and assigned:
        for screen in floating:  # no free monitor at all: join the pinned screen showing the fewest pages
            min(assigned, key=lambda a: _pages(a[1]))[1].append(Part(screen, tuple(range(len(screen.pages)))))
        dropped = []

    notes: list[Unplaced] = []
    sharing: list[ScreenSpec] = []  # screens without a monitor of their own, shown in turn with another
    for slot, entry in assigned:
        where = f"output #{slot.output.index} ({slot.output.name})" + (f" panel {slot.panel}" if slot.panel is not None else "")
        for n, part in enumerate(entry):
            screen = part.screen
            reason = missing.get(screen.id)
            if reason is not None and screen.id not in {u.screen_id for u in notes}:
                how = f"in turn with {entry[0].screen.id!r} on" if n else "on"
                notes.append(Unplaced(screen.id, f"{reason}: shown {how} {where}", screen.optional))
            elif n and reason is None and not planned and screen not in sharing:
                sharing.append(screen)
    if sharing:  # one line for them all: the strip has room for little
        monitors = len(slots) + len(placed)
        faults = [s for s in sharing if not s.optional] or sharing
        notes.append(Unplaced(",".join(s.id for s in faults),
                              f"{len(layout.screens)} screens on {monitors} monitor{'s' if monitors > 1 else ''}: "
                              f"{', '.join(repr(s.id) for s in faults)} shown in turn",
                              all(s.optional for s in sharing)))
    for screen in dropped:
        reason = missing.get(screen.id, f"screen {screen.id!r}: no monitor left")
        notes.append(Unplaced(screen.id, f"{reason}: not shown", screen.optional))

    order = {(o.index): i for i, o in enumerate(outputs)}
    assigned.sort(key=lambda a: (order[a[0].output.index], a[0].panel or 0))
    views, keys = [], set()
    for slot, entry in assigned:
        if not entry:
            continue
        key = "+".join(p.label for p in entry)
        base, n = key, 1
        while key in keys:
            n += 1
            key = f"{base}@{n}"
        keys.add(key)
        views.append(_view(key, slot, entry))
    shown = {v.placement.output.index for v in views}
    spare = tuple(o for o in outputs if o.index not in shown)
    return WallPlan(tuple(views), tuple(notes), spare)

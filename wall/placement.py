"""Which physical output (or panel of one) each layout screen goes on. Qt-free.

The wall's monitors reach Qt either as separate outputs (matched by connector name,
else by index, else by the screen's position in the layout) or as one large surface
driven by a video-wall controller, which the layout splits into rows × columns
panels. Between two monitors of such a surface some pixels fall behind the bezels;
`bezel_px` says how many, and the panels are laid out around them, so no tile ever
straddles a bezel. A layout screen without an output is reported, never fatal;
spread.py places the screens no output, index or surface names, and finds a monitor
for those whose output is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..layouts.schema import LayoutSpec, SurfaceSpec


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Output:
    """A physical output as the windowing system reports it."""

    index: int
    name: str
    geometry: Rect


@dataclass(frozen=True)
class Placement:
    screen_id: str
    output: Output
    geometry: Rect  # the whole output, or one panel of it
    panel: int | None = None  # panel of a split surface

    @property
    def full_output(self) -> bool:
        return self.panel is None


@dataclass(frozen=True)
class Unplaced:
    screen_id: str
    reason: str  # one line, for the status strip and the log
    optional: bool = False  # the layout marks the screen optional: not a fault


@dataclass(frozen=True)
class Assignment:
    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    spare_outputs: tuple[Output, ...]  # outputs no layout screen uses


def split_surface(area: Rect, rows: int, cols: int, bezel_px: tuple[int, int] = (0, 0)) -> list[Rect]:
    """Row-major panels of `area`, leaving `bezel_px` (x, y) hidden pixels at each seam."""
    bezel_x, bezel_y = bezel_px
    usable_w = area.width - (cols - 1) * bezel_x
    usable_h = area.height - (rows - 1) * bezel_y
    if usable_w < cols or usable_h < rows:
        raise ValueError(f"a {area.width}×{area.height} surface cannot hold {rows}×{cols} panels "
                         f"with {bezel_x}×{bezel_y} px bezels")
    panels = []
    for r in range(rows):
        top = area.y + (r * usable_h) // rows + r * bezel_y
        bottom = area.y + ((r + 1) * usable_h) // rows + r * bezel_y
        for c in range(cols):
            left = area.x + (c * usable_w) // cols + c * bezel_x
            right = area.x + ((c + 1) * usable_w) // cols + c * bezel_x
            panels.append(Rect(left, top, right - left, bottom - top))
    return panels


def _find(outputs: Sequence[Output], name: str | None, index: int | None) -> Output | None:
    if name is not None:
        for output in outputs:
            if output.name == name:
                return output
    if index is not None and index < len(outputs):
        return outputs[index]
    return None


def _describe(name: str | None, index: int | None) -> str:
    if name is not None and index is not None:
        return f"output {name!r} (or #{index})"
    return f"output {name!r}" if name is not None else f"output #{index}"


class OutputChoice(Protocol):
    """This PC's monitor for one layout screen (the configuration's `[screens.<id>]`)."""

    @property
    def output(self) -> str | None: ...
    @property
    def index(self) -> int | None: ...


def with_screen_outputs(layout: LayoutSpec, choices: Mapping[str, OutputChoice]) -> LayoutSpec:
    """The layout with this PC's own monitor for each screen `choices` names by id: its
    `output`/`index` replace the layout's (and take it off any surface), so one layout file
    serves wall PCs whose monitors hang on different connectors. Ids the layout lacks are
    ignored: the same configuration serves every layout the wall switches to."""
    if not any(screen.id in choices for screen in layout.screens):
        return layout
    screens = tuple(
        screen.model_copy(update={"output": choice.output, "index": choice.index, "surface": None, "panel": None})
        if (choice := choices.get(screen.id)) is not None else screen
        for screen in layout.screens)
    return layout.model_copy(update={"screens": screens})


def assign_screens(layout: LayoutSpec, outputs: Sequence[Output]) -> Assignment:
    """Match the layout's screens to `outputs` (in the windowing system's order)."""
    used: dict[int, str] = {}  # output index -> what claimed it
    placements: list[Placement] = []
    unplaced: list[Unplaced] = []

    surfaces: dict[str, tuple[SurfaceSpec, Output | None, list[Rect]]] = {}
    for surface in layout.surfaces:
        index = surface.index if surface.index is not None or surface.output is not None else 0
        output = _find(outputs, surface.output, index)
        panels: list[Rect] = []
        if output is not None:
            try:
                panels = split_surface(output.geometry, surface.rows, surface.cols, surface.bezel_px)
                used[output.index] = f"surface {surface.id!r}"
            except ValueError:
                output = None
        surfaces[surface.id] = (surface, output, panels)

    # Screens named by connector first, so an index never steals a named output.
    pending = []
    position = -1  # among screens not on a surface: the default output index
    for screen in layout.screens:
        if screen.surface is None:
            position += 1
        if screen.surface is not None:
            surface, output, panels = surfaces[screen.surface]
            if output is None or screen.panel is None or screen.panel >= len(panels):
                where = _describe(surface.output, surface.index)
                unplaced.append(Unplaced(screen.id, f"screen {screen.id!r}: surface {surface.id!r} ({where}) "
                                                    "is not connected", screen.optional))
            else:
                placements.append(Placement(screen.id, output, panels[screen.panel], screen.panel))
            continue
        if screen.output is not None:
            output = _find(outputs, screen.output, None)
            if output is not None and output.index not in used:
                used[output.index] = f"screen {screen.id!r}"
                placements.append(Placement(screen.id, output, output.geometry))
                continue
        pending.append((position, screen))

    for position, screen in pending:
        index = screen.index if screen.index is not None else (None if screen.output is not None else position)
        output = outputs[index] if index is not None and index < len(outputs) else None
        if output is None:
            unplaced.append(Unplaced(screen.id, f"screen {screen.id!r}: "
                                                f"{_describe(screen.output, index)} is not connected", screen.optional))
        elif output.index in used:
            unplaced.append(Unplaced(screen.id, f"screen {screen.id!r}: output #{output.index} "
                                                f"({output.name}) is already used by {used[output.index]}",
                                     screen.optional))
        else:
            used[output.index] = f"screen {screen.id!r}"
            placements.append(Placement(screen.id, output, output.geometry))

    order = {s.id: i for i, s in enumerate(layout.screens)}
    placements.sort(key=lambda p: order[p.screen_id])
    spare = tuple(o for o in outputs if o.index not in used)
    return Assignment(tuple(placements), tuple(unplaced), spare)

"""`python main.py export --layout FILE --out DIR [--language …]`: every page of a layout as
PNG, and all of them in one PDF, for a meeting brief.

The pages are what the wall draws — the same windows, tiles, header and status strip,
rendered offscreen (never on a monitor of the wall), each layout screen on a monitor of
its own at `--size` — after the first successful sync from the store the wall uses (or
the embedded demo store), waited for by the wall's own screenshot job. Each page carries,
on its strip and on the PDF page, when it was exported (IST) and how recent its data is
("data as of …": the newest report time the wall trusts, the one the wall's strip counts
ages from). Beside each `<nn>-<screen>-p<page>.png` is its audit record `<…>.json`
(wall/audit.py); `export.json` lists the pages, the times and the PDF. `--hide-sensitive`
exports what a delegation sees in presentation mode (tiles marked `sensitive` hidden).
With `--as-of TIME` before the command, the pages show the data directory's local store
as it was then, read without syncing and without its lock (beside a running wall too).

A bad argument, a layout that cannot be loaded, an output folder that cannot be written
or a store that refuses the wall is one line and exit 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..app import ScreenshotJob  # the wall's own waiting for a first sync (no Qt at import)

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from ...layouts.loader import Layout
    from ...sync.snapshot import Snapshot
    from ..controller import WallController

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_SIZE = "1920x1080"
DEFAULT_WAIT_S = 120.0
MAX_SIDE = 7680
MODELS_WAIT_S = 60.0  # the view models of one page, built off the GUI thread
_SIZE = re.compile(r"^\s*(\d{3,5})\s*[x×]\s*(\d{3,5})\s*$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--layout", required=True, metavar="NAME|FILE",
                        help="layout to export (cm_residence, crisis, delegation, single_screen, or a layout file)")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="folder for the PNGs, their audit records, export.json and the PDF")
    # SUPPRESS: the same wall options given before the command keep their values.
    parser.add_argument("--language", choices=("en", "hi", "gu"), default=argparse.SUPPRESS,
                        help="language of the pages (default: the layout's)")
    parser.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="data directory to sync into (default: the wall's; one process per data directory, "
                             "so beside a running wall give another)")
    parser.add_argument("--size", default=DEFAULT_SIZE, metavar="WxH",
                        help=f"pixels of each screen's page (default {DEFAULT_SIZE}; 3840x2160 for 4K)")
    parser.add_argument("--hide-sensitive", action="store_true",
                        help="as in presentation mode: tiles the layout marks sensitive hidden (a delegation's copy)")
    parser.add_argument("--wait", type=float, default=DEFAULT_WAIT_S, metavar="SEC",
                        help=f"give up when the first sync makes no progress for this long (default {DEFAULT_WAIT_S:g})")


def parse_size(text: str) -> tuple[int, int]:
    """'1920x1080' -> (1920, 1080); ValueError with a readable reason."""
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(f"--size {text!r}: expected WIDTHxHEIGHT in pixels, e.g. 1920x1080")
    width, height = int(match[1]), int(match[2])
    if not (320 <= width <= MAX_SIDE and 240 <= height <= MAX_SIDE):
        raise ValueError(f"--size {text!r}: each side between 320×240 and {MAX_SIDE} pixels")
    return width, height


def _bad(message: str) -> int:
    print(f"cm-wall: error: export: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def run(args: argparse.Namespace) -> int:
    try:
        size = parse_size(args.size)
    except ValueError as err:
        return _bad(str(err))
    if not args.wait > 0:
        return _bad(f"--wait {args.wait:g}: must be a positive number of seconds")
    out: Path = args.out
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".cm-wall-", delete=True)  # noqa: SIM115
        probe.close()
    except OSError as err:
        return _bad(f"cannot write into {out}: {err.strerror or err}")

    from ...layouts.loader import LayoutError, load_layout

    try:
        layout = load_layout(args.layout)
    except LayoutError as err:
        return _bad(f"layout {args.layout}: {err.problems[0]}")
    # Offscreen whatever the session: an export never shows a window on the wall.
    # One emulated monitor of `size` per layout screen, so each shows on its own.
    with tempfile.TemporaryDirectory(prefix="cm-wall-export-") as scratch:
        screens = Path(scratch) / "screens.json"
        screens.write_text(json.dumps(offscreen_screens(len(layout.spec.screens), size)), encoding="utf-8")
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screens}"
        return _export(args, for_export(layout), out, size)


def offscreen_screens(count: int, size: tuple[int, int]) -> dict[str, Any]:
    """Qt's offscreen platform configuration: `count` monitors of `size` side by side."""
    width, height = size
    return {"screens": [{"name": f"EXPORT-{i + 1}", "x": i * width, "y": 0, "width": width, "height": height,
                         "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1} for i in range(count)]}


def for_export(layout: Layout) -> Layout:
    """`layout` with every screen on a monitor of its own, in layout order: the outputs,
    surfaces and spread plans of a real wall say nothing about pages on paper."""
    from ...layouts.loader import Layout
    from ...layouts.schema import SpreadSpec

    spec = layout.spec
    screens = tuple(s.model_copy(update={"output": None, "index": None, "surface": None, "panel": None})
                    for s in spec.screens)
    spread = SpreadSpec(fewer="rotate", more="pages", split_large="never")
    return Layout(spec=spec.model_copy(update={"screens": screens, "surfaces": (), "spread": spread}), path=layout.path)


def _export(args: argparse.Namespace, layout: Layout, out: Path, size: tuple[int, int]) -> int:
    from PySide6.QtWidgets import QApplication

    from ..app import _route_qt_messages, _style, utc_now
    from ..backend import BackendError, build_backend
    from ..bridge import SnapshotBridge
    from ..controller import WallController
    from . import wall_config

    config = replace(wall_config(args), screenshot_dir=out, layout=str(layout.path))
    _route_qt_messages()
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "cm-wall"])
    assert isinstance(app, QApplication)
    _style(app)
    bridge = SnapshotBridge()
    try:
        backend = build_backend(config, bridge.deliver)
    except BackendError as err:
        return _bad(str(err))
    controller = WallController(layout, clock=utc_now, refresh=backend.refresh_now, screenshot_dir=out,
                                language=config.language, fade_ms=0)
    outcome = {"code": EXIT_OK}
    job = ExportJob(controller, bridge, out, args.wait, outcome)
    job.hide_sensitive = bool(args.hide_sensitive)
    # Every page shows one snapshot: what arrives while the pages are written waits.
    bridge.snapshot_applied.connect(lambda snapshot: None if job.capturing else controller.apply_snapshot(snapshot))
    backend.want(layout.spec.wants())
    try:
        controller.screens.start()  # the windows; pages are turned by the export, not by the clock
        backend.start()
        app.exec()
        return outcome["code"]
    finally:
        job.stop()
        controller.shutdown()
        backend.stop()


@dataclass(frozen=True)
class ExportedPage:
    image: Path
    screen: str
    page: int  # from 0
    title: str


def export_pages(controller: WallController, out: Path, *, exported_at: datetime) -> list[ExportedPage]:
    """Every page of every layout screen into `out` as `<nn>-<screen>-p<page>.png` with its
    audit record, each stamped on its strip with the export time and the data time."""
    from ..screenshots import save_window_images

    layout = controller.layout
    shown = controller.screens.snapshot
    pages: list[ExportedPage] = []
    for number, window in enumerate(controller.screen_windows(), start=1):
        screen_id = window.screen_spec.id if window.screen_spec is not None else "screen"
        for page in range(max(1, window.page_count)):
            window.show_page(page, animate=False)
            if not models_ready(controller):
                raise OSError(f"the tiles of {screen_id} page {page + 1} did not finish within {MODELS_WAIT_S:g} s")
            window.strip.set_mark(stamp_text(exported_at, shown, controller.language))
            stem = f"{number:02d}-{screen_id}-p{page + 1}"
            [path] = save_window_images(out, [(stem, window)], layout=(layout.path.stem, layout.name))
            pages.append(ExportedPage(path, screen_id, page, window.title.text()))
    return pages


def models_ready(controller: WallController, timeout_s: float = 0.0) -> bool:
    """Wait (the event loop running) until every tile shown has its view model: they are
    built off the GUI thread (widgets/view_models.py), so a page just shown may not have
    them yet. False when `timeout_s` (default MODELS_WAIT_S) passes first."""
    import time

    from PySide6.QtCore import QEventLoop, QTimer

    stage = controller.models
    if stage.pending() == 0:
        return True
    deadline = time.monotonic() + (timeout_s or MODELS_WAIT_S)
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: loop.quit() if stage.pending() == 0 or time.monotonic() > deadline else None)
    timer.start()
    loop.exec()
    timer.stop()
    return stage.pending() == 0


def stamp_text(exported_at: datetime, snapshot: Snapshot | None, language: str) -> str:
    """'Exported 2 Dec 2026 05:12 IST · data as of 05:10 IST' in `language` (the data's date
    too when it is not the export's)."""
    from ...widgets.look.i18n import tr
    from ..presentation import data_time_text
    from ..status_text import moment_text

    data = snapshot.data_as_of if snapshot is not None else None
    data_text = data_time_text(data, exported_at, language)
    return tr("Exported {time} · data as of {data}", language).format(time=moment_text(exported_at, language),
                                                                       data=data_text)


def write_pdf(path: Path, pages: Sequence[ExportedPage], *, title: str, stamp: str) -> int:
    """One landscape A4 page per exported image, with its title and `stamp` printed as
    text; the number of pages written. Raises OSError when the file cannot be written."""
    from PySide6.QtCore import QMarginsF, QRectF, Qt
    from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("CM Wall")
    writer.setResolution(150)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path}")
    try:
        area = QRectF(writer.pageLayout().paintRectPixels(writer.resolution()))
        area.moveTo(0, 0)
        font = QFont(painter.font())
        font.setPixelSize(max(12, int(area.height() * 0.022)))
        painter.setFont(font)
        line = painter.fontMetrics().height() * 1.4
        for index, page in enumerate(pages):
            if index:
                writer.newPage()
            image = QImage(str(page.image))
            heading = f"{title}  ·  {page.title}  ·  {index + 1} / {len(pages)}"
            painter.drawText(QRectF(area.left(), area.top(), area.width(), line),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), heading)
            painter.drawText(QRectF(area.left(), area.bottom() - line, area.width(), line),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), stamp)
            room = QRectF(area.left(), area.top() + line, area.width(), area.height() - 2 * line)
            painter.drawImage(_fitted(image, room), image)
    finally:
        painter.end()
    return len(pages)


def _fitted(image: QImage, room: Any) -> Any:
    """The largest rectangle of `image`'s proportions centred in `room`."""
    from PySide6.QtCore import QRectF

    scale = min(room.width() / max(1, image.width()), room.height() / max(1, image.height()))
    width, height = image.width() * scale, image.height() * scale
    return QRectF(room.left() + (room.width() - width) / 2, room.top() + (room.height() - height) / 2, width, height)


class ExportJob(ScreenshotJob):
    """The wall's screenshot job — it waits for the first successful sync, refuses at once a
    store that refuses the wall, gives up after the wait — capturing every page instead."""

    hide_sensitive = False
    capturing = False

    def on_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.history is not None:  # `--as-of TIME export …`: the local store as it was, read once
            if not self.armed and snapshot.catalog is not None:
                self.armed = True
                self._timeout.stop()
                self._settle.start()
            return
        super().on_snapshot(snapshot)

    def capture(self) -> None:
        from PySide6.QtWidgets import QApplication

        self._timeout.stop()
        self.capturing = True
        controller = self.controller
        if self.hide_sensitive:
            controller.presentation.start()
        exported_at = datetime.now(UTC)
        try:
            pages = export_pages(controller, self.directory, exported_at=exported_at)
            shown = controller.screens.snapshot
            stamp = stamp_text(exported_at, shown, controller.language)
            pdf = self.directory / f"{controller.layout.path.stem}.pdf"
            count = write_pdf(pdf, pages, title=controller.layout.name, stamp=stamp)
            write_index(self.directory / "export.json", pages, pdf, exported_at=exported_at, snapshot=shown,
                        layout=controller.layout, language=controller.language, stamp=stamp)
        except OSError as err:
            print(f"cm-wall: error: export: cannot write into {self.directory}: {err}", file=sys.stderr)
            self.outcome["code"] = EXIT_FAILED
        else:
            print(f"cm-wall: exported {len(pages)} page(s) of {controller.layout.name} to {self.directory}: "
                  f"{len(pages)} PNG(s) and {pdf.name} ({count} pages)")
            self.outcome["code"] = EXIT_OK
        QApplication.quit()


def write_index(path: Path, pages: Sequence[ExportedPage], pdf: Path, *, exported_at: datetime,
                snapshot: Snapshot | None, layout: Layout, language: str, stamp: str) -> None:
    from ...sync.period_time import IST

    def iso(moment: datetime | None) -> str | None:
        return moment.astimezone(IST).isoformat(timespec="seconds") if moment is not None else None

    document = {
        "layout": layout.path.stem, "layout_name": layout.name, "language": language,
        "exported_at": iso(exported_at), "data_as_of": iso(snapshot.data_as_of if snapshot else None),
        "stamp": stamp, "pdf": pdf.name, "pdf_pages": len(pages),
        "pages": [{"image": p.image.name, "record": p.image.with_suffix(".json").name, "screen": p.screen,
                   "page": p.page, "title": p.title} for p in pages],
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

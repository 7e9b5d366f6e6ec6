"""Keeping the wall clean, awake and lean: hide the idle cursor, stop screen blanking,
hand freed memory back.

The mouse pointer disappears after a few seconds without movement and comes back
when moved: the hider looks where the pointer is five times a second. It used to filter
every event of the application instead, which ran Python for each paint, timer and
queued signal of every object, and made PySide6 build the Python types of every Qt class
an event passed through it (QWizard, QFileDialog, QSettings… ~3.5 MB at rest, issue 12).
The display server is asked not to blank or power down the monitors —
`xset s off -dpms` on X11 when available, else a freedesktop ScreenSaver inhibit
over D-Bus held for the life of the process. Both are best effort: logged, never
fatal, and skipped on the offscreen platform.

A wall runs for weeks, and what it frees it must give back: every page turn grabs two
screen-sized pictures, a scrolling list its strip of rows, each poll's snapshot a new
set of arrays. With glibc's defaults a freed block of a few megabytes raises the
threshold above which blocks are mapped on their own, so the next ones land in the
heap and stay there as fragments (a wall at rest measured ~40 MB more that way,
issue 12). `MemoryKeeper` fixes the threshold (large blocks always mapped, returned
when freed), caps the malloc arenas of the wall's few threads, and trims the heap on
a slow timer. Only on glibc; elsewhere it does nothing.

It also empties Python's `linecache` on each trim: PySide6's `__feature__` import hook
reads the source of every module imported after PySide6 (to look for
`from __feature__ import`) and leaves it cached there — ~500 files, ~12 MB of text
held for tracebacks a wall at rest never prints (issue 12). A traceback reads its lines
again when it needs them.

And it sets the long-lived objects apart from Python's cyclic garbage collector. Once
the wall shows complete data, what it built to get there (modules, the catalog, the
layout's tiles and their Qt wrappers: ~240,000 objects at 3,400 KPIs) lives as long as
the process, yet every full collection walked all of it again: at state scale a full
collection came every second or two and held the interpreter for 90–295 ms, a frame
dropped on every screen each time (issue 12). `settle()` collects once and freezes
what is left (`gc.freeze`), after the first complete snapshot and again after each
layout switch (unfreezing first, so what the old layout's tiles leave is collected).
"""

from __future__ import annotations

import gc
import linecache
import logging
import os
import shutil
import subprocess
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, SignalInstance
from PySide6.QtGui import QCursor, QGuiApplication

from . import memory

if TYPE_CHECKING:  # QtDBus is optional at run time (imported where used)
    from PySide6.QtDBus import QDBusInterface

log = logging.getLogger(__name__)

IDLE_CURSOR_MS = 3000
POINTER_CHECK_MS = 200  # how soon a moved pointer shows again
TRIM_EVERY_MS = 30_000
FIRST_TRIM_MS = 10_000  # once soon after start: the wall's first frames and imports are done by then
# mallopt(3) parameters: blocks from MMAP_THRESHOLD bytes up are mapped apart and unmapped
# when freed; the heap's free top is released past TRIM_THRESHOLD (the arenas: wall/memory.py)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 256 * 1024
TRIM_THRESHOLD = 1024 * 1024


class CursorHider(QObject):
    """Blank cursor once the pointer has not moved for `idle_ms`; back as soon as it moves
    (seen within `check_ms`)."""

    def __init__(self, idle_ms: int = IDLE_CURSOR_MS, check_ms: int = POINTER_CHECK_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hidden = False
        self._idle_ms = idle_ms
        self._where = QCursor.pos()
        self._still = QElapsedTimer()
        self._still.start()
        self._timer = QTimer(self)
        self._timer.setInterval(check_ms)
        self._timer.timeout.connect(self.look)
        self._timer.start()

    def look(self) -> None:
        """Where is the pointer now: moved, it shows; still for `idle_ms`, it hides."""
        where = QCursor.pos()
        if where != self._where:
            self._where = where
            self._still.restart()
            self.show_cursor()
        elif not self.hidden and self._still.hasExpired(self._idle_ms):
            self.hide_cursor()

    def hide_cursor(self) -> None:
        if not self.hidden:
            QGuiApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
            self.hidden = True

    def show_cursor(self) -> None:
        if self.hidden:
            QGuiApplication.restoreOverrideCursor()
            self.hidden = False

    def stop(self) -> None:
        self._timer.stop()
        self.show_cursor()


class BlankingInhibitor:
    """Asks the display server not to blank the screens; `release()` undoes what it can."""

    def __init__(self) -> None:
        self.method = "none"
        self._cookie: int | None = None
        self._bus: QDBusInterface | None = None

    def inhibit(self) -> str:
        platform = QGuiApplication.platformName()
        if platform in ("offscreen", "minimal"):
            self.method = "not needed (offscreen)"
        elif platform == "xcb" and os.environ.get("DISPLAY") and shutil.which("xset"):
            self.method = self._xset()
        if self.method == "none":
            self.method = self._dbus()
        log.info("screen blanking: %s", self.method)
        return self.method

    def _xset(self) -> str:
        try:
            subprocess.run(["xset", "s", "off", "-dpms"], check=True, timeout=5, capture_output=True)
            subprocess.run(["xset", "s", "noblank"], check=False, timeout=5, capture_output=True)
            return "xset s off -dpms"
        except (OSError, subprocess.SubprocessError) as err:
            log.warning("xset failed: %s", err)
            return "none"

    def _dbus(self) -> str:
        try:
            from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage
        except ImportError:
            return "none"
        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return "none"
        iface = QDBusInterface("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
                               "org.freedesktop.ScreenSaver", bus)
        if not iface.isValid():
            return "none"
        reply = iface.call("Inhibit", "cm-wall", "video wall on display")
        if reply.type() != QDBusMessage.MessageType.ReplyMessage or not reply.arguments():
            return "none"
        self._cookie = int(reply.arguments()[0])
        self._bus = iface  # keep the interface (and connection) alive: the inhibit lasts while it does
        return "D-Bus ScreenSaver inhibit"

    def release(self) -> None:
        if self._bus is not None and self._cookie is not None:
            self._bus.call("UnInhibit", self._cookie)
            self._cookie = None


class MemoryKeeper(QObject):
    """Large blocks mapped apart, few arenas, and the heap trimmed every `every_ms`.
    Create it before the wall's threads start, so they share the capped arenas."""

    def __init__(self, every_ms: int = TRIM_EVERY_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.trims = 0
        self.settled = 0  # times the long-lived objects were set apart from the garbage collector
        self._settle_in = 1  # complete snapshots still to be shown before settling (0: settled)
        self._libc = memory.glibc()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._timer.setInterval(every_ms)
        self._timer.timeout.connect(self.trim)
        if self._libc is None:
            log.info("memory: not glibc, allocator left as it is")
            return
        for option, value in ((_M_MMAP_THRESHOLD, MMAP_THRESHOLD), (_M_TRIM_THRESHOLD, TRIM_THRESHOLD)):
            if not self._libc.mallopt(option, value):
                log.info("memory: mallopt(%d, %d) refused", option, value)
        memory.limit_malloc_arenas()  # as the wall's start does: for a keeper made without it (benchmarks)

    @property
    def active(self) -> bool:
        return self._libc is not None

    def start(self) -> None:
        QTimer.singleShot(FIRST_TRIM_MS, self, self.trim)  # not a whole period with start-up's leftovers
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def follow(self, snapshot_applied: SignalInstance, layout_changed: SignalInstance) -> None:
        """Settle on the first complete snapshot the wall applies, and again after each layout switch."""
        snapshot_applied.connect(self.snapshot_shown)
        layout_changed.connect(self.settle_again)

    def settle_again(self, *_: object) -> None:
        """Another layout's tiles were built: set the long-lived objects apart again, at the
        second complete snapshot from now. A crisis switches the layout while a snapshot is
        being applied, and the full collection (90–295 ms at state scale) must not hold the
        GUI thread as the crisis screens first appear, before their models are even built:
        it waits for the next poll's snapshot."""
        self._settle_in = 2

    def snapshot_shown(self, snapshot: object) -> None:
        """The wall applied `snapshot`; the first complete one after start (the second after a
        layout switch) settles."""
        if self._settle_in and not bool(getattr(snapshot, "partial", False)):
            self._settle_in -= 1
            if not self._settle_in:
                QTimer.singleShot(0, self, self.settle)  # after this turn's paints

    def settle(self) -> None:
        """Collect once, then exclude what survives from every later collection."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.settled += 1
        log.info("memory: %d long-lived objects set apart from garbage collection", gc.get_freeze_count())
        # What getting there freed (a restart's stored rows read, the first models) goes back now,
        # before the first poll allocates on top of it, not at the next periodic trim.
        self.trim()

    def trim(self) -> None:
        """Drop cached source lines; give the heap's free pages back to the system (a few milliseconds)."""
        linecache.clearcache()
        if self._libc is not None:
            self._libc.malloc_trim(0)
            self.trims += 1

"""The wall's log file, which must never take the wall down with it.

`logging`'s file handlers print a full traceback to stderr for every record they fail
to write; on a full or read-only disk that is a traceback every few seconds, for weeks,
in front of nobody. `LogFileHandler` says it in one line instead ("cm-wall: cannot write
log file …: No space left on device"), again only when the reason changes or
`COMPLAINT_INTERVAL_S` has passed, and carries on: the next record tries again, so the
log resumes by itself once there is space.

It also follows its path, as `logging.handlers.WatchedFileHandler` does: when the file
(or the whole data directory) is deleted or replaced under the running wall, the next
record reopens the file at the path instead of writing into an unlinked one, so the
log lands in the data directory the wall re-creates (sync/data_dir.py). Qt-free.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import time
from collections.abc import Callable

COMPLAINT_INTERVAL_S = 600.0


class LogFileHandler(logging.handlers.RotatingFileHandler):
    def __init__(self, filename: str | os.PathLike[str], *, max_bytes: int, backup_count: int,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(filename, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8")
        self._monotonic = monotonic
        self._complained: tuple[str, float] | None = None  # (reason, when) of the last line on stderr
        self._identity = self._stream_identity()

    def emit(self, record: logging.LogRecord) -> None:
        self._reopen_if_moved()
        super().emit(record)

    def doRollover(self) -> None:  # noqa: N802 - logging's name
        super().doRollover()
        self._identity = self._stream_identity()

    def close(self) -> None:
        """Closing flushes what a full disk refused: that is no reason to fail on the way out."""
        try:
            super().close()
        except OSError:
            pass

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        """One line on stderr, at most once per reason per interval; never a traceback."""
        err = sys.exc_info()[1]
        reason = (err.strerror or str(err)) if isinstance(err, OSError) else str(err) or type(err).__name__
        now = self._monotonic()
        if self._complained is not None:
            last_reason, last_at = self._complained
            if last_reason == reason and now - last_at < COMPLAINT_INTERVAL_S:
                return
        self._complained = (reason, now)
        try:
            sys.stderr.write(f"cm-wall: cannot write log file {self.baseFilename}: {reason}\n")
            sys.stderr.flush()
        except (OSError, ValueError):  # stderr itself gone: nothing left to tell
            pass

    def _stream_identity(self) -> tuple[int, int] | None:
        if self.stream is None:
            return None
        try:
            st = os.fstat(self.stream.fileno())
        except (OSError, ValueError):
            return None
        return st.st_dev, st.st_ino

    def _reopen_if_moved(self) -> None:
        """Reopen at the path when the open file is no longer the one there (deleted, replaced)."""
        if self.stream is None:  # closed after a failed reopen: FileHandler.emit opens it again
            return
        if self._identity is None:
            self._identity = self._stream_identity()
            return
        try:
            st = os.stat(self.baseFilename)
            if (st.st_dev, st.st_ino) == self._identity:
                return
        except FileNotFoundError:
            pass
        except OSError:
            return
        try:
            self.stream.close()
        except OSError:
            pass
        self.stream = None  # FileHandler.emit opens it again (or fails to, into handleError)
        self._identity = None
        try:
            self.stream = self._open()
        except OSError:
            return  # the directory is gone: emit tries again and reports through handleError
        self._identity = self._stream_identity()

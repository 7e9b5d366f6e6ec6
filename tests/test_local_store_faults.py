"""A full disk and a read-only data directory, for the database and for the log file.

The wall keeps showing its last good data and says exactly what is wrong ("disk full",
"data directory is read-only"); nothing is half-written, and when space returns the
next poll stores what was missed, because the cursor never moved past it. The log file
on a full disk costs one line on stderr, never a traceback, and the wall goes on.

The tests run as root, for whom chmod makes nothing read-only, and may not mount
file systems; so each fault is made the way SQLite itself meets it:

- a full disk is `PRAGMA max_page_count` pinned to the file's current size on every
  connection: SQLite then fails the next page it needs with SQLITE_FULL, the same
  error an ENOSPC from write(2) gives it;
- a read-only data directory is the database opened with `mode=ro`, which is what
  SQLite falls back to when a file system or file refuses to open for writing: every
  write then fails with SQLITE_READONLY, as on a read-only mount;
- a full disk under the log file is /dev/full, whose every write fails with ENOSPC.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cmwall.sync.local_store import LocalStore
from cmwall.sync.store_faults import StoreFault, fault_of
from cmwall.wall.log_file import COMPLAINT_INTERVAL_S, LogFileHandler
from cmwall.wall.status_text import local_store_item
from cmwall.widgets.look.i18n import tr
from sqlalchemy import create_engine, event

from .store_fakes import observation
from .test_sync_worker import ScriptedStore, make_worker


@contextmanager
def disk_full(store: LocalStore) -> Iterator[None]:
    """No page beyond the file's current size can be had, on any connection, until the block ends."""
    with sqlite3.connect(store.path) as db:
        pages = db.execute("PRAGMA page_count").fetchone()[0]

    def pin(dbapi_conn: Any, _record: object) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    event.listen(store.engine, "connect", pin)
    store.engine.dispose()  # every connection from now on is pinned
    try:
        yield
    finally:
        event.remove(store.engine, "connect", pin)
        store.engine.dispose()


@contextmanager
def read_only(store: LocalStore) -> Iterator[None]:
    """The store's database opened as SQLite opens it on a read-only file system."""
    writable = store.engine
    store.engine = create_engine(f"sqlite:///file:{store.path}?mode=ro&uri=true")
    try:
        yield
    finally:
        store.engine.dispose()
        store.engine = writable


def integrity(store: LocalStore) -> str:
    with sqlite3.connect(store.path) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def grown_feed(store: ScriptedStore, rows: int) -> None:
    store.feed += [observation("438", float(v % 100), period=f"2025-{1 + v % 12:02d}-{1 + v // 12:02d}")
                   for v in range(rows)]


def test_a_full_disk_keeps_the_last_data_says_so_and_catches_up_when_space_returns(tmp_path: Path) -> None:
    scripted = ScriptedStore()
    worker = make_worker(scripted, tmp_path, page_limit=300)  # one page: more than the file has room for
    good = worker.poll_all()
    assert good is not None
    cursor, count = worker.store.cursor(), worker.store.observation_count()
    grown_feed(scripted, 300)

    with disk_full(worker.store):
        full = worker.poll_observations()
        worker.poll_ranking()  # succeeds (nothing to store): the observations are still not stored

    assert full is not None and worker.status.local_store_error and worker.status.local_store_fault is StoreFault.DISK_FULL
    assert full.status.local_store_fault is StoreFault.DISK_FULL
    assert worker.store.cursor() == cursor and worker.store.observation_count() == count  # nothing half-written
    assert full.series is good.series  # the screen keeps its last good data
    assert integrity(worker.store) == "ok"
    item = local_store_item(full, "en")
    assert item is not None and item.tone == "critical"
    assert item.text == "Local store: disk full · new data not saved"

    recovered = worker.poll_observations()  # space is back: the next poll stores what was missed
    assert recovered is not None and recovered.status.local_store_error is None
    assert worker.store.observation_count() == count + 300 and worker.store.cursor() == str(len(scripted.feed))
    assert local_store_item(recovered, "en") is None


def test_a_read_only_data_directory_keeps_the_last_data_and_says_so(tmp_path: Path) -> None:
    scripted = ScriptedStore()
    worker = make_worker(scripted, tmp_path)
    good = worker.poll_all()
    assert good is not None
    cursor = worker.store.cursor()
    grown_feed(scripted, 10)

    with read_only(worker.store):
        refused = worker.poll_observations()
        assert refused is not None
        assert refused.status.local_store_fault is StoreFault.READ_ONLY
        assert worker.store.cursor() == cursor
        assert refused.series is good.series
        item = local_store_item(refused, "en")
        assert item is not None and item.text == "Local store: data directory is read-only · new data not saved"

    recovered = worker.poll_observations()
    assert recovered is not None and recovered.status.local_store_error is None
    assert worker.store.observation_count() == 12


@pytest.mark.parametrize("language", ["hi", "gu"])
def test_store_faults_are_worded_in_the_wall_language(tmp_path: Path, language: str) -> None:
    scripted = ScriptedStore()
    worker = make_worker(scripted, tmp_path)
    worker.poll_all()
    grown_feed(scripted, 300)
    with disk_full(worker.store):
        full = worker.poll_observations()
    item = local_store_item(full, language)
    assert item is not None
    words = [tr(text, language) for text in ("Local store", "disk full", "new data not saved")]
    assert all(word.isascii() is False for word in words)  # each one translated
    assert item.text == f"{words[0]}: {words[1]} · {words[2]}"


def test_errors_are_sorted_into_faults(tmp_path: Path) -> None:
    assert fault_of(OSError(errno.ENOSPC, "No space left on device")) is StoreFault.DISK_FULL
    assert fault_of(OSError(errno.EROFS, "Read-only file system")) is StoreFault.READ_ONLY
    assert fault_of(OSError(errno.EACCES, "Permission denied")) is StoreFault.NO_PERMISSION
    assert fault_of(OSError(errno.EIO, "Input/output error")) is StoreFault.OTHER
    io_error = sqlite3.OperationalError("disk I/O error")
    io_error.sqlite_errorcode = 778  # SQLITE_IOERR_WRITE: what EROFS under an open file becomes
    assert fault_of(io_error, tmp_path / "db") is StoreFault.OTHER  # tmp_path's file system is writable, has room


REAL_STATVFS = os.statvfs


def read_only_statvfs(path: Any) -> Any:
    real = REAL_STATVFS(path)
    return os.statvfs_result((real.f_bsize, real.f_frsize, real.f_blocks, real.f_bfree, real.f_bavail,
                              real.f_files, real.f_ffree, real.f_favail, real.f_flag | os.ST_RDONLY, real.f_namemax))


def test_an_io_error_on_a_read_only_file_system_is_named_read_only(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite reports a write refused by a file system remounted read-only as a plain I/O error."""
    monkeypatch.setattr(os, "statvfs", read_only_statvfs)
    io_error = sqlite3.OperationalError("disk I/O error")
    io_error.sqlite_errorcode = 778
    assert fault_of(io_error, tmp_path / "db") is StoreFault.READ_ONLY


# --- the log file -------------------------------------------------------------------------------


class HandClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def logger_with(handler: logging.Handler, name: str) -> logging.Logger:
    logger = logging.getLogger(f"cmwall.test.{name}")
    logger.propagate = False
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    return logger


def test_a_log_file_on_a_full_disk_costs_one_line_and_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    clock = HandClock()
    handler = LogFileHandler("/dev/full", max_bytes=0, backup_count=0, monotonic=clock)
    logger = logger_with(handler, "full")
    try:
        for n in range(5):
            logger.error("poll %d failed", n)
        err = capsys.readouterr().err
        assert err == "cm-wall: cannot write log file /dev/full: No space left on device\n"
        clock.now += COMPLAINT_INTERVAL_S  # said again only after a while
        logger.error("still failing")
        assert capsys.readouterr().err.count("No space left on device") == 1
    finally:
        handler.close()


def test_the_log_file_follows_a_deleted_data_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    handler = LogFileHandler(data_dir / "cm-wall.log", max_bytes=5_000_000, backup_count=3)
    logger = logger_with(handler, "moved")
    try:
        logger.info("before")
        for path in data_dir.iterdir():
            path.unlink()
        data_dir.rmdir()
        logger.info("while gone")
        err = capsys.readouterr().err
        assert "cannot write log file" in err and "No such file or directory" in err and "Traceback" not in err
        data_dir.mkdir()  # the wall recreates its data directory (sync/data_dir.py)
        logger.info("after")
        assert (data_dir / "cm-wall.log").read_text(encoding="utf-8") == "after\n"
    finally:
        handler.close()

"""What went wrong with the local store, as values the wall can word in any language.

A database error arrives as an English sentence from SQLite or the OS ("database or
disk is full", "attempt to write a readonly database"); the operator in front of the
wall needs to know which of a few things it is — the disk is full, the data directory
is read-only or not ours to write, it was deleted and cannot be made again, another wall
holds it — because each has a different cure. `fault_of` sorts an error into one of
those kinds; `SyncStatus.local_store_fault` carries it beside the detail line
(`local_store_error`), and only the wall turns it into words (wall/status_text.py).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Literal

# SQLite's primary result codes (the low byte of an extended code): https://sqlite.org/rescode.html
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14


class StoreFault(StrEnum):
    DISK_FULL = "disk-full"  # SQLITE_FULL, ENOSPC, EDQUOT: nothing new can be stored until space returns
    READ_ONLY = "read-only"  # SQLITE_READONLY, EROFS: the file system or the file refuses writes
    NO_PERMISSION = "no-permission"  # EACCES, EPERM: the data directory is not this user's to write
    NOT_RECREATED = "not-recreated"  # the data directory was deleted and cannot be made again
    TAKEN = "taken"  # another wall process holds the (re-created) data directory
    OTHER = "other"  # anything else (corrupt file, I/O error): the detail line says what


_ERRNO_FAULTS = {
    errno.ENOSPC: StoreFault.DISK_FULL,
    errno.EDQUOT: StoreFault.DISK_FULL,
    errno.EROFS: StoreFault.READ_ONLY,
    errno.EACCES: StoreFault.NO_PERMISSION,
    errno.EPERM: StoreFault.NO_PERMISSION,
}


def fault_of(err: BaseException | None, path: Path | None = None) -> StoreFault:
    """The kind of a database or file-system error (`OTHER` when it is none of the known ones).

    SQLite reports a write refused by a file system remounted read-only under an open
    database as a plain I/O error, without the errno; for such errors the file system of
    `path` (the database file) is asked whether it is read-only or out of space."""
    if isinstance(err, sqlite3.Error):
        primary = (getattr(err, "sqlite_errorcode", None) or 0) & 0xFF
        if primary == SQLITE_FULL:
            return StoreFault.DISK_FULL
        if primary == SQLITE_READONLY:
            return StoreFault.READ_ONLY
        if primary in (SQLITE_IOERR, SQLITE_CANTOPEN) and path is not None:
            return _file_system_fault(path)
        return StoreFault.OTHER
    if isinstance(err, OSError) and err.errno is not None:
        return _ERRNO_FAULTS.get(err.errno, StoreFault.OTHER)
    return StoreFault.OTHER


def _file_system_fault(path: Path) -> StoreFault:
    for where in (path, path.parent):
        try:
            fs = os.statvfs(where)
        except OSError:
            continue
        if fs.f_flag & os.ST_RDONLY:
            return StoreFault.READ_ONLY
        if fs.f_bavail == 0:
            return StoreFault.DISK_FULL
        return StoreFault.OTHER
    return StoreFault.OTHER


DataDirChange = Literal["deleted", "replaced"]


@dataclass(frozen=True)
class DataDirEvent:
    """The data directory was deleted (or its database file replaced) under the running wall,
    and the wall re-opened its store at the path: shown on the status strip until restart."""

    change: DataDirChange
    at: datetime
    resynced: bool = False  # an observation poll has since completed into the new store

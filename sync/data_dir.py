"""One writer per data directory, and a data directory that vanishes under a running wall.

Two processes writing one local store interleave their pages and cursors: one saves a
cursor behind the rows the other stored, or ahead of rows it never had. So every writer
(the live wall, `main.py sync`) holds an exclusive lock on `cm-wall.lock` in the data
directory for as long as its store is open, taken before the store is opened; a second
writer is refused at once with the directory and the PID that holds it. Readers
(`--as-of`, `replay`) take no lock: SQLite in WAL mode lets them read beside a writer
without harm to either.

The lock is flock(2) on the lock file, through the standard library's `fcntl`: the
kernel drops it when its process ends, even by SIGKILL, so a crash never leaves a stale
lock to clear by hand. The holder writes its PID into the file once locked, and a
contender opens the file without truncating it, so the PID is there to name. Python
opens it non-inheritable (PEP 446), so a child the wall starts (the boundaries reader)
never holds it. (The `filelock` package did the same through 21 modules of cross-platform and
fallback machinery the wall turned off: ~1.8 MB of a wall at rest, issue 12.) A file
system without flock fails loudly (the OSError), never with a lock a crash leaves behind.

A running wall also checks before every poll that the database file at the path is still
the one it has open (device and inode). A deleted data directory otherwise leaves the
wall writing into unlinked files that are gone at the next restart; a replaced one holds
other rows than the wall thinks. Either way the wall re-opens the store at the path
(creating the directory afresh if it is gone), moves its lock to the new directory, and
syncs from the new store's own cursor (none in a fresh one: from the beginning), since a
store's cursor always matches that store's rows.

On a read-only file system nothing can be locked or written; the live wall then opens the
store read-only (`ReadOnlyStore`) rather than show no window at all: the stored data, and
the status saying that nothing new is stored.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import TypeVar

from sqlalchemy import create_engine

from .local_store import DB_FILENAME, LocalStore, LocalStoreError
from .store_faults import DataDirChange, StoreFault, fault_of

log = logging.getLogger(__name__)

OpenedStore = TypeVar("OpenedStore", bound=LocalStore)

LOCK_FILENAME = "cm-wall.lock"

FileIdentity = tuple[int, int]  # (st_dev, st_ino)


class DataDirTaken(LocalStoreError):
    """Another process writes this data directory."""

    def __init__(self, data_dir: Path, pid: int | None) -> None:
        holder = f" (PID {pid})" if pid is not None else ""
        super().__init__(f"data directory {data_dir} is in use by another cm-wall process{holder}: one wall per "
                         "data directory; stop that one or give this one another --data-dir", StoreFault.TAKEN)
        self.data_dir = data_dir
        self.pid = pid


def _identity(path: Path) -> FileIdentity | None:
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return st.st_dev, st.st_ino


def _write_pid(fd: int) -> None:
    """The holder's PID into the lock file: only to name it, so a full disk must not stop the lock."""
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    except OSError as err:
        log.warning("cannot write the PID into the data directory's lock file: %s", err.strerror or err)


def lock_holder(data_dir: Path) -> int | None:
    """The PID written into the data directory's lock file, if it can be read."""
    try:
        text = (data_dir / LOCK_FILENAME).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


class DataDirLock:
    """The exclusive lock on one data directory, held until `release`. Raises `DataDirTaken`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOCK_FILENAME
        data_dir.mkdir(parents=True, exist_ok=True)
        # Taken on the main thread, moved and released on the sync thread: the lock belongs to
        # the open file, not to a thread.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DataDirTaken(data_dir, lock_holder(data_dir)) from None
        except BaseException:
            os.close(fd)
            raise
        self._fd: int | None = fd
        _write_pid(fd)
        self.identity = _identity(self.path)

    @property
    def at_path(self) -> bool:
        """The lock file at the path is still the one locked (not deleted or replaced)."""
        return self.identity is not None and _identity(self.path) == self.identity

    def release(self) -> None:
        """Closing the file drops the lock (the file stays, with the last holder's PID)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


class WritableStore(LocalStore):
    """The local store of the one process allowed to write its data directory.

    Holds the directory's lock from before the database is opened until `close`, and
    remembers which file it opened so `follow_path` can notice a deleted or replaced one."""

    def __init__(self, data_dir: Path, lock: DataDirLock | None = None) -> None:
        own = lock is None
        self.lock: DataDirLock | None = DataDirLock(data_dir) if lock is None else lock
        try:
            super().__init__(data_dir)
        except BaseException:
            if own:
                self._release()
            raise
        self.data_dir = data_dir
        self.opened = _identity(self.path)
        self.claimed: str | None = None

    def claim(self, store: str) -> None:
        super().claim(store)
        self.claimed = store

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()

    def changed(self) -> DataDirChange | None:
        """Whether the database file at the path is no longer the one this store opened."""
        try:
            now = _identity(self.path)
        except OSError as err:
            raise LocalStoreError(f"cannot check local store {self.path}: {err.strerror or err}", fault_of(err)) from None
        if now is None:
            return "deleted"
        return None if now == self.opened else "replaced"

    def follow_path(self) -> tuple[WritableStore, DataDirChange] | None:
        """If the data directory was deleted or its database replaced, the store re-opened at
        the path, holding the lock (this one is left without it), and what happened; None if
        nothing changed. Raises `LocalStoreError` when it cannot (this store keeps the lock
        and is asked again at the next poll): the parent directory is not writable, the
        disk is full, another wall has taken the new directory (`DataDirTaken`)."""
        change = self.changed()
        if change is None:
            return None
        log.warning("local store %s was %s under the running wall: re-opening it", self.path, change)
        self.engine.dispose()  # drop the connections to the old file
        if self.lock is None or not self.lock.at_path:  # the lock file went with the directory: lock the new one
            try:
                moved = DataDirLock(self.data_dir)
            except OSError as err:
                raise self._cannot_reopen(change, err) from None
            self._release()
            self.lock = moved
        try:
            reopened = WritableStore(self.data_dir, self.lock)
        except OSError as err:
            raise self._cannot_reopen(change, err) from None
        except LocalStoreError as err:
            raise LocalStoreError(f"data directory {self.data_dir} was {change} and its store cannot be opened "
                                  f"again: {err}", err.fault) from None
        if self.claimed is not None:
            try:
                reopened.claim(self.claimed)
            except LocalStoreError:
                reopened.lock = None  # stays with this store
                reopened.close()
                raise
        self.lock = None  # now the new store's
        return reopened, change

    def _release(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def _cannot_reopen(self, change: DataDirChange, err: OSError) -> LocalStoreError:
        fault = StoreFault.NOT_RECREATED if change == "deleted" else fault_of(err)
        return LocalStoreError(f"data directory {self.data_dir} was {change} and cannot be made again: "
                               f"{err.strerror or err}", fault)


class ReadOnlyStore(LocalStore):
    """The local store of a data directory on a read-only file system, opened as SQLite
    opens such a file (`mode=ro`; `immutable=1` when its write-ahead log cannot be shared),
    so a restarted wall shows what it holds instead of no window at all, and says why nothing
    new is stored: every write fails as LocalStoreError(READ_ONLY). Takes no lock: it writes
    nothing a second process could be harmed by."""

    def __init__(self, data_dir: Path) -> None:  # LocalStore.__init__ would create and write
        self.path = data_dir / DB_FILENAME
        self.refusal = LocalStoreError(f"data directory {data_dir} is read-only: nothing new is stored until the "
                                       "wall is restarted on a writable one", StoreFault.READ_ONLY)
        if not self.path.is_file():
            raise LocalStoreError(f"data directory {data_dir} is read-only and holds no local store",
                                  StoreFault.READ_ONLY)
        for options in ("mode=ro", "mode=ro&immutable=1"):
            self.engine = create_engine(f"sqlite:///file:{self.path}?{options}&uri=true")
            try:
                self.get_state("schema_version")
                return
            except LocalStoreError:
                self.engine.dispose()
        raise LocalStoreError(f"cannot read local store {self.path} on a read-only file system", StoreFault.READ_ONLY)

    def claim(self, store: str) -> None:
        held = self.get_state("store")
        if held is not None and held != store:
            raise LocalStoreError(f"it holds the data of another store ({held}); use one data directory per store "
                                  "(--data-dir)")


def open_for_reading(data_dir: Path) -> LocalStore:
    """An existing local store for a reader (`--as-of`, `replay`): no lock (WAL readers are safe
    beside a writer), and read-only on a read-only file system. Raises `LocalStoreError`."""
    try:
        return LocalStore(data_dir)
    except (OSError, LocalStoreError) as err:
        fault = err.fault if isinstance(err, LocalStoreError) else fault_of(err)
        if fault is not StoreFault.READ_ONLY:
            if isinstance(err, OSError):
                raise LocalStoreError(f"cannot open local store in {data_dir}: {err.strerror or err}", fault) from None
            raise
    return ReadOnlyStore(data_dir)


def open_store_for_wall(data_dir: Path, store: str) -> LocalStore:
    """The live wall's store: locked and writable, or, on a read-only file system, read-only
    (the wall then shows the stored data and says the directory is read-only). Raises
    `DataDirTaken`, `LocalStoreError` or `OSError`."""
    try:
        return open_writable_store(data_dir, store)
    except DataDirTaken:
        raise
    except (OSError, LocalStoreError) as err:
        fault = err.fault if isinstance(err, LocalStoreError) else fault_of(err)
        if fault is not StoreFault.READ_ONLY:
            raise
        log.warning("data directory %s is read-only (%s): showing its local store without storing anything new",
                    data_dir, err)
    return _claimed(ReadOnlyStore(data_dir), store)


def open_writable_store(data_dir: Path, store: str) -> WritableStore:
    """The data directory locked, its store opened and bound to `store` (see `LocalStore.claim`).
    Raises `DataDirTaken`, `LocalStoreError` or `OSError`."""
    return _claimed(WritableStore(data_dir), store)


def _claimed(local: OpenedStore, store: str) -> OpenedStore:
    """`local` bound to `store`, or closed (its lock released) if it cannot be: the one way
    both the writable and the read-only store are claimed, so a refused claim never leaves
    a data directory locked or a file open."""
    try:
        local.claim(store)
    except BaseException:
        local.close()
        raise
    return local

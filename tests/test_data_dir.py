"""One wall per data directory, and a data directory deleted or replaced under a running wall.

The lock (sync/data_dir.py) is tested across processes as well as within one: a second
`main.py sync` or wall on a locked directory exits at once, naming the directory and the
PID. The vanished directory is tested with the real worker against the demo store: one
poll after the directory is deleted, the wall writes into a new one, says so, and a
restart finds everything in it.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from cmwall.sync import data_dir as data_dir_module
from cmwall.sync.client import StoreClient
from cmwall.sync.data_dir import (
    LOCK_FILENAME,
    DataDirTaken,
    ReadOnlyStore,
    WritableStore,
    lock_holder,
    open_store_for_wall,
    open_writable_store,
)
from cmwall.sync.history import open_local_store
from cmwall.sync.local_store import DB_FILENAME, LocalStore, LocalStoreError
from cmwall.sync.store_faults import DataDirEvent, StoreFault
from cmwall.sync.worker import SyncWorker
from cmwall.wall.status_text import status_items

from .conftest import DEMO_NOW

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "main.py"
IDENTITY = "test store"


def live_worker(url: str, data_dir: Path) -> SyncWorker:
    return SyncWorker(StoreClient(url), open_writable_store(data_dir, IDENTITY), clock=lambda: DEMO_NOW)


def stored_keys(data_dir: Path) -> set[tuple[str, str, str]]:
    with sqlite3.connect(data_dir / DB_FILENAME) as db:
        return set(db.execute("SELECT kpi, entity, period FROM observations"))


def stored_catalog(data_dir: Path) -> bool:
    with sqlite3.connect(data_dir / DB_FILENAME) as db:
        return bool(db.execute("SELECT count(*) FROM documents WHERE name = 'catalog'").fetchone()[0] == 1)


def test_a_second_writer_is_refused_with_the_directory_and_the_pid(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = open_writable_store(data_dir, IDENTITY)
    try:
        with pytest.raises(DataDirTaken) as refused:
            open_writable_store(data_dir, IDENTITY)
        assert refused.value.pid == os.getpid() == lock_holder(data_dir)
        assert str(data_dir) in str(refused.value) and f"PID {os.getpid()}" in str(refused.value)
        assert refused.value.fault is StoreFault.TAKEN
    finally:
        first.close()
    open_writable_store(data_dir, IDENTITY).close()  # closing released it


def test_a_full_disk_does_not_stop_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PID in the lock file only names the holder: a wall restarted on a full disk must still start."""
    def no_space(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", no_space)
    held = open_writable_store(tmp_path / "data", IDENTITY)
    monkeypatch.undo()
    try:
        with pytest.raises(DataDirTaken) as refused:
            open_writable_store(tmp_path / "data", IDENTITY)
        assert refused.value.pid is None and "(PID" not in str(refused.value)
    finally:
        held.close()


def test_readers_share_the_directory_with_the_writer(tmp_path: Path, demo_store_url: str) -> None:
    """`--as-of` and `replay` only read (SQLite WAL readers are safe beside a writer): no lock."""
    worker = live_worker(demo_store_url, tmp_path)
    try:
        worker.poll_all()
        reader = open_local_store(tmp_path)
        try:
            assert reader.observation_count() == worker.store.observation_count() > 0
        finally:
            reader.close()
    finally:
        worker.store.close()
        worker.client.close()


@pytest.mark.parametrize("command", [["sync", "--store", "http://127.0.0.1:9"], ["--store", "http://127.0.0.1:9"]],
                         ids=["sync", "wall"])
def test_a_second_process_on_a_locked_directory_exits_at_once_with_one_line(tmp_path: Path,
                                                                            command: list[str]) -> None:
    data_dir = tmp_path / "data"
    holder = open_writable_store(data_dir, IDENTITY)
    try:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        args = [*command, "--data-dir", str(data_dir)] if command[0] == "sync" else \
            ["--data-dir", str(data_dir), *command, "--screenshot", str(tmp_path / "shots")]
        result = subprocess.run([sys.executable, str(MAIN), *args], capture_output=True, text=True,
                                timeout=60, env=env, cwd=str(tmp_path))
    finally:
        holder.close()
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "in use by another cm-wall process" in line]
    assert len(lines) == 1, result.stderr
    assert str(data_dir) in lines[0] and f"PID {os.getpid()}" in lines[0]
    assert not (tmp_path / "shots").exists()


def test_a_deleted_data_directory_is_recreated_and_refilled_within_one_poll(tmp_path: Path,
                                                                           demo_store_url: str) -> None:
    data_dir = tmp_path / "data"
    worker = live_worker(demo_store_url, data_dir)
    try:
        worker.poll_all()
        everything = stored_keys(data_dir)
        shutil.rmtree(data_dir)

        snapshot = worker.poll_observations()  # one poll

        assert snapshot is not None
        assert snapshot.status.data_dir_event == DataDirEvent("deleted", DEMO_NOW, resynced=True)
        assert snapshot.status.local_store_error is None
        assert stored_keys(data_dir) == everything  # synced again from the beginning, into the new file
        assert lock_holder(data_dir) == os.getpid()  # the lock followed the new directory
        assert stored_catalog(data_dir)  # at once, not at the next catalog poll minutes away
        with pytest.raises(DataDirTaken):
            open_writable_store(data_dir, IDENTITY)
        worker.poll_all()  # the catalog and the ranking are written into the new store too
        words = [item.text for item in status_items(snapshot, DEMO_NOW + timedelta(minutes=1), "en")]
        assert "Data directory was deleted at 11:00: recreated and filled again" in words
    finally:
        worker.store.close()
        worker.client.close()
    restarted = LocalStore(data_dir)  # nothing received after the deletion is lost at the next start
    try:
        assert restarted.catalog() is not None and restarted.ranking() is not None
        assert restarted.get_state("store") == IDENTITY and restarted.cursor() is not None
        assert restarted.observation_count() == len(everything)
    finally:
        restarted.close()


def test_a_replaced_database_is_followed_from_its_own_cursor(tmp_path: Path, demo_store_url: str) -> None:
    """A restored copy holds its own rows and the cursor that matches them: the wall goes on from there."""
    data_dir = tmp_path / "data"
    worker = live_worker(demo_store_url, data_dir)
    try:
        worker.poll_all()
        (tmp_path / "copy").mkdir()
        with sqlite3.connect(data_dir / DB_FILENAME) as live, sqlite3.connect(tmp_path / "copy" / "db") as copy:
            live.backup(copy)
        os.replace(tmp_path / "copy" / "db", data_dir / DB_FILENAME)
        for suffix in ("-wal", "-shm"):
            (data_dir / (DB_FILENAME + suffix)).unlink(missing_ok=True)

        snapshot = worker.poll_ranking()

        assert snapshot is not None and snapshot.status.data_dir_event is not None
        assert snapshot.status.data_dir_event.change == "replaced"
        assert isinstance(worker.store, WritableStore) and worker.store.changed() is None
        assert (data_dir / LOCK_FILENAME).is_file() and lock_holder(data_dir) == os.getpid()
    finally:
        worker.store.close()
        worker.client.close()


def test_a_directory_that_cannot_be_recreated_is_said_and_retried(tmp_path: Path, demo_store_url: str) -> None:
    """Where the data directory was, a plain file now stands (a directory cannot be made there,
    even by root, which chmod would not stop): the wall says so, keeps its data, and
    recreates the directory at the first poll after the file is gone."""
    data_dir = tmp_path / "parent" / "data"
    worker = live_worker(demo_store_url, data_dir)
    try:
        shown = worker.poll_all()
        shutil.rmtree(tmp_path / "parent")
        (tmp_path / "parent").write_text("not a directory")

        failed = worker.poll_all()  # every document's poll fails

        assert failed is not None and shown is not None
        assert failed.status.local_store_fault is StoreFault.NOT_RECREATED
        assert str(data_dir) in (failed.status.local_store_error or "")
        assert failed.series is shown.series  # still showing the last good data
        words = [item.text for item in status_items(failed, DEMO_NOW, "en")]
        assert ("Local store: data directory was deleted and cannot be recreated · new data not saved") in words

        (tmp_path / "parent").unlink()
        recovered = worker.poll_observations()  # one poll: recreated, and no failure of the old store stays on
        assert recovered is not None and recovered.status.local_store_error is None
        assert recovered.status.data_dir_event is not None and recovered.status.data_dir_event.resynced
        assert stored_keys(data_dir)
    finally:
        worker.store.close()
        worker.client.close()


def test_a_wall_restarted_on_a_read_only_file_system_shows_its_stored_data(tmp_path: Path, demo_store_url: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The file system refuses the lock file as a read-only mount does (EROFS: root is not stopped by
    chmod, and tests may not mount); the store is then opened read-only, as SQLite opens it there."""
    data_dir = tmp_path / "data"
    worker = live_worker(demo_store_url, data_dir)
    worker.poll_all()
    count = worker.store.observation_count()
    worker.store.close()
    worker.client.close()

    def read_only_file_system(path: Path, store: str) -> WritableStore:
        raise OSError(errno.EROFS, "Read-only file system", str(path / LOCK_FILENAME))

    monkeypatch.setattr(data_dir_module, "open_writable_store", read_only_file_system)
    restarted = SyncWorker(StoreClient(demo_store_url), open_store_for_wall(data_dir, IDENTITY),
                           clock=lambda: DEMO_NOW + timedelta(hours=1))
    try:
        assert isinstance(restarted.store, ReadOnlyStore)
        shown = restarted.load_local()
        assert shown.catalog is not None and shown.series  # the stored data, at once, and why nothing new is stored
        assert shown.status.local_store_error and shown.status.local_store_fault is StoreFault.READ_ONLY
        polled = restarted.poll_all()  # every poll succeeds (nothing new to store): the fault stays said
        assert polled is not None and polled.status.reachable is True
        assert polled.status.local_store_error and polled.status.local_store_fault is StoreFault.READ_ONLY
        assert restarted.store.observation_count() == count
        with pytest.raises(LocalStoreError) as refused:
            restarted.store.set_state("probe", "x")
        assert refused.value.fault is StoreFault.READ_ONLY
        words = [item.text for item in status_items(polled, DEMO_NOW, "en")]
        assert "Local store: data directory is read-only · new data not saved" in words
        with pytest.raises(LocalStoreError):
            open_store_for_wall(data_dir, "another store")  # still one data directory per store
    finally:
        restarted.store.close()
        restarted.client.close()


def test_as_of_and_replay_read_a_read_only_data_directory(tmp_path: Path, demo_store_url: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A backup on a read-only mount can still be shown as it was: SQLite refuses the reader's
    schema check as it does there (SQLITE_READONLY), and the reader opens the store read-only."""
    worker = live_worker(demo_store_url, tmp_path)
    worker.poll_all()
    count = worker.store.observation_count()
    worker.store.close()
    worker.client.close()

    def read_only_mount(data_dir: Path) -> LocalStore:
        raise LocalStoreError(f"cannot write local store {data_dir}: attempt to write a readonly database",
                              StoreFault.READ_ONLY)

    monkeypatch.setattr(data_dir_module, "LocalStore", read_only_mount)
    reader = open_local_store(tmp_path)
    try:
        assert isinstance(reader, ReadOnlyStore)
        assert reader.catalog() is not None and reader.observation_count() == count
    finally:
        reader.close()

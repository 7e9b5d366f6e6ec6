"""Reading every stored observation back (a wall's restart) leaves no page cache behind.

The scan fills its pooled connection's page cache (SQLite's default is up to 2 MB), and
the pool keeps the connection for the life of the wall, so the cache stayed with it:
~2 MB of a wall at rest (issue 12's memory goal against a browser wall). SQLite's own
count of the memory it holds is read through its C library, the one Python's sqlite3
module is linked with.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cmwall.sync.local_store import LocalStore


def sqlite_memory_used() -> int:
    name = ctypes.util.find_library("sqlite3")
    if name is None:
        pytest.fail("the SQLite C library was not found")
    library = ctypes.CDLL(name)
    library.sqlite3_memory_used.restype = ctypes.c_int64
    if library.sqlite3_libversion_number() != sqlite3.sqlite_version_info[0] * 1_000_000 + \
            sqlite3.sqlite_version_info[1] * 1_000 + sqlite3.sqlite_version_info[2]:
        pytest.fail("Python's sqlite3 is linked with another SQLite than the system's")
    return int(library.sqlite3_memory_used())


def test_reading_every_observation_back_hands_the_page_cache_back(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "data")
    try:
        rows = [(f"KPI.{k:03d}", f"E{e:03d}", "2026-11", float(k * e), 1.7e9 + e) for k in range(200) for e in range(300)]
        store.save_rows(rows, "c1", datetime(2026, 12, 1, tzinfo=UTC))
        store.engine.dispose()  # no connection holds a cache yet
        before = sqlite_memory_used()
        read = sum(len(batch) for batch in store.iter_observations(by_kpi=True))
        held = sqlite_memory_used() - before
    finally:
        store.close()
    assert read == len(rows)
    assert held < 500_000, f"{held / 1e6:.1f} MB still held by SQLite after the scan"  # a full cache is 2 MB

"""The local store's documents (the catalog, the store's ranking): each save replaces the
last, and nothing of a saved body stays in memory once it is written.

At 3,400 KPIs a catalog or ranking body is megabytes of JSON. Embedded in the SQL
statement, the first one stayed referenced by SQLAlchemy's statement cache for the life
of the wall (issue 12: part of the wall's peak memory at state scale); given as the
execution's parameters, it is let go once written.
"""

from __future__ import annotations

import gc
import json
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from cmwall.sync.local_store import LocalStore


def body(n: int) -> str:
    return json.dumps({"n": n, "padding": "x" * 2_000_000})


def test_each_save_replaces_the_document_and_no_body_stays_in_memory(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "data")
    try:
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for n in (1, 2, 3):  # the first one compiles the statement
                store._save_document("ranking", body(n), f"e{n}", datetime(2026, 12, 1, n, tzinfo=UTC))
            gc.collect()
            held = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        stored = store._document("ranking")
        assert stored is not None and stored.body["n"] == 3 and stored.etag == "e3"
        assert held < 1_000_000, f"{held / 1e6:.1f} MB of saved bodies still referenced"  # one body is 2 MB
    finally:
        store.close()

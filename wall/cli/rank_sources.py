"""Where `main.py rank` reads its catalog and observations from.

Three sources, one shape (catalog, observation table): a store given by `--store`;
the local store of a data directory (`--data-dir`, what a wall or `main.py sync`
saved, read without contacting any store); or, with neither, the embedded demo store
of `--demo-profile`, served on loopback while it is read.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ...sync.contract import Catalog
from ...sync.observations import ObservationTable


class SourceError(ValueError):
    """The source cannot be read (one line)."""


@contextmanager
def embedded_store(args: argparse.Namespace) -> Iterator[str]:
    """The store to read: `--store`, or the embedded demo store on loopback while in use."""
    url = getattr(args, "store", None)
    if url:
        yield url
        return
    from ...sync.demo_store import make_store, serve_in_thread

    store = make_store(getattr(args, "demo_profile", None) or "gujarat", seed=getattr(args, "demo_seed", None) or 2026)
    running = serve_in_thread(store)
    try:
        yield running.url
    finally:
        running.stop()


def local_data(data_dir: Path) -> tuple[Catalog, ObservationTable]:
    """The catalog and every observation in the local store of `data_dir` (never created here)."""
    from ...sync.history import HistoryError, open_local_store
    from ...sync.local_store import LocalStoreError

    try:
        store = open_local_store(data_dir)
        try:
            stored = store.catalog()
            assert stored is not None  # open_local_store refuses a store without a catalog
            rows = [row for batch in store.iter_observations() for row in batch]
        finally:
            store.close()
    except (HistoryError, LocalStoreError) as err:
        raise SourceError(str(err)) from None
    return stored[0], ObservationTable.from_rows(rows)


def read_source(args: argparse.Namespace,
                fetch: Callable[[argparse.Namespace], tuple[Catalog, ObservationTable]]) -> tuple[Catalog, ObservationTable]:
    """Catalog and observations from `--data-dir`, `--store` (through `fetch`) or the embedded demo store."""
    data_dir = getattr(args, "data_dir", None)
    if data_dir is not None:
        if getattr(args, "store", None):
            raise SourceError("give --store or --data-dir, not both")
        return local_data(Path(data_dir))
    with embedded_store(args) as args.store:
        return fetch(args)

"""`python main.py sync`: fill a data directory from a store once, then exit.

The same worker, client and local store as the live wall (catalog, the whole
observations feed page by page until `more` is false, the published ranking), run
once instead of on a schedule, so `--as-of` and `replay` can show a store's history
without a wall having run against it. Without `--store` it syncs the embedded demo
store (the `--demo-profile` given). A failure is one line on stderr and a non-zero exit; whatever pages reached
the disk before it stay (with their cursor), so running it again resumes.

It ends with how the sync went — rows stored, wall and CPU seconds, rows per second,
the process's memory before the sync and its peak — which is how the sync is measured,
and what to expect when pre-loading a wall PC.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ...sync.client import StoreClient
from ...sync.data_dir import DataDirTaken, open_writable_store
from ...sync.demo_store.profiles import PROFILES
from ...sync.history import moment_text
from ...sync.local_store import LocalStoreError, store_identity
from ...sync.token import TokenError, load_token
from ...sync.worker import SyncWorker
from .rank import add_store_access_arguments, limits

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: the wall's own options of the same name, given before the command, stay.
    parser.add_argument("--store", default=argparse.SUPPRESS, metavar="URL",
                        help="API v1 store base URL (default: the embedded demo store)")
    parser.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="the data directory to fill (default: the wall's)")
    add_store_access_arguments(parser)
    parser.add_argument("--page-limit", type=page_limit, default=5000, metavar="N",
                        help="observations asked for per request, each page stored in its own transaction "
                             "(default 5000)")
    parser.add_argument("--demo-profile", choices=PROFILES, default=argparse.SUPPRESS,
                        help="without --store: the embedded demo store's profile (default gujarat)")


def page_limit(text: str) -> int:
    """argparse type of --page-limit: a whole number from 1 to 100,000."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to 100000")
    return value


def _error(message: str) -> None:
    print(f"cm-wall sync: error: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    data_dir: Path = args.data_dir
    try:
        token = load_token(getattr(args, "token_file", None))
    except TokenError as err:
        _error(str(err))
        return EXIT_BAD_INPUT
    demo = None
    url = getattr(args, "store", None)
    identity = store_identity(url, getattr(args, "demo_profile", "gujarat"), getattr(args, "demo_seed", 2026))
    if url is None:
        from ...sync.demo_store import make_store, serve_in_thread

        try:
            store_model = make_store(getattr(args, "demo_profile", "gujarat"), seed=getattr(args, "demo_seed", 2026),
                                     ranking_mode=getattr(args, "demo_ranking", "live"))
        except ValueError as err:
            _error(f"embedded demo store: {err}")
            return EXIT_BAD_INPUT
        demo = serve_in_thread(store_model, "127.0.0.1", 0)
        url = demo.url
    try:
        try:
            client = StoreClient(url, token=token, timeout=getattr(args, "timeout", None) or 10.0, **limits(args),
                                 verify=getattr(args, "ca_bundle", None) or True)
        except (OSError, ValueError) as err:
            ca_bundle = getattr(args, "ca_bundle", None)
            _error(f"cannot set up the store client ({f'CA bundle {ca_bundle}' if ca_bundle else url}): {err}")
            return EXIT_BAD_INPUT
        try:
            store = open_writable_store(data_dir, identity)  # locked first: one writer per data directory
        except DataDirTaken as err:
            client.close()
            _error(str(err))
            return EXIT_BAD_INPUT
        except (OSError, LocalStoreError) as err:
            client.close()
            _error(f"cannot use the local store in {data_dir}: {err}")
            return EXIT_BAD_INPUT
        worker = SyncWorker(client, store, page_limit=args.page_limit)
        try:
            started = worker.clock()
            before = rss_now_mb()  # the goal is the peak's growth over this (bench/bench_sync.py)
            took = Took.start()
            worker.poll_all()
            took = took.stop()
            status = worker.status
            if status.reachable is not True or status.local_store_error:
                _error(f"sync of {url} failed: {status.last_error or status.local_store_error}")
                # a refused token or an untrusted certificate is bad input, not bad luck
                return EXIT_BAD_INPUT if status.failure_kind in ("auth", "tls") else EXIT_FAILED
            print(_summary(worker, "embedded demo store" if demo else url))
            print(_measures(worker.store.received_since(started), took, before, with_demo=demo is not None))
            return 0
        finally:
            client.close()
            store.close()
    finally:
        if demo is not None:
            demo.stop()


@dataclass(frozen=True)
class Took:
    """Wall and CPU seconds of the sync (CPU: this process, every thread)."""

    wall_s: float
    cpu_s: float

    @classmethod
    def start(cls) -> Took:
        return cls(time.perf_counter(), time.process_time())

    def stop(self) -> Took:
        return Took(time.perf_counter() - self.wall_s, time.process_time() - self.cpu_s)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_now_mb() -> float | None:
    """This process's resident memory now (Linux); None where /proc does not say."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    except (OSError, IndexError, ValueError):
        return None


def _measures(rows: int, took: Took, before_mb: float | None, *, with_demo: bool) -> str:
    """How the sync went, for pre-loading a wall PC and for measuring the sync: rows, seconds,
    rows per second, memory before the sync and at its peak."""
    rate = f"{rows / took.wall_s:,.0f}" if took.wall_s > 0 else "–"
    demo = " (the embedded demo store included)" if with_demo else ""
    before = f"{before_mb:.0f} MB before the sync, " if before_mb is not None else ""
    return (f"cm-wall sync: {rows:,} row{'s' if rows != 1 else ''} stored in {took.wall_s:.1f} s "
            f"({took.cpu_s:.1f} CPU s), {rate} rows/s; {before}peak RSS {peak_rss_mb():.0f} MB{demo}")


def _summary(worker: SyncWorker, source: str) -> str:
    count = worker.store.observation_count()
    reported = worker.store.reported_span()
    span = f", reported {moment_text(reported[0])} … {moment_text(reported[1])}" if reported else ""
    catalog = worker.catalog.revision if worker.catalog else "none"
    central = worker.rankings.central
    ranking = f"central ranking {central.period}" if central else "no central ranking"
    rejected = sum(n for _kpi, _entity, n in worker.store.rejected_counts())
    refused = f"; {rejected:,} row{'s' if rejected != 1 else ''} rejected (see main.py report)" if rejected else ""
    return (f"cm-wall sync: {source} → {worker.store.path}: {count:,} observations{span}; "
            f"catalog {catalog}; {ranking}{refused}")

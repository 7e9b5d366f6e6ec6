"""The wall's data side, wired from a `WallConfig`: store, client, local DB, schedule. Qt-free.

Without a store URL the embedded demo store is started on loopback and reached
through the same HTTP client as a state's remote store, so the demo exercises the
real path. The local database is loaded first (the service's first job), so a wall
restarted while the store is down shows what it last saw at once. Snapshots go to
`on_snapshot`, called on the sync thread; the GUI side makes that a queued signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..sync.client import StoreClient
from ..sync.crisis_watch import CrisisEvent, CrisisRule
from ..sync.data_dir import DataDirTaken, open_store_for_wall
from ..sync.derived_facts import Wants
from ..sync.heartbeat import Heartbeat
from ..sync.history import HistoryError, HistoryService, HistoryWorker, open_local_store
from ..sync.local_store import LocalStoreError, store_identity
from ..sync.service import SyncService
from ..sync.snapshot import Snapshot
from ..sync.token import TokenError, load_token
from ..sync.worker import SyncWorker
from .config import WallConfig

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"


class BackendError(Exception):
    """The backend cannot start: a one-line reason for the operator."""


@dataclass
class Backend:
    service: SyncService | HistoryService  # live polls, or the local store's history (no polls)
    store_url: str
    demo_server: Any | None = None  # the embedded demo store's RunningServer, if started

    @property
    def is_demo(self) -> bool:
        return self.demo_server is not None

    @property
    def heartbeat(self) -> Heartbeat | None:
        """The sync thread's progress, for the service watchdog (history has no polls to hang)."""
        return self.service.heartbeat if isinstance(self.service, SyncService) else None

    def start(self) -> None:
        self.service.start()

    def refresh_now(self) -> None:
        self.service.refresh_now()

    def catch_up(self) -> None:
        """Another PC of the wall shows other data: poll now (live walls only; history has no polls)."""
        if isinstance(self.service, SyncService):
            self.service.catch_up()

    def want(self, wants: Wants) -> None:
        """Have every snapshot carry the alerts and explanations these screens show."""
        self.service.want(wants)

    def watch_crisis(self, rules: tuple[CrisisRule, ...]) -> None:
        """Judge these crisis rules on the sync thread; every snapshot carries their state."""
        self.service.watch_crisis(rules)

    def acknowledge_crisis(self) -> None:
        """The operator's acknowledgement, recorded on the sync thread (never on the GUI thread)."""
        self.service.acknowledge_crisis()

    def record_crisis(self, events: tuple[CrisisEvent, ...]) -> None:
        """The wall's crisis layout switches, for the local store's crisis log (written on the sync thread)."""
        self.service.record_crisis(events)

    def poll_observations_every(self, seconds: float | None) -> None:
        """Poll observations as often as the layout on screen asks (None: the command line's interval)."""
        self.service.poll_observations_every(seconds)

    def stop(self) -> None:
        """Stop polling (waits for a running poll), close the DB, then the demo server."""
        try:
            self.service.stop()
        finally:
            if self.demo_server is not None:
                self.demo_server.stop()
                self.demo_server = None


def start_demo_store(config: WallConfig) -> Any:
    from ..sync.demo_store import make_store, serve_in_thread

    try:
        store = make_store(config.demo_profile, seed=config.demo_seed, ranking_mode=config.demo_ranking)
    except ValueError as err:
        raise BackendError(f"embedded demo store: {err}") from None
    return serve_in_thread(store, LOOPBACK, 0)


def build_history_backend(config: WallConfig, on_snapshot: Callable[[Snapshot], None], *,
                          autoplay: bool = True) -> Backend:
    """`--as-of` / `replay`: the local store's history on the worker thread; no store, no polls."""
    moment = config.history_moment
    assert moment is not None
    try:
        store = open_local_store(config.data_dir)
    except HistoryError as err:
        raise BackendError(str(err)) from None
    service = HistoryService(HistoryWorker(store), on_snapshot, moment=moment, replay=config.replay,
                             autoplay=autoplay)
    return Backend(service=service, store_url=str(store.path))


def build_backend(config: WallConfig, on_snapshot: Callable[[Snapshot], None]) -> Backend:
    """Everything the wall needs to sync, not yet started. Raises BackendError."""
    if config.history_moment is not None:
        return build_history_backend(config, on_snapshot, autoplay=config.screenshot_dir is None)
    try:
        token = load_token(config.token_file)
    except TokenError as err:
        raise BackendError(str(err)) from None
    demo_server = None
    store_url = config.store_url
    if store_url is None:
        try:
            demo_server = start_demo_store(config)
        except OSError as err:
            raise BackendError(f"cannot start the embedded demo store: {err}") from None
        store_url = demo_server.url
        log.info("embedded demo store serving at %s", store_url)
    try:
        client = StoreClient(store_url, token=token, timeout=config.timeout, deadline=config.deadline,
                             max_body_mb=config.max_body_mb, verify=config.ca_bundle or True)
    except (OSError, ValueError) as err:  # e.g. an unreadable CA bundle
        _stop(demo_server)
        where = f"CA bundle {config.ca_bundle}" if config.ca_bundle else store_url  # name what was refused
        raise BackendError(f"cannot set up the store client ({where}): {err}") from None
    try:
        # Locked before it is opened: one wall per data directory (sync/data_dir.py).
        local = open_store_for_wall(config.data_dir, store_identity(config.store_url, config.demo_profile,
                                                                    config.demo_seed))
    except DataDirTaken as err:
        client.close()
        _stop(demo_server)
        raise BackendError(str(err)) from None
    except (OSError, LocalStoreError) as err:
        client.close()
        _stop(demo_server)
        raise BackendError(f"cannot use the local store in {config.data_dir}: {err}") from None
    worker = SyncWorker(client, local)
    service = SyncService(worker, on_snapshot, config.intervals)
    return Backend(service=service, store_url=store_url, demo_server=demo_server)


def _stop(server: Any | None) -> None:
    if server is not None:
        server.stop()

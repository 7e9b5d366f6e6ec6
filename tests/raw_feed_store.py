"""A tiny API v1 store whose observation pages are raw JSON text, for feed-quality tests.

Raw text, because the faults under test are in the text itself: `NaN` and `Infinity`
literals, numbers beyond float range, a value "abc". Drives the real path:
StoreClient (httpx MockTransport) → SyncWorker → LocalStore.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from cmwall.sync.client import StoreClient
from cmwall.sync.local_store import LocalStore
from cmwall.sync.worker import SyncWorker

from .store_fakes import CATALOG


def row_text(entity: str, value: str, *, period: str = "2026-10", kpi: str = "PMJAY.CARDS",
             reported_at: str = "2026-11-03T12:10:00+05:30") -> str:
    """One observation as JSON text; `value` is inserted verbatim (e.g. 'NaN', '"abc"')."""
    return (f'{{"kpi": {json.dumps(kpi)}, "entity": {json.dumps(entity)}, "period": {json.dumps(period)}, '
            f'"value": {value}, "reported_at": {json.dumps(reported_at)}}}')


class RawFeedStore:
    """Catalog as JSON; the feed as a list of pages of raw row texts, one page per poll step."""

    def __init__(self, catalog: dict[str, Any] | None = None) -> None:
        self.catalog = copy.deepcopy(catalog or CATALOG)
        self.pages: list[list[str]] = []
        self.ranking: dict[str, Any] | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/catalog":
            return httpx.Response(200, json=self.catalog, headers={"ETag": f'"{self.catalog["revision"]}"'})
        if request.url.path == "/v1/observations":
            since = int(request.url.params.get("since", "0"))
            rows = self.pages[since] if since < len(self.pages) else []
            cursor = since + 1 if since < len(self.pages) else since
            body = (f'{{"cursor": "{cursor}", "more": {"true" if cursor < len(self.pages) else "false"}, '
                    f'"observations": [{", ".join(rows)}]}}')
            return httpx.Response(200, content=body.encode())
        if self.ranking is None:
            return httpx.Response(404, json={"error": "none"})
        return httpx.Response(200, json=self.ranking)


def worker_for(store: RawFeedStore, data_dir: Path, clock: Callable[[], datetime]) -> SyncWorker:
    client = StoreClient("http://store.test", transport=httpx.MockTransport(store))
    return SyncWorker(client, LocalStore(data_dir), clock=clock)


def kpi_entry(code: str, **fields: Any) -> dict[str, Any]:
    """A catalog KPI under the fake catalog's one scheme, not ranked unless `scoring` is given."""
    return {"code": code, "name": code, "scheme": "PMJAY", "level": "district", "frequency": "P1M", **fields}

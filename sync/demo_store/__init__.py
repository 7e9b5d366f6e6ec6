"""The embedded demo central store: API v1 of DESIGN.md with realistic Gujarat data.

Lets the wall run out of the box and the tests run against a real store. Qt-free.

    store = DemoStore(seed=0)                  # clock, scale_kpis, token, ranking_mode
    app = DemoStoreApp(store)                  # WSGI (httpx.WSGITransport(app=app))
    running = serve_in_thread(store)           # real socket; running.url, running.stop()
"""

from .app import DemoStoreApp
from .server import RunningServer, serve_forever, serve_in_thread
from .store import DemoStore, RankingMode

__all__ = ["DemoStore", "DemoStoreApp", "RankingMode", "RunningServer", "serve_forever", "serve_in_thread"]

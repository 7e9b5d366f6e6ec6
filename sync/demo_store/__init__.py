"""The embedded demo central store: API v1 of DESIGN.md with realistic data.

Lets the wall run out of the box and the tests run against a real store. Qt-free.
Profiles: Gujarat's CM dashboard (default) and a city's hospital crisis (profiles.py).

    store = DemoStore(seed=0)                  # clock, scale_kpis, token, ranking_mode
    store = make_store("city-crisis", seed=0)  # any profile by name
    app = DemoStoreApp(store)                  # WSGI (httpx.WSGITransport(app=app))
    running = serve_in_thread(store)           # real socket; running.url, running.stop()
"""

from .app import DemoStoreApp
from .city_store import CityCrisisStore
from .live_store import LiveStore
from .profiles import DEFAULT_PROFILE, PROFILES, make_store
from .server import RunningServer, serve_forever, serve_in_thread
from .store import DemoStore, RankingMode

__all__ = ["CityCrisisStore", "DEFAULT_PROFILE", "DemoStore", "DemoStoreApp", "LiveStore", "PROFILES", "RankingMode",
           "RunningServer", "make_store", "serve_forever", "serve_in_thread"]

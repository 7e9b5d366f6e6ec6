"""Who drives the wall from a control page now: one controller at a time — Qt-free.

Two tablets pressing "next page" at once would fight over the wall in front of the
CM. So the first controller takes a lease under a name it gives ("Protocol desk");
every command it sends renews it. A second controller sees who holds the lease and
since when, and can take it over only once the holder has been idle for
`lapse_after` seconds, or by confirming that it takes over anyway. The lease is
proved by a random key handed to its holder, never by the name. The clocks are
injected: `monotonic` measures idleness, `wall_clock` dates "since" for people.
"""

from __future__ import annotations

import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

LAPSE_AFTER_S = 120.0  # a holder idle this long may be taken over without asking
MAX_NAME_CHARS = 40
JOINERS = "\u200c\u200d"  # zero-width (non-)joiners shape Devanagari and Gujarati: kept; other format characters not


class LeaseRefused(Exception):
    """Another controller holds the lease and has not lapsed; carries its holder."""

    def __init__(self, holder: Holder) -> None:
        super().__init__(f"the wall is controlled by {holder.name}")
        self.holder = holder


def clean_name(name: object) -> str:
    """A controller's name as plain text: no control characters, at most MAX_NAME_CHARS, never empty."""
    text = name if isinstance(name, str) else ""
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in JOINERS)
    text = " ".join(text.split())[:MAX_NAME_CHARS]
    return text or "unnamed controller"


@dataclass(frozen=True)
class Holder:
    """The lease as another controller may see it (never its key)."""

    name: str
    since: float  # wall-clock seconds (epoch) when this holder took the lease
    idle_s: float  # seconds since its last command
    lapses_in_s: float  # seconds until anyone may take over without confirming; 0: lapsed

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "since": self.since, "idle_s": round(self.idle_s, 1),
                "lapses_in_s": round(self.lapses_in_s, 1), "lapsed": self.lapses_in_s <= 0}


@dataclass
class _Lease:
    key: str
    name: str
    since: float
    last_active: float  # monotonic


class ControlLease:
    """The one lease of one wall's control page; thread-safe (the endpoint's threads share it)."""

    def __init__(self, lapse_after: float = LAPSE_AFTER_S, *, monotonic: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time,
                 changed: Callable[[str | None, str | None], None] | None = None) -> None:
        self.lapse_after = lapse_after
        self.monotonic = monotonic
        self.wall_clock = wall_clock
        self.changed = changed  # (previous holder's name, new holder's name) when control changes hands
        self._lease: _Lease | None = None
        self._lock = threading.Lock()

    def acquire(self, name: object, *, take_over: bool = False) -> tuple[str, Holder]:
        """A new lease for `name`: its key and how others will see it. Raises LeaseRefused while
        another holder is active, unless `take_over` (the controller confirmed)."""
        with self._lock:
            now = self.monotonic()
            current = self._lease
            if current is not None and not take_over and now - current.last_active < self.lapse_after:
                raise LeaseRefused(self._view(current, now))
            self._lease = _Lease(secrets.token_urlsafe(24), clean_name(name), self.wall_clock(), now)
            taken = self._lease.key, self._view(self._lease, now)
        self._tell(current.name if current is not None else None, taken[1].name)
        return taken

    def renew(self, key: object) -> bool:
        """True and the holder's idle time restarts if `key` holds the lease (even lapsed: nobody
        took it), else False."""
        with self._lock:
            if not self._holds(key):
                return False
            assert self._lease is not None
            self._lease.last_active = self.monotonic()
            return True

    def holds(self, key: object) -> bool:
        with self._lock:
            return self._holds(key)

    def release(self, key: object) -> bool:
        """The holder gives the wall up (logging out); anyone may take it at once."""
        with self._lock:
            if not self._holds(key):
                return False
            assert self._lease is not None
            name, self._lease = self._lease.name, None
        self._tell(name, None)
        return True

    def _tell(self, previous: str | None, new: str | None) -> None:
        """Outside the lock: `changed` may hand the news to another thread."""
        if self.changed is not None:
            self.changed(previous, new)

    def holder(self) -> Holder | None:
        with self._lock:
            return self._view(self._lease, self.monotonic()) if self._lease is not None else None

    def _holds(self, key: object) -> bool:
        lease = self._lease
        return (lease is not None and isinstance(key, str)
                and secrets.compare_digest(key.encode("utf-8"), lease.key.encode("utf-8")))

    def _view(self, lease: _Lease, now: float) -> Holder:
        idle = max(0.0, now - lease.last_active)
        return Holder(lease.name, lease.since, idle, max(0.0, self.lapse_after - idle))

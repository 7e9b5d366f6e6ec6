"""What the wall PCs of one wall say to each other: commands, data versions, clocks. Qt-free.

Several PCs drive one wall with no coordinating server. Pages need no talk at all
(rotation.py turns them by the synced clock); what must travel is what the operator
does on one PC — sent to the peers as a `PeerCommand` — and each PC's data version,
so a PC that missed the store's latest change polls again at once.

What the operator changes is shared state in five aspects: the layout, the drill-down
(the places opened and the one picked, as codes), the language, the rotation
(stepping, pause) and presentation mode (on or live). A command carries the value it left its aspects
in, stamped (number, origin) with a Lamport clock (`CommandNumbers`), and every PC
keeps per aspect the value with the highest stamp (`SharedState`, last writer wins):
two operators pressing keys on two PCs at once end with the same wall everywhere,
and a PC that missed a command, or restarted, takes the newer values from a peer's
status. Commands without state (refresh, screenshot, acknowledge) are performed
where they arrive. The (origin, number) pair also lets a PC ignore a command it has
already performed, and a command received from a peer is never sent on: only the PC
where the operator acted sends.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..sync.snapshot import Snapshot
from .keys import Action

# Commands that stay on the PC where they were given: quitting another PC of the wall
# from a stray key would blank it, and the help overlay is closed by keys on this PC.
LOCAL_ONLY = frozenset({Action.QUIT, Action.HELP})

# The aspects of the shared state each command changes (a new layout also restarts the
# rotation); a PC that receives one adopts the sender's values instead of stepping from its own.
ASPECTS: dict[Action, tuple[str, ...]] = {
    Action.NEXT_PAGE: ("rotation",),
    Action.PREVIOUS_PAGE: ("rotation",),
    Action.TOGGLE_PAUSE: ("rotation",),
    Action.NEXT_LANGUAGE: ("language",),
    Action.NEXT_LAYOUT: ("layout", "drill", "rotation"),  # another layout ends the drill-down
    Action.TOGGLE_CRISIS: ("layout", "drill", "rotation"),
    Action.TOGGLE_PRESENTATION: ("presentation",),
    Action.DRILL_INTO: ("drill",),
    Action.DRILL_NEXT_CHILD: ("drill",),
    Action.DRILL_PREVIOUS_CHILD: ("drill",),
    Action.DRILL_UP: ("drill",),
    Action.DRILL_HOME: ("drill",),
}
STATE_ACTIONS = frozenset(ASPECTS)
# Adopted in this order: a layout resets the rotation, and the drill-down's page is shown on the layout.
ASPECT_ORDER = ("layout", "drill", "language", "rotation", "presentation")

Stamp = tuple[int, str]  # (Lamport number, origin): totally ordered across the wall

CLOCK_SKEW_WARN_S = 1.0  # peers further apart than this show different pages near a turn


class PeerMessageError(ValueError):
    """A peer's message that cannot be understood (answered with 400)."""


@dataclass(frozen=True)
class PeerCommand:
    """One operator command as it travels between the PCs of a wall."""

    origin: str  # the PC (and process) where the operator gave it
    number: int  # increases with every command of that origin
    action: Action
    state: Mapping[str, Any] = field(default_factory=dict)  # where the sender ended: layout, language, rotation

    def to_json(self) -> dict[str, Any]:
        return {"origin": self.origin, "number": self.number, "action": self.action.name, "state": dict(self.state)}

    @staticmethod
    def from_json(document: object) -> PeerCommand:
        if not isinstance(document, dict):
            raise PeerMessageError("a command must be a JSON object")
        origin, number, name, state = (document.get(k) for k in ("origin", "number", "action", "state"))
        if not isinstance(origin, str) or not origin:
            raise PeerMessageError("command.origin must be a non-empty string")
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise PeerMessageError("command.number must be a non-negative integer")
        if not isinstance(name, str) or name not in Action.__members__:
            raise PeerMessageError(f"command.action must be one of {', '.join(Action.__members__)}")
        if state is None:
            state = {}
        if not isinstance(state, dict):
            raise PeerMessageError("command.state must be an object")
        return PeerCommand(origin, number, Action[name], state)


def decode_command(body: bytes) -> PeerCommand:
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PeerMessageError(f"not JSON: {err}") from None
    return PeerCommand.from_json(document)


class CommandNumbers:
    """This PC's Lamport clock: each command's number is above every number this PC has
    seen from any peer, so its stamp outranks everything already on the wall. Thread-safe."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.highest = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            self.highest += 1
            return self.highest

    def observe(self, number: object) -> None:
        """A number seen from a peer (a command, or its status)."""
        if isinstance(number, int) and not isinstance(number, bool):
            with self._lock:
                self.highest = max(self.highest, number)


class SharedState:
    """The wall's shared state as this PC knows it: per aspect, the value with the highest
    stamp seen. `take` keeps what is newer and says what changed, to be shown. Thread-safe."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Stamp, Any]] = {}
        self._lock = threading.Lock()

    def take(self, stamp: Stamp, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values among `values` (by aspect) that are newer than what is held: kept, and returned."""
        fresh: dict[str, Any] = {}
        with self._lock:
            for aspect, value in values.items():
                held = self._entries.get(aspect)
                if aspect in ASPECT_ORDER and (held is None or stamp > held[0]):
                    self._entries[aspect] = (stamp, value)
                    fresh[aspect] = value
        return fresh

    def take_json(self, document: object) -> dict[str, Any]:
        """A peer's `to_json()`: what is newer there than here (malformed entries are skipped)."""
        fresh: dict[str, Any] = {}
        if not isinstance(document, dict):
            return fresh
        for aspect, entry in document.items():
            stamp = entry.get("stamp") if isinstance(entry, dict) else None
            if (isinstance(stamp, list) and len(stamp) == 2 and isinstance(stamp[0], int)
                    and isinstance(stamp[1], str) and isinstance(entry, dict)):
                fresh.update(self.take((stamp[0], stamp[1]), {aspect: entry.get("value")}))
        return fresh

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {aspect: {"stamp": list(stamp), "value": value} for aspect, (stamp, value) in self._entries.items()}


def aspects_of(action: Action, state: Mapping[str, Any]) -> dict[str, Any]:
    """The values of the aspects `action` changes, from the state it left."""
    return {aspect: state[aspect] for aspect in ASPECTS.get(action, ()) if aspect in state}


class SeenCommands:
    """Which commands have been performed here: a command arriving twice (a retry, or
    from two peers) is performed once. Commands are sent in parallel and may arrive out
    of order, so each (origin, number) is remembered — the newest `KEPT` per origin —
    rather than only the highest number (which would drop an earlier command arriving
    late, e.g. an acknowledgement overtaken by a page step). Safe from any thread."""

    KEPT = 4096

    def __init__(self) -> None:
        self._seen: dict[str, tuple[set[int], deque[int]]] = {}
        self._lock = threading.Lock()

    def first_time(self, command: PeerCommand) -> bool:
        """True (and remembered) if `command` has not been performed here before."""
        with self._lock:
            numbers, order = self._seen.setdefault(command.origin, (set(), deque()))
            if command.number in numbers:
                return False
            numbers.add(command.number)
            order.append(command.number)
            if len(order) > self.KEPT:
                numbers.discard(order.popleft())
            return True


@dataclass(frozen=True)
class DataVersion:
    """Which data a PC shows: the store it polls, the feed cursor it has read to, the
    catalog and central ranking revisions. Two PCs with equal versions show the same data."""

    store: str
    cursor: str | None
    catalog_revision: str | None
    ranking_revision: str | None

    def to_json(self) -> dict[str, str | None]:
        return {"store": self.store, "cursor": self.cursor, "catalog_revision": self.catalog_revision,
                "ranking_revision": self.ranking_revision}

    @staticmethod
    def from_json(document: object) -> DataVersion | None:
        if not isinstance(document, dict) or not isinstance(document.get("store"), str):
            return None
        parts = [document.get(k) for k in ("cursor", "catalog_revision", "ranking_revision")]
        if not all(p is None or isinstance(p, str) for p in parts):
            return None
        return DataVersion(document["store"], *parts)

    def behind(self, peer: DataVersion | None) -> bool:
        """True if a peer polling the same store shows other data than this PC: poll now.
        Cursors are opaque, so 'other' stands for 'newer': if this PC is the one ahead,
        the extra poll is one quiet request, and the peer catches up on its side."""
        return peer is not None and peer.store == self.store and peer != self


def data_version(snapshot: Snapshot) -> DataVersion:
    """The data version `snapshot` shows."""
    catalog, central = snapshot.catalog, snapshot.central_ranking
    return DataVersion(snapshot.status.store_url, snapshot.feed_cursor, catalog.revision if catalog else None,
                       central.revision if central else None)


def clock_skew(sent: float, received: float, peer_time: float) -> float:
    """Seconds the peer's clock is ahead of ours, from one request: its time against
    the middle of our request's round trip."""
    return peer_time - (sent + received) / 2.0

"""The control page's side of the running wall: what it shows, and its requests as Actions.

The endpoint (control_server.py) runs on threads of its own and never touches Qt. This
part publishes what the wall shows for it (on every tick of the wall's clock, built on
the GUI thread) and receives its requests through a queued signal, turning each into
the `Action`s a key would give (`action_requested`, wired to `WallController.perform`):
so a command from the tablet is performed, logged and sent to the other PCs of the wall
exactly as a key is. Choosing a page or a language is stepping there with the same
Actions (a page: next/previous as many times as it takes; a language: the next one
until it is shown), so no new kind of command has to travel between PCs. A tapped
place is the one exception: it comes out as its code (`place_requested`), opened as
`DRILL_INTO` with that place, and the place the wall then shows travels to the other
PCs as data (the drill-down's shared state), never as steps replayed on a list
another PC may have in another order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal

from ..widgets.look.i18n import LANGUAGES, tr
from .control_lease import LAPSE_AFTER_S, ControlLease
from .control_server import ControlRequest, ControlServer
from .keys import Action

if TYPE_CHECKING:
    from .controller import WallController

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "English", "hi": "हिन्दी", "gu": "ગુજરાતી"}  # each in its own script, for the buttons


@dataclass(frozen=True)
class ControlSettings:
    """Where the control page listens and the token it asks for (never logged)."""

    port: int  # 0: any free port (tests)
    token: str
    bind: str = "0.0.0.0"
    lapse_after: float = LAPSE_AFTER_S


def wall_state(controller: WallController) -> dict[str, Any]:
    """What the control page shows of the wall: layout, language, pages, rotation, crisis."""
    screens = []
    for window in controller.screen_windows():
        spec = window.screen_spec
        if spec is None:
            continue
        pages = [page.title or f"Page {number}" for number, page in enumerate(spec.pages, start=1)]
        screens.append({"id": spec.id, "title": spec.title or spec.id, "page": window.current_page, "pages": pages})
    next_turn = controller.pages.seconds_to_next_turn()
    return {
        "layout": controller.layout.name,
        "layout_file": controller.layout_reference(),
        "language": controller.language,
        "languages": [{"code": code, "name": LANGUAGE_NAMES.get(code, code)} for code in LANGUAGES],
        "paused": controller.pages.paused,
        "rotating": controller.pages.rotation.enabled,
        "next_turn_in_s": round(next_turn, 1) if next_turn is not None else None,
        "screens": screens,
        "crisis_showing": controller.layouts.in_crisis,
        "crisis_active": controller.crisis.active,
        "crisis_unacknowledged": controller.crisis.flashing(),
        # Presentation mode (issue 13) is being built beside this page: read without assuming it exists yet.
        "presenting": bool(getattr(getattr(controller, "presentation", None), "active", False)),
        "drill": drill_state(controller),
    }


def drill_state(controller: WallController) -> dict[str, Any] | None:
    """Where the drill-down is and the places it lists to tap (the state's children from the rotation)."""
    drill = controller.drill
    catalog = drill.catalog()
    if catalog is None:
        return None
    code = drill.entity or catalog.state.code
    place = catalog.state if code == catalog.state.code else catalog.entity(code)
    children = [catalog.entity(c) for c in drill.child_codes()]
    return {"active": drill.active, "entity": drill.entity, "name": place.name if place is not None else code,
            "selected": drill.selected,
            "children": [{"code": c.code, "name": c.name, "level": c.level} for c in children if c is not None]}


def listed(drill: Mapping[str, Any] | None, entity: str) -> bool:
    """Whether the drill-down lists `entity` now (a tap on a list the wall has since left opens nothing)."""
    return drill is not None and any(c["code"] == entity for c in drill["children"])


class ControlPanel(QObject):
    """The control endpoint while the wall runs; its requests come out as `action_requested`."""

    action_requested = Signal(object)  # an Action: perform it as a key on this PC would be
    place_requested = Signal(str)  # a listed place's code: open its page (DRILL_INTO with that place)
    _arrived = Signal(object)  # a ControlRequest, from the endpoint's threads
    _lease_changed = Signal(object, object)  # (previous holder, new holder) names, from the endpoint's threads
    notice = Signal(str)  # control changed hands: a line for every strip, in the wall's language

    def __init__(self, settings: ControlSettings, state: Callable[[], Mapping[str, Any]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.state = state  # called on the GUI thread only
        self.lease = ControlLease(settings.lapse_after, changed=self._lease_changed.emit)
        self._published: Mapping[str, Any] = {}
        self._lock = threading.Lock()
        self.server = ControlServer(settings.bind, settings.port, settings.token, self.lease,
                                    state=self.published, on_request=self._arrived.emit)
        self._arrived.connect(self.carry_out, Qt.ConnectionType.QueuedConnection)
        self._lease_changed.connect(self._tell_hands, Qt.ConnectionType.QueuedConnection)

    @property
    def port(self) -> int:
        return self.server.port

    def start(self) -> None:
        self.publish()
        self.server.start()
        log.info("control page on http://%s:%d/", self.settings.bind, self.port)

    def stop(self) -> None:
        self.server.stop()

    def publish(self) -> None:
        """What the wall shows now, for the endpoint's threads (GUI thread)."""
        state = dict(self.state())
        with self._lock:
            self._published = state

    def published(self) -> Mapping[str, Any]:
        with self._lock:
            return self._published

    def carry_out(self, request: ControlRequest) -> None:
        """One request of the control page as the Actions a key would give (GUI thread)."""
        if request.entity is not None:
            if listed(self.state().get("drill"), request.entity):  # now, not as last published
                self.place_requested.emit(request.entity)
        for action in self.actions_for(request):
            self.action_requested.emit(action)
        self.publish()

    def _tell_hands(self, previous: str | None, new: str | None) -> None:
        """Who controls the wall is seen on the wall, not only on the tablets (GUI thread)."""
        language = str(self.state().get("language", "en"))
        if new is None:
            text = tr("Control page: {name} handed control back", language).format(name=previous)
        elif previous is None or previous == new:
            text = tr("Control page: {name} has control", language).format(name=new)
        else:
            text = tr("Control page: {name} took control from {previous}", language).format(name=new, previous=previous)
        self.notice.emit(text)

    def actions_for(self, request: ControlRequest) -> list[Action]:
        if request.action is not None:
            return [request.action]
        state = self.state()  # now, not as last published: the page may have turned since
        if request.screen is not None and request.page is not None:
            screen = next((s for s in state["screens"] if s["id"] == request.screen), None)
            if screen is None:
                return []
            delta = request.page - screen["page"]
            return [Action.NEXT_PAGE if delta > 0 else Action.PREVIOUS_PAGE] * abs(delta)
        if request.language is not None and request.language in LANGUAGES:
            steps = (LANGUAGES.index(request.language) - LANGUAGES.index(state["language"])) % len(LANGUAGES)
            return [Action.NEXT_LANGUAGE] * steps
        return []

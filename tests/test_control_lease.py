"""One controller at a time: the control page's lease, with clocks the test turns.

A second controller is refused while the holder is active, sees who holds the lease
and since when, and takes over after the holder has been idle long enough or when it
confirms; the holder's key (never its name) proves the lease, and commands renew it.
"""

from __future__ import annotations

import pytest
from cmwall.wall.control_lease import MAX_NAME_CHARS, ControlLease, LeaseRefused, clean_name


class Clocks:
    def __init__(self) -> None:
        self.monotonic = 1000.0
        self.wall = 1_780_000_000.0

    def advance(self, seconds: float) -> None:
        self.monotonic += seconds
        self.wall += seconds


@pytest.fixture
def clocks() -> Clocks:
    return Clocks()


@pytest.fixture
def lease(clocks: Clocks) -> ControlLease:
    return ControlLease(120.0, monotonic=lambda: clocks.monotonic, wall_clock=lambda: clocks.wall)


def test_the_first_controller_gets_the_lease_and_a_second_sees_who_and_since_when(lease: ControlLease,
                                                                                 clocks: Clocks) -> None:
    key, holder = lease.acquire("Protocol desk")
    assert lease.holds(key) and holder.name == "Protocol desk" and holder.since == clocks.wall
    clocks.advance(30)
    with pytest.raises(LeaseRefused) as refused:
        lease.acquire("CMO tablet")
    seen = refused.value.holder
    assert (seen.name, seen.since, seen.idle_s, seen.lapses_in_s) == ("Protocol desk", clocks.wall - 30, 30, 90)
    assert "key" not in seen.to_json() and key not in str(seen.to_json())
    assert lease.holds(key)


def test_an_idle_holder_lapses_and_is_taken_over_without_asking(lease: ControlLease, clocks: Clocks) -> None:
    first, _ = lease.acquire("Protocol desk")
    clocks.advance(119)
    with pytest.raises(LeaseRefused):
        lease.acquire("CMO tablet")
    clocks.advance(1)
    holder = lease.holder()
    assert holder is not None and holder.to_json()["lapsed"] is True
    second, holder = lease.acquire("CMO tablet")
    assert holder.name == "CMO tablet" and lease.holds(second) and not lease.holds(first)
    assert not lease.renew(first), "the old holder's commands are refused once taken over"


def test_commands_renew_the_lease(lease: ControlLease, clocks: Clocks) -> None:
    key, _ = lease.acquire("Protocol desk")
    for _ in range(5):
        clocks.advance(100)
        assert lease.renew(key)
    with pytest.raises(LeaseRefused):
        lease.acquire("CMO tablet")
    clocks.advance(200)  # lapsed, but nobody took it: the holder carries on
    assert lease.renew(key) and lease.holds(key)


def test_a_confirmed_take_over_does_not_wait(lease: ControlLease, clocks: Clocks) -> None:
    first, _ = lease.acquire("Protocol desk")
    clocks.advance(1)
    second, holder = lease.acquire("CMO tablet", take_over=True)
    assert holder.name == "CMO tablet" and holder.since == clocks.wall
    assert lease.holds(second) and not lease.holds(first)


def test_releasing_frees_the_wall_at_once_and_only_for_the_holder(lease: ControlLease) -> None:
    key, _ = lease.acquire("Protocol desk")
    assert not lease.release("not-the-key") and not lease.release(None) and lease.holds(key)
    assert lease.release(key) and lease.holder() is None
    other, _ = lease.acquire("CMO tablet")
    assert lease.holds(other)


def test_keys_are_random_and_not_guessable_from_the_name(lease: ControlLease, clocks: Clocks) -> None:
    keys = set()
    for _ in range(20):
        key, _ = lease.acquire("Protocol desk", take_over=True)
        keys.add(key)
    assert len(keys) == 20 and all(len(k) >= 32 and "Protocol" not in k for k in keys)
    assert not lease.holds("Protocol desk") and not lease.holds(123)


@pytest.mark.parametrize(("given", "kept"), [
    ("  Protocol   desk ", "Protocol desk"),
    ("Desk\u0000\u001b[31m<b>", "Desk[31m<b>"),  # control characters dropped; markup kept as text (escaped on output)
    ("", "unnamed controller"),
    (None, "unnamed controller"),
    (42, "unnamed controller"),
    ("x" * 500, "x" * MAX_NAME_CHARS),
    ("प्रोटोकॉल डेस्क", "प्रोटोकॉल डेस्क"),
    ("ક્‍ષ‮", "ક્‍ષ"),  # a joiner that shapes the script kept, a right-to-left override dropped
])
def test_names_are_short_plain_text(given: object, kept: str) -> None:
    assert clean_name(given) == kept

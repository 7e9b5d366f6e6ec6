"""Pages follow the wall clock (IST), so two wall PCs agree; the operator can step and pause."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cmwall.sync.period_time import IST
from cmwall.wall.rotation import Rotation, page_at, seconds_since_midnight_ist

MIDNIGHT_IST = datetime(2026, 11, 22, 0, 0, tzinfo=IST)


def at(seconds: float) -> datetime:
    return MIDNIGHT_IST + timedelta(seconds=seconds)


def test_page_is_a_function_of_ist_time_of_day() -> None:
    dwells = [30, 10, 20]  # a 60 s cycle
    assert page_at(dwells, at(0)) == (0, 30)
    assert page_at(dwells, at(29.5))[0] == 0
    assert page_at(dwells, at(30)) == (1, 10)
    assert page_at(dwells, at(45)) == (2, 15)
    assert page_at(dwells, at(60 * 1000 + 31))[0] == 1


def test_two_walls_in_different_time_zones_show_the_same_page() -> None:
    utc = at(3600 + 42).astimezone(UTC)
    assert seconds_since_midnight_ist(utc) == 3642
    assert page_at([30, 30], utc) == page_at([30, 30], at(3642))


def test_single_page_never_rotates() -> None:
    assert page_at([30], at(12345)) == (0, float("inf"))


def test_step_pause_resume() -> None:
    rotation = Rotation()
    dwells = [10, 10, 10]
    assert rotation.page("s", dwells, at(5)) == 0
    rotation.step(1, {"s": 0})
    assert rotation.page("s", dwells, at(5)) == 1
    assert rotation.page("s", dwells, at(15)) == 2  # still driven by the clock, one ahead
    rotation.pause({"s": 2})
    assert rotation.page("s", dwells, at(500)) == 2  # frozen
    rotation.step(-1, {"s": 2})
    assert rotation.page("s", dwells, at(900)) == 1
    rotation.resume()
    assert rotation.page("s", dwells, at(25)) == 2  # back on the shared clock, offset dropped


def test_rotation_off_stays_on_first_page_until_stepped() -> None:
    rotation = Rotation(enabled=False)
    assert rotation.page("s", [10, 10], at(15)) == 0
    rotation.step(1, {"s": 0})
    assert rotation.page("s", [10, 10], at(99)) == 1

"""The wall limits glibc's malloc arenas before any thread starts (wall/memory.py), unless the
operator chose with MALLOC_ARENA_MAX."""

from __future__ import annotations

import sys

import pytest
from cmwall.wall.memory import limit_malloc_arenas


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_the_arena_limit_is_set_on_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_malloc_arenas() is True


def test_the_operators_own_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False


class _RecordingLibc:
    """Stands in for glibc: records each mallopt call."""

    def __init__(self) -> None:
        self.options: list[tuple[int, int]] = []

    def mallopt(self, option: int, value: int) -> int:
        self.options.append((option, value))
        return 1

    def malloc_trim(self, pad: int) -> int:
        return 0


@pytest.mark.parametrize("operator_setting", [None, "4"])
def test_the_memory_keeper_caps_arenas_only_without_the_operators_setting(
        monkeypatch: pytest.MonkeyPatch, qapp: object, operator_setting: str | None) -> None:
    from cmwall.wall import idle, memory

    libc = _RecordingLibc()
    monkeypatch.setattr(memory, "glibc", lambda: libc)
    if operator_setting is None:
        monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    else:
        monkeypatch.setenv("MALLOC_ARENA_MAX", operator_setting)
    idle.MemoryKeeper()
    capped = (memory.M_ARENA_MAX, memory.WALL_ARENAS) in libc.options
    assert capped is (operator_setting is None)
    assert (idle._M_MMAP_THRESHOLD, idle.MMAP_THRESHOLD) in libc.options  # the rest of its settings stand

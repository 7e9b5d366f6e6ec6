"""Keep the wall process's memory from fragmenting across threads (glibc only).

glibc gives every thread that allocates its own malloc arena, up to eight per core; the
wall allocates on the GUI thread, the sync thread, the view-model thread and HTTP
threads, and memory freed in one arena is never reused by another. At 3,400 KPIs that
alone cost a four-screen wall 150 MB or more of resident memory kept for nothing
(bench/bench_wall_scale.py: 556 → 392 MB peak). Two arenas keep the contention low and
the freed memory reusable. Called once, first thing, before any thread starts; a
no-op on other C libraries, and where MALLOC_ARENA_MAX is set in the environment (the
operator's choice wins).

`without_unused_extras` keeps out what the wall's HTTP client would load only because it
happens to be installed: httpx's own command-line client (click, rich, pygments) and
httpcore's trio backend (trio, outcome, sortedcontainers; installed with the test tools'
selenium). The wall speaks plain synchronous HTTP; those cost a wall at rest ~4 MB of
resident memory (PSS) for nothing (issue 12).

Python's objects stay on Python's own small-object allocator. Started on the C allocator
instead (PYTHONMALLOC=malloc), a four-screen wall at rest held ~30 MB less (Python's
arenas kept the free pools start-up left; glibc's trimmed heap gives them back), but at
3,400 KPIs it cost ~20 % more CPU per poll, ~15 % more GUI-thread CPU per snapshot and a
GUI p99 over one frame (bench_gui_poll, alternate runs), and a cold sync +37 % CPU
(bench_sync): an operator who prefers memory to CPU can still set PYTHONMALLOC=malloc.
Most of those free pools came from a restart reading its stored rows 50,000 at a time;
read 5,000 at a time (LocalStore.iter_observations) they are ~2 MB, not ~25.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)
WALL_ARENAS = 2
# Imported by httpx / httpcore only if installed, each import guarded by `except ImportError`:
# httpx's command-line client and httpcore's trio backend, neither used by a synchronous client.
UNUSED_EXTRAS = ("httpx._main", "trio")


def glibc() -> ctypes.CDLL | None:
    """The C library, when it is glibc (it has `mallopt` and `malloc_trim`; musl and others do not)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        # The symbols already loaded into this process, the C library's among them: no
        # search (ctypes.util.find_library runs `ldconfig -p` in a child process).
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.mallopt.restype = ctypes.c_int
    return libc


def limit_malloc_arenas(arenas: int = WALL_ARENAS) -> bool:
    """True when glibc accepted the limit; nothing is set where the operator chose with MALLOC_ARENA_MAX."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    libc = glibc()
    return libc is not None and bool(libc.mallopt(M_ARENA_MAX, arenas))


@contextmanager
def without_unused_extras(modules: tuple[str, ...] = UNUSED_EXTRAS) -> Iterator[None]:
    """Within: `modules` not yet imported cannot be (their optional imports fall back as
    when they are not installed). Afterwards they can be again, for anyone who wants them."""
    blocked = [name for name in modules if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # the import system's "not importable" mark
    try:
        yield
    finally:
        for name in blocked:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]

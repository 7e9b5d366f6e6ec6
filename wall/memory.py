"""Keep the wall process's memory from fragmenting across threads (glibc only).

glibc gives every thread that allocates its own malloc arena, up to eight per core; the
wall allocates on the GUI thread, the sync thread, the view-model thread and HTTP
threads, and memory freed in one arena is never reused by another. At 3,400 KPIs that
alone cost a four-screen wall 150 MB or more of resident memory kept for nothing
(bench/bench_wall_scale.py: 556 → 392 MB peak). Two arenas keep the contention low and
the freed memory reusable. Called once, first thing, before any thread starts; a
no-op on other C libraries, and where MALLOC_ARENA_MAX is set in the environment (the
operator's choice wins).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)
WALL_ARENAS = 2


def limit_malloc_arenas(arenas: int = WALL_ARENAS) -> bool:
    """True when glibc accepted the limit."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))

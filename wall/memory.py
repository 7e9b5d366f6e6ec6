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

`c_allocator_command` says how to start the wall again with Python's own objects on the C
allocator (PYTHONMALLOC=malloc), which `cli.main` does first thing for the wall. Python's
small-object allocator takes memory in 1 MiB arenas and gives an arena back only when
every object in it is gone; its free pools are never released. Starting a wall allocates
and frees far more than it keeps (the catalog's JSON, the layout, the first snapshots, the
tiles' first models), interleaved with what lives for weeks (modules, tiles), so a wall
at rest held ~80 MB of arenas for ~50 MB of objects: ~30 MB free and never returned (issue
12). On glibc's allocator the same frees land in one heap, which `MemoryKeeper` trims every
30 s (free pages go back to the system wherever they are): the four-screen wall at rest
measured 195 → 162 MB PSS (bench/bench_browser_compare.py), with no more CPU at rest.
Only with glibc, never when the operator set PYTHONMALLOC, and never when Python ignores
the environment (-E, -I: it would not take the setting, and would start again and again).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)
WALL_ARENAS = 2
# Imported by httpx / httpcore only if installed, each import guarded by `except ImportError`:
# httpx's command-line client and httpcore's trio backend, neither used by a synchronous client.
UNUSED_EXTRAS = ("httpx._main", "trio")


PYTHON_ALLOCATOR_ENV = "PYTHONMALLOC"
WALL_PYTHON_ALLOCATOR = "malloc"  # Python's objects on the C allocator (glibc's, trimmed by MemoryKeeper)


def _is_glibc() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return False
    return hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt")  # musl and others have neither


def c_allocator_command(orig_argv: Sequence[str], executable: str, environ: Mapping[str, str], *,
                        ignores_environment: bool, glibc: bool) -> tuple[list[str], dict[str, str]] | None:
    """The command line and environment that start this same process again with Python's
    objects on the C allocator; None where it should run as it is (see the module's docstring)."""
    if (not glibc or ignores_environment or PYTHON_ALLOCATOR_ENV in environ or not executable
            or len(orig_argv) < 2):
        return None
    return [executable, *orig_argv[1:]], {**environ, PYTHON_ALLOCATOR_ENV: WALL_PYTHON_ALLOCATOR}


def restart_on_c_allocator() -> None:
    """Replace this process by the same command with PYTHONMALLOC=malloc, where that applies
    (returns only where it does not). Call it before anything starts a thread or opens a file."""
    found = c_allocator_command(sys.orig_argv, sys.executable, os.environ,
                                ignores_environment=bool(sys.flags.ignore_environment), glibc=_is_glibc())
    if found is not None:
        command, environ = found
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(command[0], command, environ)


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

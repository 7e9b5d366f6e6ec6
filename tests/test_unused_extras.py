"""The wall's HTTP client comes without what it never uses (wall/memory.py): httpx's
command-line client and httpcore's trio backend stay out of the wall process even when
installed (the test tools install them), and stay importable for anyone else afterwards."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from cmwall.wall.memory import without_unused_extras

EXTRAS = ("trio", "click", "rich", "pygments")


def test_a_guarded_module_cannot_be_imported_within_and_can_after() -> None:
    name = "json.tool"  # a standard module nobody in this process needs
    was_loaded = sys.modules.pop(name, None)
    try:
        with without_unused_extras((name,)):
            with pytest.raises(ImportError):
                importlib.import_module(name)
        assert importlib.import_module(name).__name__ == name
    finally:
        if was_loaded is not None:
            sys.modules[name] = was_loaded


def test_a_module_already_imported_is_left_as_it_is() -> None:
    with without_unused_extras(("json",)):
        assert importlib.import_module("json") is sys.modules["json"]
    assert sys.modules["json"] is not None


@pytest.mark.skipif(any(importlib.util.find_spec(m) is None for m in EXTRAS),
                    reason="the extras are not installed here: nothing to keep out")
def test_the_wall_configuration_loads_the_http_client_without_the_extras() -> None:
    probe = ("import sys\n"
             "import cmwall.wall.config, httpx, httpcore\n"
             f"print(sorted(m for m in {EXTRAS!r} if sys.modules.get(m) is not None))\n"
             "import trio\n"  # importable again once the client is loaded
             "print(trio.__name__)\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.split("\n")[:2] == ["[]", "trio"]

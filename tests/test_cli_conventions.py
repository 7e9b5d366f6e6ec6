"""Command-line conventions of `main.py`: `--version`, one log level for the console and
the log file, and a file, directory or URL the wall cannot use named in one line, exit 2.

Through the real entry point in a subprocess: logging is set up once per process, and
the process is what an installer runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError
from pathlib import Path

import pytest
from cmwall.wall import cli

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "main.py"


def env_without_config(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMWALL_") and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["HOME"] = env.get("HOME", "/nonexistent")
    env["XDG_CONFIG_HOME"] = "/nonexistent/config"  # no configuration file of the machine running the tests
    return {**env, **extra}


def run_main(tmp_path: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(MAIN), *args], capture_output=True, text=True, timeout=timeout,
                          env=env_without_config(), cwd=str(tmp_path))


def pyproject_version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])


def test_version_prints_the_package_version(tmp_path: Path) -> None:
    result = run_main(tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"cm-wall {pyproject_version()}"


def test_version_falls_back_to_pyproject_in_a_source_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> str:
        raise PackageNotFoundError(name)

    monkeypatch.setattr("importlib.metadata.version", not_installed)
    assert cli.package_version() == pyproject_version()


def lines_at(level: str, text: str) -> list[str]:
    return [line for line in text.splitlines() if f" {level} " in line]


def test_log_level_error_holds_on_the_console_and_in_the_log_file(tmp_path: Path) -> None:
    quiet = run_main(tmp_path, "--log-level", "ERROR", "--data-dir", str(tmp_path / "quiet"),
                     "--screenshot", str(tmp_path / "shots"), timeout=120)
    assert quiet.returncode == 0, quiet.stderr
    assert lines_at("INFO", quiet.stderr) == [] and lines_at("WARNING", quiet.stderr) == []
    assert lines_at("INFO", (tmp_path / "quiet" / "cm-wall.log").read_text(encoding="utf-8")) == []
    # the same run at INFO shows what ERROR kept out, on both
    chatty = run_main(tmp_path, "--log-level", "INFO", "--data-dir", str(tmp_path / "chatty"),
                      "--screenshot", str(tmp_path / "shots"), timeout=120)
    assert chatty.returncode == 0, chatty.stderr
    assert lines_at("INFO", chatty.stderr)
    assert lines_at("INFO", (tmp_path / "chatty" / "cm-wall.log").read_text(encoding="utf-8"))


BAD_ARGUMENTS = [
    (("--ca-bundle", "{tmp}/missing-ca.pem", "--store", "https://store.example"),
     "cannot read CA bundle {tmp}/missing-ca.pem (--ca-bundle): no such file"),
    (("--token-file", "{tmp}/missing-token"), "cannot read token file {tmp}/missing-token (--token-file): no such file"),
    (("--layout", "{tmp}/missing-layout.toml"), "layout {tmp}/missing-layout.toml (--layout): no such layout"),
    (("--data-dir", "{tmp}/a-file/data"), "data directory {tmp}/a-file/data (--data-dir): cannot create it"),
    (("--config", "{tmp}/missing.toml"), "configuration file {tmp}/missing.toml (--config): no such file"),
    (("--store", "store.example:8080"), "--store: store.url: 'store.example:8080' is not an http(s) URL"),
    (("--store", "https://store.example:port/"), "--store: store.url: 'https://store.example:port/' has a port"),
]


@pytest.mark.parametrize(("args", "message"), BAD_ARGUMENTS, ids=[args[0] for args, _ in BAD_ARGUMENTS])
def test_a_bad_file_or_url_argument_is_one_line_naming_it_and_exit_2(tmp_path: Path, args: tuple[str, ...],
                                                                     message: str) -> None:
    (tmp_path / "a-file").write_text("not a directory", encoding="utf-8")
    words = [word.format(tmp=tmp_path) for word in args]
    if "--data-dir" not in words:
        words += ["--data-dir", str(tmp_path / "data")]
    result = run_main(tmp_path, *words, "--screenshot", str(tmp_path / "shots"))
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"cm-wall: error: {message.format(tmp=tmp_path)}"), line


def test_a_ca_bundle_without_certificates_is_named(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n", encoding="utf-8")
    for command in ([], ["sync"]):
        result = run_main(tmp_path, *command, "--data-dir", str(tmp_path / "data"), "--ca-bundle", str(junk),
                          "--store", "https://store.example", *(["--screenshot", str(tmp_path / "s")] if not command else []))
        assert result.returncode == 2, result.stderr
        (line,) = result.stderr.splitlines()
        assert f"cannot set up the store client (CA bundle {junk}): " in line


@pytest.mark.parametrize("command", [["catalog"], ["check", "crisis"], ["rank"], ["sync"]])
def test_commands_name_a_missing_ca_bundle_too(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "missing.pem"
    result = run_main(tmp_path, *command, "--ca-bundle", str(missing), "--store", "https://store.example",
                      *(["--data-dir", str(tmp_path / "data")] if command == ["sync"] else []))
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [f"cm-wall: error: cannot read CA bundle {missing} (--ca-bundle): no such file"]


def test_a_reader_that_stops_early_is_not_an_error() -> None:
    """`cm-wall rank | head -1`: the pipe closes under the command; no error line, exit 0."""
    ranking = subprocess.Popen([sys.executable, str(MAIN), "rank"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert ranking.stdout is not None and ranking.stderr is not None
    ranking.stdout.close()  # the reader is gone before the ranking is written: every write meets a closed pipe
    errors = ranking.stderr.read().decode()
    assert ranking.wait(timeout=60) == 0, errors
    assert errors == ""

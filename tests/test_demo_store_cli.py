"""The `demo-store` command's options, token handling and serving loop."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest
from cmwall.wall.cli import demo_store as cli


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_defaults_and_options() -> None:
    args = parse()
    assert (args.host, args.port, args.seed, args.scale_kpis, args.ranking) == ("127.0.0.1", 8765, 0, None, "live")
    args = parse("--port", "0", "--seed", "9", "--scale-kpis", "3400", "--ranking", "stale", "--host", "0.0.0.0")
    assert (args.host, args.port, args.seed, args.scale_kpis, args.ranking) == ("0.0.0.0", 0, 9, 3400, "stale")
    with pytest.raises(SystemExit):
        parse("--ranking", "sometimes")


def test_token_from_file_or_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cli.TOKEN_ENV, raising=False)
    assert cli.read_token(parse()) is None
    monkeypatch.setenv(cli.TOKEN_ENV, "from-env")
    assert cli.read_token(parse()) == "from-env"
    token_file = tmp_path / "token"
    token_file.write_text("from-file\n", encoding="utf-8")
    assert cli.read_token(parse("--token-file", str(token_file))) == "from-file"


def test_unreadable_token_file_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(parse("--token-file", str(tmp_path / "missing"))) == 2
    assert "token file" in capsys.readouterr().err


def test_run_prints_the_url_and_stops_on_ctrl_c(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(cli.TOKEN_ENV, raising=False)
    seen: dict[str, object] = {}

    def fake_serve_forever(store: object, host: str, port: int, quiet: bool, on_ready: Callable[[str], None]) -> NoReturn:
        seen.update(store=store, host=host, port=port, quiet=quiet)
        on_ready(f"http://{host}:4321")
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "serve_forever", fake_serve_forever)
    assert cli.run(parse("--port", "0", "--ranking", "withheld", "--seed", "4")) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:4321" in out and "stopped" in out
    store = seen["store"]
    assert seen["quiet"] is True and store.ranking_mode == "withheld" and store.seed == 4  # type: ignore[attr-defined]
    assert store.ranking() is None  # type: ignore[attr-defined]

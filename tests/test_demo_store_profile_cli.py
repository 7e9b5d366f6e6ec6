"""Choosing a demo store profile: `demo-store --profile`, the wall's `--demo-profile`, `check`."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest
from cmwall.sync.demo_store import CityCrisisStore, DemoStore, make_store
from cmwall.sync.service import Intervals
from cmwall.sync.snapshot import Snapshot
from cmwall.wall import cli as wall_cli
from cmwall.wall.backend import BackendError, build_backend, start_demo_store
from cmwall.wall.cli import check
from cmwall.wall.cli import demo_store as cli
from cmwall.wall.config import WallConfig

CITY_LAYOUT = Path(__file__).resolve().parents[1] / "layouts" / "city_crisis.toml"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_profile_defaults_to_gujarat_and_names_the_city() -> None:
    assert parse().profile == "gujarat"
    assert parse("--profile", "city-crisis").profile == "city-crisis"
    assert isinstance(make_store(), DemoStore)
    assert isinstance(make_store("city-crisis", seed=3), CityCrisisStore)


def test_unknown_profile_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as demo_exit:
        wall_cli.main(["demo-store", "--profile", "atlantis"])
    assert demo_exit.value.code == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(errors) == 1 and "atlantis" in errors[0] and "city-crisis" in errors[0]
    with pytest.raises(SystemExit) as wall_exit:
        wall_cli.main(["--demo-profile", "atlantis"])
    assert wall_exit.value.code == 2 and "--demo-profile" in capsys.readouterr().err
    with pytest.raises(ValueError, match="unknown demo profile"):
        make_store("atlantis")


@pytest.mark.parametrize("argv, message", [
    (("--profile", "city-crisis", "--ranking", "stale"), "publishes no ranking"),
    (("--profile", "city-crisis", "--scale-kpis", "50"), "fixed catalog"),
])
def test_gujarat_only_options_are_refused_for_the_city(
    argv: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(cli.TOKEN_ENV, raising=False)
    assert cli.run(parse(*argv)) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_demo_store_command_serves_the_chosen_profile(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(cli.TOKEN_ENV, raising=False)
    seen: dict[str, object] = {}

    def fake_serve_forever(store: object, host: str, port: int, quiet: bool, on_ready: Callable[[str], None]) -> NoReturn:
        seen["store"] = store
        on_ready(f"http://{host}:4321")
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "serve_forever", fake_serve_forever)
    assert cli.run(parse("--profile", "city-crisis", "--seed", "6", "--ranking", "withheld")) == 0
    store = seen["store"]
    assert isinstance(store, CityCrisisStore) and store.seed == 6 and store.ranking() is None
    assert "(city-crisis)" in capsys.readouterr().out


def test_wall_config_carries_the_profile_and_keeps_its_local_store_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(wall_cli.DATA_DIR_ENV, str(tmp_path))
    parser = wall_cli.build_parser()
    gujarat = wall_cli.wall_config(parser.parse_args([]))
    assert (gujarat.demo_profile, gujarat.data_dir) == ("gujarat", tmp_path)
    city = wall_cli.wall_config(parser.parse_args(["--demo-profile", "city-crisis"]))
    assert city.demo_profile == "city-crisis" and city.data_dir == tmp_path / "demo-city-crisis"
    chosen = wall_cli.wall_config(parser.parse_args(["--demo-profile", "city-crisis", "--data-dir", "/x"]))
    assert chosen.data_dir == Path("/x")
    remote = wall_cli.wall_config(parser.parse_args(["--demo-profile", "city-crisis", "--store", "http://s"]))
    assert remote.data_dir == tmp_path  # a real store is no demo profile


def test_embedded_store_runs_the_profile_and_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    running = start_demo_store(WallConfig(data_dir=tmp_path, demo_profile="city-crisis", demo_seed=5))
    try:
        assert isinstance(running.store, CityCrisisStore) and running.store.seed == 5
        assert running.url.startswith("http://127.0.0.1:")
    finally:
        running.stop()
    with pytest.raises(BackendError, match="publishes no ranking"):
        start_demo_store(WallConfig(data_dir=tmp_path, demo_profile="city-crisis", demo_ranking="stale"))


def test_the_wall_syncs_the_city_over_loopback(tmp_path: Path) -> None:
    synced = threading.Event()
    received: list[Snapshot] = []

    def on_snapshot(snapshot: Snapshot) -> None:
        if snapshot.status.last_success is not None and snapshot.catalog is not None:
            received.append(snapshot)
            synced.set()

    config = WallConfig(data_dir=tmp_path, demo_profile="city-crisis", intervals=Intervals(3600, 3600, 3600))
    backend = build_backend(config, on_snapshot)
    try:
        backend.start()
        assert synced.wait(timeout=60)
    finally:
        backend.stop()
    catalog = received[-1].catalog
    assert catalog is not None and catalog.state.code == "9"
    assert len(catalog.entities_of_level("facility")) == len(catalog.children_of("9"))


def test_check_finds_the_profile_a_layout_belongs_to(capsys: pytest.CaptureFixture[str]) -> None:
    def run(*argv: str) -> int:
        parser = argparse.ArgumentParser()
        check.add_arguments(parser)
        return check.run(parser.parse_args([*argv, str(CITY_LAYOUT)]))

    assert run() == 0
    assert "OK" in capsys.readouterr().out
    assert run("--demo-profile", "city-crisis") == 0
    assert run("--demo-profile", "gujarat") == 2
    assert "unknown KPI 'LKO.BED.ICU.USED'" in capsys.readouterr().err

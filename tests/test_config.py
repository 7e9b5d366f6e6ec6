"""The configuration file, the CMWALL_* variables and the flags, in layers.

default < file < environment < flag, for several settings; a bad file is one line per
problem with its field path (through the real `main.py` too) and exit 2; the token is
never a setting and never printed; the example file is valid and names every setting;
this PC's screen mapping puts a layout screen on the named monitor.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cmwall.layouts.loader import load_layout
from cmwall.wall import cli
from cmwall.wall.config import ConfigFile, ScreenOutput, env_of, flag_of, sections
from cmwall.wall.config_file import CONFIG_ENV, ConfigError, read_config_file, resolve, validate_file
from cmwall.wall.placement import Output, Rect, with_screen_outputs
from cmwall.wall.spread import plan_wall

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "main.py"
EXAMPLE = ROOT / "docs" / "config.example.toml"
SECRET = "s3cr3t-token-never-printed"


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without any CMWALL_* of the machine running it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMWALL_") and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return {**env, **extra}


def run_main(*args: str, env: dict[str, str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(MAIN), *args], capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=str(cwd))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- layers ------------------------------------------------------------------------------


def test_each_layer_overrides_the_one_below(tmp_path: Path) -> None:
    file = write(tmp_path / "wall.toml", '[store]\ntimeout = 5.0\ndeadline = 20.0\nmax_body_mb = 8.0\n'
                                         '[poll]\nranking = 120.0\ncatalog = 600.0\n[wall]\nlanguage = "hi"\n')
    env = {CONFIG_ENV: str(file), "CMWALL_DEADLINE": "25", "CMWALL_POLL_CATALOG": "900", "CMWALL_LANGUAGE": "gu"}
    settings = resolve({"--max-body-mb": 16.0, "--poll-catalog": 30.0}, env=env)
    config = settings.config
    # default: nothing set it
    assert (config.poll.observations, settings.source("poll.observations")) == (10.0, "default")
    # file only
    assert (config.store.timeout, settings.source("store.timeout")) == (5.0, str(file))
    assert (config.poll.ranking, settings.source("poll.ranking")) == (120.0, str(file))
    # environment over file
    assert (config.store.deadline, settings.source("store.deadline")) == (25.0, "$CMWALL_DEADLINE")
    assert (config.wall.language, settings.source("wall.language")) == ("gu", "$CMWALL_LANGUAGE")
    # flag over file, and over environment
    assert (config.store.max_body_mb, settings.source("store.max_body_mb")) == (16.0, "--max-body-mb")
    assert (config.poll.catalog, settings.source("poll.catalog")) == (30.0, "--poll-catalog")


def test_parsed_flags_reach_the_wall_config_over_file_and_environment(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    file = write(tmp_path / "wall.toml", '[store]\nurl = "https://store.example/api"\n[poll]\nobservations = 30.0\n'
                                         '[wall]\nwindowed = true\ndata_dir = "/srv/wall"\n[demo]\nseed = 7\n')
    for name in [k for k in os.environ if k.startswith("CMWALL_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv(CONFIG_ENV, str(file))
    monkeypatch.setenv("CMWALL_POLL_OBSERVATIONS", "20")
    monkeypatch.setenv("CMWALL_DEMO_SEED", "8")
    parser = cli.build_parser()
    config = cli.wall_config(parser.parse_args(["--demo-seed", "9"]))
    assert config.store_url == "https://store.example/api" and config.windowed is True
    assert config.intervals.observations == 20.0 and config.demo_seed == 9
    assert config.data_dir == Path("/srv/wall")
    flagged = cli.wall_config(parser.parse_args(["--data-dir", str(tmp_path / "d"), "--store", "http://other:8080"]))
    assert flagged.data_dir == tmp_path / "d" and flagged.store_url == "http://other:8080"


def test_every_setting_has_one_variable_named_after_its_flag() -> None:
    names = [env_of(flag) for model in sections().values() for key in model.model_fields
             if (flag := flag_of(model, key)) is not None]
    assert len(names) == len(set(names))
    # the variables the wall read before the configuration file keep working
    assert {"CMWALL_DATA_DIR", "CMWALL_TOKEN_FILE", "CMWALL_STORE", "CMWALL_LOG_LEVEL"} <= set(names)
    assert "CMWALL_TOKEN" not in names  # the token is read by sync/token.py, never a setting


def test_environment_values_are_typed_and_bounded() -> None:
    settings = resolve({}, env={"CMWALL_WINDOWED": "yes", "CMWALL_DEMO_SEED": "5", "CMWALL_TIMEOUT": "2.5"})
    assert settings.config.wall.windowed is True and settings.config.demo.seed == 5
    assert settings.config.store.timeout == 2.5
    with pytest.raises(ConfigError) as caught:
        resolve({}, env={"CMWALL_TIMEOUT": "soon", "CMWALL_POLL_RANKING": "0"})
    assert [line.split(":")[0] for line in caught.value.problems] == ["$CMWALL_TIMEOUT"]
    with pytest.raises(ConfigError) as caught:
        resolve({}, env={"CMWALL_POLL_RANKING": "0"})
    assert caught.value.problems == ("$CMWALL_POLL_RANKING: poll.ranking: Input should be greater than or equal to 1 "
                                     "(got 0.0)",)


# --- a bad file --------------------------------------------------------------------------


def test_a_bad_file_is_one_line_per_problem_with_its_field_path(tmp_path: Path) -> None:
    file = write(tmp_path / "bad.toml", '[store]\ntimeout = "5"\nurl = "ftp://store"\n[poll]\nranking = -1\n'
                                        '[wall]\nlayot = "crisis"\n[screens.main]\n')
    with pytest.raises(ConfigError) as caught:
        validate_file(read_config_file(file), str(file))
    assert caught.value.problems == (
        f"{file}: store.url: 'ftp://store' is not an http(s) URL: expected e.g. https://store.example/api",
        f"{file}: store.timeout: Input should be a valid number (got '5')",
        f"{file}: poll.ranking: Input should be greater than or equal to 1 (got -1)",
        f"{file}: wall.layot: unknown key; expected one of: layout, language, data_dir, windowed, "
        "screenshot_stall, screenshot_deadline",
        f"{file}: screens.main: give `output` (a connector name) or `index`",
    )


def test_a_token_in_the_file_is_refused_pointing_to_token_file(tmp_path: Path) -> None:
    file = write(tmp_path / "t.toml", f'[store]\ntoken = "{SECRET}"\n')
    with pytest.raises(ConfigError) as caught:
        validate_file(read_config_file(file), str(file))
    (line,) = caught.value.problems
    assert line.startswith(f"{file}: store.token: ") and "token_file" in line and "CMWALL_TOKEN" in line
    assert SECRET not in line


def test_a_hostile_file_is_refused_before_the_parser(tmp_path: Path) -> None:
    deep = write(tmp_path / "deep.toml", "x = " + "[" * 40 + "]" * 40 + "\n")
    with pytest.raises(ConfigError, match=r"deep.toml: x: line 1: arrays and inline tables nested"):
        read_config_file(deep)
    big = write(tmp_path / "big.toml", "# " + "x" * 70_000 + "\n")
    with pytest.raises(ConfigError, match=r"big.toml: larger than 64 KB"):
        read_config_file(big)


def test_bad_file_through_main_is_one_line_per_problem_and_exit_2(tmp_path: Path) -> None:
    file = write(tmp_path / "bad.toml", '[poll]\nranking = "often"\n[demo]\nprofile = "kerala"\n')
    result = run_main("--config", str(file), "--data-dir", str(tmp_path / "data"), env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"cm-wall: error: {file}: poll.ranking: Input should be a valid number (got 'often')",
        f"cm-wall: error: {file}: demo.profile: unknown demo profile 'kerala': expected one of gujarat, city-crisis",
    ]
    assert not (tmp_path / "data").exists()  # refused before anything was created


def test_a_named_file_that_is_missing_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"configuration file .*nowhere.toml \(\$CMWALL_CONFIG\): no such file"):
        resolve({}, env={CONFIG_ENV: str(tmp_path / "nowhere.toml")})


# --- config command ------------------------------------------------------------------------


def test_config_command_shows_sources_and_never_the_token(tmp_path: Path) -> None:
    file = write(tmp_path / "wall.toml", '[poll]\nranking = 90.0\n[screens.overview]\noutput = "DP-3"\n')
    env = clean_env(CMWALL_TOKEN=SECRET, CMWALL_CONFIG=str(file), CMWALL_TIMEOUT="4")
    text = run_main("--poll-catalog", "45", "config", env=env, cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    lines = {line.split()[0]: line for line in text.stdout.splitlines() if line and not line.startswith(" ")}
    assert lines["poll.ranking"].split()[1:] == ["90.0", str(file)]
    assert lines["store.timeout"].split()[1:] == ["4.0", "$CMWALL_TIMEOUT"]
    assert lines["poll.catalog"].split()[1:] == ["45.0", "--poll-catalog"]
    assert lines["poll.observations"].split()[1:] == ["10.0", "default"]
    assert "set (from CMWALL_TOKEN)" in text.stdout
    shown = run_main("--poll-catalog", "45", "config", "--json", env=env, cwd=tmp_path)
    report = json.loads(shown.stdout)
    assert report["config_file"] == str(file)
    assert report["settings"]["poll.catalog"] == {"value": 45.0, "source": "--poll-catalog"}
    assert report["settings"]["screens.overview"] == {"value": {"output": "DP-3"}, "source": str(file)}
    assert report["token"] == "set (from CMWALL_TOKEN)"
    for output in (text, shown):
        assert SECRET not in output.stdout and SECRET not in output.stderr
    unset = run_main("config", env=clean_env(CMWALL_CONFIG=str(file)), cwd=tmp_path)
    assert "store token" in unset.stdout and "not set" in unset.stdout.split("store token", 1)[1]


# --- the example file ----------------------------------------------------------------------


def test_example_file_is_valid_and_names_every_setting() -> None:
    raw = read_config_file(EXAMPLE)
    config = validate_file(raw, str(EXAMPLE))
    assert isinstance(config, ConfigFile)
    missing = [f"{name}.{key}" for name, model in sections().items() for key in model.model_fields
               if key not in raw.get(name, {})]
    assert missing == [], f"docs/config.example.toml lacks {missing}"
    assert raw.get("screens"), "the example shows this PC's screen mapping"
    text = EXAMPLE.read_text(encoding="utf-8")
    flags = [flag for model in sections().values() for key in model.model_fields if (flag := flag_of(model, key))]
    assert [flag for flag in flags if flag not in text] == []
    assert tomllib.loads(text) == raw


def test_readme_documents_the_configuration_file() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/config.example.toml" in readme and "CMWALL_CONFIG" in readme


# --- this PC's screens -----------------------------------------------------------------


def test_screen_mapping_puts_layout_screens_on_this_pcs_outputs() -> None:
    spec = load_layout("cm_residence").spec
    outputs = [Output(i, f"DP-{i + 1}", Rect(i * 1920, 0, 1920, 1080)) for i in range(4)]
    before = {v.key: v.placement.output.name for v in plan_wall(spec, outputs).views}
    assert before == {"overview": "DP-1", "map": "DP-2", "service": "DP-3", "trends": "DP-4"}
    mapped = with_screen_outputs(spec, {"overview": ScreenOutput(output="DP-4"), "trends": ScreenOutput(index=0),
                                        "not-in-this-layout": ScreenOutput(index=2)})
    after = {v.key: v.placement.output.name for v in plan_wall(mapped, outputs).views}
    assert after == {"overview": "DP-4", "map": "DP-2", "service": "DP-3", "trends": "DP-1"}


def test_screen_mapping_from_the_file_reaches_the_running_wall(tmp_path: Path) -> None:
    screens = [{"name": name, "x": i * 1280, "y": 0, "width": 1280, "height": 720, "logicalDpiX": 96,
                "logicalDpiY": 96, "dpr": 1} for i, name in enumerate(("A", "B", "C", "D"))]
    monitors = tmp_path / "screens.json"
    monitors.write_text(json.dumps({"screens": screens}), encoding="utf-8")
    file = write(tmp_path / "wall.toml", '[wall]\nlayout = "cm_residence"\n'
                                         '[screens.overview]\noutput = "D"\n[screens.trends]\noutput = "A"\n')
    shots = tmp_path / "shots"
    result = run_main("--config", str(file), "--data-dir", str(tmp_path / "data"), "--screenshot", str(shots),
                      env=clean_env(QT_QPA_PLATFORM=f"offscreen:configfile={monitors}"), cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in shots.glob("*.png"))
    assert names == ["screen0-A-trends.png", "screen1-B-map.png", "screen2-C-service.png", "screen3-D-overview.png"]


def test_a_flag_can_turn_off_what_the_file_turned_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = write(tmp_path / "wall.toml", "[wall]\nwindowed = true\n")
    monkeypatch.setenv(CONFIG_ENV, str(file))
    parser = cli.build_parser()
    assert cli.wall_config(parser.parse_args([])).windowed is True
    assert cli.wall_config(parser.parse_args(["--no-windowed"])).windowed is False


def test_other_pcs_named_without_a_peer_port_are_refused_not_ignored(tmp_path: Path) -> None:
    file = write(tmp_path / "peers.toml", '[peers]\nurls = ["http://wall-pc-2:8790"]\n')
    with pytest.raises(ConfigError) as caught:
        validate_file(read_config_file(file), str(file))
    assert len(caught.value.problems) == 1 and "has no peer port" in caught.value.problems[0]
    assert caught.value.problems[0].startswith(f"{file}: peers")
    fine = write(tmp_path / "fine.toml", '[peers]\nurls = ["http://wall-pc-2:8790"]\nport = 8790\n')
    validate_file(read_config_file(fine), str(fine))

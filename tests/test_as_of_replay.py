"""The wall at any moment of its history: `main.py sync`, `--as-of TIME` and `replay`.

A data directory is filled once by `main.py sync` from the demo store on a fixed
clock (DEMO_NOW); the history reader must then show, for any moment, only what had
been reported by then — never a figure, a ranking or a "now" from later — and say on
the status strip that it is stored history, not the live store.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from cmwall.sync.history import HistoryError, HistoryService, HistoryWorker, ReplayPlan, open_local_store, parse_moment
from cmwall.sync.ranking.fallback import RankingReason, ReasonKind
from cmwall.sync.snapshot import Snapshot
from cmwall.wall.cli import main as cli_main
from cmwall.wall.status_text import status_items

from .conftest import DEMO_NOW, IST

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "main.py"
MOMENT = datetime(2026, 11, 21, 10, 32, tzinfo=IST)  # a day before the sync: November not yet final


@pytest.fixture(scope="module")
def synced_dir(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("history") / "data"
    assert cli_main(["sync", "--store", demo_store_url, "--data-dir", str(data_dir)]) == 0
    return data_dir


@pytest.fixture
def worker(synced_dir: Path) -> Iterator[HistoryWorker]:
    reader = HistoryWorker(open_local_store(synced_dir))
    reader.load()
    yield reader
    reader.store.close()


def newest_reported(snapshot: Snapshot) -> float:
    times = [np.nanmax(s.reported_at) for s in snapshot.series.values() if np.isfinite(s.reported_at).any()]
    return max(times) if times else -math.inf


def strip(snapshot: Snapshot, now: datetime) -> list[str]:
    return [item.text for item in status_items(snapshot, now, "en")]


# --- the history reader (Qt-free) --------------------------------------------------------

def test_sync_command_fills_the_data_directory_once(synced_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_local_store(synced_dir)
    try:
        assert store.observation_count() > 10_000
        span = store.reported_span()
        assert span is not None and span[1] <= DEMO_NOW
    finally:
        store.close()


def test_as_of_shows_nothing_reported_after_the_moment(worker: HistoryWorker) -> None:
    snapshot = worker.snapshot_at(MOMENT)
    assert snapshot.history is not None and snapshot.history.moment == MOMENT
    assert snapshot.data_as_of is not None and snapshot.data_as_of <= MOMENT
    assert newest_reported(snapshot) <= MOMENT.timestamp()
    assert snapshot.created_at == MOMENT
    # The ranking is the wall's engine's, from those rows only; the stored central ranking
    # (computed at DEMO_NOW, from November's later corrections) is not shown, and the
    # reason says why.
    assert snapshot.ranking is not None and snapshot.ranking.source == "local"
    ranked = snapshot.ranking_input.table
    assert ranked.reported_at.size and ranked.reported_at.max() <= MOMENT.timestamp()
    assert snapshot.ranking_reason == RankingReason(ReasonKind.NOT_STORED, "local")
    assert snapshot.central_ranking is None and snapshot.history.central_ranking_withheld


def test_the_stored_central_ranking_is_shown_from_its_computation_on(worker: HistoryWorker) -> None:
    snapshot = worker.snapshot_at(DEMO_NOW)
    assert snapshot.ranking is not None and snapshot.ranking.source == "central"
    assert snapshot.ranking.period == "2026-11"
    assert not snapshot.history.central_ranking_withheld  # type: ignore[union-attr]


def test_status_strip_says_stored_history_relative_to_the_moment(worker: HistoryWorker) -> None:
    texts = strip(worker.snapshot_at(MOMENT), MOMENT)
    assert texts[0] == "AS OF 21 Nov 2026 10:32 IST · stored data"
    joined = " ".join(texts)
    assert "min ago" in joined and " d ago" not in joined  # the data's age is counted from 10:32
    assert "reachable" not in joined and "Last sync" not in joined and "Connecting" not in joined
    assert "catalog of " in joined  # fetched by `sync` after 10:32 (the store keeps the latest only): said so


def test_a_moment_before_any_stored_data_is_no_data_yet_not_an_error(worker: HistoryWorker) -> None:
    early = datetime(2019, 5, 15, 6, 0, tzinfo=IST)
    snapshot = worker.snapshot_at(early)
    assert snapshot.catalog is not None and snapshot.data_as_of is None
    assert dict(snapshot.series) == {} and snapshot.ranking is None
    assert "No data yet as of 15 May 2019 06:00 IST" in strip(snapshot, early)


def test_going_back_in_time_gives_the_same_snapshot_as_starting_there(worker: HistoryWorker,
                                                                      synced_dir: Path) -> None:
    worker.snapshot_at(DEMO_NOW)
    back = worker.snapshot_at(MOMENT)
    fresh = HistoryWorker(open_local_store(synced_dir))
    try:
        fresh.load()
        direct = fresh.snapshot_at(MOMENT)
    finally:
        fresh.store.close()
    assert set(back.series) == set(direct.series)
    for code, series in direct.series.items():
        assert list(back.series[code].rows()) == list(series.rows())
    assert back.ranking is not None and direct.ranking is not None
    assert [(r.entity, r.rank, r.score) for r in back.ranking.rows] == \
        [(r.entity, r.rank, r.score) for r in direct.ranking.rows]


def test_moments_parse_as_iso_8601_in_ist_unless_offset_given() -> None:
    assert parse_moment("2026-11-21T10:32") == MOMENT
    assert parse_moment("2026-11-21T05:02Z") == MOMENT
    assert parse_moment("2026-11-21") == datetime(2026, 11, 21, tzinfo=IST)
    with pytest.raises(HistoryError, match="not an ISO-8601 time"):
        parse_moment("yesterday at ten")


def test_an_empty_data_directory_is_a_readable_error(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="no local store in"):
        open_local_store(tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing created


def test_replay_plays_forward_to_its_end(synced_dir: Path) -> None:
    plan = ReplayPlan(start=MOMENT, until=MOMENT + timedelta(hours=2), speed=36_000, step_s=0.05)
    received: list[Snapshot] = []
    ended = threading.Event()

    def on_snapshot(snapshot: Snapshot) -> None:
        received.append(snapshot)
        if snapshot.history is not None and snapshot.history.ended:
            ended.set()

    service = HistoryService(HistoryWorker(open_local_store(synced_dir)), on_snapshot, moment=plan.start, replay=plan)
    service.start()
    try:
        assert ended.wait(30), [s.history.moment for s in received if s.history]
    finally:
        service.stop()
    moments = [s.history.moment for s in received if s.history]
    assert moments[0] == plan.start and moments[-1] == plan.until
    assert moments == sorted(moments) and len(set(moments)) >= 2
    assert all(s.history.mode == "replay" and s.history.speed == 36_000 for s in received)  # type: ignore[union-attr]
    for snapshot in received:  # each frame holds only what had been reported by its moment
        assert newest_reported(snapshot) <= snapshot.history.moment.timestamp()  # type: ignore[union-attr]
    assert strip(received[-1], plan.until)[0] == \
        "REPLAY ×36000 · data as of 21 Nov 2026 12:32 IST · replay ended"


def test_replay_screenshot_moments_include_both_ends() -> None:
    plan = ReplayPlan(start=MOMENT, until=MOMENT + timedelta(minutes=25))
    assert plan.moments_every(600) == [MOMENT, MOMENT + timedelta(minutes=10), MOMENT + timedelta(minutes=20),
                                       MOMENT + timedelta(minutes=25)]


# --- the command line, as shipped (subprocesses: the offscreen platform per process) --------

def run_main(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([sys.executable, str(MAIN), *args], capture_output=True, text=True, timeout=120,
                          env=env, cwd=str(tmp_path))


def records(directory: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.json"))]


def test_as_of_screenshot_records_the_wall_at_that_moment(synced_dir: Path, tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    result = run_main(tmp_path, "--as-of", "2026-11-21T10:32", "--data-dir", str(synced_dir),
                      "--layout", "single_screen", "--screenshot", str(shots))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    [record] = records(shots)
    assert (shots / record["image"]).is_file()
    assert record["mode"] == "as-of" and record["as_of"] == "2026-11-21T10:32:00+05:30"
    assert record["shown_at"] == record["as_of"]
    assert record["data_as_of"] <= record["as_of"]
    assert record["ranking"] == {"source": "local", "period": "2026-11", "reason": {
        "kind": "not-stored", "shown": "local", "error": None, "central_computed_at": None,
        "newest_observation": None, "text": "local estimate — central ranking of that moment not stored"}}
    assert record["status_strip"][0] == "▲ AS OF 21 Nov 2026 10:32 IST · stored data"
    assert record["status_strip"][-1].startswith("Sat 21 Nov  10:32:00")  # the clock shows the moment
    every_text = " ".join(record["status_strip"] + [t for tile in record["tiles"] for t in tile["texts"]])
    assert "reachable" not in every_text and "Last sync" not in every_text
    assert not any(tile["state"] == "error" for tile in record["tiles"]), record["tiles"]
    for tile in record["tiles"]:  # ages are counted from 10:32 on 21 Nov, never from today
        if tile["freshness"]:
            assert "2019" not in tile["freshness"]["text"]


def test_a_bad_time_and_an_empty_data_directory_are_one_line_each(tmp_path: Path) -> None:
    bad = run_main(tmp_path, "--as-of", "21/11/2026", "--data-dir", str(tmp_path / "data"))
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "not an ISO-8601 time" in bad.stderr
    empty = run_main(tmp_path, "--as-of", "2026-11-21T10:32", "--data-dir", str(tmp_path / "data"))
    assert empty.returncode == 2 and empty.stderr.strip().count("\n") == 0
    assert "no local store in" in empty.stderr and "main.py sync" in empty.stderr
    assert not (tmp_path / "data").exists()  # nothing was created for it
    backwards = run_main(tmp_path, "replay", "--from", "2026-11-21T11:00", "--to", "2026-11-21T10:00",
                         "--data-dir", str(tmp_path / "data"))
    assert backwards.returncode == 2 and "must be after --from" in backwards.stderr


def test_replay_screenshots_one_set_per_step(synced_dir: Path, tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    result = run_main(tmp_path, "replay", "--from", "2026-11-22T09:00", "--to", "2026-11-22T11:00",
                      "--screenshot-every", "3600", "--data-dir", str(synced_dir), "--layout", "single_screen",
                      "--screenshot", str(shots))
    assert result.returncode == 0, result.stderr
    sets = sorted(p.name for p in shots.iterdir())
    assert sets == ["20261122-0900", "20261122-1000", "20261122-1100"]
    seen = [records(shots / name)[0] for name in sets]
    assert [r["as_of"] for r in seen] == ["2026-11-22T09:00:00+05:30", "2026-11-22T10:00:00+05:30",
                                          "2026-11-22T11:00:00+05:30"]
    assert all(r["mode"] == "replay" and r["status_strip"][0].startswith("▲ REPLAY ×60") for r in seen)
    assert [r["data_as_of"] <= r["as_of"] for r in seen] == [True, True, True]
    assert seen[-1]["ranking"]["source"] == "central"  # at 11:00 the stored central ranking had been computed

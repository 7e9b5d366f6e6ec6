"""A long first sync shows its progress everywhere, and nothing partial passes for whole.

The worker's partial snapshots (sync/feed_progress.py) are paced by a clock, never
per page; the status strip words them ("First sync: 4,12,000 rows so far"), says the
data is incomplete and judges no "all clear" from it; `--screenshot` waits as long as
rows keep coming and gives up, in one line, when they stop or a deadline passes.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cmwall.sync.feed_progress import FeedReadProgress
from cmwall.sync.snapshot import Snapshot, SyncProgress
from cmwall.wall.app import EXIT_FAILED, EXIT_OK, ScreenshotJob
from cmwall.wall.bridge import SnapshotBridge
from cmwall.wall.status_text import status_items
from pytestqt.qtbot import QtBot

from .store_fakes import observation
from .synthetic import snapshot as synthetic_snapshot
from .test_sync_worker import ScriptedStore, make_worker

STARTED = datetime(2026, 11, 22, 5, 0, tzinfo=UTC)


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# --- pacing ---------------------------------------------------------------------------


def test_progress_is_shown_by_the_clock_not_per_page() -> None:
    clock = FakeMonotonic()
    reading = FeedReadProgress(STARTED, first=True, every_s=2.0, monotonic=clock)
    assert reading.page(5000) is None  # tiny or fast pages: nothing yet
    clock.now += 1.0
    assert reading.page(5000) is None
    clock.now += 1.5
    due = reading.page(5000)
    assert due == SyncProgress(rows=15000, pages=3, started_at=STARTED, first=True)


def test_a_costly_snapshot_with_data_spaces_out_the_next_ones_and_progress_goes_on_between() -> None:
    clock = FakeMonotonic()
    reading = FeedReadProgress(STARTED, first=True, every_s=2.0, max_share=0.2, monotonic=clock)
    sent: list[str] = []

    def with_data() -> None:
        clock.now += 3.0  # the derived facts of 3,400 KPIs
        sent.append("data")

    def show(step: float) -> None:
        clock.now += step
        if reading.page(1000) is not None:
            reading.send(with_data, lambda: sent.append("progress"))

    show(2.0)
    assert sent == ["data"]
    for _ in range(5):  # 2 s apart: the read's rows so far, on the last data
        show(2.0)
    assert sent == ["data"] + ["progress"] * 5
    show(2.5)  # past 12 s (4 × the 3 s it cost) after the last one: data again
    assert sent[-1] == "data" and reading.with_data == 2


# --- the worker ---------------------------------------------------------------------------


def test_a_long_read_publishes_partial_snapshots_then_a_whole_one(tmp_path: Path) -> None:
    store = ScriptedStore()
    store.feed = [observation(entity, 50.0 + i, period=f"2026-{m:02d}") for i, entity in enumerate(("438", "439"))
                  for m in range(1, 11)]
    worker = make_worker(store, tmp_path, page_limit=3)
    worker.progress_pacing = functools.partial(FeedReadProgress, every_s=0.0, max_share=1.0)  # every page, with data
    partial: list[Snapshot] = []
    worker.partial = partial.append
    final = worker.poll_all()
    assert final is not None and not final.partial and final.status.syncing is None
    assert partial, "a read of seven pages showed no progress"
    assert all(s.partial and s.status.syncing is not None and s.status.syncing.first for s in partial)
    rows = [s.status.syncing.rows for s in partial if s.status.syncing is not None]
    assert rows == sorted(rows) and rows[-1] < len(store.feed)  # the last page ends the read: whole
    assert [s.id for s in partial] == sorted({s.id for s in partial}) and final.id > partial[-1].id
    # Tiles fill page by page: the snapshots with data hold more and more of it.
    held = [sum(int((~_nan(s.series[k].reported_at)).sum()) for k in s.series) for s in partial]
    assert held[0] > 0 and held[-1] > held[0]


def _nan(array: Any) -> Any:
    import numpy as np

    return np.isnan(array)


def test_a_quiet_poll_shows_no_progress(tmp_path: Path) -> None:
    store = ScriptedStore()
    worker = make_worker(store, tmp_path)
    partial: list[Snapshot] = []
    worker.partial = partial.append
    worker.poll_all()  # one page: the read ends before there is anything to show
    assert partial == []


def test_a_read_cut_off_mid_way_leaves_no_syncing_status(tmp_path: Path) -> None:
    store = ScriptedStore()
    store.feed = [observation("438", float(m), period=f"2026-{m:02d}") for m in range(1, 10)]
    worker = make_worker(store, tmp_path, page_limit=2)
    worker.progress_pacing = functools.partial(FeedReadProgress, every_s=0.0)
    partial: list[Snapshot] = []

    def then_fail(snapshot: Snapshot) -> None:
        partial.append(snapshot)
        store.down = True

    worker.partial = then_fail
    after = worker.poll_all()
    assert partial and after is not None
    assert after.status.syncing is None and not after.partial and after.status.reachable is False


# --- the strip -----------------------------------------------------------------------------


def syncing(rows: int, **changes: Any) -> Snapshot:
    base = synthetic_snapshot()
    progress = SyncProgress(rows=rows, pages=83, started_at=STARTED, first=True)
    return replace(base, status=replace(base.status, syncing=replace(progress, **changes)))


def items(snapshot: Snapshot, language: str = "en", **kwargs: Any) -> dict[str, tuple[str, str]]:
    now = STARTED + timedelta(minutes=5)
    return {i.key: (i.text, i.tone) for i in status_items(snapshot, now, language, **kwargs)}


def test_the_strip_says_how_far_the_first_sync_has_come() -> None:
    strip = items(syncing(412_000))
    assert strip["sync"] == ("First sync: 4,12,000 rows so far · 83 pages", "warn")
    assert strip["age"] == ("Data: incomplete, syncing", "warn")  # never "updated 2 min ago" for part of it
    assert items(syncing(412_000, first=False))["sync"][0].startswith("Catching up: 4,12,000 rows so far")
    assert items(syncing(412_000, total=1_365_723))["sync"][0] == "First sync: 4,12,000 of 13,65,723 rows · 83 pages"


def test_no_all_clear_from_part_of_the_data() -> None:
    judged = items(syncing(1000), alerts_judged=40)["alerts"]
    assert judged == ("Alerts: not judged yet", "dim")
    found = items(syncing(1000), critical_alerts=2, warn_alerts=1, alerts_judged=40)["alerts"]
    assert found == ("Alerts: 3 (2 critical) · so far", "critical")


@pytest.mark.parametrize("language", ["hi", "gu"])
def test_progress_words_are_translated(language: str) -> None:
    strip = items(syncing(412_000), language, alerts_judged=40)
    for key in ("sync", "alerts"):
        text = strip[key][0]
        assert not any(word in text for word in ("First sync", "rows so far", "pages", "not judged")), text
    assert "4,12,000" in strip["sync"][0]


# --- --screenshot waits while the sync progresses -----------------------------------------


class Controller:
    def __init__(self) -> None:
        self.saved: list[Path] = []

    def save_screenshots(self, directory: Path) -> list[Path]:
        self.saved.append(directory)
        return [directory / "screen0.png"]


def screenshot_job(tmp_path: Path, timeout_s: float, deadline_s: float | None = None
                   ) -> tuple[ScreenshotJob, SnapshotBridge, Controller, dict[str, int]]:
    bridge, controller, outcome = SnapshotBridge(), Controller(), {"code": -1}
    job = ScreenshotJob(controller, bridge, tmp_path, timeout_s, outcome, deadline_s=deadline_s)  # type: ignore[arg-type]
    return job, bridge, controller, outcome


def test_partial_snapshots_are_never_the_screenshot_but_keep_it_waiting(qtbot: QtBot, tmp_path: Path) -> None:
    job, bridge, controller, outcome = screenshot_job(tmp_path, timeout_s=2)
    stall = job._timeout

    def delivered(snapshot: Snapshot) -> int:
        """How much the stall timer's time left grew when `snapshot` was applied, 300 ms on."""
        qtbot.wait(300)
        before = stall.remainingTime()
        with qtbot.waitSignal(bridge.snapshot_applied):
            bridge.deliver(snapshot)
        return stall.remainingTime() - before

    stored = synthetic_snapshot()
    assert delivered(replace(stored, id=1, status=replace(stored.status, last_success=None))) > 100  # the local store read
    assert delivered(replace(syncing(1000), id=2)) > 100  # more rows: the wait starts again
    assert delivered(replace(syncing(2000), id=3)) > 100
    assert delivered(replace(syncing(2000), id=4)) <= 0  # the same rows: the stall goes on counting
    assert outcome["code"] == -1 and not job.armed and controller.saved == []
    bridge.deliver(replace(synthetic_snapshot(), id=10))  # the sync ended
    qtbot.waitUntil(lambda: outcome["code"] == EXIT_OK, timeout=5000)
    assert controller.saved == [tmp_path]
    job.stop()


def test_a_stalled_first_sync_gives_up_in_one_line(qtbot: QtBot, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    job, bridge, controller, outcome = screenshot_job(tmp_path, timeout_s=0.3)
    bridge.deliver(replace(syncing(5000), id=1))
    bridge.deliver(replace(syncing(5000), id=2))  # the same rows again: no progress
    qtbot.waitUntil(lambda: outcome["code"] == EXIT_FAILED, timeout=5000)
    error = capsys.readouterr().err.strip().splitlines()
    assert error == ["cm-wall: error: the first sync made no progress for 0.3 s (5,000 rows stored so far); "
                     "no screenshots written"]
    assert controller.saved == []
    job.stop()


def test_a_deadline_ends_the_wait_even_while_the_sync_progresses(qtbot: QtBot, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    job, bridge, controller, outcome = screenshot_job(tmp_path, timeout_s=60, deadline_s=0.5)
    step = 0

    def more() -> None:
        nonlocal step
        step += 1
        bridge.deliver(replace(syncing(step * 1000), id=step))

    from PySide6.QtCore import QTimer

    feeder = QTimer()
    feeder.timeout.connect(more)
    feeder.start(50)
    qtbot.waitUntil(lambda: outcome["code"] == EXIT_FAILED, timeout=5000)
    feeder.stop()
    error = capsys.readouterr().err.strip()
    assert error.startswith("cm-wall: error: the screenshot deadline of 0.5 s passed before the first sync ended (")
    assert error.endswith("rows stored so far); no screenshots written") and "\n" not in error
    assert controller.saved == []
    job.stop()

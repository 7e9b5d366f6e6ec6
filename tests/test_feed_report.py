"""`main.py report`: feed quality from the local store, readable, Qt-free, one line on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cmwall.wall.cli import main

from .fault_store import FaultStore, serve_faults
from .raw_feed_store import RawFeedStore, row_text, worker_for
from .store_fakes import observation

NOW = datetime.now(UTC)  # `report` judges lateness as of the real clock
RECENT = (NOW - timedelta(days=1)).isoformat()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory holding one rejected row, one implausible value, one future stamp
    and one late pair (Ahmadabad last reported a year ago, monthly KPI)."""
    store = RawFeedStore()
    period = NOW.strftime("%Y-%m")
    store.pages = [[
        row_text("438", "82.4", period="2020-01", reported_at="2020-02-03T12:10:00+05:30"),
        row_text("439", "-5000", period=period, reported_at=RECENT),
        row_text("439", '"abc\u202e"', period="2020-02", reported_at=RECENT),
        row_text("24", "60", period=period, reported_at="2099-01-01T00:00:00Z"),
    ]]
    worker = worker_for(store, tmp_path, lambda: datetime.now(UTC))
    snapshot = worker.poll_all()
    assert snapshot is not None and snapshot.status.reachable is True
    worker.store.close()
    return tmp_path


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_report_names_rejected_late_and_implausible_rows(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = report(capsys, "--data-dir", str(data_dir))
    assert code == 0 and err == ""
    assert "rejected 1 · late 1 · implausible 2" in out
    assert "HFW Health & Family Welfare" in out  # by department, named from the catalog
    assert "PMJAY.CARDS 439 2020-02: observations.2: value:" in out
    assert "\u202e" not in out and "\\u202e" in out  # store text is inert on a terminal
    assert "percentage outside 0–100" in out and "reported_at in the future" in out
    assert "PMJAY.CARDS 438 2020-01: last reported 2020-02-03T06:40:00+00:00 (every P1M)" in out


def test_json_report_by_entity(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = report(capsys, "--data-dir", str(data_dir), "--by", "entity", "--json")
    doc: dict[str, Any] = json.loads(out)
    assert code == 0 and doc["by"] == "entity"
    assert doc["total"] == {"rejected": 1, "late": 1, "implausible": 2}
    groups = {g["code"]: (g["name"], g["rejected"], g["late"], g["implausible"]) for g in doc["groups"]}
    assert groups == {"439": ("Amreli", 1, 0, 1), "438": ("Ahmadabad", 0, 1, 0), "24": ("Gujarat", 0, 0, 1)}
    [rejected] = doc["rejected"]
    assert rejected["entity"] == "439" and '"abc' in rejected["raw"]
    assert {(i["entity"], i["reason"]) for i in doc["implausible"]} == {
        ("439", "percentage outside 0–100"), ("24", "reported_at in the future")}
    assert next(i for i in doc["implausible"] if i["entity"] == "439")["value"] == -5000.0


def test_a_missing_store_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = report(capsys, "--data-dir", str(tmp_path / "nowhere"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "no local store" in err
    assert not (tmp_path / "nowhere").exists()  # a report never creates a data directory


def test_report_runs_without_qt(data_dir: Path) -> None:
    code = (f"import sys; sys.modules['PySide6'] = None\n"
            f"from cmwall.wall.cli import main\n"
            f"sys.exit(main(['report', '--data-dir', {str(data_dir)!r}, '--by', 'kpi']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "PMJAY.CARDS Ayushman cards issued" in done.stdout


def test_sync_says_how_many_rows_it_rejected_and_report_lists_them(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    feed = FaultStore(observations=[observation("438", 82.4), {**observation("439", 1.0), "value": "abc"}])
    running = serve_faults(feed)
    try:
        code = main(["sync", "--store", running.url, "--data-dir", str(tmp_path)])
    finally:
        running.stop()
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert "1 observations" in out and "1 row rejected (see main.py report)" in out
    code, out, _ = report(capsys, "--data-dir", str(tmp_path), "--json")
    assert code == 0 and [r["entity"] for r in json.loads(out)["rejected"]] == ["439"]

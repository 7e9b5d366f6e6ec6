"""Crisis rules on stored history and in the live worker: a replay fires and clears the
rules at the moments the stored data crosses them (sync/history.py); the live worker
records firings and acknowledgements in the local store, and `main.py crisis-log`
lists them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cmwall.sync.contract import Catalog, Observation
from cmwall.sync.crisis_watch import CrisisRule
from cmwall.sync.history import HistoryWorker, open_local_store
from cmwall.sync.local_store import LocalStore
from cmwall.sync.period_time import IST
from cmwall.wall.cli import main

from .hand_snapshots import catalog
from .test_sync_worker import ScriptedStore, make_worker

OXYGEN = {"code": "HFW.O2.STOCK_HOURS", "name": "Oxygen", "scheme": "HOSP", "unit": "hours", "better": "higher",
          "level": "facility", "frequency": "PT15M", "aggregate": "min"}
START = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)
# hours of oxygen at one hospital, reported every 5 minutes from START
STOCK = (20, 18, 5, 4, 3, 8, 13, 14, 15, 16, 17)
RULE = CrisisRule(name="Oxygen running out", kpi="HFW.O2.STOCK_HOURS", entity="F-0001", enter=6, exit=12,
                  enter_readings=2, exit_minutes=10)


def stored_crisis(data_dir: Path) -> Catalog:
    cat = catalog([dict(OXYGEN)], facilities=2)
    store = LocalStore(data_dir)
    store.save_catalog(cat, '"c"', START)
    for i, hours in enumerate(STOCK):
        moment = START + timedelta(minutes=5 * i)
        store.save_observation_page([Observation(kpi="HFW.O2.STOCK_HOURS", entity="F-0001",
                                                 period=moment.astimezone(IST).strftime("%Y-%m-%dT%H:%M"), value=float(hours),
                                                 reported_at=moment)], str(i + 1), moment)
    store.close()
    return cat


def test_replay_fires_and_clears_at_the_moments_the_data_crosses(tmp_path: Path) -> None:
    stored_crisis(tmp_path)
    worker = HistoryWorker(open_local_store(tmp_path))
    worker.load()
    worker.crisis.set_rules((RULE,))
    active = {}
    for minute in range(0, 51):
        active[minute] = worker.snapshot_at(START + timedelta(minutes=minute), mode="replay").crisis.active
    # 5 h at minute 10, 4 h at 15: two readings below 6 → fires at 15
    assert [m for m in active if active[m]][0] == 15
    # 13 h at minute 30 (calm past 12), still calm at 35 and 40: clears 10 minutes after 30
    assert [m for m in active if active[m]][-1] == 39
    assert [(e.kind, e.at) for e in worker.crisis_events] == [
        ("fire", START + timedelta(minutes=15)), ("clear", START + timedelta(minutes=40))]
    # stepping back replays the rules afresh from that moment
    assert not worker.snapshot_at(START + timedelta(minutes=12), mode="replay").crisis.active
    assert worker.snapshot_at(START + timedelta(minutes=16), mode="replay").crisis.active
    worker.store.close()


def test_the_worker_records_firing_and_acknowledgement_and_crisis_log_lists_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    worker = make_worker(ScriptedStore(), tmp_path)  # district 439 reports 41 % of cards issued
    worker.watch_crisis((CrisisRule(name="Cards behind", kpi="PMJAY.CARDS", level="district", enter=50, exit=60,
                                    enter_readings=1),))
    snapshot = worker.poll_all()
    assert snapshot is not None and [(f.place, f.value) for f in snapshot.crisis.firings] == [("439", 41.0)]
    acknowledged = worker.acknowledge_crisis()
    assert acknowledged is not None and acknowledged.crisis.acknowledged
    assert worker.acknowledge_crisis() is None
    worker.record_crisis([])
    worker.store.close()
    assert main(["crisis-log", "--data-dir", str(tmp_path), "--json"]) == 0
    logged = json.loads(capsys.readouterr().out)
    assert [(e["kind"], e["rule"], e["place"], e["value"], e["threshold"]) for e in logged] == [
        ("fire", "Cards behind", "439", 41.0, 50.0), ("acknowledge", "Cards behind", "439", 41.0, 50.0)]
    assert main(["crisis-log", "--data-dir", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "fire" in text and "Cards behind  @ 439  41 (threshold 50)" in text


def test_crisis_log_refuses_bad_input_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crisis-log", "--data-dir", str(tmp_path / "none")]) == 2
    assert main(["crisis-log", "--data-dir", str(tmp_path), "--limit", "0"]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2 and all(e.startswith("cm-wall crisis-log: error: ") for e in errors)

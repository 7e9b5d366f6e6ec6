"""Crisis rules across polls (sync/crisis_watch.py), Qt-free: entry after N readings and
not before, exit only after M minutes on the calm side of the exit threshold, hysteresis
between the two, scopes (the state, any district, any facility, one place), unknown when
there is no data or it is too old, and what the sync worker records in the local store."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cmwall.layouts.crisis_spec import CrisisRuleSpec
from cmwall.layouts.loader import load_layout
from cmwall.sync.contract import Catalog
from cmwall.sync.crisis_watch import CrisisEvent, CrisisRule, CrisisWatch
from cmwall.sync.local_store import LocalStore
from cmwall.sync.series import KpiSeries, Row, apply_rows, frozen
from pydantic import ValidationError

from .hand_snapshots import NOW, catalog

OXYGEN = {"code": "HFW.O2.STOCK_HOURS", "name": "Oxygen", "scheme": "HOSP", "unit": "hours", "better": "higher",
          "level": "facility", "frequency": "PT15M", "aggregate": "min"}
ICU_USED = {"code": "HFW.BEDS.ICU.OCC", "name": "ICU beds occupied", "scheme": "HOSP", "unit": "beds",
            "better": "lower", "level": "facility", "frequency": "PT15M", "aggregate": "sum",
            "capacity_of": "HFW.BEDS.ICU.TOTAL"}
ICU_TOTAL = {"code": "HFW.BEDS.ICU.TOTAL", "name": "ICU beds", "scheme": "HOSP", "unit": "beds", "better": "higher",
             "level": "facility", "frequency": "P1D", "aggregate": "sum"}
T0 = NOW - timedelta(hours=2)

OXYGEN_LOW = CrisisRule(name="Oxygen running out", kpi="HFW.O2.STOCK_HOURS", level="facility", enter=6, exit=12,
                        enter_readings=3, exit_minutes=10)
ICU_FULL = CrisisRule(name="ICU beds full", used="HFW.BEDS.ICU.OCC", total="HFW.BEDS.ICU.TOTAL", level="district",
                      enter=95, exit=90, enter_readings=2, exit_minutes=10)


def city() -> Catalog:
    return catalog([dict(OXYGEN), dict(ICU_USED), dict(ICU_TOTAL)], facilities=6)


def period(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


class Feed:
    """Readings minute by minute, and the watch judging each one."""

    def __init__(self, rules: tuple[CrisisRule, ...]) -> None:
        self.catalog = city()
        self.rows: list[Row] = []
        self.watch = CrisisWatch(rules)
        self.events: list[CrisisEvent] = []
        self.series: Mapping[str, KpiSeries] = frozen({})

    def report(self, minute: float, kpi: str, entity: str, value: float | None) -> None:
        moment = T0 + timedelta(minutes=minute)
        self.series = frozen(apply_rows(self.series, [(kpi, entity, period(moment), value, moment.timestamp())]))

    def judge(self, minute: float) -> Any:
        state, events = self.watch.observe(self.catalog, self.series, T0 + timedelta(minutes=minute))
        self.events += events
        return state

    def oxygen(self, minute: float, hours: float | None, entity: str = "F-0001") -> Any:
        self.report(minute, "HFW.O2.STOCK_HOURS", entity, hours)
        return self.judge(minute)


def test_enters_after_n_consecutive_readings_not_before() -> None:
    feed = Feed((OXYGEN_LOW,))
    assert not feed.oxygen(0, 5).active
    assert not feed.oxygen(1, 4).active
    assert not feed.judge(1.5).active  # no new report: the same reading is not counted twice
    state = feed.oxygen(2, 3)
    assert state.active
    (firing,) = state.firings
    assert (firing.rule, firing.place, firing.value, firing.enter) == ("Oxygen running out", "F-0001", 3, 6)
    assert firing.since == T0 + timedelta(minutes=2)
    assert [(e.kind, e.place, e.value) for e in feed.events] == [("fire", "F-0001", 3)]


def test_a_calm_reading_restarts_the_count() -> None:
    feed = Feed((OXYGEN_LOW,))
    for minute, hours in enumerate((5, 4, 7, 5, 4)):
        state = feed.oxygen(minute, hours)
    assert not state.active  # 5, 4 then 7 (calm): only two past since
    assert feed.oxygen(5, 3).active


def test_exit_only_after_m_minutes_calm_and_hysteresis_between_thresholds() -> None:
    feed = Feed((OXYGEN_LOW,))
    for minute in range(3):
        feed.oxygen(minute, 2)
    assert feed.judge(2).active
    assert feed.oxygen(3, 9).active  # between 6 and 12: still in crisis (hysteresis)
    assert feed.oxygen(4, 13).active  # calm from now …
    assert feed.oxygen(10, 14).active  # … 6 minutes
    assert feed.oxygen(12, 11).active  # back between: the calm time starts again
    assert feed.oxygen(13, 13).active
    assert feed.judge(22.5).active  # 9.5 minutes calm
    state = feed.judge(23)  # 10 minutes calm: cleared, without a new report
    assert not state.active
    assert [e.kind for e in feed.events] == ["fire", "clear"]
    assert feed.events[-1].at == T0 + timedelta(minutes=23)


def test_clear_due_tells_the_worker_a_snapshot_is_needed() -> None:
    feed = Feed((OXYGEN_LOW,))
    for minute in range(3):
        feed.oxygen(minute, 2)
    feed.oxygen(3, 20)
    assert not feed.watch.clear_due(T0 + timedelta(minutes=12))
    assert feed.watch.clear_due(T0 + timedelta(minutes=13))


def test_any_facility_fires_on_its_own_and_state_scope_rolls_up() -> None:
    feed = Feed((OXYGEN_LOW, CrisisRule(name="State oxygen", kpi="HFW.O2.STOCK_HOURS", enter=3, exit=5,
                                        enter_readings=1)))
    for minute in range(3):
        feed.oxygen(minute, 30, "F-0001")
        state = feed.oxygen(minute, 5, "F-0002")
    assert [(f.rule, f.place) for f in state.firings] == [("Oxygen running out", "F-0002")]
    state = feed.oxygen(3, 2, "F-0003")  # the state's figure is the minimum over its facilities
    assert ("State oxygen", "24") in [(f.rule, f.place) for f in state.firings]


def test_occupancy_of_any_district_rolled_up_from_its_facilities() -> None:
    feed = Feed((ICU_FULL,))
    for f in ("F-0001", "F-0004"):  # both in district 438 (facilities go round the districts)
        feed.report(0, "HFW.BEDS.ICU.TOTAL", f, 10)
    feed.report(0, "HFW.BEDS.ICU.OCC", "F-0001", 10)
    feed.report(0, "HFW.BEDS.ICU.OCC", "F-0004", 9)
    assert not feed.judge(0).active  # 95 % is not past 95
    feed.report(1, "HFW.BEDS.ICU.OCC", "F-0004", 10)
    assert not feed.judge(1).active  # one reading at 100 %
    feed.report(2, "HFW.BEDS.ICU.OCC", "F-0001", 10)
    (firing,) = feed.judge(2).firings
    assert (firing.place, firing.value, firing.occupancy) == ("438", 100.0, True)


def test_one_place_and_own_reports_only() -> None:
    rule = CrisisRule(name="Hospital 2", kpi="HFW.O2.STOCK_HOURS", entity="F-0002", enter=6, exit=6, enter_readings=1)
    state_own = CrisisRule(name="State own", kpi="HFW.O2.STOCK_HOURS", aggregate="own", enter=6, exit=6,
                           enter_readings=1)
    feed = Feed((rule, state_own))
    state = feed.oxygen(0, 1, "F-0001")
    assert not state.active and state.unknown == 2  # F-0002 has not reported; the state has no own report
    assert state.judged == 0 and not state.judgeable
    state = feed.oxygen(1, 1, "F-0002")
    assert [(f.rule, f.place) for f in state.firings] == [("Hospital 2", "F-0002")]


def test_unknown_without_data_or_when_too_old_and_never_calm() -> None:
    feed = Feed((OXYGEN_LOW,))
    state = feed.judge(0)
    assert not state.judgeable and not state.active  # no data: unknown, not calm
    for minute in range(3):
        state = feed.oxygen(minute, 2)
    assert state.active and state.judgeable
    state = feed.judge(2 + 31)  # 15-minute KPI, newest report 31 minutes old: overdue by another period
    assert not state.judgeable
    assert state.active and state.firings[0].value is None  # still in crisis: never falsely calm
    state, _ = feed.watch.observe(None, feed.series, T0)
    assert not state.judgeable


def test_acknowledgement_holds_until_a_new_place_fires() -> None:
    feed = Feed((OXYGEN_LOW,))
    for minute in range(3):
        feed.oxygen(minute, 2)
    event = feed.watch.acknowledge(T0 + timedelta(minutes=3))
    assert event is not None and event.kind == "acknowledge" and feed.watch.state.acknowledged
    assert feed.watch.acknowledge(T0 + timedelta(minutes=3)) is None  # once
    assert feed.oxygen(4, 1).acknowledged
    for minute in range(5, 8):
        state = feed.oxygen(minute, 1, "F-0005")
    assert state.active and len(state.firings) == 2 and not state.acknowledged


def test_the_worker_records_firing_and_acknowledgement(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    events = [CrisisEvent(T0, "fire", "Oxygen running out", "F-0001", 3.0, 6.0, "3 readings past 6"),
              CrisisEvent(T0 + timedelta(minutes=1), "acknowledge", "Oxygen running out", "F-0001", 3.0, 6.0),
              CrisisEvent(T0 + timedelta(minutes=2), "switch", detail="crisis (automatic)")]
    store.record_crisis_events(events)
    assert store.crisis_events() == events
    store.close()


def test_layout_rules_are_strict_and_bounded() -> None:
    good = {"name": "x", "kpi": "K", "enter": 5}
    assert CrisisRuleSpec.model_validate(good).model().exit == 5
    for bad in ({**good, "used": "U"}, {"name": "x", "enter": 5}, {**good, "level": "district", "entity": "438"},
                {**good, "enter_readings": 0}, {**good, "enter": float("nan")}, {**good, "enter": "5"},
                {**good, "exit_minutes": 1e9}, {**good, "direction": "above", "exit": 9}, {**good, "typo": 1}):
        with pytest.raises(ValidationError):
            CrisisRuleSpec.model_validate(bad)


@pytest.mark.parametrize("name, switch_to", [("cm_residence", "crisis"), ("layouts/city_crisis.toml", None)])
def test_shipped_layouts_declare_rules(name: str, switch_to: str | None) -> None:
    spec = load_layout(name).spec
    assert spec.crisis.rules and spec.crisis.layout == switch_to


def test_check_names_rule_codes_unknown_to_the_store(tmp_path: Path) -> None:
    from cmwall.layouts.catalog_check import catalog_problems

    text = Path("layouts/city_crisis.toml").read_text(encoding="utf-8").replace('"LKO.BED.ICU.CAP"', '"LKO.BED.ICU.TYPO"')
    layout = tmp_path / "typo.toml"
    layout.write_text(text + '\n  [[crisis.rules]]\n  name = "x"\n  kpi = "LKO.FLOW.ER_WAIT"\n  level = "ward"\n  enter = 30\n',
                      encoding="utf-8")
    spec = load_layout(str(layout)).spec
    problems = {p.path: p.message for p in catalog_problems(spec, city_store_catalog(), str(layout))}
    assert "unknown KPI 'LKO.BED.ICU.TYPO'" in problems["crisis.rules[0].total"]
    assert "no entities of level 'ward'" in problems["crisis.rules[3].level"]
    assert not [p for p in problems if p.startswith("crisis.rules[1]")]


def city_store_catalog() -> Catalog:
    import json

    from cmwall.sync.demo_store import make_store

    body = make_store("city-crisis", seed=1).catalog().body
    return Catalog.model_validate(json.loads(body) if isinstance(body, (str, bytes)) else body)


def test_the_crisis_layout_must_exist(tmp_path: Path) -> None:
    from cmwall.layouts.loader import LayoutError

    text = Path("layouts/cm_residence.toml").read_text(encoding="utf-8")
    layout = tmp_path / "home.toml"
    layout.write_text(text.replace('layout = "crisis"', 'layout = "emergency.toml"'), encoding="utf-8")
    with pytest.raises(LayoutError, match="crisis.layout"):
        load_layout(str(layout))
    (tmp_path / "emergency.toml").write_text(Path("layouts/crisis.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert load_layout(str(layout)).spec.crisis.layout == "emergency.toml"


def test_rules_are_judged_again_while_the_store_brings_nothing_new() -> None:
    feed = Feed((OXYGEN_LOW,))
    assert not CrisisWatch().due(T0)  # no rules: nothing to judge again
    assert feed.watch.due(T0)  # never judged
    feed.oxygen(0, 2)
    assert not feed.watch.due(T0 + timedelta(seconds=30))
    assert feed.watch.due(T0 + timedelta(minutes=1))  # the figure may have grown too old since

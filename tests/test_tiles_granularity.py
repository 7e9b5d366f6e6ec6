"""KPI, trend and freshness tiles on stores of every granularity the contract allows.

Hourly hospital snapshots at irregular instants summed straight to the state, daily
district figures, the monthly demo, and a data set from 2021 shown at a 2021 moment:
each tile must say how its figure was made, place points at their real time, label
the time axis with dates, fit its value labels, and judge freshness by each KPI's
own frequency. Expected answers are computed here from the rows themselves.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from cmwall.layouts.tile_options import KpiOptions, TrendOptions
from cmwall.sync.contract import Catalog
from cmwall.sync.period_time import IST, period_start
from cmwall.sync.series import apply_rows, frozen
from cmwall.sync.snapshot import Snapshot, SyncStatus
from cmwall.widgets import paint_kit
from cmwall.widgets.base import TileContext
from cmwall.widgets.data_age import snapshot_age
from cmwall.widgets.look import theme
from cmwall.widgets.painted_tile import PaintedTile
from cmwall.widgets.tiles.freshness_tile import FreshnessTile
from cmwall.widgets.tiles.kpi_tile import KpiTile
from cmwall.widgets.tiles.trend_tile import TrendTile
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from .derived import for_wall, show

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=IST)
Row = tuple[str, str, str, float | None, float]


def make_catalog(entities: list[dict[str, Any]], kpis: list[dict[str, Any]], state: str = "Uttar Pradesh") -> Catalog:
    return Catalog.model_validate({
        "revision": "g", "state": {"code": "09", "name": state, "names": {"hi": "उत्तर प्रदेश"}},
        "entities": entities, "kpis": kpis,
    })


def make_snapshot(cat: Catalog, rows: list[Row], now: datetime = NOW) -> Snapshot:
    return Snapshot(id=1, created_at=now, status=SyncStatus("http://test", reachable=True, last_success=now),
                    catalog=cat, series=frozen(apply_rows({}, rows)),
                    data_as_of=datetime.fromtimestamp(max(r[4] for r in rows), UTC) if rows else None)


TileT = TypeVar("TileT", bound=PaintedTile)


def build(qtbot: QtBot, cls: type[TileT], snapshot: Snapshot, now: datetime = NOW, size: tuple[int, int] = (1280, 720),
          language: str = "en", **options: Any) -> TileT:
    tile = cls(cls.options_model(**options), TileContext(language=language, now=lambda: now))
    qtbot.addWidget(tile)
    tile.resize(*size)
    tile.show()
    show(tile, snapshot)
    QApplication.processEvents()
    return tile


# --- (a) hourly hospital snapshots, summed straight to the state ------------------------------

HOSPITALS = [f"H{i:02d}" for i in range(1, 13)]
SILENT = "H13"  # a hospital that never reports
STOPPED = HOSPITALS[:3]  # these stopped three hours ago


def hospital_catalog() -> Catalog:
    entities = [{"code": h, "name": f"District Hospital {h}", "level": "facility", "parent": "09"}
                for h in [*HOSPITALS, SILENT]]
    kpis = [{"code": "BEDS.FREE", "name": "Free beds", "scheme": "S", "unit": "beds", "level": "facility",
             "frequency": "PT1H", "aggregate": "sum"}]
    return make_catalog(entities, kpis)


def hospital_rows(scale: float = 1.0) -> list[Row]:
    """Each hospital reports every 70–110 minutes at its own odd minutes over 30 hours."""
    rows: list[Row] = []
    for i, h in enumerate(HOSPITALS):
        moment = NOW - timedelta(hours=30) + timedelta(minutes=7 * i + 3)
        k = 0
        end = NOW - timedelta(hours=3) if h in STOPPED else NOW
        while moment <= end:
            value = (1500 + 100 * i + 3 * k) * scale
            rows.append(("BEDS.FREE", h, moment.strftime("%Y-%m-%dT%H:%M"), value, (moment + timedelta(minutes=1)).timestamp()))
            moment += timedelta(minutes=70 + (13 * i + 17 * k) % 41)
            k += 1
    return rows


def latest_by_hospital(rows: list[Row], moment: datetime) -> dict[str, Row]:
    latest: dict[str, Row] = {}
    for row in rows:
        if period_start(row[2]) <= moment and (row[1] not in latest or row[2] > latest[row[1]][2]):
            latest[row[1]] = row
    return latest


def test_kpi_tile_sums_hospitals_and_says_how(qtbot: QtBot) -> None:
    rows = hospital_rows()
    latest = latest_by_hospital(rows, NOW)
    values = [v for r in latest.values() if (v := r[3]) is not None]
    assert len(values) == len(latest)
    total = sum(values)
    stale = sum(1 for r in latest.values() if r[4] + 3600 <= NOW.timestamp())
    newest = max(latest.values(), key=lambda r: r[2])[2]
    assert stale >= len(STOPPED) and total >= 10000  # the data are what this test is about
    m = build(qtbot, KpiTile, make_snapshot(hospital_catalog(), rows), kpi="BEDS.FREE").model
    assert m.value == f"{total:,.0f}"
    assert m.subtitle == (f"Uttar Pradesh · sum of {len(HOSPITALS)} facilities · {stale} older than 1 h · "
                          f"1 not reporting · 22 Nov {newest[11:16]}")
    assert "avg" not in m.subtitle and m.age.state == "fresh"
    # the change is since the previous point: the newest report of the hour before the last one reported
    last_hour = newest[:13]
    before = max(r[2] for r in rows if r[2][:13] < last_hour and period_start(r[2]) <= NOW)
    assert re.fullmatch(rf"[▲▼=] .* since {before[11:16]} \((better|worse)\)|= no change since {before[11:16]}", m.change), m.change



def test_kpi_change_names_the_day_when_the_wall_is_on_another(qtbot: QtBot) -> None:
    """Shown the next day (an --as-of, or a store silent overnight), hourly figures' change is
    "since 22 Nov 10:53", never a bare "since 10:53" that reads as this morning's."""
    rows = hospital_rows()
    today = build(qtbot, KpiTile, make_snapshot(hospital_catalog(), rows), kpi="BEDS.FREE").model
    next_day = build(qtbot, KpiTile, make_snapshot(hospital_catalog(), rows), now=NOW + timedelta(hours=20),
                     kpi="BEDS.FREE").model
    clock = re.search(r"since (\d\d:\d\d) ", today.change)
    assert clock is not None, today.change
    assert f"since 22 Nov {clock.group(1)} " in next_day.change and next_day.value == today.value

def test_kpi_tile_says_it_in_hindi(qtbot: QtBot) -> None:
    rows = hospital_rows()
    stale = sum(1 for r in latest_by_hospital(rows, NOW).values() if r[4] + 3600 <= NOW.timestamp())
    m = build(qtbot, KpiTile, make_snapshot(hospital_catalog(), rows), language="hi", kpi="BEDS.FREE").model
    assert re.fullmatch(rf"उत्तर प्रदेश · योग: {len(HOSPITALS)} अस्पताल · 1 घंटे से पुराने: {stale} · 1 की रिपोर्ट नहीं · "
                        r"22 नवंबर \d\d:\d\d", m.subtitle), m.subtitle
    assert m.unit == "बिस्तर"  # the catalog's "beds" in the wall's words, not English on a Hindi wall


def drawn_texts(tile: QWidget) -> list[tuple[str, str, QRectF]]:
    """(text, as shown, rectangle) of every text the tile paints."""
    texts: list[tuple[str, str, QRectF]] = []
    previous = paint_kit.set_text_recorder(lambda _p, rect, text, shown, *_rest: texts.append((text, shown, QRectF(rect))))
    try:
        tile.grab()
    finally:
        paint_kit.set_text_recorder(previous)
    return texts


@pytest.mark.parametrize("scale", [1.0, 100.0], ids=["five-digit", "lakh"])
def test_trend_is_time_proportional_with_dated_ticks_and_whole_value_labels(qtbot: QtBot, scale: float) -> None:
    rows = hospital_rows(scale)
    tile = build(qtbot, TrendTile, make_snapshot(hospital_catalog(), rows), kpi="BEDS.FREE",
                 entities=("H04", "H05"), periods=48)
    model = tile.model
    state = model.lines[0]
    assert state.name == f"Uttar Pradesh (sum of {len(HOSPITALS)} facilities)"
    # hospitals' own lines are at the real instants they reported
    own = sorted((period_start(r[2]).timestamp(), r[3]) for r in rows if r[1] == "H04")[-48:]
    assert model.lines[1].seconds == tuple(t for t, _ in own) and model.lines[1].values == tuple(v for _, v in own)
    gaps = {round(b - a) for a, b in zip(state.seconds, state.seconds[1:])}
    assert len(gaps) > 1, "snapshots are irregular, so are the gaps between points"
    chart = tile.chart
    assert chart is not None
    frame = chart.frame
    xs = [frame.x_of(t) for t in state.seconds]
    first, last = state.seconds[0], state.seconds[-1]
    for t, x in zip(state.seconds, xs):
        assert (x - xs[0]) / (xs[-1] - xs[0]) == pytest.approx((t - first) / (last - first), abs=1e-6)
    assert frame.rect.left() <= min(xs) < max(xs) <= frame.rect.right()
    drawn = drawn_texts(tile)
    # time ticks carry dates and times; every label the tile asked for is drawn whole
    times = [label for _, label in chart.x_ticks]
    assert len(times) >= 3
    assert any(re.fullmatch(r"\d{1,2} (Nov|Dec)( \d\d:\d\d)?", t) for t in times), times
    assert any(re.fullmatch(r"\d\d:\d\d", t) for t in times), times
    below = [(text, shown) for text, shown, rect in drawn if rect.top() >= frame.rect.bottom()]
    assert sorted(text for text, _ in below) == sorted(times) and all(text == shown for text, shown in below)
    # value labels: the axis is as wide as the widest, none is dropped or cut
    asked = [label for _, label in chart.y_ticks]
    beside = [(text, shown, rect) for text, shown, rect in drawn if rect.right() <= frame.rect.left()]
    assert sorted(text for text, _, _ in beside) == sorted(asked)
    for text, shown, rect in beside:
        assert shown == text and rect.left() >= 0
        assert paint_kit.text_width(text, tile.scale.small) <= rect.width()
    if scale == 1.0:
        assert any(len(re.sub(r"\D", "", label)) >= 5 for label in asked), asked  # "24,000"
    else:
        assert all(label.endswith("lakh") for label in asked), asked


def test_freshness_of_hourly_figures_has_the_time(qtbot: QtBot) -> None:
    rows = [r for r in hospital_rows() if period_start(r[2]) <= NOW - timedelta(hours=5)]  # everyone silent for 5 h
    m = build(qtbot, KpiTile, make_snapshot(hospital_catalog(), rows), kpi="BEDS.FREE").model
    # a reading is as old as its instant (sent a little later or not)
    last = max(min(r[4], period_start(r[2]).timestamp()) for r in rows)
    due = datetime.fromtimestamp(last, UTC) + timedelta(hours=1)
    assert m.age.state == "late"
    assert m.age.text == f"overdue since 22 Nov {due.astimezone(IST):%H:%M}"
    assert f"{len(HOSPITALS)} older than 1 h" in m.subtitle


def test_freshness_tile_for_one_scheme_of_sub_daily_kpis(qtbot: QtBot) -> None:
    cat = make_catalog(
        [{"code": h, "name": h, "level": "facility", "parent": "09"} for h in HOSPITALS[:2]],
        [{"code": "BEDS.FREE", "name": "Free beds", "scheme": "S", "level": "facility", "frequency": "PT1H", "aggregate": "sum"},
         {"code": "O2.HOURS", "name": "Oxygen stock", "scheme": "S", "level": "facility", "frequency": "PT15M"},
         {"code": "VENT.FREE", "name": "Free ventilators", "scheme": "S", "level": "facility", "frequency": "PT15M"}])
    rows: list[Row] = [
        ("BEDS.FREE", "H01", "2026-11-22T11:40", 10, (NOW - timedelta(minutes=19)).timestamp()),  # on time
        ("O2.HOURS", "H01", "2026-11-22T10:00", 30, datetime(2026, 11, 22, 10, 0, tzinfo=IST).timestamp()),
    ]
    tile = build(qtbot, FreshnessTile, make_snapshot(cat, rows))
    m = tile.model
    assert m.title == "Data feeding by KPI" and m.headline == "1 of 3 KPIs on time"
    by_name = {r.name: r for r in m.rows}
    assert by_name["Oxygen stock"].since == "overdue since 22 Nov 10:15" and by_name["Oxygen stock"].state == "late"
    assert by_name["Oxygen stock"].share == "due every 15 min"
    assert by_name["Free ventilators"].state == "not_fed" and by_name["Free beds"].state == "fresh"
    assert m.age.state == "fresh"  # one KPI is current by its own frequency


# --- (b) daily district figures ---------------------------------------------------------------


def daily_snapshot() -> Snapshot:
    entities = [{"code": d, "name": n, "level": "district", "parent": "09"} for d, n in (("162", "Lucknow"), ("163", "Kanpur"))]
    kpis = [{"code": "OPD", "name": "OPD attendance", "scheme": "S", "unit": "count", "level": "district",
             "frequency": "P1D", "aggregate": "sum"}]
    rows: list[Row] = []
    for day in (18, 19, 21, 22):  # no report on the 20th
        reported = datetime(2026, 11, day, 9, 0, tzinfo=IST).timestamp()
        rows += [("OPD", "162", f"2026-11-{day:02d}", 1000.0 + day, reported), ("OPD", "163", f"2026-11-{day:02d}", 800.0, reported)]
    return make_snapshot(make_catalog(entities, kpis), rows)


def test_daily_change_is_since_the_previous_day(qtbot: QtBot) -> None:
    snap = daily_snapshot()
    own = build(qtbot, KpiTile, snap, kpi="OPD", entity="162").model
    # at 11:00 on the 22nd the day is still running: the change is shown, not judged
    assert own.subtitle == "Lucknow · 22 Nov 2026" and own.change == "▲ 1 since 21 Nov (so far)"
    state = build(qtbot, KpiTile, snap, kpi="OPD").model
    assert state.subtitle == "Uttar Pradesh · sum of 2 districts · 22 Nov 2026" and state.value == "1,822"
    assert state.change == "▲ 1 since 21 Nov (so far)" and state.change_colour == theme.TEXT_DIM
    next_day = datetime(2026, 11, 23, 8, 0, tzinfo=IST)  # the 22nd is over: now it is judged
    assert build(qtbot, KpiTile, snap, now=next_day, kpi="OPD").model.change == "▲ 1 since 21 Nov (better)"
    trend = build(qtbot, TrendTile, snap, kpi="OPD", entities=("162",))
    days = [datetime.fromtimestamp(t, IST).day for t in trend.model.lines[1].seconds]
    assert days == [18, 19, 21, 22]  # the missing day leaves a gap in time, not a shifted point
    assert trend.chart is not None
    labels = [label for _, label in trend.chart.x_ticks]
    assert labels and all(re.fullmatch(r"\d{1,2} Nov", label) for label in labels), labels


# --- (c) the monthly demo ---------------------------------------------------------------------


def test_monthly_demo_still_reads_as_months(qtbot: QtBot, demo_snapshot: Snapshot, tile_context: TileContext) -> None:
    months = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
    kpi = KpiTile(KpiOptions(kpi="PMJAY.CARDS"), tile_context)
    qtbot.addWidget(kpi)
    show(kpi, demo_snapshot)
    assert re.fullmatch(rf"Gujarat · mean of \d+ districts( · \d+ older than 1 month)?( · \d+ not reporting)? · "
                        rf"(({months}) 2026|({months})–({months}) 2026)", kpi.model.subtitle), kpi.model.subtitle
    # November is still running on the 22nd: the change is shown, not judged
    assert re.search(rf"since ({months})( \d{{4}})? \(so far\)$", kpi.model.change), kpi.model.change
    trend = TrendTile(TrendOptions(kpi="MCH.FULL_IMM", entities=("438",)), tile_context)
    qtbot.addWidget(trend)
    trend.resize(960, 540)
    show(trend, demo_snapshot)
    assert trend.chart is not None
    labels = [label for _, label in trend.chart.x_ticks]
    assert labels and all(re.fullmatch(rf"({months}) \d\d", label) for label in labels), labels


# --- (d) a data set from 2021 ------------------------------------------------------------------

MAY_2021 = datetime(2021, 5, 15, 12, 0, tzinfo=IST)


def data_2021() -> Snapshot:
    entities = [{"code": h, "name": h, "level": "facility", "parent": "09"} for h in HOSPITALS[:3]]
    kpis = [{"code": "O2.TONNES", "name": "Oxygen supplied (tonnes)", "scheme": "S", "unit": "tonnes",
             "level": "facility", "frequency": "PT6H", "aggregate": "sum", "scoring": {"method": "minmax"}}]
    rows: list[Row] = []
    for h, hospital in enumerate(HOSPITALS[:3]):
        for hours_ago in (30, 20, 9, 2):
            moment = MAY_2021 - timedelta(hours=hours_ago, minutes=5 * h)
            rows.append(("O2.TONNES", hospital, moment.strftime("%Y-%m-%dT%H:%M"), 10.0 + h + hours_ago / 10,
                         moment.timestamp() + 60))
    return make_snapshot(make_catalog(entities, [*kpis]), rows, now=MAY_2021)


def test_a_2021_data_set_shown_at_a_2021_moment_has_its_own_ages(qtbot: QtBot) -> None:
    snap = data_2021()
    m = build(qtbot, KpiTile, snap, now=MAY_2021, kpi="O2.TONNES").model
    assert m.age.state == "fresh" and m.age.text == "updated 2 h ago"  # read at 10:00 (sent 10:01)
    assert m.subtitle == "Uttar Pradesh · sum of 3 facilities · 15 May 10:00"  # nothing older than 6 h
    assert snapshot_age(for_wall(snap), MAY_2021, str).text == "updated 1 h ago"
    assert snapshot_age(snap, MAY_2021, str).text == "freshness unknown"  # nobody derived it: never a guess
    freshness = build(qtbot, FreshnessTile, snap, now=MAY_2021).model
    assert freshness.rows[0].state == "fresh" and freshness.age.text == "updated 1 h ago"


def test_a_2021_data_set_shown_today_names_its_date(qtbot: QtBot) -> None:
    snap = data_2021()
    today = datetime(2026, 11, 22, 12, 0, tzinfo=IST)
    m = build(qtbot, KpiTile, snap, now=today, kpi="O2.TONNES").model
    assert m.age.state == "late" and m.age.text == "overdue since 15 May 2021 16:00"  # 6 h after the 10:00 reading
    freshness = build(qtbot, FreshnessTile, snap, now=today).model
    assert freshness.rows[0].since == "overdue since 15 May 2021 16:01"
    # judged by a frequency it still meets, old data is named by its date, not by thousands of days
    assert snapshot_age(snap, today, str, expected="P10Y").text == "data as of 15 May 2021"


# --- the words and ticks underneath -------------------------------------------------------------


def test_time_ticks_are_calendar_moments_never_finer_than_the_data() -> None:
    from cmwall.widgets.time_ticks import time_ticks

    def measure(text: str) -> float:
        return 8.0 * len(text)

    lo, hi = datetime(2026, 1, 10, tzinfo=IST).timestamp(), datetime(2026, 11, 20, tzinfo=IST).timestamp()
    months = time_ticks(lo, hi, "month", 2000, measure)
    assert [label for _, label in months][:3] == ["Feb 26", "Mar 26", "Apr 26"]
    assert all(datetime.fromtimestamp(t, IST).day == 1 for t, _ in months)
    narrow = time_ticks(lo, hi, "month", 300, measure)
    assert 2 <= len(narrow) < len(months)  # fewer, still whole months
    days = time_ticks(datetime(2026, 11, 17, 12, tzinfo=IST).timestamp(), NOW.timestamp(), "day", 2000, measure)
    assert [label for _, label in days] == ["18 Nov", "19 Nov", "20 Nov", "21 Nov", "22 Nov"]  # no hours for daily data
    hours = time_ticks((NOW - timedelta(hours=20)).timestamp(), NOW.timestamp(), "instant", 900, measure, gap=16)
    labels = [label for _, label in hours]
    assert re.fullmatch(r"21 Nov \d\d:00", labels[0]) and "22 Nov" in labels  # the date where a day begins
    assert all(re.fullmatch(r"\d\d:00", label) for label in labels[1:] if label != "22 Nov")


def test_frequency_and_age_words() -> None:
    from cmwall.sync.freshness import age_text, frequency_text, overdue_text

    assert [frequency_text(f) for f in ("PT15M", "PT1H", "P1D", "P7D", "P1M", "P3M", "P1Y")] == \
        ["15 min", "1 h", "1 d", "7 d", "1 month", "3 months", "1 year"]
    due = datetime(2026, 11, 3, 10, 15, tzinfo=IST)
    assert overdue_text("P1M", due, NOW) == "overdue since 3 Nov"
    assert overdue_text("PT15M", due, NOW) == "overdue since 3 Nov 10:15"
    assert overdue_text("P1D", due.replace(year=2025), NOW) == "overdue since 3 Nov 2025"
    assert age_text(NOW - timedelta(days=19), NOW) == "updated 19 d ago"
    assert age_text(datetime(2021, 5, 15, 9, 0, tzinfo=IST), NOW) == "data as of 15 May 2021"


def test_an_aggregate_this_wall_does_not_know_gives_no_total(qtbot: QtBot) -> None:
    cat = make_catalog([{"code": h, "name": h, "level": "facility", "parent": "09"} for h in HOSPITALS[:2]],
                       [{"code": "BEDS.FREE", "name": "Free beds", "scheme": "S", "unit": "beds", "level": "facility",
                         "frequency": "PT1H", "aggregate": "median"}])
    rows: list[Row] = [("BEDS.FREE", h, "2026-11-22T11:30", 10.0, (NOW - timedelta(minutes=29)).timestamp()) for h in HOSPITALS[:2]]
    m = build(qtbot, KpiTile, make_snapshot(cat, rows), kpi="BEDS.FREE").model
    assert (m.value, m.subtitle) == ("—", "Uttar Pradesh · cannot combine by 'median'")
    assert m.age.state == "fresh"  # the hospitals did report: only the total is unknown

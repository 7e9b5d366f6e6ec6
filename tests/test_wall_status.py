"""The status strip's text: store link, last sync, data age, ranking source, alerts, local store, clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from cmwall.sync.snapshot import Snapshot, SyncStatus
from cmwall.wall.status_strip import StatusStrip
from cmwall.wall.status_text import age_text, clock_text, status_items

from .synthetic import snapshot as synthetic_snapshot

IST = timezone(timedelta(hours=5, minutes=30))
NOW = datetime(2026, 11, 22, 14, 30, tzinfo=IST)


def texts(snapshot: Snapshot | None, language: str = "en", **kwargs) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {item.key: item.text for item in status_items(snapshot, NOW, language, **kwargs)}


def with_status(**changes) -> Snapshot:  # type: ignore[no-untyped-def]
    base = synthetic_snapshot()
    return replace(base, status=replace(base.status, **changes))


def test_reachable_store_with_central_ranking() -> None:
    snap = replace(with_status(reachable=True, last_success=NOW - timedelta(seconds=5)),
                   data_as_of=NOW - timedelta(minutes=12))
    t = texts(snap)
    assert t["link"] == "Central store reachable"
    assert t["sync"] == "Last sync 14:29:55"
    assert t["age"] == "Data: updated 12 min ago"
    assert t["ranking"] == "Ranking: central"


def test_unreachable_store_says_since_when_and_for_how_long() -> None:
    snap = with_status(reachable=False, unreachable_since=NOW - timedelta(minutes=7), last_error="timed out")
    item = next(i for i in status_items(snap, NOW, "en") if i.key == "link")
    assert item.text == "Central store unreachable since 14:23 (7 min)"
    assert item.tone == "critical"


def test_local_estimate_says_why() -> None:
    local = synthetic_snapshot(source="local")
    snap = replace(local, ranking_reason="local estimate: central store unreachable (http://x/v1: timed out)")
    assert texts(snap)["ranking"] == "Ranking: local estimate — central store unreachable (http://x/v1: timed out)"
    hindi = texts(snap, "hi")["ranking"]
    assert hindi.startswith("रैंकिंग: स्थानीय अनुमान — केंद्रीय स्टोर संपर्क से बाहर")


def test_alert_counts_and_local_store_errors() -> None:
    snap = with_status(local_store_error="disk full")
    t = texts(snap, critical_alerts=2, warn_alerts=3)
    assert t["alerts"] == "Alerts: 5 (2 critical)"
    assert t["store"] == "Local store: disk full"
    assert texts(synthetic_snapshot())["alerts"] == "No active alerts"


def test_before_the_first_sync() -> None:
    empty = Snapshot(id=1, created_at=NOW, status=SyncStatus(store_url="http://x"))
    t = texts(empty)
    assert t["link"] == "Connecting to the central store…"
    assert t["sync"] == "No successful sync yet"
    assert t["age"] == "Data: no data yet"
    assert t["ranking"] == "Ranking: no ranking yet"
    assert texts(None)["link"] == "Connecting to the central store…"


def test_ages_and_clock_in_each_language() -> None:
    assert age_text(NOW - timedelta(hours=3), NOW, "en") == "updated 3 h ago"
    assert age_text(NOW - timedelta(minutes=12), NOW, "gu") == "12 મિનિટ પહેલાં અપડેટ"
    assert clock_text(NOW.astimezone(timezone.utc), "en") == "Sun 22 Nov  14:30:00 IST"
    assert clock_text(NOW, "hi") == "रवि 22 नव  14:30:00 IST"


def test_strip_widget_shows_plain_text_with_tone_symbols(qtbot) -> None:  # type: ignore[no-untyped-def]
    strip = StatusStrip()
    qtbot.addWidget(strip)
    snap = with_status(reachable=False, unreachable_since=NOW - timedelta(minutes=2), local_store_error="<b>disk</b>")
    strip.set_items(status_items(snap, NOW, "en"))
    shown = strip.texts()
    assert shown[0] == "■ Central store unreachable since 14:28 (2 min)"
    assert "■ Local store: <b>disk</b>" in shown  # never interpreted as rich text
    strip.set_items(status_items(synthetic_snapshot(), NOW, "en"))
    assert len(strip.texts()) == 5


def test_strip_shrinks_its_type_so_every_item_fits_a_narrow_screen(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QFontMetricsF

    strip = StatusStrip()
    qtbot.addWidget(strip)
    strip.set_items(status_items(synthetic_snapshot(), NOW, "hi"))
    strip.set_clock(clock_text(NOW, "hi"))
    strip.resize(1920, 45)
    strip.show()
    qtbot.waitExposed(strip)
    wide = strip.clock.font().pixelSize()
    strip.resize(800, 45)

    def all_fit() -> bool:  # every item is shown whole: its text fits the width it was given
        labels = [label for label in strip.findChildren(type(strip.clock)) if label.isVisible()]
        return all(QFontMetricsF(label.font()).horizontalAdvance(label.text()) <= label.width() + 1 for label in labels)

    qtbot.waitUntil(lambda: strip.clock.font().pixelSize() < wide and all_fit())


def test_tile_ages_are_translated_with_their_numbers() -> None:
    from cmwall.widgets.base import TileContext
    from cmwall.widgets.data_age import snapshot_age

    old = replace(synthetic_snapshot(), data_as_of=NOW - timedelta(days=19))
    assert "19 d ago" in snapshot_age(old, NOW, TileContext(language="en").tr, expected="P1Y").text
    assert snapshot_age(old, NOW, TileContext(language="hi").tr, expected="P1Y").text == "19 दिन पहले अपडेट"

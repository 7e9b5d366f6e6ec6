"""The status strip's text: store link, last sync, data age, ranking source, alerts, local store, clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from cmwall.sync.ranking.fallback import RankingReason, ReasonKind
from cmwall.sync.snapshot import HistoryView, Snapshot, SyncStatus
from cmwall.wall.status_strip import StatusStrip
from cmwall.wall.status_text import age_text, clock_text, ranking_reason_text, status_items
from pytestqt.qtbot import QtBot

from .synthetic import snapshot as synthetic_snapshot

IST = timezone(timedelta(hours=5, minutes=30))
NOW = datetime(2026, 11, 22, 14, 30, tzinfo=IST)


def texts(snapshot: Snapshot | None, language: str = "en", **kwargs: Any) -> dict[str, str]:
    return {item.key: item.text for item in status_items(snapshot, NOW, language, **kwargs)}


def with_status(**changes: Any) -> Snapshot:
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


COMPUTED = datetime(2026, 11, 22, 10, 45, tzinfo=IST)
REASONS = {
    "no-central": RankingReason(ReasonKind.NO_CENTRAL, "local"),
    "unreachable": RankingReason(ReasonKind.UNREACHABLE, "local", error="http://x/v1: timed out"),
    "stale": RankingReason(ReasonKind.STALE, "local", central_computed_at=COMPUTED, newest_observation=NOW),
    "not-stored": RankingReason(ReasonKind.NOT_STORED, "local"),
    "last-central": RankingReason(ReasonKind.UNREACHABLE, "central", error="HTTP 500"),
    "stale-central": RankingReason(ReasonKind.STALE, "central", central_computed_at=COMPUTED, newest_observation=NOW),
}
WORDED = {
    "en": {
        "no-central": "Ranking: local estimate — central store has no ranking",
        "unreachable": "Ranking: local estimate — central store unreachable (http://x/v1: timed out)",
        "stale": "Ranking: local estimate — central ranking of 22 Nov 10:45 older than the data",
        "not-stored": "Ranking: local estimate — central ranking of that moment not stored",
        "last-central": "Ranking: central — central store unreachable (HTTP 500); no local estimate",
        "stale-central": "Ranking: central — central ranking of 22 Nov 10:45 older than the data; no local estimate",
    },
    "hi": {
        "no-central": "रैंकिंग: स्थानीय अनुमान — केंद्रीय स्टोर में रैंकिंग नहीं है",
        "unreachable": "रैंकिंग: स्थानीय अनुमान — केंद्रीय स्टोर संपर्क से बाहर (http://x/v1: timed out)",
        "stale": "रैंकिंग: स्थानीय अनुमान — 22 नवंबर 10:45 की केंद्रीय रैंकिंग डेटा से पुरानी है",
        "not-stored": "रैंकिंग: स्थानीय अनुमान — उस समय की केंद्रीय रैंकिंग संग्रहित नहीं",
        "last-central": "रैंकिंग: केंद्रीय — केंद्रीय स्टोर संपर्क से बाहर (HTTP 500); कोई स्थानीय अनुमान नहीं",
        "stale-central": "रैंकिंग: केंद्रीय — 22 नवंबर 10:45 की केंद्रीय रैंकिंग डेटा से पुरानी है; कोई स्थानीय अनुमान नहीं",
    },
    "gu": {
        "no-central": "રેન્કિંગ: સ્થાનિક અંદાજ — કેન્દ્રીય સ્ટોરમાં રેન્કિંગ નથી",
        "unreachable": "રેન્કિંગ: સ્થાનિક અંદાજ — કેન્દ્રીય સ્ટોર સંપર્કમાં નથી (http://x/v1: timed out)",
        "stale": "રેન્કિંગ: સ્થાનિક અંદાજ — 22 નવેમ્બર 10:45 નું કેન્દ્રીય રેન્કિંગ ડેટા કરતાં જૂનું છે",
        "not-stored": "રેન્કિંગ: સ્થાનિક અંદાજ — તે સમયનું કેન્દ્રીય રેન્કિંગ સંગ્રહિત નથી",
        "last-central": "રેન્કિંગ: કેન્દ્રીય — કેન્દ્રીય સ્ટોર સંપર્કમાં નથી (HTTP 500); કોઈ સ્થાનિક અંદાજ નથી",
        "stale-central": "રેન્કિંગ: કેન્દ્રીય — 22 નવેમ્બર 10:45 નું કેન્દ્રીય રેન્કિંગ ડેટા કરતાં જૂનું છે; કોઈ સ્થાનિક અંદાજ નથી",
    },
}


@pytest.mark.parametrize("language", ["en", "hi", "gu"])
@pytest.mark.parametrize("case", list(REASONS))
def test_every_reason_is_worded_in_each_language_and_warns(case: str, language: str) -> None:
    reason = REASONS[case]
    snap = replace(synthetic_snapshot(source=reason.shown or "central"), ranking_reason=reason)
    item = next(i for i in status_items(snap, NOW, language) if i.key == "ranking")
    assert item.text == WORDED[language][case]
    assert item.tone == "warn"  # never the green of a current central ranking


@pytest.mark.parametrize(("language", "central", "none"), [
    ("en", "Ranking: central", "Ranking: no ranking yet"),
    ("hi", "रैंकिंग: केंद्रीय", "रैंकिंग: अभी कोई रैंकिंग नहीं"),
    ("gu", "રેન્કિંગ: કેન્દ્રીય", "રેન્કિંગ: હજુ કોઈ રેન્કિંગ નથી"),
])
def test_current_central_ranking_and_no_ranking_in_each_language(language: str, central: str, none: str) -> None:
    snap = synthetic_snapshot()
    assert snap.ranking_reason == RankingReason(ReasonKind.CENTRAL, "central")
    item = next(i for i in status_items(snap, NOW, language) if i.key == "ranking")
    assert (item.text, item.tone) == (central, "ok")
    empty = replace(snap, ranking=None, ranking_reason=RankingReason(ReasonKind.NO_RANKING, None, error="down"))
    item = next(i for i in status_items(empty, NOW, language) if i.key == "ranking")
    assert (item.text, item.tone) == (none, "dim")
    assert ranking_reason_text(empty.ranking_reason, language) == none.split(": ", 1)[1]


def test_a_reason_that_is_not_the_shown_rankings_names_only_the_source() -> None:
    """A snapshot built without its reason never says 'no ranking yet' under a ranking, nor glows green."""
    snap = replace(synthetic_snapshot(), ranking_reason=RankingReason(ReasonKind.NO_RANKING, None))
    item = next(i for i in status_items(snap, NOW, "en") if i.key == "ranking")
    assert (item.text, item.tone) == ("Ranking: central", "warn")


def test_stored_history_leaves_the_not_stored_reason_to_the_audit_record() -> None:
    local = replace(synthetic_snapshot(source="local"), ranking_reason=REASONS["not-stored"],
                    history=HistoryView(mode="as-of", moment=NOW))
    assert texts(local)["ranking"] == "Ranking: local estimate"  # the strip already says "stored data"


def test_alert_counts_and_local_store_errors() -> None:
    snap = with_status(local_store_error="disk full")
    t = texts(snap, critical_alerts=2, warn_alerts=3)
    assert t["alerts"] == "Alerts: 5 (2 critical)"
    assert t["store"] == "Local store: disk full"
    assert texts(synthetic_snapshot(), alerts_judged=40)["alerts"] == "No active alerts"
    # Not judged for this layout (yet): unknown, never a green all clear.
    unknown = next(i for i in status_items(synthetic_snapshot(), NOW, "en") if i.key == "alerts")
    assert (unknown.text, unknown.tone) == ("Alerts: unknown", "dim")


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
    assert clock_text(NOW.astimezone(UTC), "en") == "Sun 22 Nov  14:30:00 IST"
    assert clock_text(NOW, "hi") == "रवि 22 नवंबर  14:30:00 IST"


def test_strip_widget_shows_plain_text_with_tone_symbols(qtbot: QtBot) -> None:
    strip = StatusStrip()
    qtbot.addWidget(strip)
    snap = with_status(reachable=False, unreachable_since=NOW - timedelta(minutes=2), local_store_error="<b>disk</b>")
    strip.set_items(status_items(snap, NOW, "en"))
    shown = strip.texts()
    assert shown[0] == "■ Central store unreachable since 14:28 (2 min)"
    assert "■ Local store: <b>disk</b>" in shown  # never interpreted as rich text
    strip.set_items(status_items(synthetic_snapshot(), NOW, "en"))
    assert len(strip.texts()) == 5


def test_strip_shrinks_its_type_so_every_item_fits_a_narrow_screen(qtbot: QtBot) -> None:
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


def test_the_audit_record_keeps_the_reason_as_fields_and_words() -> None:
    from cmwall.wall.audit import reason_record

    assert reason_record(REASONS["stale"], "gu") == {
        "kind": "stale", "shown": "local", "error": None,
        "central_computed_at": "2026-11-22T10:45:00+05:30", "newest_observation": "2026-11-22T14:30:00+05:30",
        "text": WORDED["gu"]["stale"].split(": ", 1)[1],
    }
    assert reason_record(REASONS["unreachable"], "en")["error"] == "http://x/v1: timed out"

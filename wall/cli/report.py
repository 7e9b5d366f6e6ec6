"""`python main.py report`: the feed quality of a data directory, for an operator.

Reads the local store only (no store is contacted, nothing is written): the rows the
wall rejected with their reasons, the (KPI, entity) pairs whose latest report is older
than the KPI's frequency, and the stored values that are hard to believe, counted by
department, KPI or entity. The same rules as the wall's feed-quality tile
(sync/feed_judging.py, sync/plausibility.py), in plain text or `--json`. Qt-free.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...sync.contract import Catalog
from ...sync.data_dir import open_for_reading
from ...sync.feed_judging import UNKNOWN, judge_feed, late_entities
from ...sync.feed_quality import FeedQuality, QualityCount, RejectedRow
from ...sync.local_store import DB_FILENAME, LocalStore, LocalStoreError
from ...sync.plausibility import MAX_CLOCK_SKEW, distrust_future
from ...sync.series import KpiSeries, Row, apply_rows

EXIT_BAD_INPUT = 2
AXES = ("department", "kpi", "entity")
SHOWN_ROWS = 50  # per list in plain text; --json lists up to JSON_ROWS
JSON_ROWS = 10_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: the wall's own --data-dir, given before the command, stays.
    parser.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="the data directory to report on (default: the wall's)")
    parser.add_argument("--by", choices=AXES, default="department",
                        help="count by department (default), KPI or entity")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    data_dir: Path | None = getattr(args, "data_dir", None)
    if data_dir is None or not (data_dir / DB_FILENAME).is_file():
        where = data_dir if data_dir is not None else "the data directory"
        print(f"cm-wall report: error: no local store in {where} (run the wall or `main.py sync` first)",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    now = datetime.now(UTC)
    try:
        store = open_for_reading(data_dir)  # no lock, and fine on a read-only file system
        try:
            report = build_report(store, now, args.by)
        finally:
            store.close()
    except LocalStoreError as err:
        print(f"cm-wall report: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else render_text(report))
    return 0


def build_report(store: LocalStore, now: datetime, by: str) -> dict[str, Any]:
    """The report as plain data (what --json prints; `render_text` words it)."""
    stored = store.catalog()
    catalog = stored[0] if stored else None
    rows: list[Row] = [row for batch in store.iter_observations() for row in batch]
    rows, untrusted = distrust_future(rows, store.future_reports(MAX_CLOCK_SKEW.total_seconds()))
    series = apply_rows({}, rows)
    quality = judge_feed(catalog, series, now, untrusted_times=untrusted, rejected_counts=store.rejected_counts(),
                         recent_rejections=store.rejected(JSON_ROWS))
    return {
        "data_dir": str(store.path.parent),
        "as_of": now.isoformat(timespec="seconds"),
        "catalog": catalog.revision if catalog else None,
        "observations": len(rows),
        "total": _counts(quality.total),
        "by": by,
        "groups": _groups(quality, catalog, by),
        "rejected": [_rejected(r) for r in quality.recent_rejections],
        "late": _late(catalog, series, now),
        "implausible": _implausible(quality, series, untrusted),
    }


def _counts(q: QualityCount) -> dict[str, int]:
    return {"rejected": q.rejected, "late": q.late, "implausible": q.implausible}


def _groups(quality: FeedQuality, catalog: Catalog | None, by: str) -> list[dict[str, Any]]:
    table: Mapping[str, QualityCount] = {"department": quality.by_department, "kpi": quality.by_kpi,
                                         "entity": quality.by_entity}[by]
    return [{"code": code, "name": _name(catalog, by, code), **_counts(q)}
            for code, q in sorted(table.items(), key=lambda item: (-_sum(item[1]), item[0])) if not q.clean]


def _sum(q: QualityCount) -> int:
    return q.rejected + q.late + q.implausible


def _name(catalog: Catalog | None, by: str, code: str) -> str | None:
    if catalog is None or code == UNKNOWN:
        return None
    if by == "department":
        item: Any = catalog.departments_by_code.get(code)
    elif by == "kpi":
        item = catalog.kpi(code)
    else:
        item = catalog.entity(code) or (catalog.state if catalog.state.code == code else None)
    return str(item.name) if item is not None else None


def _rejected(r: RejectedRow) -> dict[str, Any]:
    return {"received_at": r.received_at.isoformat(timespec="seconds"), "reason": r.reason, "kpi": r.kpi,
            "entity": r.entity, "period": r.period, "raw": r.raw}


def _late(catalog: Catalog | None, series: Mapping[str, KpiSeries], now: datetime) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if catalog is None:
        return out
    for code in sorted(series):
        kpi = catalog.kpi(code)
        if kpi is None:
            continue
        s = series[code]
        for entity in late_entities(kpi, s, now):
            latest = s.latest(entity)
            assert latest is not None  # late means it has a report
            out.append({"kpi": code, "entity": entity, "frequency": kpi.frequency, "period": latest[0],
                        "reported_at": datetime.fromtimestamp(latest[2], UTC).isoformat(timespec="seconds")})
    return out


def _implausible(quality: FeedQuality, series: Mapping[str, KpiSeries],
                 untrusted: Mapping[tuple[str, str, str], float]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for (kpi, entity, period), reason in sorted(quality.implausible.items()):
        item: dict[str, Any] = {"kpi": kpi, "entity": entity, "period": period, "value": _value(series, kpi, entity,
                                                                                               period),
                                "reason": reason}
        if (kpi, entity, period) in untrusted:
            item["reported_at"] = datetime.fromtimestamp(untrusted[(kpi, entity, period)], UTC).isoformat()
        out.append(item)
    return out


def _value(series: Mapping[str, KpiSeries], kpi: str, entity: str, period: str) -> float | None:
    s = series.get(kpi)
    row = s.row_of(entity) if s is not None else None
    if s is None or row is None:
        return None
    for col in range(len(s.periods)):
        if s.period_at(row, col) == period:
            value = float(s.values[row, col])
            return None if value != value else value  # NaN: reported as not available
    return None


# --- plain text --------------------------------------------------------------------------


def render_text(report: dict[str, Any]) -> str:
    total = report["total"]
    lines = [
        f"Feed quality of {report['data_dir']} as of {report['as_of']}",
        f"catalog {report['catalog'] or 'none'}, {report['observations']:,} observations stored",
        f"rejected {total['rejected']:,} · late {total['late']:,} · implausible {total['implausible']:,}",
        "(late: the latest report of a KPI for an entity is older than the KPI's frequency)",
        "",
        f"By {report['by']}:",
    ]
    groups = report["groups"]
    if not groups:
        lines.append("  nothing rejected, late or implausible")
    else:
        width = max(len(_label(g)) for g in groups[:SHOWN_ROWS])
        lines.append(f"  {'':<{width}}  {'rejected':>8}  {'late':>6}  {'implausible':>11}")
        for g in groups[:SHOWN_ROWS]:
            lines.append(f"  {_label(g):<{width}}  {g['rejected']:>8,}  {g['late']:>6,}  {g['implausible']:>11,}")
        lines.extend(_more(groups))
    lines += ["", "Rejected rows (newest first):"]
    lines += [f"  {r['received_at']}  {_where(r)}: {_plain(r['reason'])}\n      {_plain(r['raw'])}"
              for r in report["rejected"][:SHOWN_ROWS]] or ["  none"]
    lines.extend(_more(report["rejected"]))
    lines += ["", "Implausible values (stored and counted as sent):"]
    lines += [f"  {_where(i)} = {_number(i['value'])}: {i['reason']}"
              + (f" ({i['reported_at']})" if "reported_at" in i else "")
              for i in report["implausible"][:SHOWN_ROWS]] or ["  none"]
    lines.extend(_more(report["implausible"]))
    lines += ["", "Late (latest report older than the KPI's frequency):"]
    lines += [f"  {_where(item)}: last reported {item['reported_at']} (every {item['frequency']})"
              for item in report["late"][:SHOWN_ROWS]] or ["  none"]
    lines.extend(_more(report["late"]))
    return "\n".join(lines)


def _label(group: dict[str, Any]) -> str:
    name = group["name"]
    return _plain(f"{group['code']} {name}" if name else group["code"])[:60]


def _where(item: dict[str, Any]) -> str:
    return _plain(" ".join(str(item.get(k) or UNKNOWN) for k in ("kpi", "entity", "period")))


def _number(value: float | None) -> str:
    return "null" if value is None else f"{value:g}"


def _more(items: list[Any]) -> list[str]:
    return [f"  … and {len(items) - SHOWN_ROWS:,} more (--json lists them)"] if len(items) > SHOWN_ROWS else []


def _plain(text: str) -> str:
    """Store text made inert for a terminal: control and format characters (escape
    sequences, bidi overrides) are written as \\u escapes."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)

"""`main.py export`: every page of a layout as PNG (with its audit record) and one PDF with a
page each, every page stamped with the IST time of export and the data time the wall
trusts; bad arguments are one line and exit 2. Through the real entry point, against the
embedded demo store (both profiles)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from cmwall.layouts.loader import load_layout
from cmwall.sync.period_time import IST
from cmwall.wall.presentation import data_time_text
from cmwall.wall.status_text import moment_text
from cmwall.widgets.look.i18n import tr

from .test_cli_conventions import MAIN, env_without_config

CITY_LAYOUT = Path(__file__).resolve().parents[1] / "layouts" / "city_crisis.toml"
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def export(tmp_path: Path, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(MAIN), *args], capture_output=True, text=True, timeout=timeout,
                          env=env_without_config(), cwd=str(tmp_path))


def page_count(layout: str) -> int:
    return sum(len(s.pages) for s in load_layout(layout).spec.screens)


def pdf_pages(path: Path) -> int:
    return len(PDF_PAGE.findall(path.read_bytes()))


def check_export(out: Path, layout: str, started: datetime, finished: datetime, language: str = "en",
                 ) -> list[dict[str, Any]]:
    """The export in `out` has one PNG and one record per page of `layout` and a PDF of as
    many pages, every page stamped with the export and data times; the records."""
    index = json.loads((out / "export.json").read_text(encoding="utf-8"))
    pages = page_count(layout)
    assert len(sorted(out.glob("*.png"))) == pages == len(index["pages"]) == index["pdf_pages"]
    assert pdf_pages(out / index["pdf"]) == pages
    exported = datetime.fromisoformat(index["exported_at"])
    assert started.replace(microsecond=0) <= exported <= finished
    data_as_of = datetime.fromisoformat(index["data_as_of"])
    assert data_as_of <= exported
    stamp = tr("Exported {time} · data as of {data}", language).format(
        time=moment_text(exported, language), data=data_time_text(data_as_of, exported, language))
    assert index["stamp"] == stamp
    records = []
    for page in index["pages"]:
        record = json.loads((out / page["record"]).read_text(encoding="utf-8"))
        assert stamp in record["status_strip"] and record["status_strip_clipped"] == []
        assert record["data_as_of"] == index["data_as_of"] and record["page"] == page["page"]
        assert (out / page["image"]).stat().st_size > 10_000
        assert not [t for t in record["tiles"] if t["state"] in ("waiting", "error")], page  # every tile drawn
        records.append(record)
    return records


def test_export_of_the_delegation_tour_for_visitors(tmp_path: Path) -> None:
    out = tmp_path / "brief"
    started = datetime.now(IST)
    result = export(tmp_path, "export", "--layout", "delegation", "--out", str(out), "--hide-sensitive",
                    "--data-dir", str(tmp_path / "data"))
    finished = datetime.now(IST)
    assert result.returncode == 0, result.stderr
    assert "exported 8 page(s)" in result.stdout and "delegation.pdf (8 pages)" in result.stdout
    records = check_export(out, "delegation", started, finished)
    assert [(r["screen"], r["page"]) for r in records] == [
        (s, p) for s in ("glance", "ranking", "progress", "citizens") for p in (0, 1)]
    types = {t["type"] for r in records for t in r["tiles"]}
    assert "kpi" in types and not types & {"attention", "breakdown", "grievance"}  # kept back from visitors


def test_export_of_another_states_store(tmp_path: Path) -> None:
    out = tmp_path / "city"
    started = datetime.now(IST)
    result = export(tmp_path, "--demo-profile", "city-crisis", "export", "--layout", str(CITY_LAYOUT),
                    "--out", str(out), "--data-dir", str(tmp_path / "data"), "--size", "1280x720")
    finished = datetime.now(IST)
    assert result.returncode == 0, result.stderr
    records = check_export(out, str(CITY_LAYOUT), started, finished)
    assert all(r["tiles"] for r in records)


def test_export_of_the_cm_residence_in_gujarati(tmp_path: Path) -> None:
    out = tmp_path / "gu"
    started = datetime.now(IST)
    result = export(tmp_path, "export", "--layout", "cm_residence", "--language", "gu", "--out", str(out),
                    "--data-dir", str(tmp_path / "data"), "--size", "1280x720")
    finished = datetime.now(IST)
    assert result.returncode == 0, result.stderr
    records = check_export(out, "cm_residence", started, finished, language="gu")
    assert {r["language"] for r in records} == {"gu"} and records[0]["status_strip"][-2].startswith("નિકાસ ")


def test_export_of_the_wall_as_it_was_from_the_local_store(tmp_path: Path) -> None:
    data = tmp_path / "data"
    filled = export(tmp_path, "sync", "--data-dir", str(data))
    assert filled.returncode == 0, filled.stderr
    moment = datetime.now(IST).replace(second=0, microsecond=0)
    out = tmp_path / "then"
    started = datetime.now(IST)
    result = export(tmp_path, "--as-of", moment.strftime("%Y-%m-%dT%H:%M"), "export", "--layout", "single_screen",
                    "--out", str(out), "--data-dir", str(data), "--size", "1280x720")
    finished = datetime.now(IST)
    assert result.returncode == 0, result.stderr
    records = check_export(out, "single_screen", started, finished)
    assert {(r["mode"], r["as_of"]) for r in records} == {("as-of", moment.isoformat())}


def test_bad_arguments_are_one_line_and_exit_2(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    cases = {
        "--size": ["--layout", "delegation", "--out", str(tmp_path / "o"), "--size", "big"],
        "no such layout": ["--layout", "nowhere", "--out", str(tmp_path / "o")],
        "cannot write into": ["--layout", "delegation", "--out", str(a_file)],
    }
    for words, args in cases.items():
        result = export(tmp_path, "export", *args, "--data-dir", str(tmp_path / "data"), timeout=60)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and words in lines[0], (words, result.stderr)
    assert not (tmp_path / "o").exists()

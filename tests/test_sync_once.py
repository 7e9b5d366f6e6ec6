"""`main.py sync` performs one sync, exits, and says how it went: rows, seconds, rows/s, peak RSS.

That last line is what an installer reads when pre-loading a wall PC, and how the sync
is measured (bench/bench_sync.py measures the same sync against a plain baseline). It
must count the rows this sync stored — not what the data directory held before — and a
second sync of an unchanged store stores none.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cmwall.sync.local_store import LocalStore
from cmwall.wall.cli import main as cli_main

MEASURES = re.compile(r"^cm-wall sync: ([\d,]+) rows? stored in (\d+\.\d) s \((\d+\.\d) CPU s\), ([\d,]+|–) rows/s; "
                      r"(?:(\d+) MB before the sync, )?peak RSS (\d+) MB$")


def measured(out: str) -> tuple[int, float, float, str, int]:
    [line] = [line for line in out.splitlines() if " stored in " in line]
    match = MEASURES.match(line)
    assert match is not None, line
    rows, wall_s, cpu_s, rate, before, rss = match.groups()
    assert before is None or 0 < int(before) <= int(rss)  # the memory before the sync, where the system says
    return int(rows.replace(",", "")), float(wall_s), float(cpu_s), rate, int(rss)


def test_one_sync_prints_rows_seconds_rate_and_peak_memory(demo_store_url: str, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    assert cli_main(["sync", "--store", demo_store_url, "--data-dir", str(data_dir), "--page-limit", "7000"]) == 0
    out = capsys.readouterr().out
    rows, wall_s, cpu_s, rate, rss = measured(out)
    store = LocalStore(data_dir)
    try:
        assert rows == store.observation_count() > 10_000  # every row of a cold sync, over several pages
    finally:
        store.close()
    assert wall_s > 0 and cpu_s > 0 and rss > 0
    assert int(rate.replace(",", "")) > 0
    assert "observations" in out.splitlines()[0]  # the summary of what the data directory holds comes first

    assert cli_main(["sync", "--store", demo_store_url, "--data-dir", str(data_dir)]) == 0
    again, *_ = measured(capsys.readouterr().out)
    assert again == 0  # nothing new: the rows stored before are not counted as this sync's


def test_with_the_embedded_demo_store_the_memory_figure_says_it_includes_the_store(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["sync", "--data-dir", str(tmp_path / "data"), "--demo-profile", "city-crisis"]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if " stored in " in line]
    assert line.endswith("MB (the embedded demo store included)")

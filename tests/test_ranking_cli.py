"""`rank` command: fetch from an API v1 store, rank locally, print; bad input → exit 2."""

from __future__ import annotations

import argparse
import csv
import io
import json
import pathlib
import socket
from collections.abc import Callable, Iterator

import httpx
import pytest
from cmwall.sync.client import StoreClient
from cmwall.sync.demo_store import DemoStore, serve_in_thread
from cmwall.wall.cli import rank as cli

from .conftest import DEMO_NOW
from .store_fakes import CATALOG, observation


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="rank")
    cli.add_arguments(parser)
    return parser.parse_args(list(argv))


def mock(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


def feed_handler(request: httpx.Request) -> httpx.Response:
    """Catalog plus a feed of two pages (so the cursor must be followed)."""
    if request.url.path == "/v1/catalog":
        return httpx.Response(200, json=CATALOG)
    if request.url.path == "/v1/observations":
        if request.url.params.get("since") is None:
            return httpx.Response(200, json={"cursor": "1", "more": True, "observations": [observation("438", 82.4)]})
        return httpx.Response(200, json={"cursor": "2", "more": False, "observations": [observation("439", 91.0)]})
    return httpx.Response(404)


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    # A fixed clock: a live store re-reports current-month values every 30-60 s, so
    # the feed and the published ranking could otherwise come from different moments.
    store = DemoStore(seed=0, clock=lambda: DEMO_NOW)
    store.advance()
    with serve_in_thread(store) as running:
        yield running.url


def test_table_follows_the_cursor_and_aligns_columns() -> None:
    out = io.StringIO()
    assert cli.run(parse("--store", "http://store.test"), transport=mock(feed_handler), out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Gujarat district ranking for 2026-10")
    # 439: 10 × 91/100 = 9.1 → 1st; 438: 8.24 → 2nd
    assert lines[1].split() == ["Rank", "Code", "Name", "Score", "Grade"]
    assert lines[3].split() == ["1", "439", "Amreli", "9.10", "A"]
    assert lines[4].split() == ["2", "438", "Ahmadabad", "8.24", "A"]
    # aligned: the score column ends in the same place on every line
    assert lines[1].index("Score") + 5 == lines[3].index("9.10") + 4 == lines[4].index("8.24") + 4


def test_json_and_csv_include_marks() -> None:
    out = io.StringIO()
    assert cli.run(parse("--store", "http://store.test", "--format", "json", "--period", "2026-10"),
                   transport=mock(feed_handler), out=out) == 0
    body = json.loads(out.getvalue())
    assert body["period"] == "2026-10" and body["source"] == "local"
    assert body["rows"][0] == {"entity": "439", "name": "Amreli", "score": 9.1, "rank": 1, "grade": "A",
                               "provisional": False, "marks": {"PMJAY.CARDS": 9.1}}
    out = io.StringIO()
    assert cli.run(parse("--store", "http://store.test", "--format", "csv"), transport=mock(feed_handler), out=out) == 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[1] == {"entity": "438", "name": "Ahmadabad", "score": "8.24", "rank": "2", "grade": "A",
                       "provisional": "0", "PMJAY.CARDS": "8.24"}


def test_matches_the_demo_store_published_ranking(demo_url: str) -> None:
    out = io.StringIO()
    assert cli.run(parse("--store", demo_url, "--format", "json"), out=out) == 0
    local = json.loads(out.getvalue())
    with StoreClient(demo_url) as client:
        fetched = client.get_ranking(local["period"])
    assert fetched is not None and fetched.doc is not None
    published = {r.entity: (r.score, r.rank, r.grade, r.marks) for r in fetched.doc.rows}
    assert {r["entity"]: (r["score"], r["rank"], r["grade"], r["marks"]) for r in local["rows"]} == published
    assert len(local["rows"]) == 33


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.parametrize(
    ("argv_tail", "handler", "message"),
    [
        ((), lambda r: httpx.Response(500), "HTTP 500"),
        ((), lambda r: httpx.Response(200, json={"revision": "x"}), "does not match API v1"),
        ((), lambda r: httpx.Response(200, content=b"<html>"), "not JSON"),
        ((), lambda r: httpx.Response(401), "HTTP 401"),
        (("--token-file", "/nonexistent/token"), feed_handler, "cannot read token file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv_tail: tuple[str, ...], handler: Callable[[httpx.Request], httpx.Response], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(parse("--store", "http://store.test", *argv_tail), transport=mock(handler)) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_unreachable_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(parse("--store", f"http://127.0.0.1:{_closed_port()}", "--timeout", "2")) == 2
    err = capsys.readouterr().err
    assert err.startswith("rank: ") and err.count("\n") == 1


def test_bad_period(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        parse("--store", "http://store.test", "--period", "2026-13")
    assert exc.value.code == 2 and "YYYY-MM" in capsys.readouterr().err
    args = parse("--store", "http://store.test")
    args.period = "October"
    assert cli.run(args, transport=mock(feed_handler)) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_nothing_to_rank(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(parse("--store", "http://store.test", "--period", "2025-01"), transport=mock(feed_handler)) == 1
    assert "nothing to rank" in capsys.readouterr().err


# --- rank --explain ----------------------------------------------------------------------


def _explain(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from cmwall.wall.cli import main

    code = main(["rank", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _tree(out: str) -> dict[str, list[str]]:
    """The explanation's table: first words of each line → its figure cells."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Where marks were lost")) + 2
    rows: dict[str, list[str]] = {}
    for line in lines[start:]:
        if not line.startswith(" ") and not line.startswith("Overall"):
            break
        label = "Overall" if line.startswith("Overall") else " ".join(line.split()[:2])
        rows.setdefault(label, line.split()[-6:])
    return rows


def test_explain_one_district_of_the_demo_store(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _explain(capsys, "--store", demo_url, "--explain", "Ahmadabad")
    assert code == 0 and err == ""
    ranking = io.StringIO()
    assert cli.run(parse("--store", demo_url, "--format", "json"), out=ranking) == 0
    row = next(r for r in json.loads(ranking.getvalue())["rows"] if r["entity"] == "438")
    head = out.splitlines()
    assert head[0].startswith("Ahmadabad (438) — Gujarat district ranking for ")
    assert head[1].startswith(f"Score {row['score']:.2f} of 10 · rank {row['rank']} of 33 · grade {row['grade']} · ")
    gap = round(10 - row["score"], 2)
    assert f"{gap:.2f} short of full marks" in head[1]
    tree = _tree(out)
    assert tree["Overall"][-2:] == [f"{gap:.2f}", f"{gap:.2f}"]  # gap and cost of the top line
    sectors = [cells for label, cells in tree.items() if label.startswith("Sector")]
    assert sectors and round(sum(float(c[-1]) for c in sectors), 2) == gap  # the sectors' costs add up
    assert "What moved since " in out and "rank " in out.split("What moved since ")[1]


def test_explain_finds_a_district_by_code_or_any_languages_name(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    outs = [_explain(capsys, "--store", demo_url, "--explain", name) for name in ("438", "અમદાવાદ", "ahmadabad")]
    assert all(code == 0 for code, _, _ in outs) and outs[0][1] == outs[1][1] == outs[2][1]


def test_explain_json_has_the_tree(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _explain(capsys, "--store", demo_url, "--explain", "438", "--format", "json")
    body = json.loads(out)
    assert code == 0 and body["entity"] == "438" and body["gaps"]["level"] == "overall"
    assert round(sum(c["cost"] for c in body["gaps"]["children"]), 2) == body["gaps"]["cost"]


@pytest.mark.parametrize(("name", "message"), [("Nowhere", "no district is called 'Nowhere'"),
                                               ("Gujarat", "is a state; this store ranks each district")])
def test_explain_what_is_not_a_ranked_district_is_one_line_and_exit_2(
        demo_url: str, capsys: pytest.CaptureFixture[str], name: str, message: str) -> None:
    code, out, err = _explain(capsys, "--store", demo_url, "--explain", name)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err and "Traceback" not in err


@pytest.fixture(scope="module")
def city_url() -> Iterator[str]:
    from cmwall.sync.demo_store import make_store

    with serve_in_thread(make_store("city-crisis", seed=0, clock=lambda: DEMO_NOW)) as running:
        yield running.url


def test_explain_in_the_city_crisis_profile(city_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    # The city publishes no ranking; the wall's engine ranks its hospitals, and explains one.
    code, out, _ = _explain(capsys, "--store", city_url, "--explain", "LKO-H126")
    assert code == 0 and out.startswith("Janki Hospital, Gomti Nagar (LKO-H126) — Uttar Pradesh facility ranking")
    # Nothing there is a ranked district: one line, exit 2.
    code, out, err = _explain(capsys, "--store", city_url, "--explain", "Ahmadabad")
    assert code == 2 and out == "" and err == "rank: no facility is called 'Ahmadabad' (give its code or its name)\n"
    code, out, err = _explain(capsys, "--store", city_url, "--explain", "Uttar Pradesh")
    assert code == 2 and err.count("\n") == 1 and "is a state" in err


def test_explain_with_nothing_ranked_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    args = parse("--store", "http://store.test", "--explain", "438", "--period", "2025-01")
    assert cli.run(args, transport=mock(feed_handler)) == 2
    err = capsys.readouterr().err
    assert err.startswith("rank: nothing to explain: this store has no ranking for 2025-01") and err.count("\n") == 1


def test_rank_without_a_store_explains_the_embedded_demo_store() -> None:
    import subprocess
    import sys
    from pathlib import Path

    main_py = Path(__file__).resolve().parent.parent / "main.py"
    done = subprocess.run([sys.executable, str(main_py), "rank", "--explain", "Amreli"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Amreli (439) — Gujarat district ranking for ")
    city = subprocess.run([sys.executable, str(main_py), "rank", "--demo-profile", "city-crisis", "--explain", "Amreli"],
                          capture_output=True, text=True, timeout=120)
    assert city.returncode == 2 and city.stdout == "" and city.stderr.count("\n") == 1


def test_explain_from_a_data_directory_matches_the_store(demo_url: str, tmp_path: pathlib.Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from cmwall.sync.local_store import LocalStore
    from cmwall.sync.worker import SyncWorker

    worker = SyncWorker(StoreClient(demo_url), LocalStore(tmp_path), clock=lambda: DEMO_NOW)
    assert worker.poll_all() is not None
    worker.client.close()
    worker.store.close()
    code, from_store, _ = _explain(capsys, "--store", demo_url, "--explain", "438")
    assert code == 0
    code, from_dir, _ = _explain(capsys, "--data-dir", str(tmp_path), "--explain", "438")
    assert code == 0 and from_dir == from_store
    code, out, err = _explain(capsys, "--data-dir", str(tmp_path / "none"), "--explain", "438")
    assert code == 2 and out == "" and err.startswith("rank: no local store in ") and err.count("\n") == 1
    code, out, err = _explain(capsys, "--data-dir", str(tmp_path), "--store", demo_url, "--explain", "438")
    assert code == 2 and err == "rank: give --store or --data-dir, not both\n"


def test_rows_that_break_the_contract_are_left_out_and_said(capsys: pytest.CaptureFixture[str]) -> None:
    def with_a_bad_row(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/observations":
            rows = [observation("438", 82.4), {**observation("439", 91.0), "value": "abc"}]
            return httpx.Response(200, json={"cursor": "1", "more": False, "observations": rows})
        return feed_handler(request)

    out = io.StringIO()
    assert cli.run(parse("--store", "http://store.test"), transport=mock(with_a_bad_row), out=out) == 0
    assert [line.split()[:2] for line in out.getvalue().splitlines()[3:4]] == [["1", "438"]]  # ranked alone
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1 observation rows broke API v1 and were left out" in err

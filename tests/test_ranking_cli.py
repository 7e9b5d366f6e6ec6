"""`rank` command: fetch from an API v1 store, rank locally, print; bad input → exit 2."""

from __future__ import annotations

import argparse
import csv
import io
import json
import socket
from collections.abc import Callable, Iterator

import httpx
import pytest
from cmwall.sync.client import StoreClient
from cmwall.sync.demo_store import DemoStore, serve_in_thread
from cmwall.sync.ranking import cli

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

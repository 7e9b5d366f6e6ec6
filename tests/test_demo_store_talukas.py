"""The demo catalog's talukas are Gujarat's real ones: LGD codes, districts, positions.

Drill-down goes state → district → taluka from the catalog's `parent` links, so the
demo must carry the 270 talukas of the Local Government Directory under the right
districts, place on a map only those with a Census 2011 headquarters point, and
report some KPIs per taluka so a taluka page has figures.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson
import pytest
from cmwall.sync.demo_store import taluka_extract
from cmwall.sync.demo_store.generator import TALUKA_KPIS
from cmwall.sync.demo_store.geography import DISTRICTS, STATE_CODE
from cmwall.sync.demo_store.store import DemoStore
from cmwall.sync.demo_store.talukas import talukas

from tests.fake_clock import FakeClock

LGD_REPO = Path("/work/.mirror/planemad+india-local-government-directory/repo")
POINTS_REPO = Path("/work/.mirror/datta07+INDIAN-SHAPEFILES/repo")


def _git_show(repo: Path, path: str, out: Path) -> Path:
    out.write_bytes(subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"], check=True,
                                   capture_output=True).stdout)
    return out


@pytest.mark.skipif(not (LGD_REPO.exists() and POINTS_REPO.exists()), reason="the source dumps are not on this machine")
def test_the_shipped_extract_is_what_the_lgd_dump_and_the_points_give(tmp_path: Path) -> None:
    lgd = _git_show(LGD_REPO, "administrative/3-subdistrict.csv", tmp_path / "lgd.csv")
    points = _git_show(POINTS_REPO, "STATES/GUJARAT/GUJARAT Sub District Hq.geojson", tmp_path / "hq.geojson")
    taluka_extract.write(taluka_extract.extract(lgd, points), tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == taluka_extract.OUT.read_text(encoding="utf-8")


def test_270_talukas_with_unique_lgd_codes_under_the_catalog_districts() -> None:
    rows = talukas()
    assert len(rows) == 270
    assert len({t.code for t in rows}) == 270 and all(t.code.isdigit() for t in rows)
    districts = {d.code for d in DISTRICTS}
    assert {t.district for t in rows} == districts  # every district has talukas, none hangs elsewhere
    ahmadabad = {t.name: t for t in rows if t.district == "438"}
    assert ahmadabad["Daskroi"].code == "3782" and ahmadabad["Daskroi"].census2011 == "03782"


def test_only_talukas_with_a_census_2011_point_are_placed_and_inside_gujarat() -> None:
    rows = talukas()
    placed = [t for t in rows if t.lat is not None]
    assert len(placed) == 225
    assert all(t.census2011 is not None for t in placed)
    assert all(20.0 < (t.lat or 0) < 24.8 and 68.0 < (t.lon or 0) < 74.6 for t in placed)
    new = [t for t in rows if t.census2011 is None]
    assert new and all(t.lat is None and t.lon is None for t in new)


def test_the_catalog_publishes_each_taluka_under_its_district() -> None:
    catalog = DemoStore(seed=1, clock=FakeClock()).catalog_model
    by_code = {e.code: e for e in catalog.entities}
    published = [e for e in catalog.entities if e.level == "taluka"]
    assert [(e.code, e.parent) for e in published] == [(t.code, t.district) for t in talukas()]
    parents = [by_code[e.parent] for e in published if e.parent is not None]
    assert len(parents) == 270 and all(p.level == "district" and p.parent == STATE_CODE for p in parents)
    assert by_code["3782"].lat is not None and by_code["6512"].lat is None  # Asarva was made after 2011


def test_a_few_kpis_are_reported_for_every_taluka() -> None:
    store = DemoStore(seed=1, clock=FakeClock())
    codes = {t.code for t in talukas()}
    rows, since = [], None
    while True:
        body = orjson.loads(store.observations(since, 50000).body)
        rows += [o for o in body["observations"] if o["entity"] in codes]
        since = body["cursor"]
        if not body["more"]:
            break
    assert {o["kpi"] for o in rows} == set(TALUKA_KPIS)
    assert {o["entity"] for o in rows} == codes
    assert all(o["value"] is None or 0 <= o["value"] <= 100 for o in rows)

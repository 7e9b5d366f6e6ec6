"""The running wall does not load what it does not use (issue 12: memory at rest).

Babel keeps each CLDR locale it loads for the life of the process (~4.8 MB for en_IN,
~1.1 MB per further language) and numpy 2's `np.unique` imports numpy.ma (~1.1 MB):
the wall prints its numbers, ordinals and calendar words from widgets/look/cldr_facts.py
and takes distinct values with sync/sorted_distinct.py instead. A fresh interpreter does
what the wall does with them, and neither may then be loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WALL_AT_WORK = """
import json, sys
from datetime import UTC, datetime

import cmwall.wall.controller  # noqa: F401 - everything the wall imports
from cmwall.sync.rankings_kept import LocalRanker
from cmwall.sync.series import apply_rows, frozen
from cmwall.widgets.look import i18n
from tests.ranking_builders import catalog, kpi

texts = []
for language in ("en", "hi", "gu"):
    texts += [i18n.format_number(v, u, language=language) for v, u in ((1234567.5, "kg"), (-0.004, "%"), (3.2e7, "count"))]
    texts += [i18n.ordinal(n, language) for n in (1, 2, 3, 4, 6, 11, 17, 22)]
    texts += [i18n.tr(word, language) for word in ("Nov", "Tue")]
texts.append(i18n.group_indian("412000"))

dense = catalog([kpi("K1"), kpi("K2", scheme="P3")], districts=("A", "B", "C", "D"), ties="dense")
series = frozen(apply_rows({}, [("K1", d, "2026-10", v, 1.0) for d, v in zip("ABCD", (50.0, 50.0, 80.0, 20.0))]
                               + [("K2", d, "2026-10", 60.0, 2.0) for d in "ABCD"]))
ranker = LocalRanker(0.25)
now = datetime(2026, 12, 1, tzinfo=UTC)
first, _, _ = ranker.rank(dense, series, now)
polled = frozen(apply_rows(series, [("K1", "D", "2026-10", 50.0, 3.0)]))
second, _, _ = ranker.rank(dense, polled, now)  # one KPI changed: its groups scored again
ranks = [[row.rank for row in result.rows] for result in (first, second)]
distinct = polled["K1"].latest_reported_distinct.tolist()
print(json.dumps({"texts": texts, "ranks": ranks, "distinct": distinct,
                  "loaded": sorted(m for m in sys.modules if m == "numpy.ma" or m.split(".")[0] == "babel")}))
"""


def test_the_wall_at_work_loads_neither_babel_nor_numpy_ma() -> None:
    done = subprocess.run([sys.executable, "-c", WALL_AT_WORK], capture_output=True, text=True, cwd=ROOT,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["texts"][:3] == ["12,34,568", "0.0", "3.20 crore"]  # the work was really done
    assert "17वाँ" in result["texts"] and "નવેમ્બર" in result["texts"] and "4,12,000" in result["texts"]
    assert sorted(result["ranks"][0]) == [1, 2, 2, 3] and sorted(result["ranks"][1]) == [1, 2, 2, 2]  # dense ties
    assert result["distinct"] == [1.0, 3.0]
    assert result["loaded"] == []

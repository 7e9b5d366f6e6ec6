"""The sorted distinct values of a 1-D array, as `np.unique` gives them, without numpy.ma.

Why this exists: in numpy 2.x `np.unique` asks `np.ma.is_masked` of its input, which
imports numpy.ma (~1.1 MB of module objects) into the wall for the rest of its life,
although the wall never uses a masked array. The ranking (dense ranks, the groups a
changed KPI touches) and the series (distinct report times) need only this: sort, then
keep each value that differs from the one before it — the way `np.unique` does it for
floats, so results are the same bit for bit (tests/test_sorted_distinct.py compares them).
"""

from __future__ import annotations

import numpy as np


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """A new array of the distinct values of `values` (flattened), ascending, of its
    dtype. NaNs, if any, are kept as one NaN at the end, as `np.unique` keeps them."""
    ordered = np.sort(values, axis=None)  # a flattened copy, sorted as np.unique sorts it
    if ordered.size == 0:
        return ordered
    keep = np.empty(ordered.shape, dtype=np.bool_)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    if ordered.dtype.kind in "fc" and np.isnan(ordered[-1]):
        first_nan = int(np.argmax(np.isnan(ordered)))  # NaNs sort last
        keep[first_nan] = True
        keep[first_nan + 1:] = False
    return ordered[keep]

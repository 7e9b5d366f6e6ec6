"""`sorted_distinct` gives exactly what `np.unique` gives, for the arrays the wall passes it.

The ranking (dense ranks of negated rounded scores, the groups a changed KPI touches) and
the series (distinct report times) use it instead of `np.unique`, which imports numpy.ma:
its result must be the same array, value for value, bit for bit (-0.0 included) and of
the same dtype.
"""

from __future__ import annotations

import numpy as np
from cmwall.sync.sorted_distinct import sorted_distinct
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


def same(got: np.ndarray, expected: np.ndarray) -> bool:
    return got.dtype == expected.dtype and got.shape == expected.shape and got.tobytes() == expected.tobytes()


FLOATS = hnp.arrays(np.float64, st.integers(0, 60), elements=st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1.25, -7.34, np.nan])))
ROUNDED_SCORES = hnp.arrays(np.float64, st.integers(0, 60), elements=st.integers(-10_000, 10_000).map(lambda n: n / 100))
INTS = st.one_of(*(hnp.arrays(dtype, st.integers(0, 60), elements=st.integers(-5, 40))
                   for dtype in (np.int64, np.intp, np.int32)))


@settings(max_examples=500, deadline=None)
@given(st.one_of(FLOATS, ROUNDED_SCORES, INTS))
def test_sorted_distinct_is_np_unique(values: np.ndarray) -> None:
    before = values.copy()
    assert same(sorted_distinct(values), np.unique(values))
    assert same(values, before)  # the caller's array is left as it was


@settings(max_examples=200, deadline=None)
@given(ROUNDED_SCORES)
def test_dense_pool_of_negated_scores_is_np_uniques(rounded: np.ndarray) -> None:
    negated = -rounded  # as ranks() builds it: 0.0 becomes -0.0
    assert same(sorted_distinct(negated), np.unique(negated))


def test_examples() -> None:
    assert sorted_distinct(np.array([3.0, 1.0, 3.0, np.nan, 2.0, np.nan])).tolist()[:3] == [1.0, 2.0, 3.0]
    assert np.isnan(sorted_distinct(np.array([np.nan, 1.0, np.nan]))[-1])
    assert sorted_distinct(np.array([], dtype=np.float64)).dtype == np.float64
    assert sorted_distinct(np.array([5, 2, 5, 2], dtype=np.intp)).tolist() == [2, 5]

"""The radix sort of non-negative int64 keys against np.sort."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cores.radix_sort import sort_keys


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 3000), st.integers(0, 63))
@example(seed=0, n=1000, bits=63)  # keys up to the largest int64
@example(seed=0, n=1000, bits=0)  # all zero
def test_sorts_as_np_sort(seed, n, bits):
    """Any length, any key width up to 63 bits (passes skipped where a digit is constant)."""
    rng = np.random.default_rng(seed)
    keys = rng.integers(0, 2**bits - 1, n, dtype=np.int64, endpoint=True)
    expected = np.sort(keys)
    sort_keys(keys)
    np.testing.assert_array_equal(keys, expected)


def test_structured_keys_with_a_scratch_buffer():
    """Keys whose low and high digits vary and middle ones do not (an odd number of passes
    leaves the result in the scratch buffer, copied back), with a longer scratch given."""
    rng = np.random.default_rng(7)
    keys = (rng.integers(0, 64, 50_000) << 40) | (5 << 20) | rng.integers(0, 2048, 50_000)
    expected = np.sort(keys)
    sort_keys(keys, np.empty(60_000, dtype=np.int64))
    np.testing.assert_array_equal(keys, expected)


@pytest.mark.parametrize(
    ("keys", "scratch", "message"),
    [
        (np.array([3, -1, 2]), None, "non-negative"),
        (np.array([3, 1], dtype=np.int32), None, "int64"),
        (np.arange(8)[::2], None, "C-contiguous"),
        (np.array([3, 1, 2]), np.empty(2, dtype=np.int64), "scratch"),
    ],
)
def test_bad_input_is_refused(keys, scratch, message):
    with pytest.raises(ValueError, match=message):
        sort_keys(keys, scratch)

"""Spike vectors to indices against np.flatnonzero."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cores.spike_vector import spike_indices


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 100), st.floats(0.0, 1.0))
def test_indices_equal_flatnonzero(seed, n, density):
    """Any length (ragged tails of the 8-entry words), any density, values other than 1."""
    rng = np.random.default_rng(seed)
    spikes = ((rng.random(n) < density) * rng.integers(1, 256, n)).astype(np.uint8)
    got = spike_indices(spikes)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, np.flatnonzero(spikes))


def test_wrong_dtype_is_refused():
    with pytest.raises(ValueError, match="uint8"):
        spike_indices(np.ones(4, dtype=np.int32))

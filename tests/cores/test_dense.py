"""Dense int8 layer: hand-worked requantisation and kernel against twin (bit for bit)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cores import _dense
from cores.dense import dense_step
from cores.reference import dense as ref


def test_relu_round_half_up_and_clamp_by_hand():
    """acc = [-5, 6, 5, 4000] with shift 2 -> [0, 2 (1.5 up), 1 (1.25), 127 (1000 clamped)]."""
    w = np.array([[1, -2], [2, 0], [1, 1], [100, 0]], np.int8)
    x = np.array([3, 4], np.int8)
    bias = np.array([0, 0, -2, 3700], np.int32)
    out = np.empty(4, np.int8)
    counts = dense_step(w, bias, x, 2, out)
    assert list(out) == [0, 2, 1, 127]
    assert counts == (4, 3, 8)


def test_overflowing_layer_is_refused():
    """A layer whose accumulator could pass int32 is refused."""
    w = np.zeros((1, 4), np.int8)
    with pytest.raises(ValueError, match="overflow"):
        dense_step(
            w, np.array([2**31 - 10], np.int32), np.zeros(4, np.int8), 0, np.empty(1, np.int8)
        )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_out=st.integers(1, 64), n_in=st.integers(1, 300),
       shift=st.integers(0, 31))  # fmt: skip
def test_dense_kernel_matches_twin_bit_for_bit(seed, n_out, n_in, shift):
    """Random int8 weights, inputs and biases: identical outputs and counts."""
    rng = np.random.default_rng(seed)
    w = rng.integers(-128, 128, (n_out, n_in)).astype(np.int8)
    x = rng.integers(-128, 128, n_in).astype(np.int8)
    bias = rng.integers(-(2**20), 2**20, n_out).astype(np.int32)
    out, out_ref = np.empty(n_out, np.int8), np.empty(n_out, np.int8)
    assert _dense.dense_update(w, bias, x, shift, out) == ref.dense_update(
        w, bias, x, shift, out_ref
    )
    np.testing.assert_array_equal(out, out_ref)

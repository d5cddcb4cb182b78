"""EGRU units: hand-worked ticks and kernel against twin (to float32 rounding)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cores import _egru
from cores.egru import EgruParams, egru_step, make_egru_inputs
from cores.reference import egru as ref


def _step(params, inputs, cell):
    ev, val = np.empty(params.n, np.int32), np.empty(params.n, np.float32)
    counts = egru_step(params, inputs, cell, ev, val)
    return counts, ev[: counts.spikes], val[: counts.spikes]


def test_state_decays_with_half_open_update_gate_and_resets_by_subtraction():
    """No input: u = 1/2, z = 0, so c halves; 2 -> 1 crosses 0.5, event of value 1, c = 0.5."""
    p = EgruParams.make(2, theta=0.5)
    cell = np.array([2.0, 0.8], np.float32)
    counts, ev, val = _step(p, make_egru_inputs(2), cell)
    assert counts == (2, 1, 0) and list(ev) == [0] and list(val) == [1.0]
    assert list(cell) == [0.5, 0.4]


def test_candidate_gated_by_reset_gate():
    """u ~ 0 lets c follow z = tanh(a_zx + r * a_zh) with r = sigmoid(a_r)."""
    p = EgruParams.make(1, b_u=-30.0, theta=10.0)
    inputs = make_egru_inputs(1)
    inputs[1, 0], inputs[2, 0], inputs[3, 0] = 1.0, 0.2, 0.6
    cell = np.zeros(1, np.float32)
    _step(p, inputs, cell)
    r = 1 / (1 + math.exp(-1.0))
    assert cell[0] == pytest.approx(math.tanh(0.2 + r * 0.6), rel=1e-6)


def test_threshold_must_be_positive():
    """theta <= 0 would fire forever."""
    with pytest.raises(ValueError, match="theta"):
        EgruParams.make(1, theta=0.0)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 300))
def test_egru_kernel_matches_twin(seed, n):
    """Same events, values and state within 1 float32 ulp over five ticks of random input."""
    rng = np.random.default_rng(seed)
    params = rng.normal(0, 1, (5, n)).astype(np.float32)
    params[4] = rng.uniform(0.05, 1.0, n)
    cell = rng.normal(0, 1, n).astype(np.float32)
    cell_ref = cell.copy()
    for _ in range(5):
        inputs = (rng.normal(0, 2, (4, n)) * (rng.random((4, n)) < 0.3)).astype(np.float32)
        outs = np.empty(n, np.int32), np.empty(n, np.float32)
        outs_ref = np.empty(n, np.int32), np.empty(n, np.float32)
        c = _egru.egru_update(params, inputs, cell, *outs)
        c_ref = ref.egru_update(params, inputs, cell_ref, *outs_ref)
        assert c == c_ref
        np.testing.assert_array_equal(outs[0][: c[1]], outs_ref[0][: c[1]])
        np.testing.assert_array_max_ulp(outs[1][: c[1]], outs_ref[1][: c[1]], maxulp=1)
        np.testing.assert_array_max_ulp(cell, cell_ref, maxulp=1)

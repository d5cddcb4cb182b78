"""TrueNorth neuron, mode by mode: hand-worked cases from Cassidy et al. 2013 (eq. 1-6).

Each case runs the kernel and the NumPy twin; both must give the value worked out by hand in
the test (the comment shows the arithmetic). Names: V membrane, I summed synaptic input,
lambda leak, eps leak reversal, c stochastic leak, alpha/beta thresholds, M mask,
eta = rho_T & M, gamma reset mode, kappa negative saturation, R reset value.
"""

import numpy as np
import pytest

from cores.reference import truenorth as ref
from cores.rng import RngStream, draws
from cores.truenorth import V_MAX, V_MIN, ResetMode, TrueNorthNeurons, update_neurons


def step(v0, syn=0, draws_in=None, v_range=(V_MIN, V_MAX), **params):
    """One tick of len(v0) neurons on core 0; returns (v, spikes, counts).

    Checks the twin agrees, and that the case copied 4 times over (so that the kernel's
    4-lane path runs it, where len(v0) < 4 takes the scalar path) gives 4 copies of the result.
    """
    v = np.array(np.atleast_1d(v0), dtype=np.int32)
    n = v.shape[0]
    syn = np.broadcast_to(np.asarray(syn, dtype=np.int32), (n,)).copy()
    if draws_in is not None:
        draws_in = np.ascontiguousarray(np.broadcast_to(draws_in, (n, 2)), dtype=np.uint32)
    values = {"threshold": 1000, "neg_threshold": 1000} | params
    p = TrueNorthNeurons.from_values(n, **values)
    want_v, want_s, want_c, _ = ref.update(p, v, syn, [0], 0, 1, draws_in, v_range)
    four = {k: np.tile(a, 4) if np.ndim(a) else a for k, a in values.items()}
    v4, syn4 = np.tile(v, 4), np.tile(syn, 4)
    draws4 = None if draws_in is None else np.tile(draws_in, (4, 1))
    spikes, spikes4 = np.empty(n, dtype=np.uint8), np.empty(4 * n, dtype=np.uint8)
    counts = update_neurons(
        p, v, syn, spikes, core_ids=[0], tick=0, seed=1, draws=draws_in, v_range=v_range
    )
    counts4 = update_neurons(
        TrueNorthNeurons.from_values(4 * n, **four), v4, syn4, spikes4, core_ids=[0], tick=0,
        seed=1, draws=draws4, v_range=v_range,
    )  # fmt: skip
    np.testing.assert_array_equal(v, want_v)
    np.testing.assert_array_equal(spikes, want_s)
    assert tuple(counts) == want_c
    np.testing.assert_array_equal(v4, np.tile(v, 4))
    np.testing.assert_array_equal(spikes4, np.tile(spikes, 4))
    assert tuple(counts4) == tuple(4 * x for x in counts)
    return v.tolist(), spikes.tolist(), counts


def test_synaptic_input_then_leak():
    """V = 10 + I 5 + lambda(-3) = 12, below alpha: no spike."""
    assert step(10, syn=5, leak=-3)[:2] == ([12], [0])


def test_leak_without_reversal_is_monotonic():
    """eps = 0, lambda = +2: Omega = 1 whatever the sign, -7 -> -5 and 7 -> 9."""
    assert step([-7, 7], leak=2)[0] == [-5, 9]


def test_leak_reversal_convergent():
    """eps = 1, lambda = -2: Omega = sgn(V); 7 + 1*(-2) = 5, -7 + (-1)(-2) = -5."""
    assert step([7, -7], leak=-2, leak_reversal=1)[0] == [5, -5]


def test_leak_reversal_divergent_and_zero():
    """eps = 1, lambda = +2: 7 -> 9, -7 -> -9, and 0 stays 0 (Omega = sgn(0) = 0)."""
    assert step([7, -7, 0], leak=2, leak_reversal=1)[0] == [9, -9, 0]


def test_leak_reversal_stops_at_zero():
    """eps = 1, lambda = -5, V = 3: 3 - 5 = -2 crosses zero, so V := 0 (NeMo ringing())."""
    assert step(3, leak=-5, leak_reversal=1)[0] == [0]


def test_stochastic_leak_injected_draws():
    """c = 1, lambda = -100: rho = low byte; rho 100 -> |lambda| >= rho, V += sgn = -1;
    rho 101 -> no leak. Words 0x12345664 (byte 0x64 = 100) and 0x00000065 (101)."""
    v, _, counts = step(
        [50, 50], leak=-100, stochastic_leak=1, draws_in=[[0x12345664, 0], [0x65, 0]]
    )
    assert v == [49, 50]
    assert counts.draws == 2


def test_stochastic_leak_with_reversal():
    """c = 1, eps = 1, lambda = -100, V = -50, rho 0: Omega * F = (-1)(-1) = +1 -> -49."""
    assert step(-50, leak=-100, stochastic_leak=1, leak_reversal=1, draws_in=[0, 0])[0] == [-49]


def test_threshold_is_inclusive():
    """alpha = 10: V = 10 fires (V >= alpha) and resets to R = 3; V = 9 does not fire."""
    assert step([10, 9], threshold=10, reset_value=3)[:2] == ([3, 9], [1, 0])


@pytest.mark.parametrize(
    ("gamma", "want"), [(ResetMode.VALUE, 2), (ResetMode.LINEAR, 15), (ResetMode.NONE, 25)]
)
def test_positive_reset_modes(gamma, want):
    """V = 25, alpha = 10, R = 2: gamma 0 -> R = 2; gamma 1 -> 25 - 10 = 15; gamma 2 -> 25."""
    assert step(25, threshold=10, reset_value=2, reset_mode=gamma)[:2] == ([want], [1])


def test_stochastic_threshold_injected_draw():
    """M = 7, rho_T = 0xFFFFFFFD -> eta = 5, threshold 10 + 5 = 15: V = 14 stays, V = 15 and
    V = 20 fire; linear reset 20 - 15 = 5, 15 - 15 = 0."""
    v, s, counts = step(
        [14, 15, 20], threshold=10, threshold_mask=7, reset_mode=1, draws_in=[0, 0xFFFFFFFD]
    )
    assert (v, s) == ([14, 0, 5], [0, 1, 1])
    assert counts.draws == 3


@pytest.mark.parametrize(
    ("gamma", "want"), [(ResetMode.VALUE, -2), (ResetMode.LINEAR, -1), (ResetMode.NONE, -11)]
)
def test_negative_threshold_reset_modes(gamma, want):
    """kappa = 0, beta = 10, R = 2, V = -11 < -10: gamma 0 -> -R = -2; gamma 1 -> -11 + 10 =
    -1; gamma 2 -> -11. No spike."""
    assert step(-11, neg_threshold=10, reset_value=2, reset_mode=gamma)[:2] == ([want], [0])


def test_negative_threshold_is_strict():
    """beta = 10: V = -10 is not below -beta, so it stays -10."""
    assert step(-10, neg_threshold=10, reset_mode=1)[0] == [-10]


@pytest.mark.parametrize("gamma", list(ResetMode))
def test_negative_saturation(gamma):
    """kappa = 1, beta = 10: V = -11 < -10 saturates to -beta = -10 whatever gamma."""
    assert step(-11, neg_threshold=10, neg_saturate=1, reset_mode=gamma)[0] == [-10]


def test_negative_threshold_with_eta():
    """kappa = 0, beta = 10, M = 3, rho_T = 2 -> eta = 2, threshold -(10 + 2) = -12: V = -12
    stays; V = -13 linear-resets to -13 + 12 = -1. With kappa = 1 eta is not added: -11 -> -10."""
    assert step([-12, -13], neg_threshold=10, threshold_mask=3, reset_mode=1, draws_in=[0, 2])[
        0
    ] == [-12, -1]
    assert step(-11, neg_threshold=10, threshold_mask=3, neg_saturate=1, draws_in=[0, 2])[0] == [
        -10
    ]


def test_membrane_saturates_at_20_bits():
    """V = V_MAX - 1 = 524286, I = +100 -> 524287 (saturated), fires, gamma 2 keeps it;
    V = V_MIN + 1, I = -100 -> -524288, below -beta, gamma 2 keeps it."""
    top = 2**18 - 1
    v, s, _ = step(
        [V_MAX - 1, V_MIN + 1], syn=[100, -100], threshold=top, neg_threshold=top, reset_mode=2
    )
    assert (v, s) == ([524287, -524288], [1, 0])


def test_narrowed_membrane_range():
    """v_range (-128, 127): V = 120, I = 50 -> 127; alpha 200 not reached."""
    assert step(120, syn=50, threshold=200, v_range=(-128, 127))[0] == [127]


def test_counts_for_energy():
    """Three neurons, two fire, one stochastic leak and two masked thresholds: (3, 2, 3)."""
    _, _, counts = step(
        [5, 5, 0],
        threshold=[5, 5, 5],
        threshold_mask=[0, 1, 1],
        stochastic_leak=[1, 0, 0],
        draws_in=[0, 0],
    )
    assert tuple(counts) == (3, 2, 3)


def test_stochastic_threshold_with_fixed_seed():
    """seed 42, core 3, tick 7, M = 255, alpha = 100, V = 200: a neuron k fires iff
    200 >= 100 + (draw(42, 3, 7, TN_THRESHOLD, k) & 255), i.e. iff that byte <= 100."""
    n = 256
    p = TrueNorthNeurons.from_values(n, threshold=100, threshold_mask=255, neg_threshold=1000)
    v = np.full(n, 200, dtype=np.int32)
    spikes = np.empty(n, dtype=np.uint8)
    update_neurons(p, v, np.zeros(n, np.int32), spikes, core_ids=[3], tick=7, seed=42)
    byte = draws(42, 3, 7, RngStream.TN_THRESHOLD, np.arange(n)) & 255
    np.testing.assert_array_equal(spikes, (byte <= 100).astype(np.uint8))
    assert 0.3 < spikes.mean() < 0.5  # P = 101/256 = 0.39


def test_stochastic_leak_with_fixed_seed():
    """seed 9, core 0, tick 2, lambda = 64, c = 1: V goes up by 1 iff leak byte <= 64."""
    n = 256
    p = TrueNorthNeurons.from_values(n, leak=64, stochastic_leak=1, threshold=1000)
    v = np.zeros(n, dtype=np.int32)
    update_neurons(p, v, np.zeros(n, np.int32), np.empty(n, np.uint8), core_ids=[0], tick=2, seed=9)
    byte = draws(9, 0, 2, RngStream.TN_LEAK, np.arange(n)) & 255
    np.testing.assert_array_equal(v, (byte <= 64).astype(np.int32))


@pytest.mark.parametrize(
    ("values", "what"),
    [
        ({"weights": 256}, "weights"),
        ({"leak": -256}, "leak"),
        ({"threshold": 2**18}, "threshold"),
        ({"reset_mode": 3}, "reset_mode"),
        ({"threshold_mask": 5}, "threshold_mask"),
        ({"leak": np.zeros(3)}, "leak"),
        ({"colour": 1}, "unknown"),
    ],
)
def test_bad_parameters_are_refused(values, what):
    """Out-of-range, malformed or unknown parameters raise ValueError naming them."""
    with pytest.raises(ValueError, match=what):
        TrueNorthNeurons.from_values(4, **values)


def test_batch_that_does_not_split_over_cores_is_refused():
    """10 neurons over 3 cores is not a batch layout."""
    p = TrueNorthNeurons.from_values(10)
    z = np.zeros(10, np.int32)
    with pytest.raises(ValueError, match="core ids"):
        update_neurons(p, z, z, np.zeros(10, np.uint8), core_ids=[0, 1, 2], tick=0, seed=0)


@pytest.mark.parametrize(
    ("name", "bad"),
    [("v", np.zeros(4, np.int64)), ("syn_input", np.zeros(3, np.int32)), ("spikes", [0] * 4)],
)
def test_wrong_state_arrays_are_refused(name, bad):
    """A state array of the wrong dtype, length or type raises ValueError naming it."""
    p = TrueNorthNeurons.from_values(4)
    args = {"v": np.zeros(4, np.int32), "syn_input": np.zeros(4, np.int32),
            "spikes": np.zeros(4, np.uint8)} | {name: bad}  # fmt: skip
    with pytest.raises(ValueError, match=name):
        update_neurons(p, **args, core_ids=[0], tick=0, seed=0)


def test_negative_core_id_is_refused():
    """Core ids are uint32 keys: -1 is refused rather than wrapped."""
    p = TrueNorthNeurons.from_values(4)
    z = np.zeros(4, np.int32)
    with pytest.raises(ValueError, match="core_ids"):
        update_neurons(p, z, z, np.zeros(4, np.uint8), core_ids=[-1], tick=0, seed=0)


def test_per_core_counts_array_is_checked():
    """core_counts must be int64 (n_cores, 3); a wrong shape raises ValueError naming it."""
    p = TrueNorthNeurons.from_values(4)
    z = np.zeros(4, np.int32)
    with pytest.raises(ValueError, match="core_counts"):
        update_neurons(
            p, z, z, np.zeros(4, np.uint8), core_ids=[0, 1], tick=0, seed=0,
            core_counts=np.zeros((1, 3), np.int64),
        )  # fmt: skip

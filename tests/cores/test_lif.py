"""LIF neurons: hand-worked ticks (float32 and s16.15) and fixed-point rounding/saturation."""

import math

import numpy as np
import pytest

from cores.fixed_point import S1615_MAX, S1615_MIN, to_s1615, to_u032
from cores.lif import LifParams, LifState, lif_params, lif_step, to_fixed
from cores.ring_buffer import make_ring_buffers


def _run(params, state, ring, tick):
    out = np.empty(params.n, dtype=np.int32)
    counts = lif_step(params, state, ring, tick, out)
    return counts, out[: counts.spikes]


def test_float_one_decay_step_without_input():
    """V relaxes towards V_rest by exp(-dt/tau_m) in one tick."""
    p = lif_params(1)
    s = LifState.initial(p, v_mv=-55.0)
    _run(p, s, make_ring_buffers(1), 0)
    assert s.values[0, 0] == pytest.approx(-65.0 + 10.0 * math.exp(-1 / 20), abs=1e-5)


def test_float_input_enters_through_ring_buffer_and_decays():
    """A ring entry of 32 (shift 10: 1 nA) adds init * 1 nA, drives V, then decays by tau_syn."""
    p = lif_params(1)
    s = LifState.initial(p)
    ring = make_ring_buffers(1)
    ring[3, 0, 0] = 32
    _run(p, s, ring, 3)
    init = 5.0 * (1 - math.exp(-0.2))
    alpha = init * 20.0 - 65.0
    assert s.values[0, 0] == pytest.approx(alpha - math.exp(-0.05) * (alpha + 65.0), abs=1e-4)
    assert s.values[1, 0] == pytest.approx(init * math.exp(-0.2), rel=1e-6)
    assert ring[3, 0, 0] == 0


@pytest.mark.parametrize("fixed", [False, True])
def test_refractory_holds_v_reset_for_t_refract_ticks(fixed):
    """Spike at tick 0, V held at V_reset for ticks 1-2 (t_refract 2), integrates again at 3."""
    p = lif_params(1, i_offset_na=50.0, tau_refrac_ms=2.0)  # from V_reset, fires in one tick
    p = to_fixed(p) if fixed else p
    s = LifState.initial(p, v_mv=-50.5)
    ring = make_ring_buffers(1)
    spikes = [_run(p, s, ring, t)[0].spikes for t in range(5)]
    assert spikes == [1, 0, 0, 1, 0]
    v_reset = p.row("v_reset_mv")[0]
    s2 = LifState.initial(p, v_mv=-50.5)
    _run(p, s2, ring, 0)
    _run(p, s2, ring, 1)
    assert s2.values[0, 0] == v_reset and s2.refract[0] == 1


def _fixed_one(v_word, exp_tc_word, *, v_thresh=1 << 30):
    real = np.array([[0], [1 << 15], [exp_tc_word], [v_thresh], [0], [0]], dtype=np.int32)
    frac = np.zeros((4, 1), dtype=np.uint32)
    p = LifParams(real, np.zeros((3, 1), dtype=np.int32), frac)
    s = LifState(np.array([[v_word], [0], [0]], dtype=np.int32), np.zeros(1, dtype=np.int32))
    return p, s


@pytest.mark.parametrize(("v", "expected"), [(32768, 16384), (3, 2), (-3, -1)])
def test_fixed_membrane_product_truncates_towards_minus_infinity(v, expected):
    """V = 0 - 0.5 * (0 - V) in s16.15: 0.5 * 3 LSB -> floor(-1.5) = -2, so V becomes 2 LSB."""
    p, s = _fixed_one(v, 1 << 14)
    _run(p, s, make_ring_buffers(1), 0)
    assert s.values[0, 0] == expected


def test_fixed_synaptic_decay_truncates_towards_minus_infinity():
    """I = 3 LSB and -3 LSB decay by 0.5 (u0.32) to 1 and -2 LSB."""
    p, s = _fixed_one(0, 0)
    p.frac[0, 0] = 1 << 31
    p.frac[1, 0] = 1 << 31
    s.values[1, 0], s.values[2, 0] = 3, -3
    _run(p, s, make_ring_buffers(1), 0)
    assert (s.values[1, 0], s.values[2, 0]) == (1, -2)


def test_fixed_ring_input_is_shifted_scaled_and_saturates():
    """65535 << 15 scaled by init ~ 1 on top of 2**30 saturates I_exc at the int32 limit."""
    p, s = _fixed_one(0, 0)
    p.ints[1, 0] = 15
    p.frac[2, 0] = 0xFFFFFFFF  # init_exc ~ 1
    p.frac[0, 0] = 0xFFFFFFFF  # decay_exc ~ 1
    s.values[1, 0] = 1 << 30
    ring = make_ring_buffers(1)
    ring[0, 0, 0] = 0xFFFF
    _run(p, s, ring, 0)
    assert s.values[1, 0] == (S1615_MAX * 0xFFFFFFFF) >> 32


def test_fixed_membrane_saturates_instead_of_wrapping():
    """A membrane target below -65536 mV pins V at the s16.15 minimum, never wraps positive."""
    p, s = _fixed_one(0, 0)
    p.real[0, 0] = S1615_MIN + 5  # V_rest near the bottom
    p.real[5, 0] = -(1 << 20)  # I_offset pushes alpha under
    _run(p, s, make_ring_buffers(1), 0)
    assert s.values[0, 0] == S1615_MIN


def test_to_fixed_rounds_to_nearest():
    """Parameters convert to the nearest s16.15 / u0.32 word."""
    f = to_fixed(lif_params(1))
    assert f.row("v_rest_mv")[0] == -65 * 32768
    assert f.row("exp_tc")[0] == round(math.exp(-0.05) * 32768)
    assert f.row("decay_exc")[0] == to_u032(np.float32(math.exp(-0.2)))
    assert to_s1615(0.5 / 32768) == 1 and to_s1615(-0.5 / 32768) == -1


def test_bad_shapes_and_ranges_are_refused():
    """Shift outside 0..15 and mismatched ring shapes raise ValueError."""
    with pytest.raises(ValueError, match="shift"):
        lif_params(2, shift_exc=16)
    p = lif_params(2)
    with pytest.raises(ValueError, match="ring"):
        lif_step(p, LifState.initial(p), make_ring_buffers(3), 0, np.empty(2, np.int32))
    with pytest.raises(ValueError, match="s16.15"):
        to_s1615(70000.0)
    with pytest.raises(ValueError, match="tau_m_ms"):
        lif_params(2, tau_m_ms=0.0)


def test_fixed_point_tracks_float_below_threshold():
    """With the same parameters and input, s16.15 V stays within 0.01 mV of float32 V."""
    rng = np.random.default_rng(11)
    n = 200
    pf = lif_params(n, v_thresh_mv=1000.0, tau_m_ms=rng.uniform(5, 40, n), shift_exc=8, shift_inh=8)
    px = to_fixed(pf)
    sf, sx = LifState.initial(pf), LifState.initial(px)
    rf, rx = make_ring_buffers(n), make_ring_buffers(n)
    for t in range(60):
        rf[t % 16] = rx[t % 16] = rng.integers(0, 300, (2, n))
        _run(pf, sf, rf, t)
        _run(px, sx, rx, t)
    assert np.abs(sx.values[0] / 32768 - sf.values[0]).max() < 0.01
    assert np.abs(sf.values[0] + 65).max() > 1  # the input did move the membranes

"""LIF kernels against their NumPy twins on seeded random inputs (bit for bit, both formats)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cores import _lif
from cores.lif import LifState, lif_params, to_fixed
from cores.reference import lif as ref


def _random_network(seed: int, n: int, fixed: bool):
    rng = np.random.default_rng(seed)
    p = lif_params(
        n,
        tau_m_ms=rng.uniform(2, 50, n),
        cm_nf=rng.uniform(0.1, 2, n),
        v_thresh_mv=rng.uniform(-60, -40, n),
        v_reset_mv=rng.uniform(-80, -60, n),
        i_offset_na=rng.uniform(-1, 2, n),
        tau_syn_exc_ms=rng.uniform(0.5, 10, n),
        tau_syn_inh_ms=rng.uniform(0.5, 10, n),
        tau_refrac_ms=rng.uniform(0, 5, n),
        shift_exc=rng.integers(0, 16, n),
        shift_inh=rng.integers(0, 16, n),
    )
    p = to_fixed(p) if fixed else p
    s = LifState.initial(p, v_mv=rng.uniform(-80, -45, n))
    rings = rng.integers(0, 1 << 16, (6, 2, n)).astype(np.uint16)
    rings[rng.random((6, 2, n)) < 0.5] = 0
    return p, s, rings


def _compare(seed: int, n: int, fixed: bool) -> None:
    p, s, rings = _random_network(seed, n, fixed)
    s_ref = LifState(s.values.copy(), s.refract.copy())
    out, out_ref = np.empty(n, np.int32), np.empty(n, np.int32)
    for slot in rings:
        slot_ref = slot.copy()
        if fixed:
            c = _lif.lif_fixed_update(p.real, p.frac, p.ints, s.values, s.refract, slot, out)
            c_ref = ref.lif_fixed_update(
                p.real, p.frac, p.ints, s_ref.values, s_ref.refract, slot_ref, out_ref
            )
        else:
            c = _lif.lif_float_update(p.real, p.ints, s.values, s.refract, slot, out)
            c_ref = ref.lif_float_update(
                p.real, p.ints, s_ref.values, s_ref.refract, slot_ref, out_ref
            )
        assert c == c_ref
        np.testing.assert_array_equal(out[: c[1]], out_ref[: c[1]])
        np.testing.assert_array_equal(s.values.view(np.int32), s_ref.values.view(np.int32))
        np.testing.assert_array_equal(s.refract, s_ref.refract)
        assert not slot.any() and not slot_ref.any()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 200))
def test_lif_float_kernel_matches_twin_bit_for_bit(seed, n):
    """Float32 kernel and twin agree bit for bit over six ticks of random input."""
    _compare(seed, n, fixed=False)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 200))
def test_lif_fixed_kernel_matches_twin_bit_for_bit(seed, n):
    """s16.15 kernel and twin agree bit for bit over six ticks of random input."""
    _compare(seed, n, fixed=True)


@pytest.mark.parametrize("simd", [False, True])
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 70))
def test_lif_fixed_kernel_extremes_match_twin(simd, seed, n):
    """Any int32 state and parameters (every sum saturating somewhere), refractory counts on
    both sides of 0, v at the threshold, one neuron at a time or in lanes (``simd``; the
    scalar tail past the last eight too): the twin's bits."""
    rng = np.random.default_rng(seed)

    def rows(k, dtype, lo, hi):
        return rng.integers(lo, hi, (k, n)).astype(dtype)

    real, frac = rows(6, np.int32, -(2**31), 2**31), rows(4, np.uint32, 0, 2**32)
    ints = np.stack([rng.integers(-3, 20, n), rng.integers(0, 16, n), rng.integers(0, 16, n)])
    ints = ints.astype(np.int32)
    state, refract = rows(3, np.int32, -(2**31), 2**31), rng.integers(-2, 3, n).astype(np.int32)
    at = rng.random(n) < 0.3  # refractory, v left at the threshold: v >= threshold spikes
    refract[at], real[3, at] = 2, state[0, at]
    rings = [rows(2, np.uint16, 0, 2**16) for _ in range(3)]
    twin = [a.copy() for a in (state, refract)]
    out, out_ref = np.empty(n, np.int32), np.empty(n, np.int32)
    for ring in rings:
        ring_ref = ring.copy()
        c = _lif.lif_fixed_update(real, frac, ints, state, refract, ring, out, simd)
        c_ref = ref.lif_fixed_update(real, frac, ints, *twin, ring_ref, out_ref)
        assert c == c_ref
        np.testing.assert_array_equal(out[: c[1]], out_ref[: c[1]])
        np.testing.assert_array_equal(state, twin[0])
        np.testing.assert_array_equal(refract, twin[1])
        assert not ring.any() and not ring_ref.any()


def test_lif_fixed_kernel_refuses_short_rows():
    """Rows shorter than the state's neurons are refused, not read past their end."""
    p, s, rings = _random_network(1, 16, fixed=True)
    with pytest.raises(ValueError, match="rows of 16 neurons"):
        short = np.ascontiguousarray(p.real[:, :8])
        _lif.lif_fixed_update(short, p.frac, p.ints, s.values, s.refract, rings[0],
                              np.empty(16, np.int32))  # fmt: skip
    with pytest.raises(ValueError, match="rows of 16 neurons"):
        _lif.lif_fixed_update(p.real, p.frac, p.ints, s.values, s.refract, rings[0],
                              np.empty(8, np.int32))  # fmt: skip

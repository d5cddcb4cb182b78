"""LIF kernels against their NumPy twins on seeded random inputs (bit for bit, both formats)."""

import numpy as np
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

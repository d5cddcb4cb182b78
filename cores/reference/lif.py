"""NumPy twins of :mod:`cores._lif` (same names, arguments and outputs; tests only)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cores.fixed_point import decay_s1615, mul_s1615, saturate_s1615


def _refractory_and_threshold(
    v_new: NDArray,
    v: NDArray,
    v_thresh: NDArray,
    v_reset: NDArray,
    t_refract: NDArray,
    refract: NDArray,
    out_spikes: NDArray,
) -> tuple[NDArray, int]:
    """Integrate only non-refractory neurons, then threshold and reset; updates refract."""
    active = refract <= 0
    v = np.where(active, v_new, v)
    refract -= (~active).astype(np.int32)
    spiked = v >= v_thresh
    v = np.where(spiked, v_reset, v)
    refract[spiked] = t_refract[spiked]
    idx = np.flatnonzero(spiked).astype(np.int32)
    out_spikes[: idx.size] = idx
    return v, int(idx.size)


def lif_float_update(real, ints, state, refract, ring_slot, out_spikes) -> tuple[int, int]:
    """Twin of :func:`cores._lif.lif_float_update` (float32, same order of operations)."""
    f = np.float32
    ie = state[1] + real[8] * (ring_slot[0].astype(f) * real[10])
    ii = state[2] + real[9] * (ring_slot[1].astype(f) * real[11])
    ring_slot[:] = 0
    inp = (ie - ii) + real[5]
    alpha = inp * real[1] + real[0]
    v_new = alpha - real[2] * (alpha - state[0])
    v, n_spikes = _refractory_and_threshold(
        v_new, state[0], real[3], real[4], ints[0], refract, out_spikes
    )
    state[0] = v
    state[1] = ie * real[6]
    state[2] = ii * real[7]
    return state.shape[1], n_spikes


def lif_fixed_update(real, frac, ints, state, refract, ring_slot, out_spikes) -> tuple[int, int]:
    """Twin of :func:`cores._lif.lif_fixed_update` (s16.15, bit for bit)."""
    w_exc = ring_slot[0].astype(np.int64) << ints[1]
    w_inh = ring_slot[1].astype(np.int64) << ints[2]
    ie = saturate_s1615(state[1] + decay_s1615(w_exc, frac[2]))
    ii = saturate_s1615(state[2] + decay_s1615(w_inh, frac[3]))
    ring_slot[:] = 0
    inp = saturate_s1615(ie.astype(np.int64) - ii + real[5])
    alpha = saturate_s1615(mul_s1615(inp, real[1]) + real[0])
    diff = saturate_s1615(alpha.astype(np.int64) - state[0])
    v_new = saturate_s1615(alpha - mul_s1615(real[2], diff))
    v, n_spikes = _refractory_and_threshold(
        v_new, state[0], real[3], real[4], ints[0], refract, out_spikes
    )
    state[0] = v
    state[1] = decay_s1615(ie, frac[0])
    state[2] = decay_s1615(ii, frac[1])
    return state.shape[1], n_spikes

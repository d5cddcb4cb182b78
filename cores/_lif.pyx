"""LIF neuron update kernels, float32 and s16.15 fixed point: one tick of many neurons.

Twin: :mod:`cores.reference.lif` (same names, arguments and outputs). Public wrappers with
argument checks: :func:`cores.lif.lif_float_step`, :func:`cores.lif.lif_fixed_step`. The
equations, units and row order of the parameter matrices are in :mod:`cores.lif`.
"""

from libc.stdint cimport int32_t, int64_t, uint16_t, uint32_t

cdef int64_t S1615_MIN = -2147483648
cdef int64_t S1615_MAX = 2147483647


cdef inline int32_t sat32(int64_t x) noexcept nogil:
    if x > S1615_MAX:
        return <int32_t>S1615_MAX
    if x < S1615_MIN:
        return <int32_t>S1615_MIN
    return <int32_t>x


def lif_float_update(
    const float[:, ::1] real,
    const int32_t[:, ::1] ints,
    float[:, ::1] state,
    int32_t[::1] refract,
    uint16_t[:, ::1] ring_slot,
    int32_t[::1] out_spikes,
):
    """Advance n float32 LIF neurons by one tick.

    Parameters
    ----------
    real : float32 (12, n), IN. Rows: v_rest_mv, r_membrane_mohm, exp_tc, v_thresh_mv,
        v_reset_mv, i_offset_na, decay_exc, decay_inh, init_exc, init_inh, w_scale_exc_na,
        w_scale_inh_na.
    ints : int32 (1, n), IN. Row: t_refract_ticks.
    state : float32 (3, n), IN/OUT. Rows: v_mv, i_exc_na, i_inh_na.
    refract : int32 (n,), IN/OUT. Refractory ticks left.
    ring_slot : uint16 (2, n), IN/OUT. This tick's ring buffer slot; cleared to 0.
    out_spikes : int32 (>= n,), OUT. Indices of the neurons that spiked, in update order.

    Returns
    -------
    (neuron_updates, spikes) : tuple of int.
    """
    cdef Py_ssize_t n = state.shape[1], i
    cdef Py_ssize_t n_spikes = 0
    cdef float v, ie, ii, inp, alpha
    with nogil:
        for i in range(n):
            ie = state[1, i] + real[8, i] * (<float>ring_slot[0, i] * real[10, i])
            ii = state[2, i] + real[9, i] * (<float>ring_slot[1, i] * real[11, i])
            ring_slot[0, i] = 0
            ring_slot[1, i] = 0
            v = state[0, i]
            if refract[i] <= 0:
                inp = (ie - ii) + real[5, i]
                alpha = inp * real[1, i] + real[0, i]
                v = alpha - real[2, i] * (alpha - v)
            else:
                refract[i] -= 1
            if v >= real[3, i]:
                v = real[4, i]
                refract[i] = ints[0, i]
                out_spikes[n_spikes] = <int32_t>i
                n_spikes += 1
            state[0, i] = v
            state[1, i] = ie * real[6, i]
            state[2, i] = ii * real[7, i]
    return n, n_spikes


def lif_fixed_update(
    const int32_t[:, ::1] real,
    const uint32_t[:, ::1] frac,
    const int32_t[:, ::1] ints,
    int32_t[:, ::1] state,
    int32_t[::1] refract,
    uint16_t[:, ::1] ring_slot,
    int32_t[::1] out_spikes,
):
    """Advance n s16.15 LIF neurons by one tick (sPyNNaker's LIF, saturating stores).

    Parameters
    ----------
    real : int32 s16.15 (6, n), IN. Rows: v_rest_mv, r_membrane_mohm, exp_tc, v_thresh_mv,
        v_reset_mv, i_offset_na.
    frac : uint32 u0.32 (4, n), IN. Rows: decay_exc, decay_inh, init_exc, init_inh.
    ints : int32 (3, n), IN. Rows: t_refract_ticks, shift_exc, shift_inh (0..15).
    state : int32 s16.15 (3, n), IN/OUT. Rows: v_mv, i_exc_na, i_inh_na.
    refract : int32 (n,), IN/OUT. Refractory ticks left.
    ring_slot : uint16 (2, n), IN/OUT. This tick's ring buffer slot; cleared to 0.
    out_spikes : int32 (>= n,), OUT. Indices of the neurons that spiked, in update order.

    Returns
    -------
    (neuron_updates, spikes) : tuple of int.
    """
    cdef Py_ssize_t n = state.shape[1], i
    cdef Py_ssize_t n_spikes = 0
    cdef int64_t ie, ii, inp, alpha, diff
    cdef int32_t v
    with nogil:
        for i in range(n):
            ie = state[1, i] + ((<int64_t>ring_slot[0, i] << ints[1, i]) * frac[2, i] >> 32)
            ii = state[2, i] + ((<int64_t>ring_slot[1, i] << ints[2, i]) * frac[3, i] >> 32)
            ie = sat32(ie)
            ii = sat32(ii)
            ring_slot[0, i] = 0
            ring_slot[1, i] = 0
            v = state[0, i]
            if refract[i] <= 0:
                inp = sat32(ie - ii + real[5, i])
                alpha = sat32((inp * real[1, i] >> 15) + real[0, i])
                diff = sat32(alpha - v)
                v = sat32(alpha - ((<int64_t>real[2, i] * diff) >> 15))
            else:
                refract[i] -= 1
            if v >= real[3, i]:
                v = real[4, i]
                refract[i] = ints[0, i]
                out_spikes[n_spikes] = <int32_t>i
                n_spikes += 1
            state[0, i] = v
            state[1, i] = <int32_t>((ie * frac[0, i]) >> 32)
            state[2, i] = <int32_t>((ii * frac[1, i]) >> 32)
    return n, n_spikes

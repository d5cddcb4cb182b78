"""LIF neuron update kernels, float32 and s16.15 fixed point: one tick of many neurons (the
fixed-point one in C, cores/_lif_fixed.h: AVX-512 lanes where the CPU has them).

Twin: :mod:`cores.reference.lif` (same names, arguments and outputs). Public wrappers with
argument checks: :func:`cores.lif.lif_float_step`, :func:`cores.lif.lif_fixed_step`. The
equations, units and row order of the parameter matrices are in :mod:`cores.lif`.
"""

from libc.stdint cimport int32_t, int64_t, uint16_t, uint32_t


cdef extern from "_lif_fixed.h" nogil:
    ctypedef struct LifFixedRows:
        const int32_t* v_rest
        const int32_t* r_membrane
        const int32_t* exp_tc
        const int32_t* v_thresh
        const int32_t* v_reset
        const int32_t* i_offset
        const uint32_t* decay_exc
        const uint32_t* decay_inh
        const uint32_t* init_exc
        const uint32_t* init_inh
        const int32_t* t_refract
        const int32_t* shift_exc
        const int32_t* shift_inh
        int32_t* v
        int32_t* i_exc
        int32_t* i_inh
        int32_t* refract
        uint16_t* ring_exc
        uint16_t* ring_inh
    int lif_have_avx512()
    int64_t lif_fixed_avx512(const LifFixedRows* r, int64_t n8, int32_t* out_spikes)
    int64_t lif_fixed_scalar(const LifFixedRows* r, int64_t i0, int64_t n, int32_t* out_spikes,
                             int64_t n_spikes)


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
    bint simd=True,
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
    simd : IN. Eight neurons at a time in AVX-512 lanes where the CPU has AVX512F and DQ
        (``fixed_simd_available``), the same bits as one at a time; False: one at a time.
        # perf: ``scripts/bench_cores.py``, 152 PEs x 1024 in one call: 137 -> 557 M updates/s;
        ``scripts/bench_run.py --case spinnaker2 --threads 2`` (alternating with the scalar
        build): its neuron update part 0.29-0.30 -> 0.17-0.19 s (docs/benchmarks.md).

    Returns
    -------
    (neuron_updates, spikes) : tuple of int.
    """
    cdef Py_ssize_t n = state.shape[1]
    cdef int64_t n_spikes = 0, n8 = 0
    cdef LifFixedRows r
    if (real.shape[0] < 6 or frac.shape[0] < 4 or ints.shape[0] < 3 or state.shape[0] < 3
            or ring_slot.shape[0] < 2 or refract.shape[0] < n or out_spikes.shape[0] < n
            or min(real.shape[1], frac.shape[1], ints.shape[1], ring_slot.shape[1]) < n):
        raise ValueError(f"lif_fixed_update: rows of {n} neurons expected (real 6, frac 4, "
                         "ints 3, state 3, ring_slot 2; refract and out_spikes n)")
    if n == 0:
        return 0, 0
    r.v_rest, r.r_membrane, r.exp_tc = &real[0, 0], &real[1, 0], &real[2, 0]
    r.v_thresh, r.v_reset, r.i_offset = &real[3, 0], &real[4, 0], &real[5, 0]
    r.decay_exc, r.decay_inh = &frac[0, 0], &frac[1, 0]
    r.init_exc, r.init_inh = &frac[2, 0], &frac[3, 0]
    r.t_refract, r.shift_exc, r.shift_inh = &ints[0, 0], &ints[1, 0], &ints[2, 0]
    r.v, r.i_exc, r.i_inh, r.refract = &state[0, 0], &state[1, 0], &state[2, 0], &refract[0]
    r.ring_exc, r.ring_inh = &ring_slot[0, 0], &ring_slot[1, 0]
    with nogil:
        if simd and lif_have_avx512():
            n8 = n - n % 8
            n_spikes = lif_fixed_avx512(&r, n8, &out_spikes[0])
        n_spikes = lif_fixed_scalar(&r, n8, n, &out_spikes[0], n_spikes)
    return n, n_spikes


def fixed_simd_available():
    """Whether ``lif_fixed_update`` takes eight neurons at a time here (AVX-512 F and DQ)."""
    return bool(lif_have_avx512())

"""TrueNorth neuron update kernel: all neurons of many cores, one tick, one call.

Equations, order, bit widths and draw keys: see :mod:`cores.truenorth`. NumPy twin:
:mod:`cores.reference.truenorth` (same argument order, same outputs).
"""

from libc.stdint cimport int16_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t

from cores._philox cimport draw_block

cdef enum:
    STREAM_LEAK = 1       # cores.rng.RngStream.TN_LEAK
    STREAM_THRESHOLD = 2  # cores.rng.RngStream.TN_THRESHOLD


cdef inline int64_t sgn(int64_t x) noexcept nogil:
    return (x > 0) - (x < 0)


cdef inline int64_t sat(int64_t x, int64_t lo, int64_t hi) noexcept nogil:
    return lo if x < lo else (hi if x > hi else x)


def update(
    int32_t[::1] v,
    const int32_t[::1] syn_input,
    const int16_t[::1] leak,
    const uint8_t[::1] leak_reversal,
    const uint8_t[::1] stochastic_leak,
    const int32_t[::1] threshold,
    const int32_t[::1] neg_threshold,
    const int32_t[::1] threshold_mask,
    const uint8_t[::1] reset_mode,
    const uint8_t[::1] neg_saturate,
    const int32_t[::1] reset_value,
    const uint32_t[::1] core_ids,
    uint32_t tick,
    uint64_t seed,
    const uint32_t[:, ::1] draws,
    bint use_draws,
    int32_t v_min,
    int32_t v_max,
    uint8_t[::1] spikes,
    int64_t[:, ::1] core_counts,
):
    """One tick of every neuron of a batch of cores.

    IN/OUT v (n,) int32. IN syn_input (n,) int32 and the (n,) parameter arrays of
    TrueNorthNeurons; core_ids (n_cores,) uint32; tick; seed; draws (n, 2) uint32 read only
    when use_draws; v_min, v_max inclusive membrane bounds. OUT spikes (n,) uint8;
    core_counts (n_cores, 3) int64: per core (neuron updates, spikes, draws consumed).
    Returns the column sums (neuron updates, spikes, draws consumed).
    """
    cdef Py_ssize_t n = v.shape[0], n_cores = core_ids.shape[0]
    cdef Py_ssize_t per_core = n // n_cores
    cdef Py_ssize_t c, k, j
    cdef int64_t x, y, lam, omega, eta, pos, neg
    cdef uint32_t core, word
    cdef uint32_t leak_words[4]
    cdef uint32_t thr_words[4]
    cdef Py_ssize_t leak_block, thr_block  # Philox block cached in *_words (4 neurons share one)
    cdef uint8_t gamma
    cdef int64_t n_spikes = 0, n_draws = 0, spikes_before, draws_before
    with nogil:
        for c in range(n_cores):
            core = core_ids[c]
            leak_block = thr_block = -1
            spikes_before = n_spikes
            draws_before = n_draws
            for k in range(per_core):
                j = c * per_core + k
                # 1. synaptic input, one saturation for the whole sum
                x = sat(<int64_t>v[j] + syn_input[j], v_min, v_max)
                # 2. leak, eq. 3
                lam = leak[j]
                if stochastic_leak[j]:
                    if use_draws:
                        word = draws[j, 0]
                    else:
                        if k >> 2 != leak_block:
                            leak_block = k >> 2
                            draw_block(seed, core, tick, STREAM_LEAK, leak_block, leak_words)
                        word = leak_words[k & 3]
                    n_draws += 1
                    lam = sgn(lam) if (lam if lam >= 0 else -lam) >= (word & 0xFF) else 0
                omega = sgn(x) if leak_reversal[j] else 1
                y = x + omega * lam
                if leak_reversal[j] and sgn(y) != sgn(x):
                    y = 0
                y = sat(y, v_min, v_max)
                # 3. threshold, fire, reset, eq. 4-6
                eta = 0
                if threshold_mask[j]:
                    if use_draws:
                        word = draws[j, 1]
                    else:
                        if k >> 2 != thr_block:
                            thr_block = k >> 2
                            draw_block(seed, core, tick, STREAM_THRESHOLD, thr_block, thr_words)
                        word = thr_words[k & 3]
                    n_draws += 1
                    eta = word & <uint32_t>threshold_mask[j]
                gamma = reset_mode[j]
                pos = threshold[j] + eta
                spikes[j] = 0
                if y >= pos:
                    spikes[j] = 1
                    n_spikes += 1
                    if gamma == 0:
                        y = reset_value[j]
                    elif gamma == 1:
                        y = y - pos
                else:
                    neg = neg_threshold[j] + (0 if neg_saturate[j] else eta)
                    if y < -neg:
                        if neg_saturate[j]:
                            y = -neg
                        elif gamma == 0:
                            y = -reset_value[j]
                        elif gamma == 1:
                            y = y + neg
                v[j] = <int32_t>sat(y, v_min, v_max)
            core_counts[c, 0] = per_core
            core_counts[c, 1] = n_spikes - spikes_before
            core_counts[c, 2] = n_draws - draws_before
    return n, n_spikes, n_draws

"""TrueNorth neuron update kernel: all neurons of many cores, one tick, one call.

Equations, order, bit widths and draw keys: see :mod:`cores.truenorth`. NumPy twin:
:mod:`cores.reference.truenorth` (same argument order, same outputs).

Per core: ``tn_any_draws`` spots a core without stochastic neurons (nothing drawn); otherwise
``tn_plan_draws`` (cores/_truenorth_sse2.h) lists the Philox blocks (4 neurons each) that each
stream needs (a block whose neurons all have the mode off is not drawn) and counts the draws,
and the blocks of each stream are drawn in one SIMD pass (``philox_blocks_at``,
cores/_philox_simd.h) into a word buffer indexed by neuron (injected draws are copied there
instead). Then the lanes, on the SIMD path given (all paths give the same results): AVX2
takes groups of 8 neurons (``tn_update8_avx2``, cores/_truenorth_avx2.h) and forms the leak
terms and eta of every neuron from the words; SSE2 takes groups of 4, deterministic ones
(``tn_update4_plain``) or not (``tn_update4_words``); what is left (a last partial group,
the scalar path, a build without SSE2) takes the scalar form (``prepare_group``,
``scalar_group``) of the same equations.
"""

from libc.stdint cimport int16_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t

from libc.stdlib cimport calloc, free

from cores._philox cimport (
    PHILOX_AUTO,
    PHILOX_AVX2,
    PHILOX_SSE2,
    philox_best_path,
    philox_blocks_at,
    philox_path_available,
)

cdef enum:
    STREAM_LEAK = 1       # cores.rng.RngStream.TN_LEAK
    STREAM_THRESHOLD = 2  # cores.rng.RngStream.TN_THRESHOLD


cdef extern from "_truenorth_sse2.h" nogil:
    bint TN_HAVE_SSE2
    int tn_update4_words(
        int32_t* v, const int32_t* syn, const int16_t* leak, const uint8_t* stoch,
        const uint32_t* lw, const int32_t* mask, const uint32_t* tw,
        const uint8_t* rev, const int32_t* alpha, const int32_t* beta, const uint8_t* gamma,
        const uint8_t* kappa, const int32_t* reset, int32_t lo, int32_t hi, uint8_t* spikes
    )
    int tn_update4_plain(
        int32_t* v, const int32_t* syn, const int16_t* leak,
        const uint8_t* rev, const int32_t* alpha, const int32_t* beta, const uint8_t* gamma,
        const uint8_t* kappa, const int32_t* reset, int32_t lo, int32_t hi, uint8_t* spikes
    )
    bint tn_any_draws(Py_ssize_t per_core, const uint8_t* stoch, const int32_t* mask)
    int64_t tn_plan_draws(
        Py_ssize_t per_core, const uint8_t* stoch, const int32_t* mask, uint8_t* needs,
        uint32_t* leak_blocks, Py_ssize_t* n_leak, uint32_t* thr_blocks, Py_ssize_t* n_thr,
    )


cdef extern from "_truenorth_avx2.h" nogil:
    bint TN_HAVE_AVX2
    int64_t tn_core_avx2(
        Py_ssize_t per_core, const uint32_t* lw, const uint32_t* tw, int32_t* v,
        const int32_t* syn, const int16_t* leak, const uint8_t* rev, const uint8_t* stoch,
        const int32_t* alpha, const int32_t* beta, const int32_t* mask, const uint8_t* gamma,
        const uint8_t* kappa, const int32_t* reset, int32_t lo, int32_t hi, uint8_t* spikes,
        Py_ssize_t* done,
    )


cdef inline int64_t sgn(int64_t x) noexcept nogil:
    return (x > 0) - (x < 0)


cdef inline int64_t sat(int64_t x, int64_t lo, int64_t hi) noexcept nogil:
    return lo if x < lo else (hi if x > hi else x)


cdef inline int32_t stochastic_term(int32_t lam, uint32_t rho) noexcept nogil:
    """F(lambda, rho) = sgn(lambda) if |lambda| >= rho else 0 (Cassidy 2013), rho in 0..255."""
    if lam > 0:
        return 1 if lam >= <int32_t>rho else 0
    if lam < 0:
        return -1 if -lam >= <int32_t>rho else 0
    return 0


cdef inline void prepare_group(
    Py_ssize_t m, const int16_t* leak, const uint8_t* stochastic_leak, const uint32_t* lw,
    const int32_t* mask, const uint32_t* tw, int32_t* lam, int32_t* eta,
) noexcept nogil:
    """OUT lam, eta: leak term (eq. 3) and eta (eq. 4) of m neurons from their drawn words.

    IN ``lw``, ``tw``: the leak and threshold words of the neurons; a word of a neuron without
    the mode may be stale (another core's): it is not used (eta = word & 0 = 0).
    """
    cdef Py_ssize_t i
    for i in range(m):
        lam[i] = stochastic_term(leak[i], lw[i] & 0xFF) if stochastic_leak[i] else leak[i]
        eta[i] = tw[i] & <uint32_t>mask[i]


cdef inline int64_t scalar_group(
    Py_ssize_t m, int32_t* v, const int32_t* syn, const int32_t* lam, const int32_t* eta,
    const uint8_t* rev, const int32_t* alpha, const int32_t* beta, const uint8_t* gamma,
    const uint8_t* kappa, const int32_t* reset, int64_t lo, int64_t hi, uint8_t* spikes,
) noexcept nogil:
    """Steps 1-3 of cores.truenorth for m neurons, scalar. Returns the number of spikes."""
    cdef Py_ssize_t i
    cdef int64_t x, y, pos, neg, n_spikes = 0
    for i in range(m):
        x = sat(<int64_t>v[i] + syn[i], lo, hi)  # 1. one saturation for the whole input
        y = x + (sgn(x) if rev[i] else 1) * lam[i]  # 2. leak, eq. 3
        if rev[i] and sgn(y) != sgn(x):
            y = 0
        y = sat(y, lo, hi)
        pos = alpha[i] + eta[i]  # 3. threshold, fire, reset, eq. 4-6
        spikes[i] = y >= pos
        if spikes[i]:
            n_spikes += 1
            if gamma[i] == 0:
                y = reset[i]
            elif gamma[i] == 1:
                y = y - pos
        else:
            neg = beta[i] + (0 if kappa[i] else eta[i])
            if y < -neg:
                if kappa[i]:
                    y = -neg
                elif gamma[i] == 0:
                    y = -reset[i]
                elif gamma[i] == 1:
                    y = y + neg
        v[i] = <int32_t>sat(y, lo, hi)
    return n_spikes


cdef inline int64_t update_core(
    int path, Py_ssize_t per_core, const uint8_t* needs, const uint32_t* lw, const uint32_t* tw,
    int32_t* v, const int32_t* syn, const int16_t* leak, const uint8_t* rev,
    const uint8_t* stoch, const int32_t* alpha, const int32_t* beta, const int32_t* mask,
    const uint8_t* gamma, const uint8_t* kappa, const int32_t* reset, int32_t lo, int32_t hi,
    uint8_t* spikes,
) noexcept nogil:
    """Steps 1-3 for the per_core neurons of one core (pointers at its neuron 0).

    IN ``path`` the PHILOX_* SIMD path (not AUTO) for the lanes too; ``needs`` from
    tn_plan_draws, or NULL for a core without stochastic neurons; ``lw``, ``tw`` the core's
    leak and threshold words, indexed by neuron (a word is used only where its mode is on).
    Returns the number of spikes.
    """
    cdef Py_ssize_t k = 0, m
    cdef bint sse2 = path >= PHILOX_SSE2 and TN_HAVE_SSE2
    cdef int32_t lam[4]
    cdef int32_t eta[4]
    cdef int64_t n_spikes = 0
    if path >= PHILOX_AVX2 and TN_HAVE_AVX2:
        # perf: 8 AVX2 lanes for every group: deterministic 252 -> 455, stochastic leak
        # 187 -> 330 M/s against 4 SSE2 lanes (A/B bench, 1024 cores)
        n_spikes = tn_core_avx2(
            per_core, lw, tw, v, syn, leak, rev, stoch, alpha, beta, mask, gamma, kappa, reset,
            lo, hi, spikes, &k,
        )
    while k < per_core:
        m = min(4, per_core - k)
        if m == 4 and sse2 and (needs == NULL or not needs[k >> 2]):
            # perf: deterministic group in 4 SSE2 lanes, 1.5x the scalar form (bench)
            n_spikes += tn_update4_plain(
                &v[k], &syn[k], &leak[k], &rev[k], &alpha[k], &beta[k], &gamma[k], &kappa[k],
                &reset[k], lo, hi, &spikes[k],
            )
        elif m == 4 and sse2:
            n_spikes += tn_update4_words(
                &v[k], &syn[k], &leak[k], &stoch[k], &lw[k], &mask[k], &tw[k], &rev[k],
                &alpha[k], &beta[k], &gamma[k], &kappa[k], &reset[k], lo, hi, &spikes[k],
            )
        else:
            prepare_group(m, &leak[k], &stoch[k], &lw[k], &mask[k], &tw[k], lam, eta)
            n_spikes += scalar_group(
                m, &v[k], &syn[k], lam, eta, &rev[k], &alpha[k], &beta[k], &gamma[k],
                &kappa[k], &reset[k], lo, hi, &spikes[k],
            )
        k += m
    return n_spikes


cdef struct Scratch:
    # one core's draw buffers, allocated once per call (sizes in groups of 4 neurons)
    uint8_t* needs      # (n_groups,) group flags of tn_plan_draws
    uint32_t* blocks    # (2 * n_groups,) leak block list, then threshold block list
    uint32_t* lw        # (4 * n_groups,) leak words by neuron
    uint32_t* tw        # (4 * n_groups,) threshold words by neuron
    Py_ssize_t n_groups


cdef inline int64_t draw_core(
    Scratch* s, int path, Py_ssize_t per_core, const uint8_t* stoch, const int32_t* mask,
    const uint32_t* draws, uint64_t seed, uint32_t core, uint32_t tick,
) noexcept nogil:
    """Words of one core's stochastic neurons into s.lw, s.tw; returns the draws consumed.

    IN ``stoch``, ``mask`` at the core's neuron 0; ``draws`` its injected (per_core, 2) words,
    or NULL to draw from Philox on SIMD ``path``. Returns -1 for a core without stochastic
    neurons (nothing drawn; s.needs is then stale). OUT s.needs for the others.
    """
    cdef Py_ssize_t i, n_leak, n_thr
    cdef int64_t n_draws
    if not tn_any_draws(per_core, stoch, mask):
        return -1
    n_draws = tn_plan_draws(
        per_core, stoch, mask, s.needs, s.blocks, &n_leak, s.blocks + s.n_groups, &n_thr
    )
    if draws != NULL:
        for i in range(per_core):
            s.lw[i] = draws[2 * i]
            s.tw[i] = draws[2 * i + 1]
    else:  # perf: one SIMD pass per stream, see cores/_philox_simd.h
        philox_blocks_at(path, seed, core, tick, STREAM_LEAK, s.blocks, n_leak, s.lw)
        philox_blocks_at(path, seed, core, tick, STREAM_THRESHOLD, s.blocks + s.n_groups, n_thr,
                         s.tw)
    return n_draws


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
    int simd_path,
):
    """One tick of every neuron of a batch of cores.

    IN/OUT v (n,) int32, within [v_min, v_max]. IN syn_input (n,) int32 and the (n,)
    parameter arrays of TrueNorthNeurons; core_ids (n_cores,) uint32; tick; seed; draws (n, 2)
    uint32 read only when use_draws; v_min, v_max inclusive membrane bounds within +-2**24;
    simd_path: a PHILOX_* path of cores/_philox_simd.h for the draws and the lanes (all give
    the same results).
    OUT spikes (n,) uint8; core_counts (n_cores, 3) int64: per core (neuron updates, spikes,
    draws consumed). Returns the column sums (neuron updates, spikes, draws consumed).
    """
    cdef Py_ssize_t n = v.shape[0], n_cores = core_ids.shape[0]
    cdef Py_ssize_t per_core = n // n_cores, c, j
    cdef int64_t n_spikes = 0, n_draws = 0, core_draws
    cdef Scratch s
    if not philox_path_available(simd_path):  # e.g. AVX2 lanes on a CPU without AVX2
        raise ValueError(f"SIMD path {simd_path} is not available on this build and CPU")
    s.n_groups = (per_core + 3) >> 2
    s.needs = <uint8_t*>calloc(s.n_groups, sizeof(uint8_t))
    s.blocks = <uint32_t*>calloc(2 * s.n_groups, sizeof(uint32_t))
    s.lw = <uint32_t*>calloc(8 * s.n_groups, sizeof(uint32_t))  # zeros: words never drawn
    s.tw = s.lw + 4 * s.n_groups
    if simd_path == PHILOX_AUTO:
        simd_path = philox_best_path()
    try:
        if s.needs == NULL or s.blocks == NULL or s.lw == NULL:
            raise MemoryError("cannot allocate the neuron kernel's draw buffers")
        with nogil:
            for c in range(n_cores):
                j = c * per_core
                core_draws = draw_core(
                    &s, simd_path, per_core, &stochastic_leak[j], &threshold_mask[j],
                    &draws[j, 0] if use_draws else NULL, seed, core_ids[c], tick,
                )
                core_counts[c, 0] = per_core
                core_counts[c, 1] = update_core(
                    simd_path, per_core, s.needs if core_draws >= 0 else NULL, s.lw, s.tw,
                    &v[j], &syn_input[j], &leak[j], &leak_reversal[j], &stochastic_leak[j],
                    &threshold[j], &neg_threshold[j], &threshold_mask[j], &reset_mode[j],
                    &neg_saturate[j], &reset_value[j], v_min, v_max, &spikes[j],
                )
                core_counts[c, 2] = max(core_draws, 0)
                n_spikes += core_counts[c, 1]
                n_draws += core_counts[c, 2]
    finally:
        free(s.needs)
        free(s.blocks)
        free(s.lw)
    return n, n_spikes, n_draws

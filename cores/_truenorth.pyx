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
from libc.string cimport memset
from posix.time cimport CLOCK_MONOTONIC, clock_gettime, timespec

from cores._philox cimport (
    PHILOX_AUTO,
    PHILOX_AVX2,
    PHILOX_SSE2,
    philox_best_path,
    philox_blocks_at,
    philox_path_available,
)
from cores._threads cimport (
    CORES_MAX_THREADS as MAX_THREADS,
    check_jobs,
    cores_run_jobs,
    seconds_since,
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


cdef struct Job:
    # update's cores lo .. hi - 1, one thread's: the batch's arrays (at neuron 0), its draw
    # buffers, what it adds up, and when it ended
    int32_t* v
    const int32_t* syn
    const int16_t* leak
    const uint8_t* rev
    const uint8_t* stoch
    const int32_t* alpha
    const int32_t* beta
    const int32_t* mask
    const uint8_t* gamma
    const uint8_t* kappa
    const int32_t* reset
    const uint32_t* core_ids
    const uint32_t* draws  # (n, 2) injected words, or NULL: draw from Philox
    uint8_t* spikes
    int64_t* core_counts
    uint64_t seed
    uint32_t tick
    int32_t lo_v, hi_v
    int path
    Py_ssize_t per_core, lo, hi
    Scratch s
    timespec start  # the call's
    int64_t n_spikes, n_draws
    double seconds  # from the call's start to the job's end


cdef void* update_job(void* arg) noexcept nogil:
    """Update the cores of one Job (``update``'s loop, for a range of its batch)."""
    cdef Job* b = <Job*>arg
    cdef Py_ssize_t c, j
    cdef int64_t core_draws
    cdef int64_t* counts
    b.n_spikes = b.n_draws = 0
    for c in range(b.lo, b.hi):
        j = c * b.per_core
        counts = b.core_counts + 3 * c
        core_draws = draw_core(
            &b.s, b.path, b.per_core, &b.stoch[j], &b.mask[j],
            &b.draws[2 * j] if b.draws != NULL else NULL, b.seed, b.core_ids[c], b.tick,
        )
        counts[0] = b.per_core
        counts[1] = update_core(
            b.path, b.per_core, b.s.needs if core_draws >= 0 else NULL, b.s.lw, b.s.tw,
            &b.v[j], &b.syn[j], &b.leak[j], &b.rev[j], &b.stoch[j], &b.alpha[j], &b.beta[j],
            &b.mask[j], &b.gamma[j], &b.kappa[j], &b.reset[j], b.lo_v, b.hi_v, &b.spikes[j],
        )
        counts[2] = max(core_draws, 0)
        b.n_spikes += counts[1]
        b.n_draws += counts[2]
    b.seconds = seconds_since(&b.start)
    return NULL


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
    const int64_t[::1] bounds,
    double[::1] seconds,
):
    """One tick of every neuron of a batch of cores.

    IN/OUT v (n,) int32, within [v_min, v_max]. IN syn_input (n,) int32 and the (n,)
    parameter arrays of TrueNorthNeurons; core_ids (n_cores,) uint32; tick; seed; draws (n, 2)
    uint32 read only when use_draws; v_min, v_max inclusive membrane bounds within +-2**24;
    simd_path: a PHILOX_* path of cores/_philox_simd.h for the draws and the lanes (all give
    the same results); bounds (k + 1,) int64: the cores bounds[i] .. bounds[i + 1] - 1 are one
    job, each job in a thread of its own (the first in the calling thread), 1 <= k <= 64,
    from 0 to n_cores and nondecreasing.
    OUT spikes (n,) uint8; core_counts (n_cores, 3) int64: per core (neuron updates, spikes,
    draws consumed); seconds (k,) float64: each job's end, from the call's start. Returns the
    column sums (neuron updates, spikes, draws consumed).
    """
    cdef Py_ssize_t n = v.shape[0], n_cores = core_ids.shape[0], k = bounds.shape[0] - 1, i
    cdef Py_ssize_t per_core = n // n_cores if n_cores else 0, n_groups = (per_core + 3) >> 2
    cdef Job jobs[MAX_THREADS]
    cdef timespec start
    cdef int64_t n_spikes = 0, n_draws = 0
    if not philox_path_available(simd_path):  # e.g. AVX2 lanes on a CPU without AVX2
        raise ValueError(f"SIMD path {simd_path} is not available on this build and CPU")
    check_batch(n, n_cores, syn_input, leak, leak_reversal, stochastic_leak, threshold,
                neg_threshold, threshold_mask, reset_mode, neg_saturate, reset_value, draws,
                use_draws, spikes, core_counts)
    check_jobs(bounds, seconds, n_cores)
    if simd_path == PHILOX_AUTO:
        simd_path = philox_best_path()
    memset(jobs, 0, sizeof(jobs))
    try:
        for i in range(k):
            jobs[i].s.n_groups = n_groups
            jobs[i].s.needs = <uint8_t*>calloc(n_groups + 1, sizeof(uint8_t))
            jobs[i].s.blocks = <uint32_t*>calloc(2 * n_groups + 1, sizeof(uint32_t))
            # zeros: words never drawn
            jobs[i].s.lw = <uint32_t*>calloc(8 * n_groups + 1, sizeof(uint32_t))
            jobs[i].s.tw = jobs[i].s.lw + 4 * n_groups
            if jobs[i].s.needs == NULL or jobs[i].s.blocks == NULL or jobs[i].s.lw == NULL:
                raise MemoryError("cannot allocate the neuron kernel's draw buffers")
        clock_gettime(CLOCK_MONOTONIC, &start)
        for i in range(k):
            if n:
                jobs[i].v, jobs[i].syn, jobs[i].leak = &v[0], &syn_input[0], &leak[0]
                jobs[i].rev, jobs[i].stoch = &leak_reversal[0], &stochastic_leak[0]
                jobs[i].alpha, jobs[i].beta = &threshold[0], &neg_threshold[0]
                jobs[i].mask, jobs[i].gamma = &threshold_mask[0], &reset_mode[0]
                jobs[i].kappa, jobs[i].reset = &neg_saturate[0], &reset_value[0]
                jobs[i].draws = &draws[0, 0] if use_draws else NULL
                jobs[i].spikes = &spikes[0]
            if n_cores:
                jobs[i].core_ids, jobs[i].core_counts = &core_ids[0], &core_counts[0, 0]
            jobs[i].seed, jobs[i].tick, jobs[i].lo_v, jobs[i].hi_v = seed, tick, v_min, v_max
            jobs[i].path, jobs[i].per_core = simd_path, per_core
            jobs[i].lo, jobs[i].hi, jobs[i].start = bounds[i], bounds[i + 1], start
        with nogil:
            cores_run_jobs(update_job, jobs, sizeof(Job), <int>k)
        for i in range(k):
            seconds[i] = jobs[i].seconds
            n_spikes += jobs[i].n_spikes
            n_draws += jobs[i].n_draws
    finally:
        for i in range(k):
            free(jobs[i].s.needs)
            free(jobs[i].s.blocks)
            free(jobs[i].s.lw)
    return n, n_spikes, n_draws


cdef check_batch(
    Py_ssize_t n, Py_ssize_t n_cores, const int32_t[::1] syn_input, const int16_t[::1] leak,
    const uint8_t[::1] leak_reversal, const uint8_t[::1] stochastic_leak,
    const int32_t[::1] threshold, const int32_t[::1] neg_threshold,
    const int32_t[::1] threshold_mask, const uint8_t[::1] reset_mode,
    const uint8_t[::1] neg_saturate, const int32_t[::1] reset_value,
    const uint32_t[:, ::1] draws, bint use_draws, const uint8_t[::1] spikes,
    const int64_t[:, ::1] core_counts,
):
    """ValueError unless every array of ``update`` has the shape its doc says for n neurons
    in n_cores cores of as many neurons each (the jobs index them as flat arrays)."""
    rows = {"syn_input": syn_input.shape[0], "leak": leak.shape[0],
            "leak_reversal": leak_reversal.shape[0], "stochastic_leak": stochastic_leak.shape[0],
            "threshold": threshold.shape[0], "neg_threshold": neg_threshold.shape[0],
            "threshold_mask": threshold_mask.shape[0], "reset_mode": reset_mode.shape[0],
            "neg_saturate": neg_saturate.shape[0], "reset_value": reset_value.shape[0],
            "spikes": spikes.shape[0]}
    if use_draws:
        rows["draws"] = draws.shape[0] if draws.shape[1] == 2 else -1
    for name, got in rows.items():
        if got != n:
            raise ValueError(f"update: {name} has {got} rows, expected {n}")
    if n_cores and n % n_cores or not n_cores and n:
        raise ValueError(f"update: {n} neurons do not make {n_cores} cores of as many each")
    if core_counts.shape[0] != n_cores or core_counts.shape[1] != 3:
        raise ValueError(f"update: core_counts has shape ({core_counts.shape[0]}, {core_counts.shape[1]}), "
                         f"expected ({n_cores}, 3)")

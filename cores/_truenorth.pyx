"""TrueNorth neuron update kernel: all neurons of many cores, one tick, one call.

Equations, order, bit widths and draw keys: see :mod:`cores.truenorth`. NumPy twin:
:mod:`cores.reference.truenorth` (same argument order, same outputs).

Per core: ``plan_draws`` finds the Philox blocks (4 neurons each) that each stream needs (a
block whose neurons all have the mode off is not drawn) and counts the draws; the blocks of
each stream are then drawn in one SIMD pass (``philox_blocks_at``, cores/_philox_simd.h) into
a per-stream word buffer indexed by neuron (injected draws are copied there instead). Neurons
then go in groups of four: a group without stochastic leak or threshold goes to four SSE2
lanes (``tn_update4_plain``), a stochastic one forms its leak terms and eta from the words in
lanes too (``tn_update4_words``). A last partial group, or a build without SSE2, takes the
scalar form (``prepare_group``, ``scalar_group``) of the same equations.
"""

from libc.stdint cimport int16_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t

from libc.stdlib cimport calloc, free
from libc.string cimport memcpy

from cores._philox cimport (
    PHILOX_AUTO,
    PHILOX_AVX2,
    PHILOX_SSE2,
    philox_best_path,
    philox_blocks_at,
)

cdef enum:
    STREAM_LEAK = 1       # cores.rng.RngStream.TN_LEAK
    STREAM_THRESHOLD = 2  # cores.rng.RngStream.TN_THRESHOLD


cdef extern from *:
    """
    /* Steps 1-3 of cores.truenorth for four neurons as int32 lane selects, SSE2 (every
       x86-64); lam is the leak term (lambda or F(lambda, rho)) and eta = rho_T & M, both
       prepared by the caller. syn is clamped to +-2**26 first so v + syn cannot overflow;
       with |v| <= 2**24 (the caller's v_range) that changes no saturated sum.
       Returns the number of spikes. */
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #include <string.h>
    #define TN_HAVE_SSE2 1
    static inline __m128i tn_sel(__m128i m, __m128i a, __m128i b) {  /* m ? a : b */
        return _mm_or_si128(_mm_and_si128(m, a), _mm_andnot_si128(m, b));
    }
    static inline __m128i tn_clip(__m128i x, __m128i lo, __m128i hi) {
        x = tn_sel(_mm_cmplt_epi32(x, lo), lo, x);
        return tn_sel(_mm_cmpgt_epi32(x, hi), hi, x);
    }
    static inline __m128i tn_u8x4(const uint8_t *p) {  /* 4 bytes -> 4 int32 */
        int32_t raw;
        memcpy(&raw, p, 4);
        const __m128i z = _mm_setzero_si128();
        return _mm_unpacklo_epi16(_mm_unpacklo_epi8(_mm_cvtsi32_si128(raw), z), z);
    }
    static inline int tn_lanes(
        int32_t *v, const int32_t *syn, const __m128i l, const __m128i e,
        const uint8_t *rev, const int32_t *alpha, const int32_t *beta, const uint8_t *gamma,
        const uint8_t *kappa, const int32_t *reset, int32_t lo_s, int32_t hi_s,
        uint8_t *spikes)
    {
        const __m128i z = _mm_setzero_si128(), lo = _mm_set1_epi32(lo_s);
        const __m128i hi = _mm_set1_epi32(hi_s), one = _mm_set1_epi32(1);
        const __m128i big = _mm_set1_epi32(1 << 26), nbig = _mm_set1_epi32(-(1 << 26));
        __m128i s = tn_clip(_mm_loadu_si128((const __m128i *)syn), nbig, big);
        __m128i x = tn_clip(_mm_add_epi32(_mm_loadu_si128((const __m128i *)v), s), lo, hi);
        const __m128i eps = _mm_cmpgt_epi32(tn_u8x4(rev), z);
        const __m128i xpos = _mm_cmpgt_epi32(x, z), xneg = _mm_cmplt_epi32(x, z);
        const __m128i omega_l = _mm_or_si128(_mm_and_si128(xpos, l),
                                             _mm_and_si128(xneg, _mm_sub_epi32(z, l)));
        __m128i y = _mm_add_epi32(x, tn_sel(eps, omega_l, l));
        const __m128i crossed = _mm_or_si128(_mm_and_si128(xpos, _mm_cmplt_epi32(y, z)),
                                             _mm_and_si128(xneg, _mm_cmpgt_epi32(y, z)));
        y = tn_clip(_mm_andnot_si128(_mm_and_si128(eps, crossed), y), lo, hi);
        const __m128i kap = _mm_cmpgt_epi32(tn_u8x4(kappa), z);
        const __m128i a = _mm_add_epi32(_mm_loadu_si128((const __m128i *)alpha), e);
        const __m128i b = _mm_add_epi32(_mm_loadu_si128((const __m128i *)beta),
                                        _mm_andnot_si128(kap, e));
        const __m128i r = _mm_loadu_si128((const __m128i *)reset);
        const __m128i g = tn_u8x4(gamma);
        const __m128i g0 = _mm_cmpeq_epi32(g, z), g1 = _mm_cmpeq_epi32(g, one);
        const __m128i nb = _mm_sub_epi32(z, b);
        const __m128i fire = _mm_andnot_si128(_mm_cmplt_epi32(y, a), _mm_set1_epi32(-1));
        const __m128i below = _mm_andnot_si128(fire, _mm_cmplt_epi32(y, nb));
        const __m128i up = tn_sel(g0, r, tn_sel(g1, _mm_sub_epi32(y, a), y));
        const __m128i down = tn_sel(kap, nb,
            tn_sel(g0, _mm_sub_epi32(z, r), tn_sel(g1, _mm_add_epi32(y, b), y)));
        y = tn_sel(fire, up, tn_sel(below, down, y));
        _mm_storeu_si128((__m128i *)v, tn_clip(y, lo, hi));
        const int bits = _mm_movemask_ps(_mm_castsi128_ps(fire));
        for (int i = 0; i < 4; i++) spikes[i] = (bits >> i) & 1;
        return ((bits & 1) + ((bits >> 1) & 1) + ((bits >> 2) & 1) + ((bits >> 3) & 1));
    }
    /* deterministic group: lam = lambda (int16), eta = 0 */
    static inline int tn_update4_plain(
        int32_t *v, const int32_t *syn, const int16_t *leak,
        const uint8_t *rev, const int32_t *alpha, const int32_t *beta, const uint8_t *gamma,
        const uint8_t *kappa, const int32_t *reset, int32_t lo, int32_t hi, uint8_t *spikes)
    {
        __m128i l = _mm_loadl_epi64((const __m128i *)leak);
        l = _mm_srai_epi32(_mm_unpacklo_epi16(l, l), 16);
        return tn_lanes(v, syn, l, _mm_setzero_si128(), rev, alpha, beta, gamma, kappa, reset,
                        lo, hi, spikes);
    }
    /* stochastic group: lam = F(lambda, lw & 0xFF) where stoch else lambda (eq. 3),
       eta = tw & M (eq. 4; 0 where M = 0), from the words drawn for the group */
    static inline int tn_update4_words(
        int32_t *v, const int32_t *syn, const int16_t *leak, const uint8_t *stoch,
        const uint32_t *lw, const int32_t *mask, const uint32_t *tw,
        const uint8_t *rev, const int32_t *alpha, const int32_t *beta, const uint8_t *gamma,
        const uint8_t *kappa, const int32_t *reset, int32_t lo, int32_t hi, uint8_t *spikes)
    {
        const __m128i z = _mm_setzero_si128();
        __m128i l = _mm_loadl_epi64((const __m128i *)leak);
        l = _mm_srai_epi32(_mm_unpacklo_epi16(l, l), 16);
        const __m128i rho = _mm_and_si128(_mm_loadu_si128((const __m128i *)lw),
                                          _mm_set1_epi32(0xFF));
        const __m128i neg = _mm_cmplt_epi32(l, z), sgn = _mm_sub_epi32(neg, _mm_cmpgt_epi32(l, z));
        const __m128i mag = _mm_sub_epi32(_mm_xor_si128(l, neg), neg);  /* |lambda| */
        const __m128i f = _mm_andnot_si128(_mm_cmplt_epi32(mag, rho), sgn);
        const __m128i lam = tn_sel(_mm_cmpgt_epi32(tn_u8x4(stoch), z), f, l);
        const __m128i eta = _mm_and_si128(_mm_loadu_si128((const __m128i *)tw),
                                          _mm_loadu_si128((const __m128i *)mask));
        return tn_lanes(v, syn, lam, eta, rev, alpha, beta, gamma, kappa, reset, lo, hi,
                        spikes);
    }
    #else
    #define TN_HAVE_SSE2 0
    static inline int tn_update4_words(
        int32_t *v, const int32_t *syn, const int16_t *leak, const uint8_t *stoch,
        const uint32_t *lw, const int32_t *mask, const uint32_t *tw,
        const uint8_t *rev, const int32_t *alpha, const int32_t *beta, const uint8_t *gamma,
        const uint8_t *kappa, const int32_t *reset, int32_t lo, int32_t hi, uint8_t *spikes)
    { return 0; }
    static inline int tn_update4_plain(
        int32_t *v, const int32_t *syn, const int16_t *leak,
        const uint8_t *rev, const int32_t *alpha, const int32_t *beta, const uint8_t *gamma,
        const uint8_t *kappa, const int32_t *reset, int32_t lo, int32_t hi, uint8_t *spikes)
    { return 0; }
    #endif
    """
    bint TN_HAVE_SSE2
    int tn_update4_words(
        int32_t* v, const int32_t* syn, const int16_t* leak, const uint8_t* stoch,
        const uint32_t* lw, const int32_t* mask, const uint32_t* tw,
        const uint8_t* rev, const int32_t* alpha, const int32_t* beta, const uint8_t* gamma,
        const uint8_t* kappa, const int32_t* reset, int32_t lo, int32_t hi, uint8_t* spikes
    ) nogil
    int tn_update4_plain(
        int32_t* v, const int32_t* syn, const int16_t* leak,
        const uint8_t* rev, const int32_t* alpha, const int32_t* beta, const uint8_t* gamma,
        const uint8_t* kappa, const int32_t* reset, int32_t lo, int32_t hi, uint8_t* spikes
    ) nogil


cdef extern from "_truenorth_avx2.h" nogil:
    bint TN_HAVE_AVX2
    int tn_update8_avx2(
        int32_t* v, const int32_t* syn, const int16_t* leak, const uint8_t* stoch,
        const uint32_t* lw, const int32_t* mask, const uint32_t* tw, const uint8_t* rev,
        const int32_t* alpha, const int32_t* beta, const uint8_t* gamma, const uint8_t* kappa,
        const int32_t* reset, int32_t lo, int32_t hi, uint8_t* spikes,
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

    IN ``lw``, ``tw``: the leak and threshold words of the neurons (read where used only).
    """
    cdef Py_ssize_t i
    for i in range(m):
        lam[i] = stochastic_term(leak[i], lw[i] & 0xFF) if stochastic_leak[i] else leak[i]
        eta[i] = tw[i] & <uint32_t>mask[i]


cdef inline uint8_t group_needs(
    Py_ssize_t m, const uint8_t* stochastic_leak, const int32_t* mask, int64_t* n_draws,
) noexcept nogil:
    """Bit 0: a stochastic leak among m <= 4 neurons, bit 1: a stochastic threshold.

    IN/OUT ``n_draws`` += the draws they consume (one per mode on per neuron).
    """
    cdef uint32_t leak_bytes = 0, n_mask
    cdef Py_ssize_t i
    if m == 4:  # perf: branch-free (flags are 0/1 bytes): deterministic 455 -> 590 M/s (bench)
        memcpy(&leak_bytes, stochastic_leak, 4)
        n_mask = (mask[0] != 0) + (mask[1] != 0) + (mask[2] != 0) + (mask[3] != 0)
        n_draws[0] += ((leak_bytes * 0x01010101u) >> 24) + n_mask
        return (leak_bytes != 0) | ((n_mask != 0) << 1)
    n_mask = 0
    for i in range(m):
        leak_bytes += stochastic_leak[i]
        n_mask += mask[i] != 0
    n_draws[0] += leak_bytes + n_mask
    return (leak_bytes != 0) | ((n_mask != 0) << 1)


cdef inline int64_t plan_draws(
    Py_ssize_t per_core, const uint8_t* stochastic_leak, const int32_t* mask,
    uint8_t* needs, uint32_t* leak_blocks, Py_ssize_t* n_leak, uint32_t* thr_blocks,
    Py_ssize_t* n_thr,
) noexcept nogil:
    """The Philox blocks one core needs per stream; returns the draws it consumes.

    IN per_core neurons' ``stochastic_leak`` and ``mask`` (pointers at the core's neuron 0).
    OUT ``needs[b]``: bit 0 if group b (neurons 4b..4b+3) has a stochastic leak, bit 1 if a
    stochastic threshold; ``leak_blocks[:n_leak]``, ``thr_blocks[:n_thr]``: those groups
    (each list has room for every group: entries are written always, kept when needed).
    """
    cdef Py_ssize_t b, nl = 0, nt = 0
    cdef int64_t n_draws = 0
    cdef uint8_t flag
    for b in range((per_core + 3) >> 2):
        flag = group_needs(min(4, per_core - 4 * b), &stochastic_leak[4 * b], &mask[4 * b],
                           &n_draws)
        needs[b] = flag
        leak_blocks[nl] = <uint32_t>b
        thr_blocks[nt] = <uint32_t>b
        nl += flag & 1
        nt += flag >> 1
    n_leak[0] = nl
    n_thr[0] = nt
    return n_draws


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
    plan_draws; ``lw``, ``tw`` the core's leak and threshold words, indexed by neuron.
    Returns the number of spikes.
    """
    cdef Py_ssize_t k = 0, m
    cdef int32_t lam[4]
    cdef int32_t eta[4]
    cdef int64_t n_spikes = 0
    if path == PHILOX_AVX2 and TN_HAVE_AVX2:
        # perf: 8 AVX2 lanes for every group, deterministic or not
        while k + 8 <= per_core:
            n_spikes += tn_update8_avx2(
                &v[k], &syn[k], &leak[k], &stoch[k], &lw[k], &mask[k], &tw[k], &rev[k],
                &alpha[k], &beta[k], &gamma[k], &kappa[k], &reset[k], lo, hi, &spikes[k],
            )
            k += 8
    while k < per_core:
        m = min(4, per_core - k)
        if m == 4 and path >= PHILOX_SSE2 and TN_HAVE_SSE2 and not needs[k >> 2]:
            # perf: deterministic group in 4 SSE2 lanes, 1.5x the scalar form (bench)
            n_spikes += tn_update4_plain(
                &v[k], &syn[k], &leak[k], &rev[k], &alpha[k], &beta[k], &gamma[k], &kappa[k],
                &reset[k], lo, hi, &spikes[k],
            )
        elif m == 4 and path >= PHILOX_SSE2 and TN_HAVE_SSE2:
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
    cdef Py_ssize_t per_core = n // n_cores, n_blocks = (per_core + 3) >> 2
    cdef Py_ssize_t c, i, j, n_leak, n_thr
    cdef int64_t n_spikes = 0, n_draws = 0
    # scratch for one core: group flags, block lists and words of both streams
    cdef uint8_t* needs = <uint8_t*>calloc(n_blocks, sizeof(uint8_t))
    cdef uint32_t* blocks = <uint32_t*>calloc(2 * n_blocks, sizeof(uint32_t))
    cdef uint32_t* lw = <uint32_t*>calloc(8 * n_blocks, sizeof(uint32_t))
    cdef uint32_t* tw = lw + 4 * n_blocks
    if simd_path == PHILOX_AUTO:
        simd_path = philox_best_path()
    try:
        if needs == NULL or blocks == NULL or lw == NULL:
            raise MemoryError("cannot allocate the neuron kernel's draw buffers")
        with nogil:
            for c in range(n_cores):
                j = c * per_core
                core_counts[c, 2] = plan_draws(
                    per_core, &stochastic_leak[j], &threshold_mask[j], needs, blocks, &n_leak,
                    blocks + n_blocks, &n_thr,
                )
                if use_draws:
                    for i in range(per_core):
                        lw[i] = draws[j + i, 0]
                        tw[i] = draws[j + i, 1]
                else:  # perf: one SIMD pass per stream, see the Cores part of benchmarks.md
                    philox_blocks_at(simd_path, seed, core_ids[c], tick, STREAM_LEAK, blocks,
                                     n_leak, lw)
                    philox_blocks_at(simd_path, seed, core_ids[c], tick, STREAM_THRESHOLD,
                                     blocks + n_blocks, n_thr, tw)
                core_counts[c, 0] = per_core
                core_counts[c, 1] = update_core(
                    simd_path, per_core, needs, lw, tw, &v[j], &syn_input[j], &leak[j], &leak_reversal[j],
                    &stochastic_leak[j], &threshold[j], &neg_threshold[j], &threshold_mask[j],
                    &reset_mode[j], &neg_saturate[j], &reset_value[j], v_min, v_max, &spikes[j],
                )
                n_spikes += core_counts[c, 1]
                n_draws += core_counts[c, 2]
    finally:
        free(needs)
        free(blocks)
        free(lw)
    return n, n_spikes, n_draws

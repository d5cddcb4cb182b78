"""TrueNorth neuron update kernel: all neurons of many cores, one tick, one call.

Equations, order, bit widths and draw keys: see :mod:`cores.truenorth`. NumPy twin:
:mod:`cores.reference.truenorth` (same argument order, same outputs).

Neurons go in groups of four. A group without stochastic leak or threshold goes straight to
four SSE2 lanes (``tn_update4_plain``); otherwise the leak terms and eta of the group are
drawn first (``prepare_group``), then the lanes (``tn_update4``). A last partial group, or a
build without SSE2, takes the scalar form (``scalar_group``) of the same equations.
"""

from libc.stdint cimport int16_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t

from cores._philox cimport draw_block

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
    static inline int tn_group_plain(const uint8_t *stochastic_leak, const int32_t *mask) {
        return !(stochastic_leak[0] | stochastic_leak[1] | stochastic_leak[2]
                 | stochastic_leak[3] | mask[0] | mask[1] | mask[2] | mask[3]);
    }
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
    /* lam, eta: int32[4] prepared by the caller (stochastic neurons in the group) */
    static inline int tn_update4(
        int32_t *v, const int32_t *syn, const int32_t *lam, const int32_t *eta,
        const uint8_t *rev, const int32_t *alpha, const int32_t *beta, const uint8_t *gamma,
        const uint8_t *kappa, const int32_t *reset, int32_t lo, int32_t hi, uint8_t *spikes)
    {
        return tn_lanes(v, syn, _mm_loadu_si128((const __m128i *)lam),
                        _mm_loadu_si128((const __m128i *)eta), rev, alpha, beta, gamma, kappa,
                        reset, lo, hi, spikes);
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
    #else
    #define TN_HAVE_SSE2 0
    static inline int tn_update4(
        int32_t *v, const int32_t *syn, const int32_t *lam, const int32_t *eta,
        const uint8_t *rev, const int32_t *alpha, const int32_t *beta, const uint8_t *gamma,
        const uint8_t *kappa, const int32_t *reset, int32_t lo_s, int32_t hi_s,
        uint8_t *spikes) { return 0; }
    static inline int tn_update4_plain(
        int32_t *v, const int32_t *syn, const int16_t *leak,
        const uint8_t *rev, const int32_t *alpha, const int32_t *beta, const uint8_t *gamma,
        const uint8_t *kappa, const int32_t *reset, int32_t lo, int32_t hi, uint8_t *spikes)
    { return 0; }
    #endif
    """
    bint TN_HAVE_SSE2
    bint tn_group_plain(const uint8_t* stochastic_leak, const int32_t* mask) nogil
    int tn_update4(
        int32_t* v, const int32_t* syn, const int32_t* lam, const int32_t* eta,
        const uint8_t* rev, const int32_t* alpha, const int32_t* beta, const uint8_t* gamma,
        const uint8_t* kappa, const int32_t* reset, int32_t lo, int32_t hi, uint8_t* spikes
    ) nogil
    int tn_update4_plain(
        int32_t* v, const int32_t* syn, const int16_t* leak,
        const uint8_t* rev, const int32_t* alpha, const int32_t* beta, const uint8_t* gamma,
        const uint8_t* kappa, const int32_t* reset, int32_t lo, int32_t hi, uint8_t* spikes
    ) nogil


cdef struct DrawCache:
    # Philox blocks last drawn per stream (4 neurons share one block)
    Py_ssize_t leak_block
    Py_ssize_t thr_block
    uint32_t leak_words[4]
    uint32_t thr_words[4]


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


cdef inline int64_t prepare_group(
    Py_ssize_t k, Py_ssize_t m, const int16_t* leak, const uint8_t* stochastic_leak,
    const int32_t* mask, const uint32_t* draws, uint64_t seed, uint32_t core, uint32_t tick,
    DrawCache* cache, int32_t* lam, int32_t* eta,
) noexcept nogil:
    """Leak term (eq. 3) and eta (eq. 4) of neurons k..k+m-1 of a core (pointers at neuron k).

    ``draws`` (m, 2) injected words, or NULL to draw from Philox. Returns the draws consumed.
    """
    cdef Py_ssize_t i
    cdef uint32_t word
    cdef int64_t n_draws = 0
    for i in range(m):
        lam[i] = leak[i]
        eta[i] = 0
        if stochastic_leak[i]:
            if draws != NULL:
                word = draws[2 * i]
            else:
                if (k + i) >> 2 != cache.leak_block:
                    cache.leak_block = (k + i) >> 2
                    draw_block(seed, core, tick, STREAM_LEAK, cache.leak_block, cache.leak_words)
                word = cache.leak_words[(k + i) & 3]
            n_draws += 1
            lam[i] = stochastic_term(leak[i], word & 0xFF)
        if mask[i]:
            if draws != NULL:
                word = draws[2 * i + 1]
            else:
                if (k + i) >> 2 != cache.thr_block:
                    cache.thr_block = (k + i) >> 2
                    draw_block(seed, core, tick, STREAM_THRESHOLD, cache.thr_block, cache.thr_words)
                word = cache.thr_words[(k + i) & 3]
            n_draws += 1
            eta[i] = word & <uint32_t>mask[i]
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

    IN/OUT v (n,) int32, within [v_min, v_max]. IN syn_input (n,) int32 and the (n,)
    parameter arrays of TrueNorthNeurons; core_ids (n_cores,) uint32; tick; seed; draws (n, 2)
    uint32 read only when use_draws; v_min, v_max inclusive membrane bounds within +-2**24.
    OUT spikes (n,) uint8; core_counts (n_cores, 3) int64: per core (neuron updates, spikes,
    draws consumed). Returns the column sums (neuron updates, spikes, draws consumed).
    """
    cdef Py_ssize_t n = v.shape[0], n_cores = core_ids.shape[0]
    cdef Py_ssize_t per_core = n // n_cores
    cdef Py_ssize_t c, k, m, j
    cdef bint plain
    cdef int32_t lam[4]
    cdef int32_t eta[4]
    cdef DrawCache cache
    cdef int64_t n_spikes = 0, n_draws = 0, core_spikes, core_draws
    with nogil:
        for c in range(n_cores):
            cache.leak_block = cache.thr_block = -1
            core_spikes = core_draws = 0
            k = 0
            while k < per_core:
                m = min(4, per_core - k)
                j = c * per_core + k
                plain = m == 4 and tn_group_plain(&stochastic_leak[j], &threshold_mask[j])
                if plain and TN_HAVE_SSE2:
                    # perf: deterministic group in 4 SSE2 lanes, 1.5x the scalar form (bench)
                    core_spikes += tn_update4_plain(
                        &v[j], &syn_input[j], &leak[j], &leak_reversal[j], &threshold[j],
                        &neg_threshold[j], &reset_mode[j], &neg_saturate[j], &reset_value[j],
                        v_min, v_max, &spikes[j],
                    )
                else:
                    core_draws += prepare_group(
                        k, m, &leak[j], &stochastic_leak[j], &threshold_mask[j],
                        &draws[j, 0] if use_draws else NULL, seed, core_ids[c], tick, &cache,
                        lam, eta,
                    )
                    if m == 4 and TN_HAVE_SSE2:
                        core_spikes += tn_update4(
                            &v[j], &syn_input[j], lam, eta, &leak_reversal[j], &threshold[j],
                            &neg_threshold[j], &reset_mode[j], &neg_saturate[j],
                            &reset_value[j], v_min, v_max, &spikes[j],
                        )
                    else:
                        core_spikes += scalar_group(
                            m, &v[j], &syn_input[j], lam, eta, &leak_reversal[j],
                            &threshold[j], &neg_threshold[j], &reset_mode[j], &neg_saturate[j],
                            &reset_value[j], v_min, v_max, &spikes[j],
                        )
                k += m
            core_counts[c, 0] = per_core
            core_counts[c, 1] = core_spikes
            core_counts[c, 2] = core_draws
            n_spikes += core_spikes
            n_draws += core_draws
    return n, n_spikes, n_draws

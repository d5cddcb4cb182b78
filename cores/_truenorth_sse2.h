/* TrueNorth neuron kernel helpers in C for cores/_truenorth.pyx: four neurons in the int32
 * lanes of one SSE2 register (every x86-64; tn_update4_plain for deterministic groups,
 * tn_update4_words for groups with drawn words), and tn_plan_draws, the scan that finds the
 * Philox blocks a core needs. Equations and order: cores/truenorth.py; the scalar form is
 * scalar_group in the .pyx, the AVX2 form cores/_truenorth_avx2.h. Without SSE2 (or with
 * CHIPSIM_NO_X86_SIMD) the lane functions are stubs, TN_HAVE_SSE2 is 0 and the scan is scalar.
 */
#ifndef CHIPSIM_TRUENORTH_SSE2_H
#define CHIPSIM_TRUENORTH_SSE2_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && !defined(CHIPSIM_NO_X86_SIMD)
#include <emmintrin.h>
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
/* Steps 1-3 of cores.truenorth for four neurons as int32 lane selects; l is the leak term
   (lambda or F(lambda, rho)) and e = eta = rho_T & M. syn is clamped to +-2**26 first so
   v + syn cannot overflow; with |v| <= 2**24 (the caller's v_range) that changes no
   saturated sum. Returns the number of spikes. */
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
    const __m128i f1 = _mm_and_si128(fire, one);  /* 4 x int32 0/1 -> 4 bytes */
    const __m128i packed = _mm_packs_epi16(_mm_packs_epi32(f1, f1), f1);
    const uint32_t bytes = (uint32_t)_mm_cvtsi128_si32(packed);
    memcpy(spikes, &bytes, 4);
    return (int)((bytes * 0x01010101u) >> 24);
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

static inline uint32_t tn_popcount(uint32_t x) {  /* SWAR: no POPCNT in baseline x86-64 */
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    return (((x + (x >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24;
}

/* Group g (neurons 4g..4g+3) from bit masks of its neurons with a stochastic leak (lbits) and
   threshold (tbits): needs[g] and, branch-free, the block lists of the two streams. */
static inline void tn_plan_group(uint32_t g, uint32_t lbits, uint32_t tbits, uint8_t *needs,
                                 uint32_t *leak_blocks, ptrdiff_t *nl, uint32_t *thr_blocks,
                                 ptrdiff_t *nt) {
    const uint32_t fl = lbits != 0, ft = tbits != 0;
    needs[g] = (uint8_t)(fl | (ft << 1));
    leak_blocks[*nl] = g;
    thr_blocks[*nt] = g;
    *nl += fl;
    *nt += ft;
}

/* 1 if any of per_core neurons has a stochastic leak (stoch) or threshold (mask != 0), else 0;
   stops at the first 16 neurons that have one. */
static inline int tn_any_draws(ptrdiff_t per_core, const uint8_t *stoch, const int32_t *mask) {
    ptrdiff_t k = 0;
#if TN_HAVE_SSE2
    /* perf: a deterministic core is found with a few ORs per 16 neurons and skips
       tn_plan_draws: deterministic 287 -> 326 M/s on the SSE2 path, 594 -> 893 M/s on the
       AVX2 one (/tmp A/B script, 1024 cores, see docs/benchmarks.md) */
    for (; k + 16 <= per_core; k += 16) {
        __m128i any = _mm_loadu_si128((const __m128i *)&stoch[k]);
        for (int q = 0; q < 4; q++)
            any = _mm_or_si128(any, _mm_loadu_si128((const __m128i *)&mask[k + 4 * q]));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(any, _mm_setzero_si128())) != 0xFFFF) return 1;
    }
#endif
    for (; k < per_core; k++)
        if (stoch[k] | mask[k]) return 1;
    return 0;
}

/* The Philox blocks one core needs per stream; returns the draws it consumes (one per mode on
   per neuron). IN per_core neurons' stoch (stochastic leak flags) and mask (pointers at the
   core's neuron 0). OUT needs[g]: bit 0 if group g has a stochastic leak, bit 1 a stochastic
   threshold; leak_blocks[:*n_leak], thr_blocks[:*n_thr]: those groups (each list has room
   for every group). */
static inline int64_t tn_plan_draws(ptrdiff_t per_core, const uint8_t *stoch,
                                    const int32_t *mask, uint8_t *needs, uint32_t *leak_blocks,
                                    ptrdiff_t *n_leak, uint32_t *thr_blocks, ptrdiff_t *n_thr) {
    ptrdiff_t k = 0, nl = 0, nt = 0;
    int64_t n_draws = 0;
#if TN_HAVE_SSE2
    const __m128i z = _mm_setzero_si128();
    for (; k + 16 <= per_core; k += 16) {
        const __m128i s = _mm_loadu_si128((const __m128i *)&stoch[k]);
        const uint32_t lbits = 0xFFFFu ^ (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(s, z));
        __m128i m[4];
        for (int q = 0; q < 4; q++)
            m[q] = _mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)&mask[k + 4 * q]), z);
        const __m128i zero_masks = _mm_packs_epi16(_mm_packs_epi32(m[0], m[1]),
                                                   _mm_packs_epi32(m[2], m[3]));
        const uint32_t tbits = 0xFFFFu ^ (uint32_t)_mm_movemask_epi8(zero_masks);
        n_draws += tn_popcount(lbits) + tn_popcount(tbits);
        for (int q = 0; q < 4; q++)
            tn_plan_group((uint32_t)(k >> 2) + q, (lbits >> (4 * q)) & 15,
                          (tbits >> (4 * q)) & 15, needs, leak_blocks, &nl, thr_blocks, &nt);
    }
#endif
    for (; k < per_core; k += 4) {
        const ptrdiff_t m = per_core - k < 4 ? per_core - k : 4;
        uint32_t lbits = 0, tbits = 0;
        for (ptrdiff_t i = 0; i < m; i++) {
            lbits |= (uint32_t)(stoch[k + i] != 0) << i;
            tbits |= (uint32_t)(mask[k + i] != 0) << i;
        }
        n_draws += tn_popcount(lbits) + tn_popcount(tbits);
        tn_plan_group((uint32_t)(k >> 2), lbits, tbits, needs, leak_blocks, &nl, thr_blocks,
                      &nt);
    }
    *n_leak = nl;
    *n_thr = nt;
    return n_draws;
}

#endif

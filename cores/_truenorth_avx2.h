/* Steps 1-3 of cores.truenorth for eight neurons in the int32 lanes of one AVX2 register:
 * the same equations and order as tn_lanes (SSE2, cores/_truenorth.pyx) and scalar_group,
 * with AVX2's min/max for saturation, blendv for selects and sign for sgn(x) * lambda.
 * Compiled with a target attribute; the caller runs it only where the CPU reports AVX2
 * (philox_path_available(PHILOX_AVX2), cores/_philox_simd.h). Without x86-64 GCC/Clang (or
 * with CHIPSIM_NO_X86_SIMD) it is a stub and TN_HAVE_AVX2 is 0.
 *
 * Leak term and eta come from the drawn words, for every neuron: lam = F(lambda, lw & 0xFF)
 * where the leak is stochastic, else lambda (eq. 3); eta = tw & M, which is 0 where M = 0
 * (eq. 4). Words of neurons without the mode are never used, so they may hold anything.
 * syn is clamped to +-2**26 first so v + syn cannot overflow; with |v| <= 2**24 (the caller's
 * v_range) that changes no saturated sum. Returns the number of spikes.
 */
#ifndef CHIPSIM_TRUENORTH_AVX2_H
#define CHIPSIM_TRUENORTH_AVX2_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "_philox_simd.h"  /* PHILOX_HAVE_AVX */

#if PHILOX_HAVE_AVX
#include <immintrin.h>
#define TN_HAVE_AVX2 1
#define TN_AVX2 __attribute__((target("avx2"))) static inline

TN_AVX2 __m256i tn8_u8(const uint8_t *p) {  /* 8 bytes -> 8 int32 */
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p));
}

TN_AVX2 __m256i tn8_i32(const int32_t *p) { return _mm256_loadu_si256((const __m256i *)p); }

TN_AVX2 __m256i tn8_clip(__m256i x, __m256i lo, __m256i hi) {
    return _mm256_min_epi32(_mm256_max_epi32(x, lo), hi);
}

/* leak term: F(lambda, rho) = sgn(lambda) if |lambda| >= rho else 0, where stochastic */
TN_AVX2 __m256i tn8_leak_term(const int16_t *leak, const uint8_t *stoch, const uint32_t *lw) {
    const __m256i l = _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)leak));
    const __m256i rho = _mm256_and_si256(tn8_i32((const int32_t *)lw), _mm256_set1_epi32(0xFF));
    const __m256i f = _mm256_andnot_si256(_mm256_cmpgt_epi32(rho, _mm256_abs_epi32(l)),
                                          _mm256_sign_epi32(_mm256_set1_epi32(1), l));
    const __m256i st = _mm256_cmpgt_epi32(tn8_u8(stoch), _mm256_setzero_si256());
    return _mm256_blendv_epi8(l, f, st);
}

/* fire bits (int32 lanes -1 / 0) -> 8 bytes 1 / 0 at spikes; returns their sum */
TN_AVX2 int tn8_store_spikes(__m256i fire, uint8_t *spikes) {
    const __m256i w = _mm256_and_si256(fire, _mm256_set1_epi32(1));
    const __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(w, w), w);  /* 128-bit halves */
    const uint64_t bytes = (uint32_t)_mm_cvtsi128_si32(_mm256_castsi256_si128(p))
                           | (uint64_t)(uint32_t)_mm_cvtsi128_si32(_mm256_extracti128_si256(p, 1))
                                 << 32;
    memcpy(spikes, &bytes, 8);
    return (int)((bytes * 0x0101010101010101ull) >> 56);
}

TN_AVX2 int tn_update8_avx2(
    int32_t *v, const int32_t *syn, const int16_t *leak, const uint8_t *stoch,
    const uint32_t *lw, const int32_t *mask, const uint32_t *tw, const uint8_t *rev,
    const int32_t *alpha, const int32_t *beta, const uint8_t *gamma, const uint8_t *kappa,
    const int32_t *reset, int32_t lo_s, int32_t hi_s, uint8_t *spikes)
{
    const __m256i z = _mm256_setzero_si256(), lo = _mm256_set1_epi32(lo_s);
    const __m256i hi = _mm256_set1_epi32(hi_s);
    const __m256i big = _mm256_set1_epi32(1 << 26), nbig = _mm256_set1_epi32(-(1 << 26));
    const __m256i lam = tn8_leak_term(leak, stoch, lw);
    const __m256i eta = _mm256_and_si256(tn8_i32((const int32_t *)tw), tn8_i32(mask));
    const __m256i s = tn8_clip(tn8_i32(syn), nbig, big);
    const __m256i x = tn8_clip(_mm256_add_epi32(tn8_i32(v), s), lo, hi);  /* 1. */
    const __m256i eps = _mm256_cmpgt_epi32(tn8_u8(rev), z);  /* 2. leak, eq. 3 */
    __m256i y = _mm256_add_epi32(x, _mm256_blendv_epi8(lam, _mm256_sign_epi32(lam, x), eps));
    const __m256i crossed = _mm256_cmpgt_epi32(z, _mm256_xor_si256(x, y));  /* sign flip */
    y = tn8_clip(_mm256_andnot_si256(_mm256_and_si256(eps, crossed), y), lo, hi);
    const __m256i kap = _mm256_cmpgt_epi32(tn8_u8(kappa), z);  /* 3. eq. 4-6 */
    const __m256i a = _mm256_add_epi32(tn8_i32(alpha), eta);
    const __m256i b = _mm256_add_epi32(tn8_i32(beta), _mm256_andnot_si256(kap, eta));
    const __m256i nb = _mm256_sub_epi32(z, b), r = tn8_i32(reset), g = tn8_u8(gamma);
    const __m256i g0 = _mm256_cmpeq_epi32(g, z), g1 = _mm256_cmpeq_epi32(g, _mm256_set1_epi32(1));
    const __m256i nfire = _mm256_cmpgt_epi32(a, y);
    const __m256i below = _mm256_and_si256(nfire, _mm256_cmpgt_epi32(nb, y));
    const __m256i up = _mm256_blendv_epi8(_mm256_blendv_epi8(y, _mm256_sub_epi32(y, a), g1), r, g0);
    __m256i down = _mm256_blendv_epi8(y, _mm256_add_epi32(y, b), g1);
    down = _mm256_blendv_epi8(_mm256_blendv_epi8(down, _mm256_sub_epi32(z, r), g0), nb, kap);
    y = _mm256_blendv_epi8(up, _mm256_blendv_epi8(y, down, below), nfire);
    _mm256_storeu_si256((__m256i *)v, tn8_clip(y, lo, hi));
    return tn8_store_spikes(_mm256_andnot_si256(nfire, _mm256_set1_epi32(-1)), spikes);
}

/* The first 8 * (per_core / 8) neurons of a core (pointers at its neuron 0; lw, tw its words
   by neuron); *done = how many. Returns the number of spikes. */
__attribute__((target("avx2"))) static int64_t tn_core_avx2(
    ptrdiff_t per_core, const uint32_t *lw, const uint32_t *tw, int32_t *v, const int32_t *syn,
    const int16_t *leak, const uint8_t *rev, const uint8_t *stoch, const int32_t *alpha,
    const int32_t *beta, const int32_t *mask, const uint8_t *gamma, const uint8_t *kappa,
    const int32_t *reset, int32_t lo, int32_t hi, uint8_t *spikes, ptrdiff_t *done)
{
    /* perf: the loop inside the target("avx2") function, so tn_update8_avx2 inlines (no
       16-argument call per 8 neurons): deterministic 893 -> 1115, stochastic leak 413 -> 453
       M/s (A/B bench, 1024 cores) */
    int64_t n_spikes = 0;
    ptrdiff_t k = 0;
    for (; k + 8 <= per_core; k += 8)
        n_spikes += tn_update8_avx2(&v[k], &syn[k], &leak[k], &stoch[k], &lw[k], &mask[k],
                                    &tw[k], &rev[k], &alpha[k], &beta[k], &gamma[k], &kappa[k],
                                    &reset[k], lo, hi, &spikes[k]);
    *done = k;
    return n_spikes;
}
#else
#define TN_HAVE_AVX2 0
static inline int64_t tn_core_avx2(
    ptrdiff_t per_core, const uint32_t *lw, const uint32_t *tw, int32_t *v, const int32_t *syn,
    const int16_t *leak, const uint8_t *rev, const uint8_t *stoch, const int32_t *alpha,
    const int32_t *beta, const int32_t *mask, const uint8_t *gamma, const uint8_t *kappa,
    const int32_t *reset, int32_t lo, int32_t hi, uint8_t *spikes, ptrdiff_t *done)
{
    *done = 0;
    return 0;
}
#endif

#endif

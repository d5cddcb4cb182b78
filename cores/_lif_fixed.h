/* The s16.15 LIF update (lif_fixed_update, cores/_lif.pyx): one neuron at a time
 * (lif_fixed_scalar, portable C), or eight in the 64-bit lanes of one AVX-512 register
 * (lif_fixed_avx512): the same equations, order and saturations, so the same bits
 * (tests/cores/test_lif_twin.py runs both). Every product the scalar one forms in 64 bits is
 * formed exactly in the lanes too: the ring input's (u16 << shift) * u0.32 by vpmuludq, the
 * s16.15 products of two int32 by vpmuldq, the decays' int32 * u0.32 by vpmullq (AVX512DQ);
 * shifts right are arithmetic (vpsraq), as the scalar int64 ones are with GCC and Clang.
 *
 * Compiled with a target attribute; the caller runs it only where the CPU reports AVX512F and
 * AVX512DQ (lif_have_avx512). Without x86-64 GCC/Clang, or with CHIPSIM_NO_X86_SIMD, it is a
 * stub and LIF_HAVE_AVX512 is 0.
 */
#ifndef CHIPSIM_LIF_FIXED_H
#define CHIPSIM_LIF_FIXED_H

#include <stddef.h>
#include <stdint.h>

/* One population's rows for lif_fixed_update (cores/lif.py names them), neuron i at [i]. */
typedef struct {
    const int32_t *v_rest, *r_membrane, *exp_tc, *v_thresh, *v_reset, *i_offset; /* s16.15 */
    const uint32_t *decay_exc, *decay_inh, *init_exc, *init_inh;                  /* u0.32 */
    const int32_t *t_refract, *shift_exc, *shift_inh;
    int32_t *v, *i_exc, *i_inh, *refract; /* IN/OUT: v_mv, i_exc_na, i_inh_na (s16.15), ticks */
    uint16_t *ring_exc, *ring_inh;        /* IN/OUT: this tick's ring buffer slot, cleared */
} LifFixedRows;

static inline int64_t lif_sat32(int64_t x) {
    return x > INT32_MAX ? INT32_MAX : x < INT32_MIN ? INT32_MIN : x;
}

/* Neurons [i0, n) one at a time (sPyNNaker's LIF, saturating stores); appends the spikes to
 * out_spikes from n_spikes on and returns their new count. */
static inline int64_t lif_fixed_scalar(const LifFixedRows *r, int64_t i0, int64_t n,
                                       int32_t *out_spikes, int64_t n_spikes) {
    for (int64_t i = i0; i < n; i++) {
        const int64_t ie = lif_sat32(
            r->i_exc[i] + (((int64_t)r->ring_exc[i] << r->shift_exc[i]) * r->init_exc[i] >> 32));
        const int64_t ii = lif_sat32(
            r->i_inh[i] + (((int64_t)r->ring_inh[i] << r->shift_inh[i]) * r->init_inh[i] >> 32));
        r->ring_exc[i] = r->ring_inh[i] = 0;
        int32_t v = r->v[i];
        if (r->refract[i] <= 0) {
            const int64_t inp = lif_sat32(ie - ii + r->i_offset[i]);
            const int64_t alpha = lif_sat32((inp * r->r_membrane[i] >> 15) + r->v_rest[i]);
            const int64_t diff = lif_sat32(alpha - v);
            v = (int32_t)lif_sat32(alpha - (((int64_t)r->exp_tc[i] * diff) >> 15));
        } else {
            r->refract[i] -= 1;
        }
        if (v >= r->v_thresh[i]) {
            v = r->v_reset[i];
            r->refract[i] = r->t_refract[i];
            out_spikes[n_spikes++] = (int32_t)i;
        }
        r->v[i] = v;
        r->i_exc[i] = (int32_t)((ie * r->decay_exc[i]) >> 32);
        r->i_inh[i] = (int32_t)((ii * r->decay_inh[i]) >> 32);
    }
    return n_spikes;
}

#if defined(__x86_64__) && !defined(CHIPSIM_NO_X86_SIMD)
#include <immintrin.h>
#define LIF_HAVE_AVX512 1
#define LIF_AVX512 __attribute__((target("avx512f,avx512dq"))) static inline

static inline int lif_have_avx512(void) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
}

LIF_AVX512 __m512i lif8_i32(const int32_t *p) {  /* 8 int32 -> 8 int64, sign-extended */
    return _mm512_cvtepi32_epi64(_mm256_loadu_si256((const __m256i *)p));
}

LIF_AVX512 __m512i lif8_u32(const uint32_t *p) {
    return _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)p));
}

LIF_AVX512 void lif8_store(int32_t *p, __m512i x) {  /* the low 32 bits of each lane */
    _mm256_storeu_si256((__m256i *)p, _mm512_cvtepi64_epi32(x));
}

LIF_AVX512 __m512i lif8_sat(__m512i x) {  /* sat32 */
    return _mm512_min_epi64(_mm512_max_epi64(x, _mm512_set1_epi64(INT32_MIN)),
                            _mm512_set1_epi64(INT32_MAX));
}

/* s + ((ring << shift) * init >> 32), saturated; the ring's 8 words cleared */
LIF_AVX512 __m512i lif8_input(const int32_t *s, uint16_t *ring, const int32_t *shift,
                              const uint32_t *init) {
    const __m512i r = _mm512_cvtepu16_epi64(_mm_loadu_si128((const __m128i *)ring));
    const __m512i scaled = _mm512_sllv_epi64(r, lif8_i32(shift));
    _mm_storeu_si128((__m128i *)ring, _mm_setzero_si128());
    return lif8_sat(_mm512_add_epi64(
        lif8_i32(s), _mm512_srli_epi64(_mm512_mul_epu32(scaled, lif8_u32(init)), 32)));
}

/* Neurons [0, n8) of lif_fixed_update (n8 a multiple of 8); returns the spikes written. */
LIF_AVX512 int64_t lif_fixed_avx512(const LifFixedRows *r, int64_t n8, int32_t *out_spikes) {
    int64_t n_spikes = 0;
    const __m512i one = _mm512_set1_epi64(1), zero = _mm512_setzero_si512();
    for (int64_t i = 0; i < n8; i += 8) {
        const __m512i ie = lif8_input(r->i_exc + i, r->ring_exc + i, r->shift_exc + i,
                                      r->init_exc + i);
        const __m512i ii = lif8_input(r->i_inh + i, r->ring_inh + i, r->shift_inh + i,
                                      r->init_inh + i);
        __m512i v = lif8_i32(r->v + i), left = lif8_i32(r->refract + i);
        const __mmask8 free = _mm512_cmple_epi64_mask(left, zero);
        const __m512i inp = lif8_sat(_mm512_add_epi64(_mm512_sub_epi64(ie, ii),
                                                      lif8_i32(r->i_offset + i)));
        const __m512i alpha = lif8_sat(_mm512_add_epi64(
            _mm512_srai_epi64(_mm512_mul_epi32(inp, lif8_i32(r->r_membrane + i)), 15),
            lif8_i32(r->v_rest + i)));
        const __m512i diff = lif8_sat(_mm512_sub_epi64(alpha, v));
        const __m512i decayed = lif8_sat(_mm512_sub_epi64(
            alpha, _mm512_srai_epi64(_mm512_mul_epi32(lif8_i32(r->exp_tc + i), diff), 15)));
        v = _mm512_mask_mov_epi64(v, free, decayed);
        left = _mm512_mask_sub_epi64(left, (__mmask8)~free, left, one);
        __mmask8 spiked = _mm512_cmpge_epi64_mask(v, lif8_i32(r->v_thresh + i));
        v = _mm512_mask_mov_epi64(v, spiked, lif8_i32(r->v_reset + i));
        left = _mm512_mask_mov_epi64(left, spiked, lif8_i32(r->t_refract + i));
        lif8_store(r->v + i, v);
        lif8_store(r->refract + i, left);
        lif8_store(r->i_exc + i,
                   _mm512_srai_epi64(_mm512_mullo_epi64(ie, lif8_u32(r->decay_exc + i)), 32));
        lif8_store(r->i_inh + i,
                   _mm512_srai_epi64(_mm512_mullo_epi64(ii, lif8_u32(r->decay_inh + i)), 32));
        while (spiked) {  /* in update order */
            out_spikes[n_spikes++] = (int32_t)(i + __builtin_ctz(spiked));
            spiked &= (__mmask8)(spiked - 1);
        }
    }
    return n_spikes;
}
#else
#define LIF_HAVE_AVX512 0
static inline int lif_have_avx512(void) { return 0; }
static inline int64_t lif_fixed_avx512(const LifFixedRows *r, int64_t n8, int32_t *out_spikes) {
    (void)r; (void)n8; (void)out_spikes;
    return 0;
}
#endif

#endif

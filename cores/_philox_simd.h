/* Philox4x32-10 (Salmon et al., SC'11, Random123) in C: one block, and many blocks of one
 * (tick, core, stream) key at once in SIMD lanes. Declared to Cython in cores/_philox.pxd,
 * which documents chipsim's counter and key layout; the NumPy twin is cores/reference/rng.py.
 *
 * philox_blocks_at(path, seed, core, tick, stream, blocks, n, words) computes, for each
 * i < n, the block with counter (blocks[i], tick, core, stream) and key (seed low, seed high)
 * and writes its 4 words to words[4 * blocks[i] .. 4 * blocks[i] + 3] (a scatter: the caller
 * sizes words for the largest block number). Paths: PHILOX_SCALAR (any compiler),
 * PHILOX_SSE2 (2 blocks per 128-bit register, every x86-64), PHILOX_AVX2 (4 blocks per 256-bit
 * register) and PHILOX_AVX512 (8 blocks per 512-bit register), the last two compiled with a
 * target attribute and run only where the CPU reports the extension (a request for a path the
 * CPU lacks runs the scalar one), PHILOX_AUTO (the best one the CPU has). All paths give the
 * same words bit for bit (tests/cores/test_simd_paths.py).
 *
 * perf: blocks per second (scripts/bench_crossbar.py "Philox" line: 2**18 blocks per call,
 * 64 distinct, AMD EPYC, one core): scalar 111 M, SSE2 199 M, AVX2 286 M, AVX-512 462-475 M.
 *
 * SIMD layout: each 32-bit state word of a block sits in the low half of a 64-bit lane, so
 * _mm_mul_epu32 gives the full 32 x 32 -> 64 product in one instruction, hi is a 64-bit shift,
 * and lo is the product itself: the high halves of lanes carry garbage that no step reads
 * (mul_epu32 reads the low halves only, xor is bitwise), and is masked off at the end.
 */
#ifndef CHIPSIM_PHILOX_SIMD_H
#define CHIPSIM_PHILOX_SIMD_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

/* x86-64 SIMD paths; define CHIPSIM_NO_X86_SIMD to build the portable form only (as on other
 * architectures, e.g. to check that it compiles). */
#if defined(__x86_64__) && !defined(CHIPSIM_NO_X86_SIMD)
#define PHILOX_X86 1
#else
#define PHILOX_X86 0
#endif

enum { PHILOX_AUTO = 0, PHILOX_SCALAR = 1, PHILOX_SSE2 = 2, PHILOX_AVX2 = 3, PHILOX_AVX512 };

/* IN ctr[4], key[2]; OUT out[4] (may alias ctr). Ten Philox rounds. */
static inline void philox4x32_10(const uint32_t *ctr, const uint32_t *key, uint32_t *out) {
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3], k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++) {
        if (r > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        const uint64_t p0 = (uint64_t)PHILOX_M0 * c0, p1 = (uint64_t)PHILOX_M1 * c2;
        c0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        c2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

static inline void philox_blocks_scalar(uint64_t seed, uint32_t core, uint32_t tick,
                                        uint32_t stream, const uint32_t *blocks, ptrdiff_t n,
                                        uint32_t *words) {
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    for (ptrdiff_t i = 0; i < n; i++) {
        const uint32_t ctr[4] = {blocks[i], tick, core, stream};
        philox4x32_10(ctr, key, &words[4 * (size_t)blocks[i]]);
    }
}

/* Ten rounds on NR registers of blocks; c[h][0] starts as the block numbers, c[h][1..3] as the
 * broadcast (tick, core, stream); rk0[r], rk1[r] are the broadcast round keys and m0, m1 the
 * broadcast multipliers. MUL, SRL: the register type's _mul_epu32 and _srli_epi64; XOR3(a, b,
 * c) = a ^ b ^ c. The registers are independent chains, interleaved for the pipelines. */
#define PHILOX_ROUNDS(NR, MUL, SRL, XOR3, m0, m1, rk0, rk1, c)                                \
    _Pragma("GCC unroll 10") for (int r_ = 0; r_ < 10; r_++) {                               \
        _Pragma("GCC unroll 4") for (int h_ = 0; h_ < (NR); h_++) {                          \
            const __typeof__(m0) p0_ = MUL(c[h_][0], m0), p1_ = MUL(c[h_][2], m1);           \
            c[h_][0] = XOR3(SRL(p1_, 32), c[h_][1], rk0[r_]);                                \
            c[h_][2] = XOR3(SRL(p0_, 32), c[h_][3], rk1[r_]);                                \
            c[h_][1] = p1_;                                                                  \
            c[h_][3] = p0_;                                                                  \
        }                                                                                    \
    }

/* Round keys k0 + r W0, k1 + r W1 (mod 2**32), r = 0..9. */
static inline void philox_round_keys(uint64_t seed, uint32_t *k0, uint32_t *k1) {
    k0[0] = (uint32_t)seed;
    k1[0] = (uint32_t)(seed >> 32);
    for (int r = 1; r < 10; r++) {
        k0[r] = k0[r - 1] + PHILOX_W0;
        k1[r] = k1[r - 1] + PHILOX_W1;
    }
}

/* OUT b[0..nb): blocks[i..i+nb), the spare entries past n repeating the last block (its
 * words are then computed twice and stored twice to the same place). */
static inline void philox_step_blocks(const uint32_t *blocks, ptrdiff_t i, ptrdiff_t n,
                                      int nb, uint32_t *b) {
    for (int j = 0; j < nb; j++) b[j] = blocks[i + j < n ? i + j : n - 1];
}

#if PHILOX_X86 && defined(__SSE2__)
#include <emmintrin.h>
#define PHILOX_HAVE_SSE2 1

static inline __m128i philox_xor3_sse2(__m128i a, __m128i b, __m128i c) {
    return _mm_xor_si128(_mm_xor_si128(a, b), c);
}

/* Two blocks per register, two registers (4 blocks) per step. */
static inline void philox_blocks_sse2(uint64_t seed, uint32_t core, uint32_t tick,
                                      uint32_t stream, const uint32_t *blocks, ptrdiff_t n,
                                      uint32_t *words) {
    enum { NR = 2, NB = 4 };
    uint32_t k0[10], k1[10], b[NB];
    __m128i rk0[10], rk1[10], c[NR][4];
    philox_round_keys(seed, k0, k1);
    for (int r = 0; r < 10; r++) {
        rk0[r] = _mm_set1_epi64x(k0[r]);
        rk1[r] = _mm_set1_epi64x(k1[r]);
    }
    const __m128i m0 = _mm_set1_epi64x(PHILOX_M0), m1 = _mm_set1_epi64x(PHILOX_M1);
    const __m128i low = _mm_set1_epi64x(0xFFFFFFFF);
    for (ptrdiff_t i = 0; i < n; i += NB) {
        philox_step_blocks(blocks, i, n, NB, b);
        for (int h = 0; h < NR; h++) {
            c[h][0] = _mm_set_epi64x(b[2 * h + 1], b[2 * h]);
            c[h][1] = _mm_set1_epi64x(tick);
            c[h][2] = _mm_set1_epi64x(core);
            c[h][3] = _mm_set1_epi64x(stream);
        }
        PHILOX_ROUNDS(NR, _mm_mul_epu32, _mm_srli_epi64, philox_xor3_sse2, m0, m1, rk0, rk1, c)
        for (int h = 0; h < NR; h++) {  /* words (w0 w1, w2 w3) of a block per 128 bits */
            const __m128i t01 = _mm_or_si128(_mm_and_si128(c[h][0], low),
                                             _mm_slli_epi64(c[h][1], 32));
            const __m128i t23 = _mm_or_si128(_mm_and_si128(c[h][2], low),
                                             _mm_slli_epi64(c[h][3], 32));
            _mm_storeu_si128((__m128i *)&words[4 * (size_t)b[2 * h]],
                             _mm_unpacklo_epi64(t01, t23));
            _mm_storeu_si128((__m128i *)&words[4 * (size_t)b[2 * h + 1]],
                             _mm_unpackhi_epi64(t01, t23));
        }
    }
}
#else
#define PHILOX_HAVE_SSE2 0
#endif

#if PHILOX_X86 && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PHILOX_HAVE_AVX 1
#define PHILOX_AVX2_FN __attribute__((target("avx2"))) static
#define PHILOX_AVX512_FN __attribute__((target("avx512f"))) static

PHILOX_AVX2_FN inline __m256i philox_xor3_avx2(__m256i a, __m256i b, __m256i c) {
    return _mm256_xor_si256(_mm256_xor_si256(a, b), c);
}

/* OUT: the blocks of the 128-bit halves of lo (blocks bh[0], bh[2]) and hi (bh[1], bh[3]). */
PHILOX_AVX2_FN inline void philox_store_avx2(__m256i lo, __m256i hi, const uint32_t *bh,
                                             uint32_t *words) {
    _mm_storeu_si128((__m128i *)&words[4 * (size_t)bh[0]], _mm256_castsi256_si128(lo));
    _mm_storeu_si128((__m128i *)&words[4 * (size_t)bh[1]], _mm256_castsi256_si128(hi));
    _mm_storeu_si128((__m128i *)&words[4 * (size_t)bh[2]], _mm256_extracti128_si256(lo, 1));
    _mm_storeu_si128((__m128i *)&words[4 * (size_t)bh[3]], _mm256_extracti128_si256(hi, 1));
}

/* Four blocks per register, four registers (16 blocks) per step: perf: 2 registers per step
   205 M blocks/s, 3 registers 215 M, 4 registers 270 M (fully unrolled rounds). */
PHILOX_AVX2_FN void philox_blocks_avx2(uint64_t seed, uint32_t core, uint32_t tick,
                                       uint32_t stream, const uint32_t *blocks, ptrdiff_t n,
                                       uint32_t *words) {
    enum { NR = 4, NB = 16 };
    uint32_t k0[10], k1[10], b[NB];
    __m256i rk0[10], rk1[10], c[NR][4];
    philox_round_keys(seed, k0, k1);
    for (int r = 0; r < 10; r++) {
        rk0[r] = _mm256_set1_epi64x(k0[r]);
        rk1[r] = _mm256_set1_epi64x(k1[r]);
    }
    const __m256i m0 = _mm256_set1_epi64x(PHILOX_M0), m1 = _mm256_set1_epi64x(PHILOX_M1);
    const __m256i low = _mm256_set1_epi64x(0xFFFFFFFF);
    for (ptrdiff_t i = 0; i < n; i += NB) {
        philox_step_blocks(blocks, i, n, NB, b);
        for (int h = 0; h < NR; h++) {
            c[h][0] = _mm256_cvtepu32_epi64(_mm_loadu_si128((const __m128i *)&b[4 * h]));
            c[h][1] = _mm256_set1_epi64x(tick);
            c[h][2] = _mm256_set1_epi64x(core);
            c[h][3] = _mm256_set1_epi64x(stream);
        }
        PHILOX_ROUNDS(NR, _mm256_mul_epu32, _mm256_srli_epi64, philox_xor3_avx2, m0, m1, rk0,
                      rk1, c)
        for (int h = 0; h < NR; h++) {
            const __m256i t01 = _mm256_or_si256(_mm256_and_si256(c[h][0], low),
                                                _mm256_slli_epi64(c[h][1], 32));
            const __m256i t23 = _mm256_or_si256(_mm256_and_si256(c[h][2], low),
                                                _mm256_slli_epi64(c[h][3], 32));
            philox_store_avx2(_mm256_unpacklo_epi64(t01, t23), _mm256_unpackhi_epi64(t01, t23),
                              &b[4 * h], words);
        }
    }
}

PHILOX_AVX512_FN inline __m512i philox_xor3_avx512(__m512i a, __m512i b, __m512i c) {
    return _mm512_ternarylogic_epi64(a, b, c, 0x96);  /* one instruction */
}

/* Eight blocks per register, four registers (32 blocks) per step: perf: 2 registers per step
   311 M blocks/s, 4 registers 445 M, 6 registers 467 M but 96 blocks computed for the 64 of
   a TrueNorth core's stream (above). */
PHILOX_AVX512_FN void philox_blocks_avx512(uint64_t seed, uint32_t core, uint32_t tick,
                                           uint32_t stream, const uint32_t *blocks, ptrdiff_t n,
                                           uint32_t *words) {
    enum { NR = 4, NB = 32 };
    uint32_t k0[10], k1[10], b[NB], lo[16], hi[16];
    __m512i rk0[10], rk1[10], c[NR][4];
    philox_round_keys(seed, k0, k1);
    for (int r = 0; r < 10; r++) {
        rk0[r] = _mm512_set1_epi64(k0[r]);
        rk1[r] = _mm512_set1_epi64(k1[r]);
    }
    const __m512i m0 = _mm512_set1_epi64(PHILOX_M0), m1 = _mm512_set1_epi64(PHILOX_M1);
    for (ptrdiff_t i = 0; i < n; i += NB) {
        philox_step_blocks(blocks, i, n, NB, b);
        for (int h = 0; h < NR; h++) {
            c[h][0] = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)&b[8 * h]));
            c[h][1] = _mm512_set1_epi64(tick);
            c[h][2] = _mm512_set1_epi64(core);
            c[h][3] = _mm512_set1_epi64(stream);
        }
        PHILOX_ROUNDS(NR, _mm512_mul_epu32, _mm512_srli_epi64, philox_xor3_avx512, m0, m1, rk0,
                      rk1, c)
        for (int h = 0; h < NR; h++) {  /* 128-bit lane q: blocks 2q (lo) and 2q + 1 (hi) */
            const __m512i t01 = _mm512_mask_blend_epi32(0xAAAA, c[h][0],
                                                        _mm512_slli_epi64(c[h][1], 32));
            const __m512i t23 = _mm512_mask_blend_epi32(0xAAAA, c[h][2],
                                                        _mm512_slli_epi64(c[h][3], 32));
            _mm512_storeu_si512(lo, _mm512_unpacklo_epi64(t01, t23));
            _mm512_storeu_si512(hi, _mm512_unpackhi_epi64(t01, t23));
            for (int q = 0; q < 4; q++) {
                memcpy(&words[4 * (size_t)b[8 * h + 2 * q]], &lo[4 * q], 16);
                memcpy(&words[4 * (size_t)b[8 * h + 2 * q + 1]], &hi[4 * q], 16);
            }
        }
    }
}

static inline int philox_cpu_has(int path) {
    if (path == PHILOX_AVX2) return __builtin_cpu_supports("avx2");
    if (path == PHILOX_AVX512) return __builtin_cpu_supports("avx512f");
    return 0;
}
#else
#define PHILOX_HAVE_AVX 0
static inline int philox_cpu_has(int path) {
    (void)path;
    return 0;
}
#endif

/* 1 where this build and CPU can run the path, else 0. */
static inline int philox_path_available(int path) {
    switch (path) {
        case PHILOX_AUTO:
        case PHILOX_SCALAR: return 1;
        case PHILOX_SSE2: return PHILOX_HAVE_SSE2;
        case PHILOX_AVX2:
        case PHILOX_AVX512: return philox_cpu_has(path);
        default: return 0;
    }
}

/* The fastest available path. */
static inline int philox_best_path(void) {
    if (philox_cpu_has(PHILOX_AVX512)) return PHILOX_AVX512;
    if (philox_cpu_has(PHILOX_AVX2)) return PHILOX_AVX2;
    return PHILOX_HAVE_SSE2 ? PHILOX_SSE2 : PHILOX_SCALAR;
}

/* See the file comment. A path this build or CPU cannot run falls back to the scalar one. */
static inline void philox_blocks_at(int path, uint64_t seed, uint32_t core, uint32_t tick,
                                    uint32_t stream, const uint32_t *blocks, ptrdiff_t n,
                                    uint32_t *words) {
    if (path == PHILOX_AUTO) path = philox_best_path();
#if PHILOX_HAVE_AVX
    if (path == PHILOX_AVX512 && philox_cpu_has(path)) {
        philox_blocks_avx512(seed, core, tick, stream, blocks, n, words);
        return;
    }
    if (path == PHILOX_AVX2 && philox_cpu_has(path)) {
        philox_blocks_avx2(seed, core, tick, stream, blocks, n, words);
        return;
    }
#endif
#if PHILOX_HAVE_SSE2
    if (path == PHILOX_SSE2) {
        philox_blocks_sse2(seed, core, tick, stream, blocks, n, words);
        return;
    }
#endif
    philox_blocks_scalar(seed, core, tick, stream, blocks, n, words);
}

#endif

/* The deterministic synapses of one TrueNorth core's active axons in AVX-512 lanes
 * (integrate, cores/_crossbar.pyx): acc[j] = sum over active axons a, bit j of the
 * deterministic row bits of a, of s_{type(a)}^j (Cassidy 2013, eq. 1-2 without the
 * stochastic synapses, which the caller adds after).
 *
 * The 256 accumulators stay in 16 registers of 16 int32 lanes for the whole core; each row
 * adds, for each 16-neuron chunk, its type's weights (int16, sign-extended) under the chunk's
 * 16 row bits as a lane mask (vpaddd with a write mask). Integer adds in any order: the same
 * sums as the scalar and SSE2 forms (tests/cores/test_crossbar_twin.py runs every path).
 * # perf: ~4 instructions a chunk, against ~24 a byte of the SSE2 masked add (bench below).
 *
 * Compiled with a target attribute; the caller runs it only where the CPU reports AVX512F
 * and POPCNT (tn_xbar_have_avx512). Without x86-64 GCC/Clang, or with CHIPSIM_NO_X86_SIMD,
 * it is a stub and TN_XBAR_HAVE_AVX512 is 0.
 */
#ifndef CHIPSIM_CROSSBAR_AVX512_H
#define CHIPSIM_CROSSBAR_AVX512_H

#include <stdint.h>

#if defined(__x86_64__) && !defined(CHIPSIM_NO_X86_SIMD)
#include <immintrin.h>
#define TN_XBAR_HAVE_AVX512 1

static inline int tn_xbar_have_avx512(void) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("popcnt");
}

/* IN active[4]: the core's active axons (bit a of word a >> 6); rows (256, 4) its crossbar;
 * axon_type (256,) 0..3; weights (4, 256) int16 by type; stoch (4, 4) the stochastic
 * synapses of each type. OUT acc (256,) int32, overwritten. Returns the deterministic
 * synaptic events (set bits added). */
__attribute__((target("avx512f,popcnt"))) static int64_t tn_xbar_deterministic_avx512(
    const uint64_t *active, const uint64_t *rows, const uint8_t *axon_type,
    const int16_t *weights, const uint64_t *stoch, int32_t *acc) {
    __m512i sum[16];
    int64_t events = 0;
#pragma GCC unroll 16
    for (int j = 0; j < 16; j++)
        sum[j] = _mm512_setzero_si512();
    for (int q = 0; q < 4; q++) {
        uint64_t left = active[q];
        while (left) {
            const int a = q * 64 + __builtin_ctzll(left);
            left &= left - 1;
            const int g = axon_type[a];
            const int16_t *w = weights + g * 256;
            const uint64_t *row = rows + a * 4;
            const uint64_t *s = stoch + g * 4;
#pragma GCC unroll 4
            for (int word = 0; word < 4; word++) {
                const uint64_t bits = row[word] & ~s[word];
                events += __builtin_popcountll(bits);
#pragma GCC unroll 4
                for (int part = 0; part < 4; part++) {
                    const int j = word * 4 + part;
                    const __m512i x = _mm512_cvtepi16_epi32(
                        _mm256_loadu_si256((const __m256i *)(w + 16 * j)));
                    sum[j] = _mm512_mask_add_epi32(sum[j], (__mmask16)(bits >> (16 * part)),
                                                   sum[j], x);
                }
            }
        }
    }
#pragma GCC unroll 16
    for (int j = 0; j < 16; j++)
        _mm512_storeu_si512((void *)(acc + 16 * j), sum[j]);
    return events;
}

#else
#define TN_XBAR_HAVE_AVX512 0
static inline int tn_xbar_have_avx512(void) { return 0; }
static inline int64_t tn_xbar_deterministic_avx512(
    const uint64_t *active, const uint64_t *rows, const uint8_t *axon_type,
    const int16_t *weights, const uint64_t *stoch, int32_t *acc) {
    (void)active, (void)rows, (void)axon_type, (void)weights, (void)stoch, (void)acc;
    return 0;
}
#endif

#endif

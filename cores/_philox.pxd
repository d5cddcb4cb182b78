# Philox4x32-10 counter-based generator as inline nogil functions, shared by the cores/ kernels;
# the rounds are C in _philox_simd.h (scalar, SSE2, AVX2, AVX-512 forms, identical words).
#
# Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC'11 (Random123).
# One block: counter (4 x uint32) and key (2 x uint32) -> 4 x uint32 words, 10 rounds:
#   round:  (hi0, lo0) = M0 * c0,  (hi1, lo1) = M1 * c2        (32 x 32 -> 64-bit products)
#           c = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
#   key bump between rounds: k0 += W0, k1 += W1 (mod 2^32).
# chipsim's draw (decision 10): word (index & 3) of the block with
#   counter = (index >> 2, tick, core, stream),  key = (seed & 0xFFFFFFFF, seed >> 32).
# Every draw is a pure function of (seed, core, tick, stream, index): no state, no order.
# The NumPy twin is cores/reference/rng.py.

from libc.stdint cimport uint32_t, uint64_t


cdef extern from "_philox_simd.h" nogil:
    # The C implementation: one block, and many blocks of one key in SIMD lanes.
    enum:
        PHILOX_AUTO     # the best path the CPU has
        PHILOX_SCALAR   # one block at a time, any compiler
        PHILOX_SSE2     # 2 blocks per 128-bit register (x86-64)
        PHILOX_AVX2     # 4 blocks per 256-bit register (x86-64 CPUs with AVX2)
        PHILOX_AVX512   # 8 blocks per 512-bit register (x86-64 CPUs with AVX-512F)
    # IN ctr[4], key[2]; OUT out[4] (may alias ctr). Ten Philox rounds.
    void philox4x32_10(const uint32_t* ctr, const uint32_t* key, uint32_t* out)
    # OUT words[4 * blocks[i] + w]: word w of block (blocks[i], tick, core, stream), i < n
    void philox_blocks_at(
        int path, uint64_t seed, uint32_t core, uint32_t tick, uint32_t stream,
        const uint32_t* blocks, Py_ssize_t n, uint32_t* words,
    )
    int philox_path_available(int path)  # 1 where build and CPU can run the path
    int philox_best_path()


cdef inline uint32_t draw_word(
    uint64_t seed, uint32_t core, uint32_t tick, uint32_t stream, uint64_t index
) noexcept nogil:
    """One uniform uint32 draw keyed by (seed, core, tick, stream, index), index < 2**34."""
    cdef uint32_t ctr[4]
    cdef uint32_t key[2]
    cdef uint32_t out[4]
    ctr[0] = <uint32_t>(index >> 2)
    ctr[1] = tick
    ctr[2] = core
    ctr[3] = stream
    key[0] = <uint32_t>seed
    key[1] = <uint32_t>(seed >> 32)
    philox4x32_10(ctr, key, out)
    return out[index & 3]


cdef inline void draw_block(
    uint64_t seed, uint32_t core, uint32_t tick, uint32_t stream, uint64_t block, uint32_t* out
) noexcept nogil:
    """OUT out[4]: the draws of indices 4 * block .. 4 * block + 3 (one Philox block)."""
    cdef uint32_t ctr[4]
    cdef uint32_t key[2]
    ctr[0] = <uint32_t>block
    ctr[1] = tick
    ctr[2] = core
    ctr[3] = stream
    key[0] = <uint32_t>seed
    key[1] = <uint32_t>(seed >> 32)
    philox4x32_10(ctr, key, out)

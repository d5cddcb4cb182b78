# Philox4x32-10 counter-based generator as inline nogil C functions, shared by the cores/ kernels.
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

cdef enum:
    PHILOX_M0 = 0xD2511F53
    PHILOX_M1 = 0xCD9E8D57
    PHILOX_W0 = 0x9E3779B9
    PHILOX_W1 = 0xBB67AE85


cdef inline void philox4x32_10(uint32_t* ctr, uint32_t* key, uint32_t* out) noexcept nogil:
    """IN ctr[4], key[2]; OUT out[4] (may alias ctr). Ten Philox rounds."""
    cdef uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3]
    cdef uint32_t k0 = key[0], k1 = key[1]
    cdef uint64_t p0, p1
    cdef int r
    for r in range(10):
        if r > 0:
            k0 = k0 + <uint32_t>PHILOX_W0
            k1 = k1 + <uint32_t>PHILOX_W1
        p0 = <uint64_t>(<uint32_t>PHILOX_M0) * c0
        p1 = <uint64_t>(<uint32_t>PHILOX_M1) * c2
        c0 = <uint32_t>(p1 >> 32) ^ c1 ^ k0
        c2 = <uint32_t>(p0 >> 32) ^ c3 ^ k1
        c1 = <uint32_t>p1
        c3 = <uint32_t>p0
    out[0] = c0
    out[1] = c1
    out[2] = c2
    out[3] = c3


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

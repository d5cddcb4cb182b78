"""Least-significant-digit radix sort of non-negative int64 keys (cores.radix_sort).

Twin: ``np.sort`` (tests/cores/test_radix_sort.py).
"""

from libc.stdint cimport int64_t
from libc.string cimport memcpy

cdef enum:
    DIGIT_BITS = 11  # 2048 counters of a pass stay in the L1 cache
    DIGITS = 1 << DIGIT_BITS


def sort_in_place(int64_t[::1] keys, int64_t[::1] scratch, int key_bits) -> None:
    """Sort ``keys`` (each in [0, 2**key_bits)) in place, ``DIGIT_BITS`` bits a pass from the
    lowest, each pass a stable counting sort between ``keys`` and ``scratch`` (the same
    length); a pass whose digit is the same in every key is skipped."""
    cdef Py_ssize_t n = keys.shape[0], i
    cdef int64_t* src = &keys[0] if n else NULL
    cdef int64_t* dst = &scratch[0] if n else NULL
    cdef int64_t* swap
    cdef int64_t count[DIGITS]
    cdef int64_t total, c
    cdef int shift = -DIGIT_BITS, d
    if n < 2:
        return
    with nogil:
        while shift + DIGIT_BITS < key_bits:
            shift += DIGIT_BITS
            for d in range(DIGITS):
                count[d] = 0
            for i in range(n):
                count[(src[i] >> shift) & (DIGITS - 1)] += 1
            if count[(src[0] >> shift) & (DIGITS - 1)] == n:  # one digit: nothing to move
                continue
            total = 0
            for d in range(DIGITS):  # each digit's first place
                c = count[d]
                count[d] = total
                total += c
            for i in range(n):
                d = (src[i] >> shift) & (DIGITS - 1)
                dst[count[d]] = src[i]
                count[d] += 1
            swap = src
            src = dst
            dst = swap
        if src != &keys[0]:
            memcpy(&keys[0], src, n * sizeof(int64_t))

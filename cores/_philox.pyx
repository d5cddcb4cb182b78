"""Philox4x32-10 kernels: raw blocks (for known-answer tests) and keyed draws.

The generator itself is in ``_philox.pxd`` (inline, nogil) so that other kernels inline it.
NumPy twin: :mod:`cores.reference.rng`.
"""

from libc.stdint cimport uint32_t, uint64_t

from cores._philox cimport draw_word, philox4x32_10


def philox_blocks(
    const uint32_t[:, ::1] ctr,
    const uint32_t[:, ::1] key,
    uint32_t[:, ::1] out,
) -> None:
    """Philox4x32-10 of each (counter, key) row.

    Parameters
    ----------
    ctr : uint32 (n, 4), IN
    key : uint32 (n, 2), IN
    out : uint32 (n, 4), OUT
    """
    cdef Py_ssize_t i, n = ctr.shape[0]
    cdef uint32_t c[4]
    cdef uint32_t k[2]
    with nogil:
        for i in range(n):
            c[0] = ctr[i, 0]
            c[1] = ctr[i, 1]
            c[2] = ctr[i, 2]
            c[3] = ctr[i, 3]
            k[0] = key[i, 0]
            k[1] = key[i, 1]
            philox4x32_10(c, k, &out[i, 0])


def draw_words(
    uint64_t seed,
    const uint32_t[::1] core,
    const uint32_t[::1] tick,
    const uint32_t[::1] stream,
    const uint64_t[::1] index,
    uint32_t[::1] out,
) -> None:
    """Keyed uniform uint32 draws, elementwise over equal-length arrays.

    Parameters
    ----------
    seed : run seed (uint64), IN
    core, tick, stream : uint32 (n,), IN
    index : uint64 (n,), IN, each < 2**34
    out : uint32 (n,), OUT
    """
    cdef Py_ssize_t i, n = out.shape[0]
    with nogil:
        for i in range(n):
            out[i] = draw_word(seed, core[i], tick[i], stream[i], index[i])

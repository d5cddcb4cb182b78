"""Philox4x32-10 kernels: raw blocks (for known-answer tests) and keyed draws.

The generator itself is in ``_philox.pxd`` and ``_philox_simd.h`` (inline, nogil) so that
other kernels inline it. NumPy twin: :mod:`cores.reference.rng`.
"""

from libc.stdint cimport uint32_t, uint64_t

from cores._philox cimport (
    PHILOX_AUTO,
    PHILOX_AVX2,
    PHILOX_AVX512,
    PHILOX_SCALAR,
    PHILOX_SSE2,
    draw_word,
    philox4x32_10,
    philox_best_path,
    philox_blocks_at,
    philox_path_available,
)

PATHS = {
    "auto": PHILOX_AUTO,
    "scalar": PHILOX_SCALAR,
    "sse2": PHILOX_SSE2,
    "avx2": PHILOX_AVX2,
    "avx512": PHILOX_AVX512,
}
"""Names of the SIMD paths of ``philox_blocks_at``, for :func:`keyed_blocks`."""


def available_paths() -> list[str]:
    """The paths this build and CPU can run, the one ``auto`` picks first."""
    best = [k for k, v in PATHS.items() if v == philox_best_path()]
    return best + [k for k, v in PATHS.items() if k not in best and philox_path_available(v)]


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


def keyed_blocks(
    str path,
    uint64_t seed,
    uint32_t core,
    uint32_t tick,
    uint32_t stream,
    const uint32_t[::1] blocks,
    uint32_t[::1] words,
) -> None:
    """The blocks ``blocks`` of one (seed, core, tick, stream) key, scattered by block number.

    Parameters
    ----------
    path : one of :data:`PATHS`, IN; ValueError if this build or CPU cannot run it
    seed, core, tick, stream : IN, the key of every block
    blocks : uint32 (n,), IN block numbers (repeats allowed)
    words : uint32 (m,), OUT words[4 * b + w] = draw_word(seed, core, tick, stream, 4 * b + w)
        for each b in blocks; other entries untouched. m > 4 * max(blocks) + 3.
    """
    if path not in available_paths():
        raise ValueError(f"Philox path {path!r} is not available here; available: "
                         f"{available_paths()}")
    cdef Py_ssize_t n = blocks.shape[0], i
    for i in range(n):
        if 4 * <Py_ssize_t>blocks[i] + 3 >= words.shape[0]:
            raise ValueError(f"words has {words.shape[0]} entries, block {blocks[i]} needs "
                             f"{4 * blocks[i] + 4}")
    cdef int p = PATHS[path]
    if n == 0:
        return
    with nogil:
        philox_blocks_at(p, seed, core, tick, stream, &blocks[0], n, &words[0])

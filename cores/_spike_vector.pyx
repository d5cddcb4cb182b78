"""Indices of the set entries of a uint8 spike vector (cores.spike_vector.spike_indices).

Twin: ``np.flatnonzero`` (tests/cores/test_spike_vector.py).
"""

from libc.stdint cimport int64_t, uint8_t, uint64_t
from libc.string cimport memcpy


def spike_indices(const uint8_t[::1] spikes, int64_t[::1] out):
    """IN spikes (n,) uint8; OUT out (>= number of non-zero entries) their indices, increasing.
    Returns how many. Eight entries are tested at once (spikes are sparse)."""
    cdef Py_ssize_t n = spikes.shape[0], i = 0, j, k = 0
    cdef uint64_t word
    with nogil:
        while i + 8 <= n:
            memcpy(&word, &spikes[i], 8)
            if word:
                for j in range(i, i + 8):
                    if spikes[j]:
                        out[k] = j
                        k += 1
            i += 8
        for j in range(i, n):
            if spikes[j]:
                out[k] = j
                k += 1
    return k

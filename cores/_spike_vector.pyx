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


def core_emissions(
    const uint8_t[::1] spikes,
    Py_ssize_t per_core,
    const int64_t[::1] start,
    int64_t timer,
    int64_t update,
    int64_t send,
    int64_t[::1] out_index,
    int64_t[::1] out_cycle,
    int64_t[::1] fired,
):
    """The spikes of a vector of cores of ``per_core`` neurons each, with their emission
    cycles (cores.cost: ``start + timer + (i + 1) * update + (k + 1) * send`` for neuron i
    of its core, the core's k-th spike).

    IN spikes (n_cores * per_core,) uint8; start (n_cores,) each core's tick-phase start.
    OUT out_index, out_cycle (>= number of spikes): the spikes' indices, increasing, and
    cycles; fired (n_cores,) spikes per core. Returns how many spikes. Eight entries are
    tested at once, as in ``spike_indices``."""
    cdef Py_ssize_t n = spikes.shape[0], i = 0, j, k = 0, c = 0, first = 0, count = 0
    cdef uint64_t word
    with nogil:
        fired[:] = 0
        while i < n:
            if i + 8 <= n:
                memcpy(&word, &spikes[i], 8)
                if not word:
                    i += 8
                    continue
            for j in range(i, min(i + 8, n)):
                if spikes[j]:
                    while j >= first + per_core:  # the next core with a spike
                        fired[c] = count
                        c += 1
                        first += per_core
                        count = 0
                    count += 1
                    out_index[k] = j
                    out_cycle[k] = start[c] + timer + (j - first + 1) * update + count * send
                    k += 1
            i += 8
        if k:
            fired[c] = count
    return k

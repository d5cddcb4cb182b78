"""Indices of the set entries of a uint8 spike vector (cores.spike_vector.spike_indices).

Twin: ``np.flatnonzero`` (tests/cores/test_spike_vector.py).
"""

from libc.stdint cimport int64_t, uint8_t, uint64_t
from libc.string cimport memcpy

cdef extern from *:
    int __builtin_ctzll(unsigned long long x) nogil


cdef inline uint64_t nonzero_bytes(const uint8_t* eight) noexcept nogil:
    """Bit 8 b set where entry b of the 8 entries at ``eight`` is non-zero (tested entry by
    entry: any byte order). Walking them by count-trailing-zeros finds the entries in order
    without a branch per entry (# perf: ``core_emissions`` on the full TrueNorth-like chip's
    vector, 1 M neurons with 2 % spiking, caches cold: 0.50 -> 0.40 ms)."""
    cdef uint64_t word, flags = 0
    cdef int b
    memcpy(&word, eight, 8)
    if not word:  # (spikes are sparse)
        return 0
    for b in range(8):
        flags |= <uint64_t>(eight[b] != 0) << (8 * b)
    return flags


def spike_indices(const uint8_t[::1] spikes, int64_t[::1] out):
    """IN spikes (n,) uint8; OUT out (>= number of non-zero entries) their indices, increasing.
    Returns how many. Eight entries are tested at once (``nonzero_bytes``)."""
    cdef Py_ssize_t n = spikes.shape[0], i = 0, j, k = 0
    cdef uint64_t word
    with nogil:
        while i + 8 <= n:
            word = nonzero_bytes(&spikes[i])
            while word:
                out[k] = i + (__builtin_ctzll(word) >> 3)
                word &= word - 1
                k += 1
            i += 8
        for j in range(i, n):
            if spikes[j]:
                out[k] = j
                k += 1
    return k


cdef inline int64_t emission_cycle(
    int64_t start, int64_t timer, int64_t update, int64_t send, int64_t i, int64_t k
) noexcept nogil:
    """When the k-th spike of a core (k from 1) leaves, sent by its neuron i (from 0), the
    core's tick phase starting at ``start`` (cores.cost)."""
    return start + timer + (i + 1) * update + k * send


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
                word = nonzero_bytes(&spikes[i])
            else:  # the last entries
                word = 0
                for j in range(i, n):
                    word |= <uint64_t>(spikes[j] != 0) << (8 * (j - i))
            while word:
                j = i + (__builtin_ctzll(word) >> 3)
                word &= word - 1
                while j >= first + per_core:  # the next core with a spike
                    fired[c] = count
                    c += 1
                    first += per_core
                    count = 0
                count += 1
                out_index[k] = j
                out_cycle[k] = emission_cycle(start[c], timer, update, send, j - first, count)
                k += 1
            i += 8
        if k:
            fired[c] = count
    return k


def indexed_emissions(
    const int64_t[::1] first,
    const int64_t[::1] spikes,
    const int64_t[::1] start,
    int64_t timer,
    int64_t update,
    int64_t send,
    int64_t[::1] out_core,
    int64_t[::1] out_cycle,
):
    """``core_emissions`` for spikes given as flat neuron indices, over cores of any sizes.

    IN first (n_cores,) each core's first neuron, from 0, increasing; spikes (n,) increasing
    indices >= 0 (a spike past the last core's first neuron is the last core's); start
    (n_cores,) each core's tick-phase start. OUT out_core, out_cycle (n,) each spike's core
    and emission cycle. Returns 0, or -1 if ``first`` or ``spikes`` break their order (then
    what was written is unspecified)."""
    cdef Py_ssize_t n = spikes.shape[0], n_cores = first.shape[0], k, c = 0, count = 0
    cdef int bad = n_cores == 0 or first[0] != 0
    with nogil:
        for k in range(1, n_cores):
            bad |= first[k] <= first[k - 1]
        for k in range(n):
            if bad or spikes[k] < 0 or (k and spikes[k] <= spikes[k - 1]):
                bad = 1
                break
            while c + 1 < n_cores and first[c + 1] <= spikes[k]:  # the spike's core
                c += 1
                count = 0
            count += 1
            out_core[k] = c
            out_cycle[k] = emission_cycle(
                start[c], timer, update, send, spikes[k] - first[c], count
            )
    return -bad

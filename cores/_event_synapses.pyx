"""Event-driven float32 synapses (CSR rows): weighted events into per-unit input sums.

Twin: :mod:`cores.reference.event_synapses` (same name, arguments and outputs). Public wrapper:
:func:`cores.event_synapses.accumulate_events` (sorts the events so the float32 sums do not
depend on arrival order).
"""

from libc.stdint cimport int32_t, int64_t


def event_accumulate(
    const int32_t[::1] sources,
    const float[::1] values,
    const int64_t[::1] row_ptr,
    const int32_t[::1] targets,
    const float[::1] weights,
    float[::1] inputs,
):
    """For each event e, in the given order, and each synapse s of its row, in row order:
    ``inputs[targets[s]] += values[e] * weights[s]`` (float32 product, then float32 add).

    Parameters
    ----------
    sources : int32 (n_events,), IN. Source index of each event (0 .. n_sources-1).
    values : float32 (n_events,), IN. Event values (graded spikes; 1.0 for binary spikes).
    row_ptr : int64 (n_sources + 1,), IN. CSR row pointers into targets/weights.
    targets : int32 (nnz,), IN. Flat index into ``inputs`` of each synapse.
    weights : float32 (nnz,), IN. Weight of each synapse.
    inputs : float32 (n_inputs,), IN/OUT. Input sums, accumulated into.

    Returns
    -------
    (events, synaptic_words) : tuple of int.
    """
    cdef Py_ssize_t n_events = sources.shape[0], e, s
    cdef int64_t words = 0
    cdef float v
    with nogil:
        for e in range(n_events):
            v = values[e]
            for s in range(row_ptr[sources[e]], row_ptr[sources[e] + 1]):
                inputs[targets[s]] += v * weights[s]
            words += row_ptr[sources[e] + 1] - row_ptr[sources[e]]
    return n_events, words

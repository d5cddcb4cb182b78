"""FIFO servers: finish times of queued jobs, one pass (cores.pe_timeline.fifo_finish).

Twin: :func:`cores.packet_batch_cycles` per server (tests/cores/test_pe_timeline.py).
"""

from libc.stdint cimport int64_t


def fifo_finish(
    const int64_t[::1] arrival,
    const int64_t[::1] service,
    const int64_t[::1] free_at,
    const int64_t[::1] starts,
    const int64_t[::1] ends,
    int64_t[::1] finish,
):
    """Serve segment i = jobs ``starts[i]:ends[i]`` in order on a server free at ``free_at[i]``.

    IN arrival, service (n,) cycles; free_at, starts, ends (n_segments,). OUT finish (n,):
    ``finish_k = max(finish_{k-1}, arrival_k) + service_k``, ``finish_{-1} = free_at[i]``.
    """
    cdef Py_ssize_t i, k
    cdef int64_t f
    with nogil:
        for i in range(starts.shape[0]):
            f = free_at[i]
            for k in range(starts[i], ends[i]):
                if arrival[k] > f:
                    f = arrival[k]
                f += service[k]
                finish[k] = f

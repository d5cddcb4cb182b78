"""Received packets as per-PE queues: grouping, a shared DMA channel, FIFO service, counters.

One pass each over a tick's packets instead of tens of NumPy passes (cores.pe_timeline,
cores.sram_traffic). Twins: cores/reference/packet_queue.py (tests/cores/test_packet_queue.py).
"""

from libc.math cimport ceil
from libc.stdint cimport INT64_MIN, int32_t, int64_t, uint8_t


def group_rows(
    const int32_t[::1] key,
    const int64_t[::1] group_of_key,
    const int64_t[::1] a,
    const int64_t[::1] b,
    int64_t[::1] count,
    int64_t[::1] position,
    int64_t[::1] out_group,
    int64_t[::1] out_a,
    int64_t[::1] out_b,
):
    """Rows sorted by group, stably (a counting sort), with two columns carried along.

    IN key (n,) indices into group_of_key (n_keys,), whose values are group ids in ``[0,
    n_groups)``; a, b (n,) columns. OUT count (n_groups,) rows per group; position (n,) where
    each row went; out_group, out_a, out_b (n,): ``group_of_key[key]``, a and b in the sorted
    order (= gathers by ``np.argsort(group_of_key[key], kind="stable")``). Returns the number of
    rows whose key or group is out of range (then only count is written).
    """
    cdef Py_ssize_t n = key.shape[0], n_groups = count.shape[0], r, g, p
    cdef int64_t total = 0, c, bad = 0
    with nogil:
        count[:] = 0
        for r in range(n):
            if 0 <= key[r] < group_of_key.shape[0] and 0 <= group_of_key[key[r]] < n_groups:
                count[group_of_key[key[r]]] += 1
            else:
                bad += 1
        if bad == 0:
            for g in range(n_groups):  # count -> first slot of each group, restored below
                c = count[g]
                count[g] = total
                total += c
            for r in range(n):
                g = group_of_key[key[r]]
                p = count[g]
                count[g] += 1
                position[r] = p
                out_group[p] = g
                out_a[p] = a[r]
                out_b[p] = b[r]
            for g in range(n_groups - 1, 0, -1):
                count[g] -= count[g - 1]
    return bad


def channel_fifo(
    int64_t[::1] ready,
    const int32_t[::1] nbytes,
    const int64_t[::1] request_order,
    double cycles_per_byte,
    int64_t free_at,
):
    """A shared FIFO channel (DMA): the jobs with ``nbytes > 0``, taken in ``request_order``.

    IN nbytes (n,); request_order (n,) a permutation: the jobs in the order they reach the
    channel, their ``ready`` values non-decreasing in that order; cycles_per_byte, free_at (when
    the channel is free). IN/OUT ready (n,) cycles: a job's arrival, replaced by the end of its
    transfer ``f_k = max(f_{k-1}, ready_k) + ceil(nbytes_k * cycles_per_byte)``,
    ``f_{-1} = free_at``; jobs with ``nbytes == 0`` are untouched. Returns (free_at, busy
    cycles), or (-1, -1) when the requests are not in ready order (nothing written then).
    """
    cdef Py_ssize_t n = ready.shape[0], r, i
    cdef int64_t f = free_at, busy = 0, service, last = 0
    cdef bint in_order = True
    with nogil:
        for r in range(n):
            i = request_order[r]
            if nbytes[i] > 0:
                if ready[i] < last:
                    in_order = False
                    break
                last = ready[i]
        if in_order:
            for r in range(n):
                i = request_order[r]
                if nbytes[i] > 0:
                    service = <int64_t>ceil(nbytes[i] * cycles_per_byte)
                    if ready[i] > f:
                        f = ready[i]
                    f += service
                    busy += service
                    ready[i] = f
    if not in_order:
        return -1, -1
    return f, busy


def serve_fifo(
    const int64_t[::1] bounds,
    const int64_t[::1] seg_server,
    const int64_t[::1] order,
    const int64_t[::1] ready,
    const int32_t[::1] steps,
    const int32_t[::1] words,
    const int32_t[::1] dram_bytes,
    const int64_t[::1] costs,
    int64_t[::1] free_at,
    int64_t[::1] busy,
    int64_t[::1] finish,
):
    """Serve segment s = packets ``order[bounds[s]:bounds[s + 1]]`` FIFO on PE ``seg_server[s]``.

    IN bounds (n_seg + 1,); seg_server (n_seg,); order (n,) the packets in service order, or
    empty: the identity; ready (n,) cycles; steps, words, dram_bytes (n,) per packet; costs
    (4,) = packet_receive, key_lookup_per_step, dma_setup, synaptic_event cycles. Packet service
    ``receive + steps * per_step + [dram_bytes > 0] * dma + words * per_event``.
    IN/OUT free_at, busy (n_servers,) cycles: free_at[p] replaced by p's last finish, busy[p]
    increased by its services. OUT finish (n,) in service order: ``finish_k = max(finish_{k-1},
    ready_k) + service_k``, ``finish_{-1} = free_at[p]``.
    """
    cdef Py_ssize_t s, k, i
    cdef int64_t f, b, service
    cdef bint identity = order.shape[0] == 0
    with nogil:
        for s in range(seg_server.shape[0]):
            f = free_at[seg_server[s]]
            b = 0
            for k in range(bounds[s], bounds[s + 1]):
                i = k if identity else order[k]
                service = (costs[0] + steps[i] * costs[1] + (dram_bytes[i] > 0) * costs[2]
                           + words[i] * costs[3])
                if ready[i] > f:
                    f = ready[i]
                f += service
                b += service
                finish[k] = f
            free_at[seg_server[s]] = f
            busy[seg_server[s]] += b


def packet_counts(
    const int64_t[::1] bounds,
    const int32_t[::1] steps,
    const int32_t[::1] words,
    const int32_t[::1] dram_bytes,
    const uint8_t[::1] late,
    const int64_t[::1] sram,
    int64_t[:, ::1] out,
):
    """Per-segment sums of what received packets did (energy counters).

    IN bounds (n_seg + 1,); steps, words, dram_bytes, late (n,) per packet; sram (4,) = table
    entry bytes, row header words, word bytes, ring entry bytes. OUT out (n_seg, 8): packets,
    words, steps, dram bytes, DMA transfers (dram_bytes > 0), late packets, SRAM read bytes
    ``entry * steps + [dram_bytes == 0] * word_bytes * (header + words) + ring * words``, SRAM
    write bytes ``ring * words + dram_bytes``.
    """
    cdef Py_ssize_t s, k
    cdef int64_t w, d
    with nogil:
        for s in range(out.shape[0]):
            out[s, :] = 0
            out[s, 0] = bounds[s + 1] - bounds[s]
            for k in range(bounds[s], bounds[s + 1]):
                w = words[k]
                d = dram_bytes[k]
                out[s, 1] += w
                out[s, 2] += steps[k]
                out[s, 3] += d
                out[s, 4] += d > 0
                out[s, 5] += late[k]
                out[s, 6] += sram[0] * steps[k] + sram[3] * w
                if d == 0:
                    out[s, 6] += sram[2] * (sram[1] + w)
                out[s, 7] += sram[3] * w + d


def clipped_histogram(const int64_t[::1] stop, const int64_t[::1] start, int64_t[::1] hist):
    """Add ``stop - start`` of each row to a histogram, the last bin holding everything longer.

    IN stop, start (n,). IN/OUT hist (n_bins,): ``hist[min(stop - start, n_bins - 1)] += 1``.
    Returns the number of negative differences (nothing is added then).
    """
    cdef Py_ssize_t r, last = hist.shape[0] - 1
    cdef int64_t d, negative = 0
    with nogil:
        for r in range(stop.shape[0]):
            if stop[r] < start[r]:
                negative += 1
        if negative == 0:
            for r in range(stop.shape[0]):
                d = stop[r] - start[r]
                hist[d if d < last else last] += 1
    return negative


cdef inline Py_ssize_t _next_of_kind(
    const int32_t[::1] dram_bytes, Py_ssize_t k, Py_ssize_t hi, bint in_dram
) noexcept nogil:
    """The first index >= k below hi whose row is in DRAM (``in_dram``) or not, else hi."""
    while k < hi and (dram_bytes[k] > 0) != in_dram:
        k += 1
    return k


def merge_by_ready(
    const int64_t[::1] bounds,
    const int64_t[::1] ready,
    const int32_t[::1] dram_bytes,
    int64_t[::1] order,
):
    """Service order of each segment: its packets sorted by ready cycle, ties in row order.

    IN bounds (n_seg + 1,); ready (n,) cycles; dram_bytes (n,): within a segment, the packets
    with ``dram_bytes == 0`` (SRAM rows, ready on arrival) and those with ``dram_bytes > 0``
    (DRAM rows, ready when their FIFO transfer ends) are each in ready order, so one merge
    sorts them. OUT order (n,) = ``np.lexsort((ready, segment))``. Returns the number of
    segments where a subsequence is out of ready order (their order is then unspecified).
    """
    cdef Py_ssize_t s, k, i, j, lo, hi, bad = 0
    cdef int64_t last_sram, last_dram
    with nogil:
        for s in range(bounds.shape[0] - 1):
            lo, hi = bounds[s], bounds[s + 1]
            last_sram = last_dram = INT64_MIN
            for k in range(lo, hi):
                if dram_bytes[k] > 0:
                    if ready[k] < last_dram:
                        bad += 1
                        break
                    last_dram = ready[k]
                else:
                    if ready[k] < last_sram:
                        bad += 1
                        break
                    last_sram = ready[k]
            i = _next_of_kind(dram_bytes, lo, hi, False)
            j = _next_of_kind(dram_bytes, lo, hi, True)
            for k in range(lo, hi):
                if j >= hi or (i < hi and (ready[i] < ready[j]
                                           or (ready[i] == ready[j] and i < j))):
                    order[k] = i
                    i = _next_of_kind(dram_bytes, i + 1, hi, False)
                else:
                    order[k] = j
                    j = _next_of_kind(dram_bytes, j + 1, hi, True)
    return bad

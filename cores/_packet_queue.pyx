"""Received packets as per-PE queues: grouping, a shared DMA channel, FIFO service, counters.

One pass each over a tick's packets instead of tens of NumPy passes (cores.pe_timeline,
cores.sram_traffic). Twins: cores/reference/packet_queue.py (tests/cores/test_packet_queue.py).
"""

from libc.math cimport ceil
from libc.stdint cimport INT64_MIN, int32_t, int64_t, uint8_t
from libc.stdlib cimport calloc, free

from cores._threads cimport CORES_MAX_THREADS as MAX_THREADS, check_threads, cores_run_jobs


cdef enum:
    # rows below which group_rows takes no more threads (a thread's start costs ~20-50 us)
    MIN_ROWS_PER_THREAD = 32768


ctypedef struct RowJob:  # rows r0 .. r1 - 1 of a group_rows call, for one thread
    const int32_t* key
    const int64_t* group_of_key
    const int64_t* a
    const int64_t* b
    Py_ssize_t r0, r1, n_keys, n_groups
    int64_t* slot  # (n_groups,): count_rows: rows of each group; place_rows: its next slot
    int64_t* position
    int64_t* out_a
    int64_t* out_b
    int64_t bad  # OUT of count_rows: rows whose key or group is out of range


def group_rows(
    const int32_t[::1] key,
    const int64_t[::1] group_of_key,
    const int64_t[::1] a,
    const int64_t[::1] b,
    int64_t[::1] count,
    int64_t[::1] position,
    int64_t[::1] out_a,
    int64_t[::1] out_b,
    int threads=1,
):
    """Rows sorted by group, stably (a counting sort), with two columns carried along.

    IN key (n,) indices into group_of_key (n_keys,), whose values are group ids in ``[0,
    n_groups)``; a, b (n,) columns; threads: at most this many, each counting and then placing
    a share of the rows (the same result: a group takes the rows of the first share first).
    OUT count (n_groups,) rows per group; position (n,) where each row went; out_a, out_b
    (n,): a and b in the sorted order (= gathers by ``np.argsort(group_of_key[key],
    kind="stable")``; the sorted groups are ``count``'s repeats). Returns the number of rows
    whose key or group is out of range (then only count is written); ValueError for threads
    < 1.
    """
    cdef Py_ssize_t n = key.shape[0], n_groups = count.shape[0], g, k, n_jobs
    cdef int64_t total = 0, bad = 0, rows, c
    cdef RowJob jobs[MAX_THREADS]
    cdef int64_t* slots
    check_threads(threads)
    n_jobs = max(1, min(threads, <int>MAX_THREADS, n // MIN_ROWS_PER_THREAD))
    slots = <int64_t*>calloc(n_jobs * max(n_groups, 1), sizeof(int64_t))
    if slots == NULL:
        raise MemoryError()
    for k in range(n_jobs):
        jobs[k].r0, jobs[k].r1 = n * k // n_jobs, n * (k + 1) // n_jobs
        jobs[k].n_keys, jobs[k].n_groups = group_of_key.shape[0], n_groups
        jobs[k].slot = slots + k * n_groups
        jobs[k].bad = 0
        if n:  # (the rows' arrays: none read without rows)
            jobs[k].key, jobs[k].a, jobs[k].b = &key[0], &a[0], &b[0]
            jobs[k].position, jobs[k].out_a, jobs[k].out_b = &position[0], &out_a[0], &out_b[0]
            jobs[k].group_of_key = &group_of_key[0] if group_of_key.shape[0] else NULL
    with nogil:
        cores_run_jobs(count_rows, jobs, sizeof(RowJob), n_jobs)
        for g in range(n_groups):  # each share's first slot of each group, shares in order
            c = 0
            for k in range(n_jobs):
                rows = jobs[k].slot[g]
                jobs[k].slot[g] = total + c
                c += rows
            count[g] = c
            total += c
        for k in range(n_jobs):
            bad += jobs[k].bad
        if bad == 0:
            cores_run_jobs(place_rows, jobs, sizeof(RowJob), n_jobs)
    free(slots)
    return bad


cdef void* count_rows(void* arg) noexcept nogil:
    """The job's rows per group (OUT slot, bad)."""
    cdef RowJob* j = <RowJob*>arg
    cdef Py_ssize_t r
    cdef int64_t g
    for g in range(j.n_groups):
        j.slot[g] = 0
    j.bad = 0
    for r in range(j.r0, j.r1):
        if 0 <= j.key[r] < j.n_keys and 0 <= j.group_of_key[j.key[r]] < j.n_groups:
            j.slot[j.group_of_key[j.key[r]]] += 1
        else:
            j.bad += 1
    return NULL


cdef void* place_rows(void* arg) noexcept nogil:
    """Each of the job's rows to its group's next slot, from ``slot`` on (OUT position,
    out_a, out_b, and slot moved past the job's rows)."""
    cdef RowJob* j = <RowJob*>arg
    cdef Py_ssize_t r
    cdef int64_t g, p
    for r in range(j.r0, j.r1):
        g = j.group_of_key[j.key[r]]
        p = j.slot[g]
        j.slot[g] = p + 1
        j.position[r] = p
        j.out_a[p] = j.a[r]
        j.out_b[p] = j.b[r]
    return NULL


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
    cycles), or (-1, -1) when the requests are not in ready order (what was written then is
    unspecified). # perf: the order checked in the same pass: 0.29-0.36 -> 0.25 s a simulated
    second of the SpiNNaker2-like benchmark.
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
                service = <int64_t>ceil(nbytes[i] * cycles_per_byte)
                if ready[i] > f:
                    f = ready[i]
                f += service
                busy += service
                ready[i] = f
    if not in_order:
        return -1, -1
    return f, busy


def serve_by_ready(
    const int64_t[::1] bounds,
    const int64_t[::1] seg_server,
    const int64_t[::1] ready,
    const int32_t[::1] steps,
    const int32_t[::1] words,
    const int32_t[::1] dram_bytes,
    const int64_t[::1] costs,
    const int64_t[::1] num,
    const int64_t[::1] den,
    int64_t[::1] free_at,
    int64_t[::1] busy,
    int64_t[::1] finish,
    int64_t[::1] served,
):
    """Serve segment s = packets ``bounds[s]:bounds[s + 1]`` FIFO on PE ``seg_server[s]``, in
    order of their ready cycles (ties in row order), in the PE's clock.

    IN bounds (n_seg + 1,); seg_server (n_seg,); ready (n,) reference cycles; steps, words,
    dram_bytes (n,) per packet: within a segment the packets with ``dram_bytes == 0`` (SRAM
    rows, ready on arrival) and those with ``dram_bytes > 0`` (DRAM rows, ready when their
    FIFO transfer ends) are each in ready order, so one merge orders them; costs (4,) =
    packet_receive, key_lookup_per_step, dma_setup, synaptic_event cycles (a packet's service
    ``receive + steps * per_step + [dram_bytes > 0] * dma + words * per_event``); num, den
    (n_servers,) each PE's clock: reference instant r is its cycle ``ceil(r * den / num)``
    (chipsim.timebase). IN/OUT free_at, busy (n_servers,) PE cycles: free_at[p] replaced by
    p's last finish, busy[p] increased by its services. OUT served, finish (n,) in service
    order: the k-th served packet's ready cycle (PE cycles) and ``finish_k = max(finish_{k-1},
    served_k) + service_k``, ``finish_{-1} = free_at[p]``. Returns the number of segments
    where a kind's packets are out of ready order (those are not served).

    # perf: the merge by ready time, the clock conversion and the service in one pass, with no
    service order written and read back: 0.46 -> 0.32-0.34 s a simulated second of the
    SpiNNaker2-like benchmark (timers in the receive step).
    """
    cdef Py_ssize_t s, k, i, j, x, lo, hi, bad = 0
    cdef int64_t f, b, service, last_sram, last_dram, r, n_, d_
    cdef int shift
    with nogil:
        for s in range(seg_server.shape[0]):
            lo, hi = bounds[s], bounds[s + 1]
            last_sram = last_dram = INT64_MIN
            for k in range(lo, hi):
                if dram_bytes[k] > 0:
                    if ready[k] < last_dram:
                        break
                    last_dram = ready[k]
                else:
                    if ready[k] < last_sram:
                        break
                    last_sram = ready[k]
            else:
                i = _next_of_kind(dram_bytes, lo, hi, False)
                j = _next_of_kind(dram_bytes, lo, hi, True)
                n_, d_ = num[seg_server[s]], den[seg_server[s]]
                shift = _log2_or_minus_one(n_)
                f = free_at[seg_server[s]]
                b = 0
                for k in range(lo, hi):
                    if j >= hi or (i < hi and (ready[i] < ready[j]
                                               or (ready[i] == ready[j] and i < j))):
                        x = i
                        i = _next_of_kind(dram_bytes, i + 1, hi, False)
                    else:
                        x = j
                        j = _next_of_kind(dram_bytes, j + 1, hi, True)
                    r = _ceil_div(ready[x] * d_, n_, shift)
                    service = (costs[0] + steps[x] * costs[1] + (dram_bytes[x] > 0) * costs[2]
                               + words[x] * costs[3])
                    if r > f:
                        f = r
                    f += service
                    b += service
                    served[k] = r
                    finish[k] = f
                free_at[seg_server[s]] = f
                busy[seg_server[s]] += b
                continue
            bad += 1
    return bad


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


cdef inline int _log2_or_minus_one(int64_t n) noexcept nogil:
    """log2 of n > 0 if it is a power of two, else -1."""
    cdef int shift = 0
    if n & (n - 1):
        return -1
    while n > 1:
        n >>= 1
        shift += 1
    return shift


cdef inline int64_t _ceil_div(int64_t q, int64_t n, int shift) noexcept nogil:
    """ceil(q / n) for n > 0; ``shift``: log2 of n if it is a power of two, else -1 (# perf: a
    shift instead of a division, as the PE clocks of the chip configs need)."""
    if shift >= 0:
        return (q + n - 1) >> shift if q >= 0 else -((-q) >> shift)
    return (q + n - 1) / n if q >= 0 else q / n  # (C division truncates towards zero)


cdef inline Py_ssize_t _next_of_kind(
    const int32_t[::1] dram_bytes, Py_ssize_t k, Py_ssize_t hi, bint in_dram
) noexcept nogil:
    """The first index >= k below hi whose row is in DRAM (``in_dram``) or not, else hi."""
    while k < hi and (dram_bytes[k] > 0) != in_dram:
        k += 1
    return k

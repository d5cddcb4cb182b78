"""Synapse lookup and accumulation for batches of received packets on many cores (SpiNNaker
style).

Twin: :mod:`cores.reference.synapse_lookup` (same names, arguments and outputs). Public wrappers
with argument checks: :mod:`cores.synapse_lookup`. Byte layout of a core's table and rows:
:mod:`cores.synaptic_matrix`; ring buffers: :mod:`cores.ring_buffer`.
"""

from libc.stdint cimport int32_t, int64_t, uint16_t, uint32_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy, memset

from cores._threads cimport CORES_MAX_THREADS as MAX_THREADS, check_threads, cores_run_jobs

import numpy as np

from cores.host_rows import source_major_layout

cdef extern from *:
    void prefetch "__builtin_prefetch"(const void*) nogil

cdef enum:
    ROW_HEADER_WORDS = 3
    ENTRY_BYTES = 16
    # Packets searched, and their rows prefetched, before the first of them is accumulated
    # (# perf: rows of DRAM blocks rarely stay in cache; on one tick of the SpiNNaker2 run
    # benchmark, 45,000 packets of 6.8 words over 400 MB of rows: 237 ns per packet with no
    # prefetch, 94 with 16, 56 with 32, 75 with 64 in flight). The row's last padded word is
    # prefetched too (most rows span two cache lines), and a chunk runs on across segments.
    CHUNK = 32


ctypedef struct Totals:  # the counts synapse_lookup returns
    int64_t steps, misses, rows_read, words, sram_bytes, dram_bytes, lost


ctypedef struct PeView:  # where one core's packets go
    const CoreMatrix* m  # its table and rows, or NULL: it has no synapses (every packet a miss)
    const uint32_t* rows  # the host copy that holds its rows
    # its ring buffers' entry for its first neuron in slot s, type t: line[s << 1 | t] (a
    # word's delay and type bits, plus the tick, pick it: ``add_rows``; # perf: against
    # the slot and type strides multiplied out per word, 200 replayed receive steps of the
    # SpiNNaker2-like run, alternating: 31-35 -> 28-31 ns a packet in one thread, 18.6-21.6
    # -> 16.9-19.0 in two)
    char* line[32]
    Py_ssize_t neuron_bytes  # the ring buffers' stride from one neuron to the next


ctypedef struct Pending:  # a packet searched, its row prefetched, not yet accumulated
    const PeView* view
    Py_ssize_t packet
    int64_t tick
    Py_ssize_t first  # its row's first word in the host copy, or -1 (a miss)


ctypedef struct Job:  # the segments s0 .. s1 - 1 of a call, for one thread
    const PeView* views  # segment s goes to views[seg_view[s]]
    const int32_t* seg_view
    const int64_t* seg_start
    const int64_t* seg_tick
    Py_ssize_t s0, s1
    const uint32_t* keys
    int32_t* steps
    int32_t* words
    int32_t* dram_bytes
    Totals t  # OUT


ctypedef struct Entry:  # a table entry as ``find_row`` reads it, in one record
    int64_t addr  # word of its row 0 in the host copy
    uint32_t key, mask, sizes  # the table's words 0, 1 and 3 (rows << 16 | row words)
    int32_t stride  # words from one of its rows to the next in the host copy
    int32_t hit_probes  # sPyNNaker's search probes for a key in it
    int32_t dram_bytes  # bytes of its padded row when its block lives in DRAM, else 0


ctypedef struct CoreMatrix:
    const uint32_t* table  # (n_entries, 4), row-major
    # (n_entries,): what find_row reads of entry i, in one record instead of four arrays
    # (# perf: 200 replayed receive steps of the SpiNNaker2-like run, alternating: 27.9-31.4
    # -> 27.1-31.4 ns a packet in one thread, 17.2-21.7 -> 16.1-20.6 in two)
    Entry* entries
    Py_ssize_t n_entries
    const uint32_t* rows  # the modelled rows (copied into the host copy once)
    Py_ssize_t n_words
    const int64_t* entry_addr  # per entry: word of its row 0 in the host copy
    const int64_t* entry_stride  # per entry: words from one of its rows to the next there
    Py_ssize_t ring_first  # first neuron of the core in the ring buffers' last axis
    int32_t* hit_probes  # (n_entries,): sPyNNaker's search probes for a key in entry i
    int32_t* miss_probes  # (n_entries + 1,): for a key in no entry, i entries below it
    # the entry of each block of keys from the first entry's on (-1: none), where every entry
    # has one mask whose blocks lie close together (``direct_index``), else NULL: block
    # ``(key - direct_first) >> direct_shift``, ``direct_span`` of them
    const int32_t* direct
    uint32_t direct_first
    int direct_shift
    Py_ssize_t direct_span


cdef class MatrixSet:
    """The tables and rows of several cores, held for the kernel.

    ``tables[c]`` uint32 (n_entries, 4) and ``rows[c]`` uint32 (n_words,), C-contiguous (held,
    not copied), laid out as :mod:`cores.synaptic_matrix` lays them out (tables sorted, blocks
    disjoint: ValueError otherwise); ``ring_first[c]`` the core's first neuron in the shared
    ring buffers. The kernel reads the rows from ``host``, a source-major copy of them all
    (:mod:`cores.host_rows`), through one pointer (# perf: per-core row pointers, reloaded
    after the kernel's stores, cost 10 % on replayed ticks of the SpiNNaker2 run benchmark).
    """

    cdef CoreMatrix* cores
    cdef int32_t* probes  # every core's hit_probes and miss_probes
    cdef Entry* entries  # every core's entries
    cdef const uint32_t* host_words
    cdef readonly int n_cores
    cdef readonly list tables, rows, ring_first, entry_addr, entry_stride
    cdef readonly object host
    cdef readonly list direct  # each core's direct index (int32) or None (``direct_index``)

    def __cinit__(self, list tables, list rows, list ring_first):
        cdef const uint32_t[:, ::1] t
        cdef const uint32_t[::1] r
        cdef const int64_t[::1] a, b
        cdef uint32_t[::1] h
        cdef const int32_t[::1] d
        cdef Py_ssize_t c, i, used = 0, entries_before = 0
        if not len(tables) == len(rows) == len(ring_first):
            raise ValueError("tables, rows and ring_first must have one entry per core")
        self.n_cores = len(tables)
        self.tables, self.rows, self.ring_first = tables, rows, ring_first
        n_words, self.entry_addr, self.entry_stride = source_major_layout(tables)
        self.host = h = np.zeros(n_words, np.uint32)
        self.host_words = &h[0] if n_words else NULL
        self.cores = <CoreMatrix*>malloc(max(self.n_cores, 1) * sizeof(CoreMatrix))
        self.probes = <int32_t*>malloc(
            (2 * sum(len(x) for x in tables) + self.n_cores + 1) * sizeof(int32_t)
        )
        self.entries = <Entry*>malloc(max(sum(len(x) for x in tables), 1) * sizeof(Entry))
        if self.cores == NULL or self.probes == NULL or self.entries == NULL:
            raise MemoryError()
        for c in range(self.n_cores):
            t = tables[c]
            r = rows[c]
            a = self.entry_addr[c]
            b = self.entry_stride[c]
            self.cores[c].table = &t[0, 0] if t.shape[0] else NULL
            self.cores[c].n_entries = t.shape[0]
            self.cores[c].rows = &r[0] if r.shape[0] else NULL
            self.cores[c].n_words = r.shape[0]
            self.cores[c].entry_addr = &a[0] if t.shape[0] else NULL
            self.cores[c].entry_stride = &b[0] if t.shape[0] else NULL
            self.cores[c].ring_first = ring_first[c]
            self.cores[c].hit_probes = self.probes + used
            self.cores[c].miss_probes = self.probes + used + t.shape[0]
            self.cores[c].entries = self.entries + entries_before
            used += 2 * t.shape[0] + 1
            entries_before += t.shape[0]
            count_probes(t.shape[0], self.cores[c].hit_probes, self.cores[c].miss_probes)
            for i in range(t.shape[0]):
                check_entry(&self.cores[c], i, c, n_words)
                fill_entry(&self.cores[c], i)
            copy_rows(&self.cores[c], &h[0] if n_words else NULL)
        self.direct = [direct_index(t) for t in tables]
        for c in range(self.n_cores):
            self.cores[c].direct = NULL
            if self.direct[c] is not None:
                d = self.direct[c]
                self.cores[c].direct = &d[0]
                self.cores[c].direct_first = tables[c][0, 0]
                self.cores[c].direct_shift = bit_length(~tables[c][0, 1] & 0xFFFFFFFF)
                self.cores[c].direct_span = d.shape[0]

    def __dealloc__(self):
        free(self.cores)
        free(self.probes)
        free(self.entries)

    def __reduce__(self):
        return MatrixSet, (self.tables, self.rows, self.ring_first)


def direct_index(table):
    """The entry of each block of keys of a (checked) table, from its first entry's block to
    its last's (-1 for a block without one), as int32; None unless every entry has one mask
    and there are at most four blocks per entry (plus 64), as the mapper's tables have. The
    kernel then finds a key's entry by one read instead of a bisection whose probes wait on
    each other (# perf: the SpiNNaker2 run benchmark's first 400 ticks, 23 M packets on 150
    entries a core, one thread, alternating runs: 38.4 -> 30.8 ns a packet). Only where the
    host finds the entry changes: the steps counted are sPyNNaker's search's all the same."""
    table = np.asarray(table)
    if table.shape[0] == 0 or (table[:, 1] != table[0, 1]).any():
        return None
    shift = bit_length(~int(table[0, 1]) & 0xFFFFFFFF)
    if shift >= 32:  # one block holds every key
        return None
    block = (table[:, 0].astype(np.int64) - int(table[0, 0])) >> shift
    span = int(block.max()) + 1  # (the keys increase)
    if span > 4 * table.shape[0] + 64:
        return None
    index = np.full(span, -1, np.int32)
    index[block] = np.arange(table.shape[0], dtype=np.int32)
    return index


cdef int bit_length(uint32_t x) noexcept nogil:
    """Bits up to the highest set one (0 for 0): the block size's log2 for ``~mask``."""
    cdef int n = 0
    while x:
        x >>= 1
        n += 1
    return n


cdef check_entry(const CoreMatrix* m, Py_ssize_t i, Py_ssize_t core, Py_ssize_t n_host):
    """ValueError if entry i breaks the table layout (mask of contiguous high ones, key within
    it, keys increasing, blocks disjoint) or its block runs past the end of the core's rows or
    of the host copy."""
    cdef const uint32_t* e = m.table + 4 * i
    cdef uint32_t low = ~e[1]
    cdef Py_ssize_t stride = ROW_HEADER_WORDS + (e[3] & 0xFFFF), n_rows = e[3] >> 16
    cdef Py_ssize_t host_row = 1 + (e[3] & 0xFFFF)
    if low & (low + 1) or e[0] & low:
        raise ValueError(f"core {core}, table entry {i}: mask {e[1]:#x} is not contiguous "
                         f"high ones or key {e[0]:#x} has bits outside it")
    if i and (e[-4] | ~e[-3]) >= e[0]:
        raise ValueError(f"core {core}, table entry {i}: key {e[0]:#x} does not follow the "
                         "previous entry's block (keys increasing, blocks disjoint)")
    if ((e[2] & 0x7FFFFFFFU) >> 2) + n_rows * stride > m.n_words:
        raise ValueError(f"core {core}, table entry {i}: block past the end of the rows")
    if n_rows and m.entry_addr[i] + (n_rows - 1) * m.entry_stride[i] + host_row > n_host:
        raise ValueError(f"core {core}, table entry {i}: block past the end of the host copy")


cdef void fill_entry(CoreMatrix* m, Py_ssize_t i) noexcept nogil:
    """Entry i's record for ``find_row`` (from the table, the host layout and the probes)."""
    cdef const uint32_t* e = m.table + 4 * i
    cdef Entry* x = &m.entries[i]
    x.addr, x.stride = m.entry_addr[i], <int32_t>m.entry_stride[i]
    x.key, x.mask, x.sizes = e[0], e[1], e[3]
    x.hit_probes = m.hit_probes[i]
    x.dram_bytes = <int32_t>(4 * (ROW_HEADER_WORDS + (e[3] & 0xFFFF))) if e[2] & 0x80000000U else 0


cdef void copy_rows(const CoreMatrix* m, uint32_t* host) noexcept nogil:
    """Copy every row of the core's blocks (checked) to its place in the host copy: its
    synaptic word count n (header word 1), then its synaptic words with their padding."""
    cdef const uint32_t* e
    cdef const uint32_t* row
    cdef uint32_t* dest
    cdef Py_ssize_t i, nid, row_words
    for i in range(m.n_entries):
        e = m.table + 4 * i
        row_words = e[3] & 0xFFFF
        for nid in range(e[3] >> 16):
            row = m.rows + ((e[2] & 0x7FFFFFFFU) >> 2) + nid * (ROW_HEADER_WORDS + row_words)
            dest = host + m.entry_addr[i] + nid * m.entry_stride[i]
            dest[0] = row[1]
            memcpy(dest + 1, row + ROW_HEADER_WORDS, 4 * row_words)


cdef void count_probes(Py_ssize_t n, int32_t* hit, int32_t* miss) noexcept nogil:
    """Probes of sPyNNaker's binary search (mid = (lo + hi) // 2, stop at the match) over n
    sorted, disjoint entries. OUT hit[i] (i < n): for a key in entry i; miss[i] (i <= n): for a
    key in no entry, with i entries below it."""
    cdef Py_ssize_t i, lo, hi, mid
    for i in range(n + 1):
        lo, hi = 0, n
        miss[i] = 0
        while lo < hi:
            mid = (lo + hi) >> 1
            miss[i] += 1
            if mid < i:
                lo = mid + 1
            else:
                hi = mid
        if i == n:
            break
        lo, hi = 0, n
        hit[i] = 0
        while True:
            mid = (lo + hi) >> 1
            hit[i] += 1
            if mid == i:
                break
            if mid < i:
                lo = mid + 1
            else:
                hi = mid


cdef inline Py_ssize_t find_row(
    const CoreMatrix* m, uint32_t key, int32_t* steps, int32_t* dram_bytes, Py_ssize_t* last
) noexcept nogil:
    """sPyNNaker's binary search of the master population table: the first word of ``key``'s
    row in the host copy, or -1 (no entry, or a row past the block). OUT steps
    (sPyNNaker's probes), dram_bytes (the block's padded row when it lives in DRAM, else 0),
    last (the row's last padded word, on a hit).

    The entry comes from the table's direct index of blocks (``direct_index``) where it has
    one and the key's block holds an entry, else from a search whose probes depend only on
    the table size (no jump on the data to mispredict); the probes sPyNNaker's search takes
    from ``count_probes`` (the tables are sorted and disjoint, so they depend only on the
    entry, or the gap, the key falls in).
    # perf: against sPyNNaker's search, same kernel otherwise: scripts/bench_cores.py chip case
    54-58 -> 36 ns per packet; 2.2 M packets of the SpiNNaker2 run benchmark's ticks 40-60,
    replayed, 63 -> 43; the kernel in that run (200 ticks) 0.54 -> 0.49-0.52 s.
    """
    cdef Py_ssize_t base = -1, n = m.n_entries, half, first
    cdef const Entry* e
    cdef uint32_t nid, block
    dram_bytes[0] = 0
    if n == 0:
        steps[0] = 0
        return -1
    if m.direct != NULL:  # its block's entry, if it has one
        block = (key - m.direct_first) >> m.direct_shift  # (wraps round below the first)
        if block < <uint32_t>m.direct_span:
            base = m.direct[block]
    if base < 0:
        base = 0
        while n > 1:  # base: the last entry whose key is <= key (or 0)
            half = n >> 1
            base = base + half if m.table[4 * (base + half)] <= key else base
            n -= half
    e = &m.entries[base]
    if (key & e.mask) != e.key:
        steps[0] = m.miss_probes[base + (e.key < key)]
        return -1
    steps[0] = e.hit_probes
    nid = key & ~e.mask
    if nid >= (e.sizes >> 16):
        return -1
    dram_bytes[0] = e.dram_bytes
    first = e.addr + <Py_ssize_t>nid * e.stride
    last[0] = first + (e.sizes & 0xFFFF)
    return first


def synapse_lookup(
    MatrixSet matrices,
    const uint32_t[::1] keys,
    const int64_t[::1] seg_start,
    const int32_t[::1] seg_core,
    const int64_t[::1] seg_tick,
    uint16_t[:, :, :] ring,
    int32_t[::1] out_steps,
    int32_t[::1] out_words,
    int32_t[::1] out_dram_bytes,
    int threads=1,
):
    """Look up each packet's row and add its weights into its core's ring buffers.

    Segment s = packets ``seg_start[s]:seg_start[s + 1]`` (in arrival order) received by core
    ``seg_core[s]`` in tick ``seg_tick[s]``. Per packet: binary search of the core's master
    population table for the entry with ``key & mask == entry key`` (each probe one step); on
    a hit, row ``key & ~mask`` of the entry's block is read and every synaptic word (weight w,
    delay d, type t, target j) does ``ring[(tick + d) % 16, t, ring_first + j] =
    min(ring[...] + w, 65535)``. All weights are unsigned, so the ring buffers end the same
    whatever the packet order.

    Parameters
    ----------
    matrices : IN. The cores' tables, rows and ring offsets.
    keys : uint32 (n_packets,), IN. Received keys, segment by segment.
    seg_start : int64 (n_segments + 1,), IN. Segment bounds, non-decreasing, last = n_packets.
    seg_core, seg_tick : (n_segments,), IN. Core (index into ``matrices``) and tick (>= 0).
    ring : uint16 (16, 2, n_neurons), IN/OUT. The cores' ring buffers (any strides).
    out_steps : int32 (>= n_packets,), OUT. Binary search steps per packet.
    out_words : int32 (>= n_packets,), OUT. Synaptic words processed per packet (0 on a miss).
    out_dram_bytes : int32 (>= n_packets,), OUT. Bytes fetched from DRAM by DMA per packet (the
        block's padded row, 0 for SRAM rows and misses).
    threads : IN. At most this many threads, each a run of whole cores (``core_runs``): the
        same results.

    Returns
    -------
    (packets, misses, search_steps, rows_read, words, table_bytes, sram_row_bytes,
    dram_row_bytes, saturated_weight) : tuple of int. ``table_bytes`` = 16 per step (SRAM);
    an SRAM row costs its header and used words, 4 * (3 + n) bytes; a DRAM row its padded
    stride. ``saturated_weight``: weight units lost to saturation (order-independent).
    """
    cdef Py_ssize_t c, n_seg = seg_core.shape[0]
    cdef PeView* views
    cdef Totals t
    check_segments(keys, seg_start, seg_core, seg_tick, matrices.n_cores, threads,
                   out_steps, out_words, out_dram_bytes)
    if ring.shape[0] != 16 or ring.shape[1] != 2:
        raise ValueError(f"ring must have shape (16, 2, n), got {tuple(ring.shape)[:3]}")
    views = <PeView*>malloc(max(matrices.n_cores, 1) * sizeof(PeView))
    if views == NULL:
        raise MemoryError()
    try:
        for c in range(matrices.n_cores):
            view_core(&views[c], &matrices.cores[c], matrices.host_words, ring)
        t = run_jobs(views, keys, seg_start, seg_core, seg_tick, out_steps, out_words,
                     out_dram_bytes, threads)
    finally:
        free(views)
    return counts_of(&t, keys.shape[0])


cdef class PeLookup:
    """Where each PE's received packets go, for ``lookup_pes``: PE p uses core
    ``core_of_pe[p]`` of ``sets[set_of_pe[p]]`` and that set's ring buffers
    ``rings[set_of_pe[p]]`` (uint16 (16, 2, n), any strides), or has no synapses where
    ``set_of_pe[p]`` is -1 (its packets are misses of no search step). Holds the sets and rings
    (not copies) while it lives."""

    cdef PeView* views
    cdef readonly int n_pes
    cdef readonly list sets, rings

    def __cinit__(
        self, list sets, list rings, const int32_t[::1] set_of_pe, const int32_t[::1] core_of_pe
    ):
        cdef Py_ssize_t p, k
        cdef MatrixSet m
        if len(sets) != len(rings) or set_of_pe.shape[0] != core_of_pe.shape[0]:
            raise ValueError("sets and rings, set_of_pe and core_of_pe must pair up")
        for k in range(len(rings)):
            if (rings[k].ndim != 3 or rings[k].shape[:2] != (16, 2)
                    or rings[k].dtype != np.uint16):
                raise ValueError(f"rings[{k}] must be uint16 of shape (16, 2, n)")
        self.sets, self.rings, self.n_pes = sets, rings, set_of_pe.shape[0]
        self.views = <PeView*>malloc(max(self.n_pes, 1) * sizeof(PeView))
        if self.views == NULL:
            raise MemoryError()
        for p in range(self.n_pes):
            k = set_of_pe[p]
            self.views[p].m = NULL
            if k == -1:
                continue
            if not 0 <= k < len(sets):
                raise ValueError(f"PE {p}: set {k} is not one of the {len(sets)} sets")
            m = sets[k]
            if not 0 <= core_of_pe[p] < m.n_cores:
                raise ValueError(f"PE {p}: core {core_of_pe[p]} is not one of set {k}'s "
                                 f"{m.n_cores}")
            view_core(&self.views[p], &m.cores[core_of_pe[p]], m.host_words, rings[k])

    def __dealloc__(self):
        free(self.views)


def lookup_pes(
    PeLookup pes,
    const uint32_t[::1] keys,
    const int64_t[::1] seg_start,
    const int32_t[::1] seg_pe,
    const int64_t[::1] seg_tick,
    int32_t[::1] out_steps,
    int32_t[::1] out_words,
    int32_t[::1] out_dram_bytes,
    int threads=1,
):
    """``synapse_lookup`` of packets received by PEs of several sets, in one call: segment s
    reaches PE ``seg_pe[s]`` (index into ``pes``). Same arguments otherwise, the same per
    packet and in total (# perf: one call a receive step, its threads started in C, against a
    call per set in Python threads, whose pool thread started ~0.2 ms late).
    """
    cdef Totals t
    check_segments(keys, seg_start, seg_pe, seg_tick, pes.n_pes, threads, out_steps, out_words,
                   out_dram_bytes)
    t = run_jobs(pes.views, keys, seg_start, seg_pe, seg_tick, out_steps, out_words,
                 out_dram_bytes, threads)
    return counts_of(&t, keys.shape[0])


cdef view_core(PeView* v, const CoreMatrix* m, const uint32_t* rows, uint16_t[:, :, :] ring):
    """Fill ``v`` with core ``m``'s rows (in ``rows``) and its part of ``ring``."""
    cdef int k
    v.m, v.rows, v.neuron_bytes = m, rows, ring.strides[2]
    for k in range(32):
        v.line[k] = (<char*>&ring[k >> 1, k & 1, 0] + m.ring_first * v.neuron_bytes
                     if ring.shape[2] else NULL)


cdef check_segments(
    const uint32_t[::1] keys, const int64_t[::1] seg_start, const int32_t[::1] seg_view,
    const int64_t[::1] seg_tick, Py_ssize_t n_views, int threads, const int32_t[::1] a,
    const int32_t[::1] b, const int32_t[::1] c,
):
    """ValueError unless the segments cover the keys, each names a view (core or PE) and a
    tick >= 0, the outputs hold a value per key and threads >= 1."""
    cdef Py_ssize_t s, n_seg = seg_view.shape[0]
    if seg_start.shape[0] != n_seg + 1 or seg_tick.shape[0] != n_seg:
        raise ValueError("seg_start must have n_segments + 1 entries, seg_tick n_segments")
    if n_seg and (seg_start[0] != 0 or seg_start[n_seg] != keys.shape[0]):
        raise ValueError("seg_start must run from 0 to the number of keys")
    for s in range(n_seg):
        if not 0 <= seg_view[s] < n_views or seg_tick[s] < 0:
            raise ValueError(f"segment {s}: core {seg_view[s]} or tick {seg_tick[s]} invalid")
    if min(a.shape[0], b.shape[0], c.shape[0]) < keys.shape[0]:
        raise ValueError("out_steps, out_words and out_dram_bytes need one entry per key")
    check_threads(threads)


cdef tuple counts_of(const Totals* t, Py_ssize_t n_keys):
    """The counts a lookup returns (``synapse_lookup``'s Returns)."""
    return (n_keys, t.misses, t.steps, t.rows_read, t.words, ENTRY_BYTES * t.steps,
            t.sram_bytes, t.dram_bytes, t.lost)


cdef Totals run_jobs(
    const PeView* views, const uint32_t[::1] keys, const int64_t[::1] seg_start,
    const int32_t[::1] seg_view, const int64_t[::1] seg_tick, int32_t[::1] out_steps,
    int32_t[::1] out_words, int32_t[::1] out_dram_bytes, int threads,
):
    """The segments (checked) in at most ``threads`` runs of whole views (``cut_runs``), each
    in a thread of its own (``cores_run_jobs``); returns the totals of all."""
    cdef Py_ssize_t cuts[MAX_THREADS + 1]
    cdef Job jobs[MAX_THREADS]
    cdef Py_ssize_t n_seg = seg_view.shape[0], r, n_runs
    cdef Totals t
    memset(&t, 0, sizeof(Totals))
    if n_seg == 0:
        return t
    n_runs = cut_runs(&seg_start[0], &seg_view[0], n_seg, keys.shape[0],
                      min(threads, <int>MAX_THREADS), cuts)
    for r in range(n_runs):
        jobs[r].views, jobs[r].seg_view = views, &seg_view[0]
        jobs[r].seg_start, jobs[r].seg_tick = &seg_start[0], &seg_tick[0]
        jobs[r].s0, jobs[r].s1 = cuts[r], cuts[r + 1]
        jobs[r].keys = &keys[0] if keys.shape[0] else NULL
        jobs[r].steps = &out_steps[0] if keys.shape[0] else NULL
        jobs[r].words = &out_words[0] if keys.shape[0] else NULL
        jobs[r].dram_bytes = &out_dram_bytes[0] if keys.shape[0] else NULL
    with nogil:
        cores_run_jobs(run_job, jobs, sizeof(Job), n_runs)
    for r in range(n_runs):
        t.steps += jobs[r].t.steps
        t.misses += jobs[r].t.misses
        t.rows_read += jobs[r].t.rows_read
        t.words += jobs[r].t.words
        t.sram_bytes += jobs[r].t.sram_bytes
        t.dram_bytes += jobs[r].t.dram_bytes
        t.lost += jobs[r].t.lost
    return t


cdef void* run_job(void* job) noexcept nogil:
    lookup_segments(<Job*>job)
    return NULL


def core_runs(
    const int64_t[::1] seg_start, const int32_t[::1] seg_core, int64_t n_keys, int threads
):
    """Segment indices cutting the segments into at most ``threads`` runs of whole cores with
    about as many packets each: [0, ..., n_segments] (``cut_runs``); ValueError for threads
    < 1."""
    cdef Py_ssize_t n_seg = seg_core.shape[0], n_runs
    cdef Py_ssize_t* cuts
    check_threads(threads)
    cuts = <Py_ssize_t*>malloc((threads + 1) * sizeof(Py_ssize_t))
    if cuts == NULL:
        raise MemoryError()
    if n_seg == 0 or seg_start.shape[0] != n_seg + 1:
        cuts[0], cuts[1], n_runs = 0, n_seg, 1
    else:
        n_runs = cut_runs(&seg_start[0], &seg_core[0], n_seg, n_keys, threads, cuts)
    result = [cuts[r] for r in range(n_runs + 1)]
    free(cuts)
    return result


cdef Py_ssize_t cut_runs(
    const int64_t* seg_start, const int32_t* seg_core, Py_ssize_t n_seg, int64_t n_keys,
    int threads, Py_ssize_t* cuts
) noexcept nogil:
    """Cut n_seg segments (bounds ``seg_start``, n_seg + 1 of them) into at most ``threads``
    runs of whole cores with about as many packets each; OUT cuts[0 .. runs] (0, ...,
    n_seg); returns the number of runs: one for one thread, or when the segments are not
    grouped by core (``seg_core`` non-decreasing) or their bounds do not run from 0 up to
    ``n_keys`` non-decreasing (the kernel then refuses them). A cut k goes to the first core
    whose first packet is at or after ``k / threads`` of them (the last core's if none is).
    In C: # perf: the same in NumPy took 35-90 us a call, 0.17 s of a simulated second of the
    SpiNNaker2-like run benchmark (1,800 calls) when chipsim's receive steps still cut each
    population's call here."""
    cdef Py_ssize_t s, core_start = 0, n = 1
    cdef int k
    cdef double wanted
    cuts[0], cuts[1] = 0, n_seg
    if (
        threads == 1 or n_seg <= 1 or seg_start[0] != 0 or seg_start[n_seg] != n_keys
        or seg_start[n_seg] < seg_start[n_seg - 1]
    ):
        return 1
    for s in range(1, n_seg):
        if seg_core[s] < seg_core[s - 1] or seg_start[s] < seg_start[s - 1]:
            return 1
    s = 0
    for k in range(1, threads):
        wanted = <double>n_keys * k / threads
        while s < n_seg and (
            seg_start[s] < wanted or (s > 0 and seg_core[s] == seg_core[s - 1])
        ):  # the first core start at or after ``wanted``
            if s == 0 or seg_core[s] != seg_core[s - 1]:
                core_start = s
            s += 1
        if s == n_seg:  # none: the last core's start
            s = core_start
        if s > cuts[n - 1]:
            cuts[n] = s
            n += 1
    cuts[n] = n_seg
    return n


cdef void lookup_segments(Job* j) noexcept nogil:
    """The job's segments: each packet searched and its row prefetched, CHUNK packets ahead
    of their accumulation (a chunk runs on across segments); OUT j.t and the per-packet
    outputs."""
    cdef Pending pending[CHUNK]
    cdef Py_ssize_t s, k, q = 0, last = 0
    cdef const PeView* v
    memset(&j.t, 0, sizeof(Totals))
    for s in range(j.s0, j.s1):
        v = &j.views[j.seg_view[s]]
        for k in range(j.seg_start[s], j.seg_start[s + 1]):
            pending[q].view, pending[q].packet, pending[q].tick = v, k, j.seg_tick[s]
            if v.m == NULL:
                j.steps[k] = j.dram_bytes[k] = 0
                pending[q].first = -1
            else:
                pending[q].first = find_row(v.m, j.keys[k], &j.steps[k], &j.dram_bytes[k],
                                            &last)
                if pending[q].first >= 0:
                    prefetch(v.rows + pending[q].first)
                    prefetch(v.rows + last)
            q += 1
            if q == CHUNK:
                add_rows(pending, q, j)
                q = 0
    add_rows(pending, q, j)


cdef void add_rows(const Pending* pending, Py_ssize_t q, Job* j) noexcept nogil:
    """Accumulate the rows of the first ``q`` pending packets into their ring buffers; OUT
    j.words, j.t (counts added)."""
    cdef Py_ssize_t i, w, k, n, first, neuron_bytes
    cdef uint32_t word, acc, tick2
    cdef const uint32_t* rows
    cdef char** line
    cdef uint16_t* cell
    for i in range(q):
        k, first = pending[i].packet, pending[i].first
        j.t.steps += j.steps[k]
        j.words[k] = 0
        if first < 0:
            j.t.misses += 1
            continue
        rows, line = pending[i].view.rows, pending[i].view.line
        neuron_bytes = pending[i].view.neuron_bytes
        tick2 = <uint32_t>((pending[i].tick & 0xF) << 1)
        n = rows[first]
        j.t.rows_read += 1
        j.t.words += n
        j.words[k] = <int32_t>n
        if j.dram_bytes[k]:
            j.t.dram_bytes += j.dram_bytes[k]
        else:
            j.t.sram_bytes += 4 * (ROW_HEADER_WORDS + n)
        for w in range(first + 1, first + 1 + n):
            word = rows[w]  # line: slot (tick + delay) % 16, type; then the target
            cell = <uint16_t*>(line[((word >> 11) + tick2) & 0x1F] + (word & 0x7FF) * neuron_bytes)
            acc = cell[0] + (word >> 16)
            if acc > 0xFFFF:
                j.t.lost += acc - 0xFFFF
                acc = 0xFFFF
            cell[0] = <uint16_t>acc

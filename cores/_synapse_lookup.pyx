"""Synapse lookup and accumulation for batches of received packets on many cores (SpiNNaker
style).

Twin: :mod:`cores.reference.synapse_lookup` (same names, arguments and outputs). Public wrappers
with argument checks: :mod:`cores.synapse_lookup`. Byte layout of a core's table and rows:
:mod:`cores.synaptic_matrix`; ring buffers: :mod:`cores.ring_buffer`.
"""

from libc.stdint cimport int32_t, int64_t, uint16_t, uint32_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy

from cores.host_rows import source_major_layout, zeroed_words

cdef extern from *:
    void prefetch "__builtin_prefetch"(const void*) nogil

cdef enum:
    ROW_HEADER_WORDS = 3
    ENTRY_BYTES = 16
    # Packets searched, and their rows prefetched, before the first of them is accumulated
    # (# perf: rows of DRAM blocks rarely stay in cache; on one tick of the SpiNNaker2 run
    # benchmark, 45,000 packets of 6.8 words over 400 MB of rows: 237 ns per packet with no
    # prefetch, 94 with 16, 56 with 32, 75 with 64 in flight; prefetching the row's last line
    # as well gained nothing).
    CHUNK = 32


ctypedef struct CoreMatrix:
    const uint32_t* table  # (n_entries, 4), row-major
    Py_ssize_t n_entries
    const uint32_t* rows  # the modelled rows (copied into the host copy once)
    Py_ssize_t n_words
    const int64_t* entry_addr  # per entry: word of its row 0 in the host copy
    const int64_t* entry_stride  # per entry: words from one of its rows to the next there
    Py_ssize_t ring_first  # first neuron of the core in the ring buffers' last axis


cdef class MatrixSet:
    """The tables and rows of several cores, held for the kernel.

    ``tables[c]`` uint32 (n_entries, 4) and ``rows[c]`` uint32 (n_words,), C-contiguous (held,
    not copied); ``ring_first[c]`` the core's first neuron in the shared ring buffers. The
    kernel reads the rows from ``host``, a source-major copy (:mod:`cores.host_rows`).
    """

    cdef CoreMatrix* cores
    cdef const uint32_t* host_words
    cdef readonly int n_cores
    cdef readonly list tables, rows, ring_first, entry_addr, entry_stride
    cdef readonly object host

    def __cinit__(self, list tables, list rows, list ring_first):
        cdef const uint32_t[:, ::1] t
        cdef uint32_t[::1] h
        cdef const int64_t[::1] a, b, fill_core, fill_entry, start
        cdef const uint32_t[::1] r
        cdef int c
        cdef Py_ssize_t i
        if not len(tables) == len(rows) == len(ring_first):
            raise ValueError("tables, rows and ring_first must have one entry per core")
        self.n_cores = len(tables)
        self.tables, self.rows, self.ring_first = tables, rows, ring_first
        layout = source_major_layout(tables)
        self.entry_addr, self.entry_stride = layout.entry_addr, layout.entry_stride
        self.host = zeroed_words(layout.n_words)
        h = self.host
        self.host_words = &h[0] if layout.n_words else NULL
        self.cores = <CoreMatrix*>malloc(max(self.n_cores, 1) * sizeof(CoreMatrix))
        if self.cores == NULL:
            raise MemoryError()
        for c in range(self.n_cores):
            t = tables[c]
            r = rows[c]
            a = self.entry_addr[c]
            b = self.entry_stride[c]
            self.cores[c].n_entries = t.shape[0]
            self.cores[c].table = &t[0, 0] if t.shape[0] else NULL
            self.cores[c].rows = &r[0] if r.shape[0] else NULL
            self.cores[c].n_words = r.shape[0]
            self.cores[c].entry_addr = &a[0] if t.shape[0] else NULL
            self.cores[c].entry_stride = &b[0] if t.shape[0] else NULL
            self.cores[c].ring_first = ring_first[c]
            for i in range(t.shape[0]):
                check_block(&self.cores[c], i, h.shape[0], c)
        fill_core, fill_entry, start = layout.fill_core, layout.fill_entry, layout.block_start
        with nogil:
            for i in range(start.shape[0] - 1):
                copy_block(self.cores, fill_core, fill_entry, start[i], start[i + 1], &h[0])

    def __dealloc__(self):
        free(self.cores)

    def __reduce__(self):
        return MatrixSet, (self.tables, self.rows, self.ring_first)


cdef check_block(const CoreMatrix* m, Py_ssize_t i, Py_ssize_t n_host, int core):
    """ValueError if entry i's block runs past the end of the core's rows or of the copy."""
    cdef const uint32_t* e = m.table + 4 * i
    cdef Py_ssize_t stride = ROW_HEADER_WORDS + (e[3] & 0xFFFF), n_rows = e[3] >> 16
    if ((e[2] & 0x7FFFFFFFU) >> 2) + n_rows * stride > m.n_words:
        raise ValueError(f"core {core}, table entry {i}: block past the end of the rows")
    if n_rows and m.entry_addr[i] + (n_rows - 1) * m.entry_stride[i] + stride > n_host:
        raise ValueError(f"core {core}, table entry {i}: block past the end of the host copy")


cdef void copy_block(const CoreMatrix* cores, const int64_t[::1] core, const int64_t[::1] entry,
                     Py_ssize_t j0, Py_ssize_t j1, uint32_t* host) noexcept nogil:
    """Copy the rows of one block (entries ``j0:j1`` of the fill order) row slot by row slot,
    so that the writes into ``host`` go forward."""
    cdef const CoreMatrix* m
    cdef const uint32_t* e
    cdef Py_ssize_t j, nid = 0, stride, busy = 1
    while busy:
        busy = 0
        for j in range(j0, j1):
            m = &cores[core[j]]
            e = m.table + 4 * entry[j]
            if nid < (e[3] >> 16):
                busy = 1
                stride = ROW_HEADER_WORDS + (e[3] & 0xFFFF)
                memcpy(host + m.entry_addr[entry[j]] + nid * m.entry_stride[entry[j]],
                       m.rows + ((e[2] & 0x7FFFFFFFU) >> 2) + nid * stride, 4 * stride)
        nid += 1


cdef inline Py_ssize_t find_row(
    const CoreMatrix* m, uint32_t key, int32_t* steps, int32_t* dram_bytes
) noexcept nogil:
    """Binary search of the master population table (sPyNNaker's): the first word of ``key``'s
    row in the host copy, or -1 (no entry, or a row past the block). OUT steps (probes),
    dram_bytes (the block's padded row when it lives in DRAM, else 0)."""
    cdef Py_ssize_t lo = 0, hi = m.n_entries, mid
    cdef const uint32_t* e
    cdef uint32_t nid, stride
    steps[0] = 0
    dram_bytes[0] = 0
    while lo < hi:
        mid = (lo + hi) >> 1
        e = m.table + 4 * mid
        steps[0] += 1
        if (key & e[1]) == e[0]:
            nid = key & ~e[1]
            if nid >= (e[3] >> 16):
                return -1
            stride = ROW_HEADER_WORDS + (e[3] & 0xFFFF)
            if e[2] & 0x80000000U:
                dram_bytes[0] = <int32_t>(4 * stride)
            return m.entry_addr[mid] + <Py_ssize_t>nid * m.entry_stride[mid]
        if e[0] < key:
            lo = mid + 1
        else:
            hi = mid
    return -1


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

    Returns
    -------
    (packets, misses, search_steps, rows_read, words, table_bytes, sram_row_bytes,
    dram_row_bytes, saturated_weight) : tuple of int. ``table_bytes`` = 16 per step (SRAM);
    an SRAM row costs its header and used words, 4 * (3 + n) bytes; a DRAM row its padded
    stride. ``saturated_weight``: weight units lost to saturation (order-independent).
    """
    cdef Py_ssize_t n_seg = seg_core.shape[0], s, c0, c1, k, i, n
    cdef Py_ssize_t first[CHUNK]
    cdef const CoreMatrix* m
    cdef const uint32_t* rows = matrices.host_words
    cdef uint32_t word, acc, slot
    cdef int64_t tick, total_steps = 0, misses = 0, rows_read = 0, words = 0
    cdef int64_t sram_bytes = 0, dram_bytes = 0, lost = 0
    cdef uint16_t* cell
    if seg_start.shape[0] != n_seg + 1 or seg_tick.shape[0] != n_seg:
        raise ValueError("seg_start must have n_segments + 1 entries, seg_tick n_segments")
    if n_seg and (seg_start[0] != 0 or seg_start[n_seg] != keys.shape[0]):
        raise ValueError("seg_start must run from 0 to the number of keys")
    for s in range(n_seg):
        if not 0 <= seg_core[s] < matrices.n_cores or seg_tick[s] < 0:
            raise ValueError(f"segment {s}: core {seg_core[s]} or tick {seg_tick[s]} invalid")
    with nogil:
        for s in range(n_seg):
            m = &matrices.cores[seg_core[s]]
            tick = seg_tick[s]
            c0 = seg_start[s]
            while c0 < seg_start[s + 1]:
                c1 = min(c0 + CHUNK, seg_start[s + 1])
                for k in range(c0, c1):
                    first[k - c0] = find_row(m, keys[k], &out_steps[k], &out_dram_bytes[k])
                    if first[k - c0] >= 0:
                        prefetch(rows + first[k - c0])
                for k in range(c0, c1):
                    total_steps += out_steps[k]
                    out_words[k] = 0
                    if first[k - c0] < 0:
                        misses += 1
                        continue
                    n = rows[first[k - c0] + 1]
                    rows_read += 1
                    words += n
                    out_words[k] = <int32_t>n
                    if out_dram_bytes[k]:
                        dram_bytes += out_dram_bytes[k]
                    else:
                        sram_bytes += 4 * (ROW_HEADER_WORDS + n)
                    for i in range(first[k - c0] + ROW_HEADER_WORDS,
                                   first[k - c0] + ROW_HEADER_WORDS + n):
                        word = rows[i]
                        slot = <uint32_t>((tick + ((word >> 12) & 0xF)) & 0xF)
                        cell = &ring[slot, (word >> 11) & 1, m.ring_first + (word & 0x7FF)]
                        acc = cell[0] + (word >> 16)
                        if acc > 0xFFFF:
                            lost += acc - 0xFFFF
                            acc = 0xFFFF
                        cell[0] = <uint16_t>acc
                c0 = c1
    n = keys.shape[0]
    return (n, misses, total_steps, rows_read, words, ENTRY_BYTES * total_steps,
            sram_bytes, dram_bytes, lost)


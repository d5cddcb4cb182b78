"""Synapse lookup and accumulation for a batch of received packets (SpiNNaker style).

Twin: :mod:`cores.reference.synapse_lookup` (same name, arguments and outputs). Public wrapper
with argument checks: :func:`cores.synapse_lookup.process_packets`. Byte layout of ``table`` and
``rows``: :mod:`cores.synaptic_matrix`; ring buffers: :mod:`cores.ring_buffer`.
"""

from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t

cdef enum:
    ROW_HEADER_WORDS = 3
    ENTRY_BYTES = 16


def synapse_lookup(
    const uint32_t[::1] keys,
    const uint32_t[:, ::1] table,
    const uint32_t[::1] rows,
    int64_t tick,
    uint16_t[:, :, :] ring,
    int32_t[::1] out_steps,
    int32_t[::1] out_words,
    int32_t[::1] out_dram_bytes,
):
    """Look up each packet's row and add its weights into the ring buffers.

    For packet k (in arrival order): binary search of the master population table for the entry
    with ``key & mask == entry key`` (each probe one step); on a hit, row ``key & ~mask`` of the
    entry's block is read and every synaptic word (weight w, delay d, type t, target j) does
    ``ring[(tick + d) % 16, t, j] = min(ring[...] + w, 65535)``. All weights are unsigned, so the
    ring buffers end the same whatever the packet order.

    Parameters
    ----------
    keys : uint32 (n_packets,), IN. Received keys, in arrival order.
    table : uint32 (n_entries, 4), IN. Master population table, sorted by key.
    rows : uint32 (n_words,), IN. Synaptic matrix.
    tick : IN. Current tick.
    ring : uint16 (16, 2, n_neurons), IN/OUT. This core's ring buffers (any strides).
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
    cdef Py_ssize_t n_packets = keys.shape[0], k, lo, hi, mid, i, first, n
    cdef uint32_t key, word, acc
    cdef int64_t steps, total_steps = 0, misses = 0, rows_read = 0, words = 0
    cdef int64_t sram_bytes = 0, dram_bytes = 0, lost = 0
    cdef uint32_t nid, stride, slot
    cdef uint16_t *cell
    with nogil:
        for k in range(n_packets):
            key = keys[k]
            lo = 0
            hi = table.shape[0]
            steps = 0
            mid = -1
            while lo < hi:
                mid = (lo + hi) >> 1
                steps += 1
                if (key & table[mid, 1]) == table[mid, 0]:
                    break
                if table[mid, 0] < key:
                    lo = mid + 1
                else:
                    hi = mid
                mid = -1
            total_steps += steps
            out_steps[k] = <int32_t>steps
            out_words[k] = 0
            out_dram_bytes[k] = 0
            if mid < 0:
                misses += 1
                continue
            nid = key & ~table[mid, 1]
            if nid >= (table[mid, 3] >> 16):
                misses += 1
                continue
            stride = ROW_HEADER_WORDS + (table[mid, 3] & 0xFFFF)
            first = ((table[mid, 2] & 0x7FFFFFFFU) >> 2) + <Py_ssize_t>nid * stride
            n = rows[first + 1]
            rows_read += 1
            words += n
            out_words[k] = <int32_t>n
            if table[mid, 2] & 0x80000000U:
                dram_bytes += 4 * stride
                out_dram_bytes[k] = <int32_t>(4 * stride)
            else:
                sram_bytes += 4 * (ROW_HEADER_WORDS + n)
            for i in range(first + ROW_HEADER_WORDS, first + ROW_HEADER_WORDS + n):
                word = rows[i]
                slot = <uint32_t>((tick + ((word >> 12) & 0xF)) & 0xF)
                cell = &ring[slot, (word >> 11) & 1, word & 0x7FF]
                acc = cell[0] + (word >> 16)
                if acc > 0xFFFF:
                    lost += acc - 0xFFFF
                    acc = 0xFFFF
                cell[0] = <uint16_t>acc
    return (n_packets, misses, total_steps, rows_read, words, ENTRY_BYTES * total_steps,
            sram_bytes, dram_bytes, lost)

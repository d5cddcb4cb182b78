"""One cycle's delivery records sorted by destination endpoint, in the core.

Without chip links every record written in a cycle arrives in the next one, so records sorted
by destination within each cycle are sorted by (arrival, destination) over a whole window, and
``NocEngine.advance`` returns them as they are (# perf: against an argsort and seven gathers in
NumPy per window, +4 % flit-hops/s CPU on 8x8 uniform at 0.17, advance() about 1 ms less per
1 ms tick of the SpiNNaker2-like benchmark run, whose multicast trees deliver tens of copies
in one cycle). A cycle writes at most one record per endpoint (a local port ejects one flit
a cycle, a chip link carries one), so destinations in a cycle are distinct.
"""

from libc.stdint cimport int32_t, int64_t, uint32_t, uint64_t

from noc._core cimport Core, ctz64

cdef enum:
    FEW = 16  # records per cycle up to which an insertion sort moves them in place


cdef void sort_by_dest(Core* c, int first) noexcept nogil:
    """Sort the records ``first .. n_out - 1`` (one cycle's) by destination endpoint: few by
    insertion, more by marking each destination in a bit set and reading it in order."""
    cdef int i
    for i in range(first + 1, c.n_out):
        if c.o_dest[i] < c.o_dest[i - 1]:
            break
    else:
        return
    if c.n_out - first <= FEW:
        insertion_sort(c, first)
    else:
        bitset_sort(c, first)


cdef inline void insertion_sort(Core* c, int first) noexcept nogil:
    cdef int i, j
    cdef int64_t arr, inj, tag
    cdef int32_t dest, src, hops
    cdef uint32_t key
    for i in range(first + 1, c.n_out):
        dest = c.o_dest[i]
        if dest >= c.o_dest[i - 1]:
            continue
        arr, key, src, inj, hops, tag = (
            c.o_arr[i], c.o_key[i], c.o_src[i], c.o_inj[i], c.o_hops[i], c.o_tag[i]
        )
        j = i
        while j > first and c.o_dest[j - 1] > dest:
            c.o_arr[j], c.o_dest[j], c.o_key[j] = c.o_arr[j - 1], c.o_dest[j - 1], c.o_key[j - 1]
            c.o_src[j], c.o_inj[j], c.o_hops[j] = c.o_src[j - 1], c.o_inj[j - 1], c.o_hops[j - 1]
            c.o_tag[j] = c.o_tag[j - 1]
            j -= 1
        c.o_arr[j], c.o_dest[j], c.o_key[j], c.o_src[j] = arr, dest, key, src
        c.o_inj[j], c.o_hops[j], c.o_tag[j] = inj, hops, tag


cdef void bitset_sort(Core* c, int first) noexcept nogil:
    """Mark each record's destination, then list the records in destination order (``rec_at``
    becomes that order: record ``first + k`` takes the k-th) and move every column by it."""
    cdef int i, w, k = 0, d
    cdef uint64_t bits
    cdef int lo = c.o_dest[first], hi = lo
    for i in range(first, c.n_out):
        d = c.o_dest[i]
        c.rec_seen[d >> 6] |= <uint64_t>1 << (d & 63)
        c.rec_at[d] = i
        lo, hi = min(lo, d), max(hi, d)
    for w in range(lo >> 6, (hi >> 6) + 1):
        bits = c.rec_seen[w]
        c.rec_seen[w] = 0
        while bits:
            d = (w << 6) + ctz64(bits)
            bits &= bits - 1
            c.rec_at[k] = c.rec_at[d]  # k <= d: entry d is read before it can be overwritten
            k += 1
    permute_i64(c.o_arr, c, first)
    permute_i64(c.o_inj, c, first)
    permute_i64(c.o_tag, c, first)
    permute_i32(c.o_dest, c, first)
    permute_i32(c.o_src, c, first)
    permute_i32(c.o_hops, c, first)
    permute_i32(<int32_t*>c.o_key, c, first)


cdef inline void permute_i64(int64_t* column, Core* c, int first) noexcept nogil:
    cdef int k, n = c.n_out - first
    for k in range(n):
        c.rec_scratch[k] = column[c.rec_at[k]]
    for k in range(n):
        column[first + k] = c.rec_scratch[k]


cdef inline void permute_i32(int32_t* column, Core* c, int first) noexcept nogil:
    cdef int k, n = c.n_out - first
    for k in range(n):
        c.rec_scratch[k] = column[c.rec_at[k]]
    for k in range(n):
        column[first + k] = <int32_t>c.rec_scratch[k]

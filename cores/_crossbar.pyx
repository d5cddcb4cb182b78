"""TrueNorth crossbar kernels: axon delivery into delay rings, synaptic integration.

Layout and equations: see :mod:`cores.crossbar`. NumPy twin: :mod:`cores.reference.crossbar`.
Bit n of a 256-bit row is bit (n & 63) of uint64 word (n >> 6).
"""

from libc.stdint cimport int16_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t

from cores._philox cimport draw_block

cdef extern from *:
    int __builtin_ctzll(unsigned long long x) nogil
    void __builtin_prefetch(const void* addr) nogil

cdef extern from *:
    """
    /* Masked add of one 64-neuron row word: acc[i] += w[i] for every set bit i, branch-free.
       Each byte of the row selects 8 int16 lane masks from a 4 KiB table; with SSE2 (every
       x86-64) that is and + sign-extend + add over 8 lanes, otherwise the same in scalar C. */
    static int16_t tn_byte_masks[256][8];
    static void tn_init_byte_masks(void) {
        for (int b = 0; b < 256; b++)
            for (int i = 0; i < 8; i++)
                tn_byte_masks[b][i] = ((b >> i) & 1) ? -1 : 0;
    }
    #if defined(__SSE2__)
    #include <emmintrin.h>
    static inline void tn_add_masked_word(int32_t *acc, const int16_t *w, uint64_t bits) {
        for (int byte = 0; byte < 8; byte++) {
            const __m128i m = _mm_loadu_si128(
                (const __m128i *)tn_byte_masks[(bits >> (8 * byte)) & 0xFF]);
            const __m128i x = _mm_and_si128(_mm_loadu_si128((const __m128i *)(w + 8 * byte)), m);
            const __m128i lo = _mm_srai_epi32(_mm_unpacklo_epi16(x, x), 16);
            const __m128i hi = _mm_srai_epi32(_mm_unpackhi_epi16(x, x), 16);
            __m128i *a = (__m128i *)(acc + 8 * byte);
            _mm_storeu_si128(a, _mm_add_epi32(_mm_loadu_si128(a), lo));
            _mm_storeu_si128(a + 1, _mm_add_epi32(_mm_loadu_si128(a + 1), hi));
        }
    }
    #else
    static inline void tn_add_masked_word(int32_t *acc, const int16_t *w, uint64_t bits) {
        for (int byte = 0; byte < 8; byte++) {
            const int16_t *m = tn_byte_masks[(bits >> (8 * byte)) & 0xFF];
            for (int i = 0; i < 8; i++)
                acc[8 * byte + i] += (int16_t)(w[8 * byte + i] & m[i]);
        }
    }
    #endif
    """
    void tn_init_byte_masks() nogil
    void tn_add_masked_word(int32_t* acc, const int16_t* w, uint64_t bits) nogil

tn_init_byte_masks()


cdef inline int64_t popcount64(uint64_t x) noexcept nogil:
    """Set bits of x (SWAR; the build targets baseline x86-64, which has no POPCNT)."""
    x = x - ((x >> 1) & 0x5555555555555555ULL)
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL)
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL
    return <int64_t>((x * 0x0101010101010101ULL) >> 56)

cdef enum:
    STREAM_SYNAPSE = 0  # cores.rng.RngStream.TN_SYNAPSE
    N_AXONS = 256
    N_WORDS = 4
    SLOT_MASK = 15
    DENSE_WORD_MIN = 4  # set bits from which the branch-free masked add beats the bit walk


def deliver(
    uint64_t[:, :, ::1] ring,
    const int64_t[::1] core,
    const int64_t[::1] axon,
    const int64_t[::1] delay,
    int64_t tick,
) -> None:
    """Mark each (core, axon) active at tick + delay.

    IN/OUT ring (n_cores, 16, 4) uint64: slot s holds the axons active at ticks = s (mod 16).
    IN core (batch index), axon (0..255), delay (1..15): int64 (m,), checked by the caller;
    tick: current tick.
    """
    cdef Py_ssize_t i, m = core.shape[0]
    cdef int64_t a
    with nogil:
        for i in range(m):
            a = axon[i]
            ring[core[i], (tick + delay[i]) & SLOT_MASK, a >> 6] |= (<uint64_t>1) << (a & 63)


cdef inline void prefetch_core(
    const uint64_t[:, :, ::1] rows,
    const uint8_t[:, ::1] axon_type,
    const uint64_t[:, :, ::1] ring,
    const int16_t[:, :, ::1] weights_by_type,
    Py_ssize_t c,
    Py_ssize_t slot,
) noexcept nogil:
    """Prefetch what core c will read: its active rows and axon types. Not its weights: their
    32 lines a core, prefetched too, stalled the loop on the rows (# perf: sparse 20 Hz on
    4096 cores 510-550 -> 900-1000 M synaptic events/s, scripts/bench_crossbar.py, paired
    runs; the weights stream in without help)."""
    cdef Py_ssize_t q, i
    cdef uint64_t active
    for i in range(0, N_AXONS, 64):
        __builtin_prefetch(&axon_type[c, i])
    for q in range(N_WORDS):
        active = ring[c, slot, q]
        while active:
            __builtin_prefetch(&rows[c, q * 64 + __builtin_ctzll(active), 0])
            active &= active - 1


cdef inline int64_t stochastic_term(int64_t s, uint32_t rho) noexcept nogil:
    """F(s, rho) = sgn(s) if |s| >= rho else 0 (Cassidy 2013, eq. 2), rho in 0..255."""
    if s > 0:
        return 1 if s >= rho else 0
    if s < 0:
        return -1 if -s >= rho else 0
    return 0


cdef inline int64_t add_row(
    const uint64_t* row, const uint64_t* stoch_mask, const int16_t* wg, int32_t* acc,
    Py_ssize_t a, const uint8_t* rho_row, uint64_t seed, uint32_t core, uint32_t tick,
    uint64_t* cached, uint32_t* words, int64_t* n_draws,
) noexcept nogil:
    """Add active axon a's row into acc (eq. 1-2); returns its synaptic events.

    row, stoch_mask: 4 words (crossbar row; stochastic synapses of the axon's type); wg: the
    256 weights of the axon's type; rho_row: 256 injected rho, or NULL to draw from Philox,
    caching the last block in words (block index in cached).
    """
    cdef Py_ssize_t w, nrn
    cdef uint64_t bits, stoch, block
    cdef uint32_t rho
    cdef int64_t n_bits, events = 0
    for w in range(N_WORDS):
        stoch = row[w] & stoch_mask[w]
        bits = row[w] ^ stoch
        n_bits = popcount64(bits)
        events += n_bits
        if n_bits >= DENSE_WORD_MIN:  # deterministic synapses: + s_j^G
            tn_add_masked_word(acc + w * 64, wg + w * 64, bits)
            bits = 0
        while bits:
            nrn = w * 64 + __builtin_ctzll(bits)
            bits &= bits - 1
            acc[nrn] += wg[nrn]
        while stoch:  # stochastic synapses: + F(s_j^G, rho)
            nrn = w * 64 + __builtin_ctzll(stoch)
            stoch &= stoch - 1
            events += 1
            n_draws[0] += 1
            if rho_row != NULL:
                rho = rho_row[nrn]
            else:
                block = <uint64_t>(a * N_AXONS + nrn) >> 2
                if block != cached[0]:
                    cached[0] = block
                    draw_block(seed, core, tick, STREAM_SYNAPSE, block, words)
                rho = words[nrn & 3] & 0xFF
            acc[nrn] += stochastic_term(wg[nrn], rho)
    return events


def integrate(
    const uint64_t[:, :, ::1] rows,
    const uint8_t[:, ::1] axon_type,
    uint64_t[:, :, ::1] ring,
    const int16_t[:, :, ::1] weights_by_type,
    const uint64_t[:, :, ::1] stochastic_bits,
    const uint32_t[::1] core_ids,
    uint32_t tick,
    uint64_t seed,
    const uint8_t[:, :, ::1] syn_draws,
    bint use_draws,
    int32_t[::1] syn_input,
    int64_t[:, ::1] core_counts,
):
    """Summed synaptic input of this tick for every neuron of a batch of cores.

    IN rows (n_cores, 256, 4) uint64 crossbar; axon_type (n_cores, 256) uint8 (0..3);
    weights_by_type (n_cores, 4, 256) int16 s_j^G; stochastic_bits (n_cores, 4, 4) uint64,
    bit j of type G set where b_j^G = 1; core_ids (n_cores,) uint32; tick; seed;
    syn_draws (n_cores, 256, 256) uint8 rho per (core, axon, neuron), read only when use_draws.
    IN/OUT ring (n_cores, 16, 4) uint64: slot tick & 15 is read and cleared.
    OUT syn_input (256 * n_cores,) int32, overwritten; core_counts (n_cores, 3) int64: per
    core (synaptic events, crossbar row reads, draws consumed).
    Returns the column sums (synaptic events, crossbar row reads, draws consumed).
    """
    cdef Py_ssize_t n_cores = core_ids.shape[0]
    cdef Py_ssize_t c, q, a, nrn, slot = tick & SLOT_MASK
    cdef uint64_t active, cached
    cdef uint32_t words[4]
    cdef uint8_t g
    cdef int32_t* acc
    cdef int64_t events, reads, n_draws
    cdef int64_t totals[3]
    totals[0] = totals[1] = totals[2] = 0
    with nogil:
        for c in range(n_cores):
            if c + 1 < n_cores:
                prefetch_core(rows, axon_type, ring, weights_by_type, c + 1, slot)
            if c + 2 < n_cores:
                __builtin_prefetch(&ring[c + 2, slot, 0])
            acc = &syn_input[c * N_AXONS]
            for nrn in range(N_AXONS):
                acc[nrn] = 0
            events = reads = n_draws = 0
            cached = <uint64_t>-1
            for q in range(N_WORDS):
                active = ring[c, slot, q]
                ring[c, slot, q] = 0
                while active:
                    a = q * 64 + __builtin_ctzll(active)
                    active &= active - 1
                    reads += 1
                    g = axon_type[c, a]
                    events += add_row(
                        &rows[c, a, 0], &stochastic_bits[c, g, 0], &weights_by_type[c, g, 0],
                        acc, a, &syn_draws[c, a, 0] if use_draws else NULL, seed, core_ids[c],
                        tick, &cached, words, &n_draws,
                    )
            core_counts[c, 0] = events
            core_counts[c, 1] = reads
            core_counts[c, 2] = n_draws
            totals[0] += events
            totals[1] += reads
            totals[2] += n_draws
    return totals[0], totals[1], totals[2]

"""TrueNorth crossbar kernels: axon delivery into delay rings, synaptic integration.

Layout and equations: see :mod:`cores.crossbar`. NumPy twin: :mod:`cores.reference.crossbar`.
Bit n of a 256-bit row is bit (n & 63) of uint64 word (n >> 6).
"""

from libc.stdint cimport int16_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t

from cores._philox cimport draw_block

cdef extern from *:
    int __builtin_ctzll(unsigned long long x) nogil
    void __builtin_prefetch(const void* addr) nogil


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
    """Prefetch what core c will read: its active rows, axon types and weights (DRAM-bound)."""
    cdef Py_ssize_t q, i
    cdef uint64_t active
    for i in range(0, N_AXONS, 64):
        __builtin_prefetch(&axon_type[c, i])
    for i in range(0, 4 * N_AXONS, 32):
        __builtin_prefetch(&weights_by_type[c, 0, 0] + i)
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
):
    """Summed synaptic input of this tick for every neuron of a batch of cores.

    IN rows (n_cores, 256, 4) uint64 crossbar; axon_type (n_cores, 256) uint8 (0..3);
    weights_by_type (n_cores, 4, 256) int16 s_j^G; stochastic_bits (n_cores, 4, 4) uint64,
    bit j of type G set where b_j^G = 1; core_ids (n_cores,) uint32; tick; seed;
    syn_draws (n_cores, 256, 256) uint8 rho per (core, axon, neuron), read only when use_draws.
    IN/OUT ring (n_cores, 16, 4) uint64: slot tick & 15 is read and cleared.
    OUT syn_input (256 * n_cores,) int32, overwritten.
    Returns (synaptic events, crossbar row reads, draws consumed).
    """
    cdef Py_ssize_t n_cores = core_ids.shape[0]
    cdef Py_ssize_t c, q, w, a, nrn, slot = tick & SLOT_MASK
    cdef uint64_t active, bits, stoch, block, cached
    cdef uint32_t rho
    cdef uint32_t words[4]
    cdef uint8_t g
    cdef int32_t* acc
    cdef const int16_t* wg
    cdef int64_t events = 0, reads = 0, n_draws = 0
    with nogil:
        for c in range(n_cores):
            if c + 1 < n_cores:
                prefetch_core(rows, axon_type, ring, weights_by_type, c + 1, slot)
            if c + 2 < n_cores:
                __builtin_prefetch(&ring[c + 2, slot, 0])
            acc = &syn_input[c * N_AXONS]
            for nrn in range(N_AXONS):
                acc[nrn] = 0
            cached = <uint64_t>-1  # Philox block held in words (4 synapses share one)
            for q in range(N_WORDS):
                active = ring[c, slot, q]
                ring[c, slot, q] = 0
                while active:
                    a = q * 64 + __builtin_ctzll(active)
                    active &= active - 1
                    reads += 1
                    g = axon_type[c, a]
                    wg = &weights_by_type[c, g, 0]
                    for w in range(N_WORDS):
                        bits = rows[c, a, w]
                        stoch = bits & stochastic_bits[c, g, w]
                        bits = bits ^ stoch
                        events += popcount64(bits)
                        while bits:  # deterministic synapses: + s_j^G
                            nrn = w * 64 + __builtin_ctzll(bits)
                            bits &= bits - 1
                            acc[nrn] += wg[nrn]
                        while stoch:  # stochastic synapses: + F(s_j^G, rho)
                            nrn = w * 64 + __builtin_ctzll(stoch)
                            stoch &= stoch - 1
                            events += 1
                            n_draws += 1
                            if use_draws:
                                rho = syn_draws[c, a, nrn]
                            else:
                                block = <uint64_t>(a * N_AXONS + nrn) >> 2
                                if block != cached:
                                    cached = block
                                    draw_block(
                                        seed, core_ids[c], tick, STREAM_SYNAPSE, block, words
                                    )
                                rho = words[nrn & 3] & 0xFF
                            acc[nrn] += stochastic_term(wg[nrn], rho)
    return events, reads, n_draws

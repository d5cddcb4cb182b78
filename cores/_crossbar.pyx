"""TrueNorth crossbar kernels: axon delivery into delay rings, synaptic integration.

Layout and equations: see :mod:`cores.crossbar`. NumPy twin: :mod:`cores.reference.crossbar`.
Bit n of a 256-bit row is bit (n & 63) of uint64 word (n >> 6).
"""

from libc.stdint cimport int16_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t

from cores._philox cimport draw_word

cdef extern from *:
    int __builtin_ctzll(unsigned long long x) nogil

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
    const int16_t[:, ::1] weights,
    const uint8_t[:, ::1] stochastic,
    const uint32_t[::1] core_ids,
    uint32_t tick,
    uint64_t seed,
    const uint8_t[:, :, ::1] syn_draws,
    bint use_draws,
    int32_t[::1] syn_input,
):
    """Summed synaptic input of this tick for every neuron of a batch of cores.

    IN rows (n_cores, 256, 4) uint64 crossbar; axon_type (n_cores, 256) uint8 (0..3);
    weights (n, 4) int16 s_j^G and stochastic (n, 4) uint8 b_j^G, n = 256 * n_cores;
    core_ids (n_cores,) uint32; tick; seed; syn_draws (n_cores, 256, 256) uint8 rho per
    (core, axon, neuron), read only when use_draws.
    IN/OUT ring (n_cores, 16, 4) uint64: slot tick & 15 is read and cleared.
    OUT syn_input (n,) int32, overwritten.
    Returns (synaptic events, crossbar row reads, draws consumed).
    """
    cdef Py_ssize_t n_cores = core_ids.shape[0]
    cdef Py_ssize_t c, q, w, a, nrn, j, base, slot = tick & SLOT_MASK
    cdef uint64_t active, bits
    cdef uint32_t rho
    cdef uint8_t g
    cdef int64_t events = 0, reads = 0, n_draws = 0
    with nogil:
        for c in range(n_cores):
            base = c * N_AXONS
            for j in range(base, base + N_AXONS):
                syn_input[j] = 0
            for q in range(N_WORDS):
                active = ring[c, slot, q]
                ring[c, slot, q] = 0
                while active:
                    a = q * 64 + __builtin_ctzll(active)
                    active &= active - 1
                    reads += 1
                    g = axon_type[c, a]
                    for w in range(N_WORDS):
                        bits = rows[c, a, w]
                        while bits:
                            nrn = w * 64 + __builtin_ctzll(bits)
                            bits &= bits - 1
                            events += 1
                            j = base + nrn
                            if not stochastic[j, g]:
                                syn_input[j] += weights[j, g]
                                continue
                            if use_draws:
                                rho = syn_draws[c, a, nrn]
                            else:
                                rho = draw_word(
                                    seed, core_ids[c], tick, STREAM_SYNAPSE, a * N_AXONS + nrn
                                ) & 0xFF
                            n_draws += 1
                            syn_input[j] += stochastic_term(weights[j, g], rho)
    return events, reads, n_draws

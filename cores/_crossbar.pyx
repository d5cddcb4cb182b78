"""TrueNorth crossbar kernels: axon delivery into delay rings, synaptic integration.

Layout and equations: see :mod:`cores.crossbar`. NumPy twin: :mod:`cores.reference.crossbar`.
Bit n of a 256-bit row is bit (n & 63) of uint64 word (n >> 6).
"""

from libc.stdint cimport int16_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.string cimport memset
from posix.time cimport CLOCK_MONOTONIC, clock_gettime, timespec

from cores._philox cimport draw_block
from cores._threads cimport (
    CORES_MAX_THREADS as MAX_THREADS,
    check_jobs,
    cores_run_jobs,
    seconds_since,
)

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
    #define TN_MASKS_SSE2 1
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
    #define TN_MASKS_SSE2 0
    static inline void tn_add_masked_word(int32_t *acc, const int16_t *w, uint64_t bits) {
        for (int byte = 0; byte < 8; byte++) {
            const int16_t *m = tn_byte_masks[(bits >> (8 * byte)) & 0xFF];
            for (int i = 0; i < 8; i++)
                acc[8 * byte + i] += (int16_t)(w[8 * byte + i] & m[i]);
        }
    }
    #endif
    """
    bint TN_MASKS_SSE2
    void tn_init_byte_masks() nogil
    void tn_add_masked_word(int32_t* acc, const int16_t* w, uint64_t bits) nogil

cdef extern from "_crossbar_avx512.h" nogil:
    bint TN_XBAR_HAVE_AVX512
    bint tn_xbar_have_avx512()
    int64_t tn_xbar_deterministic_avx512(
        const uint64_t* active, const uint64_t* rows, const uint8_t* axon_type,
        const int16_t* weights, const uint64_t* stoch, int32_t* acc,
    )

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
    const uint64_t* rows, const uint8_t* axon_type, const uint64_t* active
) noexcept nogil:
    """Prefetch what a core will read: its active rows and axon types (pointers at the core's
    axon 0; ``active`` its ring slot). Not its weights: their 32 lines a core, prefetched too,
    stalled the loop on the rows (# perf: sparse 20 Hz on 4096 cores 510-550 -> 900-1000 M
    synaptic events/s, scripts/bench_crossbar.py, paired runs; the weights stream in without
    help)."""
    cdef Py_ssize_t q, i
    cdef uint64_t left
    for i in range(0, N_AXONS, 64):
        __builtin_prefetch(&axon_type[i])
    for q in range(N_WORDS):
        left = active[q]
        while left:
            __builtin_prefetch(&rows[(q * 64 + __builtin_ctzll(left)) * N_WORDS])
            left &= left - 1


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
    uint64_t* cached, uint32_t* words, int64_t* n_draws, bint deterministic,
) noexcept nogil:
    """Add active axon a's row into acc (eq. 1-2): its deterministic synapses unless
    ``deterministic`` is false (added already), then its stochastic ones; returns the
    synaptic events added.

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
        bits = row[w] ^ stoch if deterministic else 0
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


cdef struct Job:
    # integrate's cores lo .. hi - 1, one thread's: the batch's arrays (at core 0), what the
    # job adds up, and when it ended
    const uint64_t* rows
    const uint8_t* axon_type
    uint64_t* ring
    const int16_t* weights
    const uint64_t* stoch
    const uint32_t* core_ids
    const uint8_t* syn_draws  # NULL: draw from Philox
    int32_t* syn_input
    int64_t* core_counts
    uint64_t seed
    uint32_t tick
    bint avx512
    Py_ssize_t lo, hi
    timespec start  # the call's
    int64_t totals[3]
    double seconds  # from the call's start to the job's end


cdef void* integrate_job(void* arg) noexcept nogil:
    """Integrate the cores of one Job (``integrate``'s loop, for a range of its batch)."""
    cdef Job* j = <Job*>arg
    cdef Py_ssize_t c, q, a, slot = j.tick & SLOT_MASK
    cdef uint64_t active[N_WORDS]
    cdef uint64_t any_stoch, cached
    cdef uint32_t words[4]
    cdef uint8_t g
    cdef int32_t* acc
    cdef uint64_t* ring
    cdef int64_t events, reads, n_draws
    j.totals[0] = j.totals[1] = j.totals[2] = 0
    for c in range(j.lo, j.hi):
        if c + 1 < j.hi:
            prefetch_core(j.rows + (c + 1) * N_AXONS * N_WORDS, j.axon_type + (c + 1) * N_AXONS,
                          j.ring + ((c + 1) * (SLOT_MASK + 1) + slot) * N_WORDS)
        if c + 2 < j.hi:
            __builtin_prefetch(j.ring + ((c + 2) * (SLOT_MASK + 1) + slot) * N_WORDS)
        acc = j.syn_input + c * N_AXONS
        ring = j.ring + (c * (SLOT_MASK + 1) + slot) * N_WORDS
        any_stoch = 0
        reads = 0
        for q in range(N_WORDS):
            active[q] = ring[q]
            ring[q] = 0
            reads += popcount64(active[q])
        for q in range(4 * N_WORDS):
            any_stoch |= j.stoch[c * 4 * N_WORDS + q]
        if j.avx512:  # perf: the deterministic synapses of all rows at once (header)
            events = tn_xbar_deterministic_avx512(
                active, j.rows + c * N_AXONS * N_WORDS, j.axon_type + c * N_AXONS,
                j.weights + c * 4 * N_AXONS, j.stoch + c * 4 * N_WORDS, acc)
        else:
            memset(acc, 0, N_AXONS * sizeof(int32_t))
            events = 0
        n_draws = 0
        cached = <uint64_t>-1
        if any_stoch or not j.avx512:
            for q in range(N_WORDS):
                while active[q]:
                    a = q * 64 + __builtin_ctzll(active[q])
                    active[q] &= active[q] - 1
                    g = j.axon_type[c * N_AXONS + a]
                    events += add_row(
                        j.rows + (c * N_AXONS + a) * N_WORDS,
                        j.stoch + (c * 4 + g) * N_WORDS, j.weights + (c * 4 + g) * N_AXONS, acc,
                        a, j.syn_draws + (c * N_AXONS + a) * N_AXONS if j.syn_draws else NULL,
                        j.seed, j.core_ids[c], j.tick, &cached, words, &n_draws, not j.avx512,
                    )
        j.core_counts[3 * c] = events
        j.core_counts[3 * c + 1] = reads
        j.core_counts[3 * c + 2] = n_draws
        j.totals[0] += events
        j.totals[1] += reads
        j.totals[2] += n_draws
    j.seconds = seconds_since(&j.start)
    return NULL


def simd_available() -> bool:
    """Whether ``integrate`` can add deterministic synapses in AVX-512 lanes here (build and
    CPU)."""
    return bool(TN_XBAR_HAVE_AVX512 and tn_xbar_have_avx512())


def simd_path() -> str:
    """The path ``integrate`` takes for deterministic synapses by default: "avx512", else
    the masked add of "sse2" (every x86-64) or "scalar"."""
    return "avx512" if simd_available() else "sse2" if TN_MASKS_SSE2 else "scalar"


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
    const int64_t[::1] bounds,
    double[::1] seconds,
    bint simd=True,
):
    """Summed synaptic input of this tick for every neuron of a batch of cores.

    IN rows (n_cores, 256, 4) uint64 crossbar; axon_type (n_cores, 256) uint8 (0..3);
    weights_by_type (n_cores, 4, 256) int16 s_j^G; stochastic_bits (n_cores, 4, 4) uint64,
    bit j of type G set where b_j^G = 1; core_ids (n_cores,) uint32; tick; seed;
    syn_draws (n_cores, 256, 256) uint8 rho per (core, axon, neuron), read only when use_draws.
    IN bounds (k + 1,) int64: the cores bounds[i] .. bounds[i + 1] - 1 are one job, each job
    in a thread of its own (the first in the calling thread), 1 <= k <= 64, from 0 to n_cores
    and nondecreasing; simd: add the deterministic synapses in AVX-512 lanes where the CPU
    has them (``simd_available``; the same sums).
    IN/OUT ring (n_cores, 16, 4) uint64: slot tick & 15 is read and cleared.
    OUT syn_input (256 * n_cores,) int32, overwritten; core_counts (n_cores, 3) int64: per
    core (synaptic events, crossbar row reads, draws consumed); seconds (k,) float64: each
    job's end, from the call's start.
    Returns the column sums (synaptic events, crossbar row reads, draws consumed).
    """
    cdef Py_ssize_t n_cores = core_ids.shape[0], k = bounds.shape[0] - 1, i
    cdef Job jobs[MAX_THREADS]
    cdef timespec start
    cdef int64_t totals[3]
    check_batch(n_cores, rows, axon_type, ring, weights_by_type, stochastic_bits, syn_draws,
                use_draws, syn_input, core_counts)
    check_jobs(bounds, seconds, n_cores)
    clock_gettime(CLOCK_MONOTONIC, &start)
    for i in range(k):
        jobs[i].rows = &rows[0, 0, 0] if n_cores else NULL
        jobs[i].axon_type = &axon_type[0, 0] if n_cores else NULL
        jobs[i].ring = &ring[0, 0, 0] if n_cores else NULL
        jobs[i].weights = &weights_by_type[0, 0, 0] if n_cores else NULL
        jobs[i].stoch = &stochastic_bits[0, 0, 0] if n_cores else NULL
        jobs[i].core_ids = &core_ids[0] if n_cores else NULL
        jobs[i].syn_draws = &syn_draws[0, 0, 0] if use_draws and n_cores else NULL
        jobs[i].syn_input = &syn_input[0] if n_cores else NULL
        jobs[i].core_counts = &core_counts[0, 0] if n_cores else NULL
        jobs[i].seed, jobs[i].tick = seed, tick
        jobs[i].avx512 = simd and simd_available()
        jobs[i].lo, jobs[i].hi = bounds[i], bounds[i + 1]
        jobs[i].start = start
    with nogil:
        cores_run_jobs(integrate_job, jobs, sizeof(Job), <int>k)
    totals[0] = totals[1] = totals[2] = 0
    for i in range(k):
        seconds[i] = jobs[i].seconds
        totals[0] += jobs[i].totals[0]
        totals[1] += jobs[i].totals[1]
        totals[2] += jobs[i].totals[2]
    return totals[0], totals[1], totals[2]


cdef check_batch(
    Py_ssize_t n, const uint64_t[:, :, ::1] rows, const uint8_t[:, ::1] axon_type,
    const uint64_t[:, :, ::1] ring, const int16_t[:, :, ::1] weights_by_type,
    const uint64_t[:, :, ::1] stochastic_bits, const uint8_t[:, :, ::1] syn_draws,
    bint use_draws, const int32_t[::1] syn_input, const int64_t[:, ::1] core_counts,
):
    """ValueError unless every array of ``integrate`` has the shape its doc says for n cores
    (the jobs index them as flat arrays)."""
    shapes = {
        "rows": ((rows.shape[0], rows.shape[1], rows.shape[2]), (n, N_AXONS, N_WORDS)),
        "axon_type": ((axon_type.shape[0], axon_type.shape[1]), (n, N_AXONS)),
        "ring": ((ring.shape[0], ring.shape[1], ring.shape[2]), (n, SLOT_MASK + 1, N_WORDS)),
        "weights_by_type": ((weights_by_type.shape[0], weights_by_type.shape[1],
                             weights_by_type.shape[2]), (n, 4, N_AXONS)),
        "stochastic_bits": ((stochastic_bits.shape[0], stochastic_bits.shape[1],
                             stochastic_bits.shape[2]), (n, 4, N_WORDS)),
        "syn_input": ((syn_input.shape[0],), (N_AXONS * n,)),
        "core_counts": ((core_counts.shape[0], core_counts.shape[1]), (n, 3)),
    }
    if use_draws:
        shapes["syn_draws"] = ((syn_draws.shape[0], syn_draws.shape[1], syn_draws.shape[2]), (n, N_AXONS, N_AXONS))
    for name, (got, want) in shapes.items():
        if got != want:
            raise ValueError(f"integrate: {name} has shape {got}, expected {want}")


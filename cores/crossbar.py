"""TrueNorth synapse storage: binary 256 x 256 crossbar, axon types, axon delay rings.

Bytes as the chip lays them out (Merolla et al. 2014; Akopyan et al. 2015), for a batch of
cores (batch index ``c``, global id ``core_ids[c]``):

- ``rows`` uint64 (n_cores, 256, 4): the crossbar, one 256-bit row per axon; neuron n of axon
  a is bit (n & 63) of word (n >> 6) of row a (8 KiB per core).
- ``axon_type`` uint8 (n_cores, 256): G_i in 0..3, which of a neuron's 4 weights axon i uses.
- ``ring`` uint64 (n_cores, 16, 4): axon delay buffers, one 256-bit axon mask per slot; slot s
  holds the axons active at ticks t = s (mod 16). A spike that reaches a core in tick t for
  axon i with delay d (1..15) sets bit i of slot (t + d) mod 16.

Integration (Cassidy et al. 2013, eq. 1-2), at tick t for neuron j of core c:
``I_j = sum_i A_i(t) w_ij [(1 - b_j^Gi) s_j^Gi + b_j^Gi F(s_j^Gi, rho_ij)]``, with A_i(t) the
slot bits, w_ij the crossbar bits, ``F(s, rho) = sgn(s) if |s| >= rho else 0`` and rho_ij
the low byte of ``cores.rng`` draw (seed, core_ids[c], t, TN_SYNAPSE, i * 256 + j) — one draw
per stochastic synaptic event. Integer sums are exact, so I_j does not depend on axon order
(design.md, decision 6). The slot is cleared as it is read.

Integration is a separate kernel from the neuron update (:func:`cores.truenorth.update_neurons`
takes ``syn_input``): it runs as the core reads its delay buffer, its event counts are the
crossbar's own (rows read, synaptic events), and each kernel is tested alone. The cost of the
handover is one int32 array write and read per neuron per tick.

The kernel splits each 64-neuron word of an active axon's row by a mask into deterministic
and stochastic synapses (``stochastic_bits``). A deterministic word with at least 4 synapses
is added branch-free: each byte of the row selects 8 lane masks from a table and SSE2 adds
the masked int16 weights of the axon's type (one contiguous 512-byte row,
``TrueNorthNeurons.synapse_layout``, computed once) into int32 accumulators; sparser words
and stochastic synapses walk their set bits (count-trailing-zeros). Events are counted by
popcount.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from cores.parallel import Balance, run_in_jobs
from cores.rng import check_seed
from cores.truenorth import TrueNorthNeurons, check_batch, check_core_ids, core_counts_array

try:
    from cores import _crossbar
except ImportError as exc:  # pragma: no cover - exercised only without a build
    raise ImportError(
        "cores._crossbar is not compiled: build the kernels with `pip install -e .` "
        "(or `python setup.py build_ext --inplace`)"
    ) from exc

N_AXONS = 256
N_NEURONS = 256
N_WORDS = N_NEURONS // 64
N_SLOTS = 16
MAX_DELAY = N_SLOTS - 1


class CrossbarCounts(NamedTuple):
    """Event counts of one integration call, for the energy model."""

    synaptic_events: int
    """Active axon x connected neuron pairs."""
    row_reads: int
    """Crossbar rows read (active axons)."""
    draws: int
    """PRNG draws consumed (stochastic synaptic events)."""


@dataclass
class CrossbarCores:
    """Crossbars, axon types and axon delay rings of a batch of cores (layout: module doc)."""

    rows: np.ndarray
    axon_type: np.ndarray
    ring: np.ndarray

    @property
    def n_cores(self) -> int:
        """Number of cores in the batch."""
        return self.rows.shape[0]

    @classmethod
    def from_dense(cls, connected: np.ndarray, axon_type: np.ndarray) -> "CrossbarCores":
        """Pack a boolean (n_cores, 256 axons, 256 neurons) crossbar; empty delay rings.

        ``axon_type`` is (n_cores, 256) with values 0..3. Raises ValueError on bad shapes/values.
        """
        connected = np.asarray(connected)
        n_cores = connected.shape[0] if connected.ndim == 3 else -1
        if connected.shape != (n_cores, N_AXONS, N_NEURONS):
            raise ValueError(
                f"connected has shape {connected.shape}, expected (n_cores, {N_AXONS}, {N_NEURONS})"
            )
        axon_type = np.asarray(axon_type)
        if axon_type.shape != (n_cores, N_AXONS):
            raise ValueError(
                f"axon_type has shape {axon_type.shape}, expected {(n_cores, N_AXONS)}"
            )
        if axon_type.size and (axon_type.min() < 0 or axon_type.max() > 3):
            raise ValueError("axon_type values must lie in 0..3 (four axon types)")
        packed = np.packbits(connected.astype(bool), axis=-1, bitorder="little")
        rows = np.ascontiguousarray(packed).view("<u8").astype(np.uint64)
        return cls(
            rows=np.ascontiguousarray(rows),
            axon_type=np.ascontiguousarray(axon_type, dtype=np.uint8),
            ring=np.zeros((n_cores, N_SLOTS, N_WORDS), dtype=np.uint64),
        )

    def to_dense(self) -> np.ndarray:
        """The crossbar as bool (n_cores, 256 axons, 256 neurons)."""
        as_bytes = self.rows.astype("<u8").view(np.uint8)
        return np.unpackbits(as_bytes, axis=-1, bitorder="little").astype(bool)

    def deliver(self, core, axon, delay, tick: int) -> int:
        """Schedule axon spikes: (core, axon) becomes active at ``tick + delay``.

        ``core`` is the batch index; arrays (or scalars) broadcast together; delay in 1..15.
        Returns the number of deliveries (for the energy model: delay-buffer writes).
        """
        core, axon, delay = (
            np.ascontiguousarray(a, dtype=np.int64).ravel()
            for a in np.broadcast_arrays(core, axon, delay)
        )
        for name, arr, lo, hi in (
            ("core", core, 0, self.n_cores - 1),
            ("axon", axon, 0, N_AXONS - 1),
            ("delay", delay, 1, MAX_DELAY),
        ):
            if arr.size and (arr.min() < lo or arr.max() > hi):
                raise ValueError(
                    f"{name} must lie in [{lo}, {hi}], got values in [{arr.min()}, {arr.max()}]"
                )
        _crossbar.deliver(self.ring, core, axon, delay, int(tick))
        return int(core.size)

    def integrate(
        self,
        neurons: TrueNorthNeurons,
        syn_input: np.ndarray,
        *,
        core_ids: np.ndarray,
        tick: int,
        seed: int,
        syn_draws: np.ndarray | None = None,
        core_counts: np.ndarray | None = None,
        threads: int = 1,
        balance: Balance | None = None,
        simd: bool = True,
    ) -> CrossbarCounts:
        """Summed synaptic input of tick ``tick`` for every neuron of the batch (module doc).

        Parameters
        ----------
        neurons : TrueNorthNeurons, IN (256 * n_cores neurons): weights and stochastic flags
        syn_input : int32 (256 * n_cores,), OUT, overwritten
        core_ids : uint32 (n_cores,), IN global core ids (key the draws)
        tick, seed : int, IN
        syn_draws : uint8 (n_cores, 256 axons, 256 neurons) or None, IN injected rho per
            synapse replacing the Philox draws (tests).
        core_counts : int64 (n_cores, 3) or None, OUT per batch core (synaptic events, row
            reads, draws), for per-core busy cycles and energy.
        threads : int, IN threads that share the cores (:mod:`cores.parallel`; the same
            results).
        balance : cores.parallel.Balance or None, IN/OUT where to cut the batch among the
            threads (kept by a caller that integrates tick after tick); None: evenly.
        simd : bool, IN add the deterministic synapses in AVX-512 lanes where the CPU has
            them (``cores._crossbar.simd_available``); False: the SSE2 and scalar forms. The
            same sums either way.

        Returns
        -------
        CrossbarCounts, totals over the batch. The ring slot of ``tick`` is cleared.
        """
        core_ids = check_core_ids(core_ids)
        if core_ids.shape[0] != self.n_cores:
            raise ValueError(f"{core_ids.shape[0]} core ids for {self.n_cores} crossbars")
        per_core = check_batch(
            neurons.n_neurons, core_ids, {"syn_input": (syn_input, np.int32, ())}
        )
        if per_core != N_NEURONS:
            raise ValueError(f"a crossbar core has {N_NEURONS} neurons, got {per_core} per core")
        use_draws = syn_draws is not None
        if not use_draws:
            syn_draws = np.zeros((0, 0, 0), dtype=np.uint8)
        elif (
            syn_draws.dtype != np.uint8
            or syn_draws.shape != (self.n_cores, N_AXONS, N_NEURONS)
            or not syn_draws.flags.c_contiguous
        ):
            raise ValueError(
                f"syn_draws must be C-contiguous uint8 of shape "
                f"{(self.n_cores, N_AXONS, N_NEURONS)}, got {syn_draws.dtype} {syn_draws.shape}"
            )
        weights, stochastic_bits = neurons.synapse_layout
        seed, counts = check_seed(seed), core_counts_array(core_counts, self.n_cores)

        def kernel(bounds: np.ndarray, seconds: np.ndarray) -> tuple[int, int, int]:
            return _crossbar.integrate(
                self.rows, self.axon_type, self.ring, weights, stochastic_bits, core_ids,
                int(tick), seed, syn_draws, use_draws, syn_input, counts, bounds, seconds, simd,
            )  # fmt: skip

        return CrossbarCounts(*run_in_jobs(kernel, self.n_cores, threads, balance))

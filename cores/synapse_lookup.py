"""Processing a batch of received packets on a SpiNNaker-style PE (public wrapper).

The kernel (:mod:`cores._synapse_lookup`) does the work; this module checks the arguments and
names the counts. Costing the packets in cycles: :func:`cores.cost.packet_batch_cycles` with
``steps``, ``words`` and ``dram_bytes > 0`` per packet.
"""

from __future__ import annotations

import weakref
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from cores._kernels import load_kernel
from cores.ring_buffer import N_SLOTS, N_SYNAPSE_TYPES
from cores.synaptic_matrix import SynapticMatrix

_kernel = load_kernel("_synapse_lookup")
MatrixSet = _kernel.MatrixSet
PeLookup = _kernel.PeLookup


class LookupCounts(NamedTuple):
    """What one batch of received packets did (for energy and cycle costs).

    Attributes
    ----------
    packets : packets processed.
    misses : keys that matched no table entry (or a row past the block): counted, not an error.
    search_steps : binary search probes of the master population table, all packets.
    rows_read : synaptic rows read (hits).
    words : synaptic words processed = synaptic events.
    table_bytes : SRAM bytes read by the search (16 per probe).
    sram_row_bytes : SRAM bytes of rows read (header + used words).
    dram_row_bytes : DRAM bytes fetched by DMA (padded rows of DRAM blocks).
    saturated_weight : weight units lost to ring buffer saturation.

    Ring buffer traffic is ``words`` 2-byte reads and as many writes (SRAM).
    """

    packets: int
    misses: int
    search_steps: int
    rows_read: int
    words: int
    table_bytes: int
    sram_row_bytes: int
    dram_row_bytes: int
    saturated_weight: int


class PacketWork(NamedTuple):
    """Per-packet work (int32 arrays, arrival order) for the cycle-cost model."""

    steps: NDArray[np.int32]
    words: NDArray[np.int32]
    dram_bytes: NDArray[np.int32]


def matrix_set(matrices: list[SynapticMatrix], ring_first: list[int]) -> MatrixSet:
    """The kernel's view of several cores' matrices; ``ring_first[c]``: core c's first neuron
    in the ring buffers they share."""
    return _kernel.MatrixSet(
        [np.ascontiguousarray(m.table, dtype=np.uint32) for m in matrices],
        [np.ascontiguousarray(m.rows, dtype=np.uint32) for m in matrices],
        [int(f) for f in ring_first],
    )


def process_packets(
    matrix: SynapticMatrix, keys: NDArray[np.uint32], tick: int, ring: NDArray[np.uint16]
) -> tuple[LookupCounts, PacketWork]:
    """Look up a batch of received keys and accumulate their rows into ``ring``.

    Parameters
    ----------
    matrix : IN. The core's master population table and rows.
    keys : uint32 (n_packets,), IN. Received keys, in arrival order.
    tick : IN. Tick in which the packets are processed (>= 0); a word of delay d lands in slot
        ``(tick + d) % 16``.
    ring : uint16 (16, 2, matrix.n_neurons), IN/OUT. The core's ring buffers (may be a slice
        ``ring[:, :, first:last]`` of a many-core array).

    Returns
    -------
    (LookupCounts, PacketWork).
    """
    expected = (N_SLOTS, N_SYNAPSE_TYPES, matrix.n_neurons)
    if ring.shape != expected or ring.dtype != np.uint16:
        raise ValueError(f"ring must be uint16 of shape {expected}, got {ring.dtype} {ring.shape}")
    n = len(keys)
    return process_packets_cores(
        _single_set(matrix), keys, np.array([0, n]), np.zeros(1, np.int32), np.array([tick]),
        ring,
    )  # fmt: skip


_single_sets: dict[int, MatrixSet] = {}


def _single_set(matrix: SynapticMatrix) -> MatrixSet:
    """The kernel's set of one core's matrix, made at its first call and kept while the
    matrix lives (# perf: building a set copies the rows; one per call took 20 packets of
    rows of 100 words from 177 M to 20 M synaptic events/s, scripts/bench_cores.py)."""
    key = id(matrix)
    if key not in _single_sets:
        _single_sets[key] = matrix_set([matrix], [0])
        weakref.finalize(matrix, _single_sets.pop, key, None)  # before the id can be reused
    return _single_sets[key]


def process_packets_cores(
    matrices: MatrixSet,
    keys: NDArray[np.uint32],
    seg_start: NDArray[np.int64],
    seg_core: NDArray[np.int32],
    seg_tick: NDArray[np.int64],
    ring: NDArray[np.uint16],
    out: PacketWork | None = None,
    threads: int = 1,
) -> tuple[LookupCounts, PacketWork]:
    """Packets received by several cores sharing ``ring``, in one kernel call.

    Parameters
    ----------
    matrices : IN. From :func:`matrix_set`.
    keys : uint32 (n_packets,), IN. Keys, segment by segment, each in arrival order.
    seg_start : int (n_segments + 1,), IN. Segment s is ``keys[seg_start[s]:seg_start[s + 1]]``.
    seg_core : int (n_segments,), IN. The core (index into ``matrices``) receiving segment s.
    seg_tick : int (n_segments,), IN. Its tick (>= 0): a word of delay d lands in slot
        ``(tick + d) % 16``.
    ring : uint16 (16, 2, n_neurons), IN/OUT. The cores' ring buffers.
    out : OUT, optional. Contiguous int32 (n_packets,) arrays to write the PacketWork into
        (e.g. slices of larger arrays); None: new arrays.
    threads : IN. Threads sharing the segments when they come grouped by core (``seg_core``
        non-decreasing): each takes a run of whole cores (the kernel's ``core_runs``), which
        write only their own ring columns and packets; the same results.

    Returns
    -------
    (LookupCounts, PacketWork), PacketWork aligned with ``keys`` (``out`` if given).
    """
    if ring.ndim != 3 or ring.shape[:2] != (N_SLOTS, N_SYNAPSE_TYPES) or ring.dtype != np.uint16:
        raise ValueError(f"ring must be uint16 of shape (16, 2, n), got {ring.dtype} {ring.shape}")
    keys = np.ascontiguousarray(keys, dtype=np.uint32)
    work = (
        out if out is not None else PacketWork(*(np.empty(keys.size, np.int32) for _ in range(3)))
    )
    for a in work:
        if a.dtype != np.int32 or a.shape != keys.shape or not a.flags.c_contiguous:
            raise ValueError(f"out arrays must be contiguous int32 of shape {keys.shape}")
    counts = _kernel.synapse_lookup(
        matrices, keys, np.ascontiguousarray(seg_start, dtype=np.int64),
        np.ascontiguousarray(seg_core, dtype=np.int32),
        np.ascontiguousarray(seg_tick, dtype=np.int64), ring, *work, threads,
    )  # fmt: skip
    return LookupCounts(*counts), work


def pe_lookup(
    sets: list[MatrixSet], rings: list[NDArray[np.uint16]], set_of_pe: NDArray, core_of_pe: NDArray
) -> PeLookup:
    """Where each PE's packets go for :func:`process_packets_pes`: PE p is core
    ``core_of_pe[p]`` of ``sets[set_of_pe[p]]``, whose ring buffers are
    ``rings[set_of_pe[p]]`` (uint16 (16, 2, n)); -1: a PE without synapses."""
    return _kernel.PeLookup(
        sets, rings, np.ascontiguousarray(set_of_pe, dtype=np.int32),
        np.ascontiguousarray(core_of_pe, dtype=np.int32),
    )  # fmt: skip


def process_packets_pes(
    pes: PeLookup,
    keys: NDArray[np.uint32],
    seg_start: NDArray[np.int64],
    seg_pe: NDArray,
    tick: int,
    threads: int = 1,
) -> tuple[LookupCounts, PacketWork]:
    """Packets received by PEs of several sets (populations), in one kernel call: PE
    ``seg_pe[s]`` receives ``keys[seg_start[s]:seg_start[s + 1]]`` in tick ``tick``; with
    ``seg_pe`` increasing, ``threads`` share them by runs of whole PEs (the same results). A
    PE without synapses counts its packets as misses of no search step. Returns (counts,
    per-packet work aligned with ``keys``)."""
    keys = np.ascontiguousarray(keys, dtype=np.uint32)
    work = PacketWork(*(np.empty(keys.size, np.int32) for _ in range(3)))
    seg_pe = np.ascontiguousarray(seg_pe, dtype=np.int32)
    counts = _kernel.lookup_pes(
        pes, keys, np.ascontiguousarray(seg_start, dtype=np.int64), seg_pe,
        np.full(len(seg_pe), tick, np.int64), *work, threads,
    )  # fmt: skip
    return LookupCounts(*counts), work

"""Processing a batch of received packets on a SpiNNaker-style PE (public wrapper).

The kernel (:mod:`cores._synapse_lookup`) does the work; this module checks the arguments and
names the counts. Costing the packets in cycles: :func:`cores.cost.packet_batch_cycles` with
``steps``, ``words`` and ``dram_bytes > 0`` per packet.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from cores._kernels import load_kernel
from cores.ring_buffer import N_SLOTS, N_SYNAPSE_TYPES
from cores.synaptic_matrix import SynapticMatrix

_kernel = load_kernel("_synapse_lookup")


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
    if tick < 0:
        raise ValueError(f"tick must be >= 0, got {tick}")
    keys = np.ascontiguousarray(keys, dtype=np.uint32)
    work = PacketWork(*(np.empty(keys.size, dtype=np.int32) for _ in range(3)))
    counts = _kernel.synapse_lookup(keys, matrix.table, matrix.rows, tick, ring, *work)
    return LookupCounts(*counts), work

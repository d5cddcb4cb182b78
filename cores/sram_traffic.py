"""SRAM bytes a programmable PE reads and writes for its work (inputs to the energy model).

Per received packet (sPyNNaker's path, :mod:`cores.synapse_lookup`): each binary-search step
reads one 16-byte master-population-table entry; a row in SRAM is read whole (3 header words
and its synaptic words, 4 bytes each; a DRAM row arrives by DMA into a buffer: counted once as
an SRAM write); each synaptic word does a read-modify-write of a 2-byte ring buffer entry.
Per neuron update: the neuron's state and parameters are read and its state written back
(``neuron_state_bytes`` each way), and its ring buffer slot (2 types x 2 bytes) read and cleared.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from cores._kernels import load_kernel
from cores.ring_buffer import N_SYNAPSE_TYPES
from cores.synaptic_matrix import ROW_HEADER_WORDS, TABLE_ENTRY_BYTES

WORD_BYTES = 4
RING_ENTRY_BYTES = 2
_queue = load_kernel("_packet_queue")


def packet_sram_bytes(
    steps: ArrayLike, words: ArrayLike, dram_bytes: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """(read, write) SRAM bytes of each received packet, in the inputs' integer dtype (one
    packet's bytes fit in int32; # perf: no int64 copies and no np.where, 1.16 -> 0.07 ms
    for 57,000 packets)."""
    steps, words, dram = (np.asarray(a) for a in (steps, words, dram_bytes))
    row = (dram == 0) * (WORD_BYTES * (ROW_HEADER_WORDS + words))
    read = TABLE_ENTRY_BYTES * steps + row + RING_ENTRY_BYTES * words
    write = RING_ENTRY_BYTES * words + dram
    return read, write


def update_sram_bytes(neurons: ArrayLike, neuron_state_bytes: int) -> tuple[np.ndarray, np.ndarray]:
    """(read, write) SRAM bytes of updating ``neurons`` neurons (each way the same)."""
    per_neuron = neuron_state_bytes + N_SYNAPSE_TYPES * RING_ENTRY_BYTES
    traffic = np.asarray(neurons, dtype=np.int64) * per_neuron
    return traffic, traffic


PACKET_COUNTS = (
    "packets_received",
    "synaptic_events",
    "search_steps",
    "dram_bytes",
    "dma_transfers",
    "late_packets",
    "sram_read_bytes",
    "sram_write_bytes",
)
"""The columns of :func:`packet_counts`."""
_SRAM = np.array([TABLE_ENTRY_BYTES, ROW_HEADER_WORDS, WORD_BYTES, RING_ENTRY_BYTES], np.int64)


def packet_counts(
    bounds: np.ndarray, steps: np.ndarray, words: np.ndarray, dram_bytes: np.ndarray,
    late: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """int64 (n_segments, 8): per segment ``bounds[s]:bounds[s + 1]`` of received packets, the
    sums of :data:`PACKET_COUNTS` (SRAM bytes as :func:`packet_sram_bytes`), one compiled pass.

    # perf: instead of the SRAM formulas and one np.add.reduceat per counter: 0.5 -> 0.15 ms per
    tick of the SpiNNaker2-like benchmark (54,000 packets; line_profiler).
    """
    out = np.empty((len(bounds) - 1, len(PACKET_COUNTS)), dtype=np.int64)
    _queue.packet_counts(
        np.ascontiguousarray(bounds, dtype=np.int64),
        *(np.ascontiguousarray(a, dtype=np.int32) for a in (steps, words, dram_bytes)),
        np.ascontiguousarray(late, dtype=np.uint8), _SRAM, out,
    )  # fmt: skip
    return out

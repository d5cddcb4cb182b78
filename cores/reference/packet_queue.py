"""NumPy twin of :mod:`cores._packet_queue` (same names, arguments and outputs; tests only)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from cores.cost import packet_service_cycles
from cores.params import CycleCosts, NeuronModel
from cores.sram_traffic import RING_ENTRY_BYTES, WORD_BYTES, packet_sram_bytes
from cores.synaptic_matrix import ROW_HEADER_WORDS, TABLE_ENTRY_BYTES

SRAM = np.array([TABLE_ENTRY_BYTES, ROW_HEADER_WORDS, WORD_BYTES, RING_ENTRY_BYTES], np.int64)
"""The ``sram`` argument of :func:`packet_counts` the twin's formulas use."""


def group_rows(key, group_of_key, a, b, count, position, out_a, out_b) -> int:
    """Twin of :func:`cores._packet_queue.group_rows`."""
    bad = (key < 0) | (key >= len(group_of_key))
    group = group_of_key[np.where(bad, 0, key)]
    bad |= (group < 0) | (group >= len(count))
    count[:] = np.bincount(group[~bad], minlength=len(count))
    if bad.any():
        return int(bad.sum())
    order = np.argsort(group, kind="stable")
    position[order] = np.arange(len(key))
    out_a[:], out_b[:] = a[order], b[order]
    return 0


def channel_fifo(ready, nbytes, request_order, cycles_per_byte, free_at):
    """Twin of :func:`cores._packet_queue.channel_fifo` (one job at a time)."""
    jobs = [int(i) for i in request_order if nbytes[i] > 0]
    if np.any(np.diff(ready[jobs]) < 0):
        return -1, -1
    busy = 0
    for i in jobs:
        service = int(np.ceil(nbytes[i] * cycles_per_byte))
        free_at = max(free_at, int(ready[i])) + service
        busy += service
        ready[i] = free_at
    return free_at, busy


def serve_by_ready(bounds, seg_server, ready, steps, words, dram_bytes, costs, num, den,
                   free_at, busy, finish, served) -> int:  # fmt: skip
    """Twin of :func:`cores._packet_queue.serve_by_ready`: each segment stably sorted by ready
    time, each ready time in the PE's clock (exact fractions), services from
    :func:`packet_service_cycles` (``costs`` as a :class:`CycleCosts`), then one packet at a
    time."""
    cycle_costs = CycleCosts(
        neuron_update_cycles={NeuronModel.LIF_FIXED: 1}, packet_receive_cycles=int(costs[0]),
        key_lookup_cycles_per_step=int(costs[1]), dma_setup_cycles=int(costs[2]),
        synaptic_event_cycles=int(costs[3]),
    )  # fmt: skip
    service = packet_service_cycles(cycle_costs, steps, words, dram_bytes > 0)
    bad = 0
    for s, p in enumerate(seg_server):
        lo, hi = bounds[s], bounds[s + 1]
        in_dram = dram_bytes[lo:hi] > 0
        if any(np.any(np.diff(ready[lo:hi][kind]) < 0) for kind in (in_dram, ~in_dram)):
            bad += 1
            continue
        f = int(free_at[p])
        for k, x in enumerate(lo + np.argsort(ready[lo:hi], kind="stable"), start=lo):
            served[k] = math.ceil(Fraction(int(ready[x]) * int(den[p]), int(num[p])))
            f = max(f, int(served[k])) + int(service[x])
            finish[k] = f
            busy[p] += service[x]
        free_at[p] = f
    return bad


def packet_counts(bounds, steps, words, dram_bytes, late, sram, out) -> None:
    """Twin of :func:`cores._packet_queue.packet_counts` (``sram`` must be :data:`SRAM`)."""
    assert np.array_equal(sram, SRAM), "the twin uses cores.sram_traffic's constants"
    read, write = packet_sram_bytes(steps, words, dram_bytes)
    columns = [np.ones(len(steps)), words, steps, dram_bytes, dram_bytes > 0, late, read, write]
    for s in range(len(out)):
        lo, hi = bounds[s], bounds[s + 1]
        out[s] = [int(np.asarray(c[lo:hi], dtype=np.int64).sum()) for c in columns]


def clipped_histogram(stop, start, hist) -> int:
    """Twin of :func:`cores._packet_queue.clipped_histogram`."""
    if np.any(stop < start):
        return int((stop < start).sum())
    hist += np.bincount(np.minimum(stop - start, len(hist) - 1), minlength=len(hist))
    return 0

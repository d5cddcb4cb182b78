"""Busy time of every PE, phase by phase, computed from arrays (design.md, decision 2).

Each PE is a FIFO server in its own clock: the tick phase (timer, neuron updates, spike sends)
starts at ``max(tick start, free_at)``; received packets are served in arrival order from
``max(arrival, free_at)``. Work that runs past the next tick start is overrun, carried into the
next tick (it delays that tick's update) and counted.
"""

from __future__ import annotations

import numpy as np

from cores._kernels import load_kernel
from cores.cost import packet_service_cycles
from cores.params import CycleCosts

_fifo = load_kernel("_fifo")


class PeTimeline:
    """``free_at`` and per-tick busy counters of ``n`` PEs, in PE cycles."""

    def __init__(self, n: int, costs: CycleCosts) -> None:
        self.costs = costs
        self.free_at = np.zeros(n, dtype=np.int64)
        self.busy = np.zeros(n, dtype=np.int64)

    def start_tick(self, tick_start: int) -> np.ndarray:
        """Start cycle of each PE's tick phase; clears the per-tick busy counters."""
        self.busy[:] = 0
        return np.maximum(self.free_at, tick_start)

    def add_tick_phase(self, pes: np.ndarray, start: np.ndarray, cycles: np.ndarray) -> None:
        """PEs ``pes`` are busy from ``start`` for ``cycles`` (tick phase)."""
        self.free_at[pes] = start + cycles
        self.busy[pes] += cycles

    def serve_packets(
        self, pe: np.ndarray, arrival: np.ndarray, steps, words, dram_bytes
    ) -> np.ndarray:
        """Serve packets (sorted by PE, then arrival) FIFO; return each packet's finish cycle.

        One vectorised pass over all PEs: the recurrence of :func:`cores.packet_batch_cycles`
        restarts at each PE's first packet (:func:`fifo_finish`).
        """
        if len(pe) == 0:
            return np.empty(0, dtype=np.int64)
        service = packet_service_cycles(self.costs, steps, words, dram_bytes > 0)
        starts = segment_starts(pe)
        ends = np.r_[starts[1:], len(pe)]
        finish = fifo_finish(arrival, service, self.free_at[pe[starts]], starts, ends)
        self.busy[pe[starts]] += np.add.reduceat(service, starts)
        self.free_at[pe[starts]] = finish[ends - 1]
        return finish

    def overrun(self, next_tick_start: int) -> np.ndarray:
        """Cycles of work each PE still has at the next tick start (0: in time)."""
        return np.maximum(self.free_at - next_tick_start, 0)


def segment_starts(group: np.ndarray) -> np.ndarray:
    """First index of each run of equal ids in ``group`` (grouped rows, e.g. by PE), int64."""
    return np.r_[0, np.flatnonzero(np.diff(group)) + 1] if len(group) else np.zeros(0, np.int64)


def fifo_finish(
    arrival: np.ndarray,
    service: np.ndarray,
    free_at: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
) -> np.ndarray:
    """Finish times of FIFO queues, one per segment ``starts[i]:ends[i]`` (arrival order):
    ``finish_k = max(finish_{k-1}, arrival_k) + service_k``, starting from ``free_at[i]``.

    # perf: one compiled pass instead of six NumPy passes (cumsum, running max): 2 ms -> 0.2 ms
    per tick of the SpiNNaker2 benchmark run (57,000 packets).
    """
    as_int64 = [np.ascontiguousarray(a, dtype=np.int64) for a in (arrival, service, free_at)]
    finish = np.empty(len(as_int64[0]), dtype=np.int64)
    bounds = [np.ascontiguousarray(a, dtype=np.int64) for a in (starts, ends)]
    _fifo.fifo_finish(*as_int64, *bounds, finish)
    return finish

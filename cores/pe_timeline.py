"""Busy time of every PE, phase by phase, computed from arrays (design.md, decision 2).

Each PE is a FIFO server in its own clock: the tick phase (timer, neuron updates, spike sends)
starts at ``max(tick start, free_at)``; received packets are served in arrival order from
``max(arrival, free_at)``. Work that runs past the next tick start is overrun, carried into the
next tick (it delays that tick's update) and counted.
"""

from __future__ import annotations

import numpy as np

from cores._kernels import load_kernel
from cores.params import CycleCosts

_queue = load_kernel("_packet_queue")


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

    def serve_segments(
        self,
        bounds: np.ndarray,
        seg_pe: np.ndarray,
        ready: np.ndarray,
        steps: np.ndarray,
        words: np.ndarray,
        dram_bytes: np.ndarray,
        num: np.ndarray,
        den: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Serve packets FIFO by ready time, PE by PE, in one compiled pass; return their
        (ready, finish) cycles in service order, PE cycles.

        Packets ``bounds[s]:bounds[s + 1]`` reach PE ``seg_pe[s]``, ready at ``ready``
        (reference cycles; PE p's cycle of reference instant r is ``ceil(r * den[p] /
        num[p])``); within a PE, the packets with ``dram_bytes == 0`` and those with
        ``dram_bytes > 0`` must each be in ready order already (SRAM rows ready on arrival,
        DRAM rows when their FIFO transfer ends): each PE serves them merged by ready time,
        ties in row order. Their costs are those of :func:`cores.cost.packet_service_cycles`;
        ``free_at`` and ``busy`` are updated.

        # perf: the service costs, FIFO recurrence and per-PE sums in one pass: 1.3 -> 0.3 ms
        per tick of the SpiNNaker2-like benchmark, with the re-gathers it saves
        (line_profiler); the merge by ready time and the clock conversion in that pass too.
        """
        c = self.costs
        costs = np.array([c.packet_receive_cycles, c.key_lookup_cycles_per_step,
                          c.dma_setup_cycles, c.synaptic_event_cycles], np.int64)  # fmt: skip
        served, finish = np.empty(len(ready), np.int64), np.empty(len(ready), np.int64)
        bad = _queue.serve_by_ready(
            _int64(bounds), _int64(seg_pe), _int64(ready),
            *(_int32(a) for a in (steps, words, dram_bytes)), costs, _int64(num), _int64(den),
            self.free_at, self.busy, finish, served,
        )  # fmt: skip
        if bad:
            raise ValueError(f"{bad} PEs whose SRAM or DRAM rows are not in ready order")
        return served, finish

    def overrun(self, next_tick_start: int) -> np.ndarray:
        """Cycles of work each PE still has at the next tick start (0: in time)."""
        return np.maximum(self.free_at - next_tick_start, 0)


def segment_starts(group: np.ndarray) -> np.ndarray:
    """First index of each run of equal ids in ``group`` (grouped rows, e.g. by PE), int64."""
    return np.r_[0, np.flatnonzero(np.diff(group)) + 1] if len(group) else np.zeros(0, np.int64)


def _int64(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.int64)


def _int32(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.int32)

"""Busy time of every PE, phase by phase, computed from arrays (design.md, decision 2).

Each PE is a FIFO server in its own clock: the tick phase (timer, neuron updates, spike sends)
starts at ``max(tick start, free_at)``; received packets are served in arrival order from
``max(arrival, free_at)``. Work that runs past the next tick start is overrun, carried into the
next tick (it delays that tick's update) and counted.
"""

from __future__ import annotations

import numpy as np

from cores import CycleCosts, packet_batch_cycles, packet_service_cycles


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

        One vectorised pass over all PEs: the recurrence of
        :func:`cores.packet_batch_cycles` restarts at each PE's first packet.
        """
        finish = np.empty(len(pe), dtype=np.int64)
        if len(pe) == 0:
            return finish
        cuts = np.flatnonzero(np.diff(pe)) + 1
        starts = np.r_[0, cuts]
        ends = np.r_[cuts, len(pe)]
        if len(starts) == 1:
            p = int(pe[0])
            cost = packet_batch_cycles(
                self.costs, arrival, steps, words, dram_bytes > 0, free_at=int(self.free_at[p]),
                tick_end=0,
            )  # fmt: skip
            finish[:] = cost.finish
        else:
            finish[:] = _segmented_fifo(
                arrival,
                packet_service_cycles(self.costs, steps, words, dram_bytes > 0),
                self.free_at[pe[starts]],
                starts,
                ends,
            )
        last = ends - 1
        self.busy[pe[starts]] += _segment_sums(
            packet_service_cycles(self.costs, steps, words, dram_bytes > 0), starts
        )
        self.free_at[pe[starts]] = finish[last]
        return finish

    def overrun(self, next_tick_start: int) -> np.ndarray:
        """Cycles of work each PE still has at the next tick start (0: in time)."""
        return np.maximum(self.free_at - next_tick_start, 0)


def _segment_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.add.reduceat(values, starts)


def _segmented_fifo(
    arrival: np.ndarray,
    service: np.ndarray,
    free_at: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
) -> np.ndarray:
    """FIFO finish times per segment: finish_k = S_k + max(free, max_{j<=k}(a_j - S_{j-1})).

    ``S`` restarts at each segment; the running max restarts by offsetting each segment above
    every earlier one (segments are independent queues).
    """
    done = np.cumsum(service)
    seg = np.repeat(np.arange(len(starts)), ends - starts)
    base = np.r_[0, done[ends[:-1] - 1]]  # cumulative service before each segment
    local_done = done - base[seg]
    slack = arrival - (local_done - service)
    slack = np.maximum(slack, free_at[seg])  # free_at enters each segment's first max
    # make segments independent: shift each above everything before it
    span = int(np.abs(slack).max()) + 1 if len(slack) else 1
    shifted = slack + seg * (2 * span)
    running = np.maximum.accumulate(shifted) - seg * (2 * span)
    return local_done + running

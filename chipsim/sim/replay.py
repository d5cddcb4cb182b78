"""Trace replay (design.md, decision 5): a spike trace stands in for the neuron dynamics.

Every group emits the trace's spikes instead of its kernel's; PEs still pay their update
costs, and packets, routing and synaptic processing are those of a run, so replaying a
recorded run gives the same packets, NoC statistics and synaptic-event counts. A trace with
``cycle`` emits each spike at its recorded cycle; one without emits at the cycle the cost model
gives its neuron.
"""

from __future__ import annotations

import numpy as np

from chipsim.traces import SpikeTrace


class Replay:
    """A trace indexed by tick: neuron ids (sorted) and their emission cycles."""

    def __init__(self, trace: SpikeTrace) -> None:
        order = np.lexsort((trace.neuron, trace.tick))
        self.tick = trace.tick[order]
        self.neuron = trace.neuron[order]
        self.cycle = trace.cycle[order] if trace.cycle is not None else None

    @property
    def has_cycles(self) -> bool:
        return self.cycle is not None

    def _span(self, tick: int) -> slice:
        lo, hi = np.searchsorted(self.tick, [tick, tick + 1])
        return slice(int(lo), int(hi))

    def neurons(self, tick: int, first: int, size: int) -> np.ndarray:
        """Trace spikes of ids ``first .. first + size - 1`` at ``tick``, as offsets from first."""
        ids = self.neuron[self._span(tick)]
        lo, hi = np.searchsorted(ids, [first, first + size])
        return np.unique(ids[lo:hi]) - first

    def cycles(self, tick: int, neuron: np.ndarray) -> np.ndarray:
        """Recorded emission cycle of each of ``neuron`` (all spiking at ``tick``)."""
        span = self._span(tick)
        return self.cycle[span][np.searchsorted(self.neuron[span], neuron)]


class ReplayGroup:
    """A runtime group whose spikes come from a trace; receiving and costs are the group's."""

    def __init__(self, group, replay: Replay) -> None:
        self.group = group
        self.replay = replay
        self.layout = group.layout
        self.model = group.model
        self.receives = group.receives

    def update(self, tick: int) -> np.ndarray:
        return self.replay.neurons(tick, self.layout.first_id, self.layout.size)

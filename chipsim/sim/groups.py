"""Runtime groups: every PE running one population, stepped by one kernel call per tick.

A group holds the state of all the PEs that run slices of one population (neurons contiguous
per PE, in slice order), so one kernel call updates them all (design.md: "one call may cover
many cores"). Each PE keeps its own synapse storage; received packets are processed per PE.
Flat index ``i`` of a group is global neuron ``first_id + i``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chipsim.rng import Stream, counter_rng
from cores import (
    LifParams,
    LifState,
    MatrixSet,
    NeuronModel,
    SynapticMatrix,
    lif_step,
    make_ring_buffers,
    matrix_set,
)


@dataclass(frozen=True)
class GroupLayout:
    """Where a group's neurons live: one entry per slice (= per PE)."""

    group: int  # index of the population in network.populations
    slices: np.ndarray  # int64, slice indices, increasing
    core_first: np.ndarray  # int64, flat index of each slice's first neuron (starts at 0)
    first_id: int  # global id of flat index 0
    size: int  # neurons in the group

    def slice_of(self, flat: np.ndarray) -> np.ndarray:
        """Position (0..n_slices-1) of the slice holding each flat index."""
        return np.searchsorted(self.core_first, flat, side="right") - 1


class LifGroup:
    """LIF neurons (float32 or s16.15) with sPyNNaker-style synaptic rows and ring buffers."""

    receives = True

    def __init__(
        self,
        layout: GroupLayout,
        model: NeuronModel,
        params: LifParams,
        matrices: list[SynapticMatrix],
    ) -> None:
        self.layout = layout
        self.model = model
        self.params = params
        self.state = LifState.initial(params)
        self.ring = make_ring_buffers(layout.size)
        self.matrices = matrices
        # memory: the kernel's copy of the rows (cores.host_rows) is built at the first
        # receive, after the mapping's temporaries are gone, and is not pickled (SpiNNaker2
        # run benchmark: peak 2.51 GiB either way, 2.91 GiB when built here)
        self._matrix_set: MatrixSet | None = None
        self._spikes = np.empty(layout.size, dtype=np.int32)

    def __getstate__(self) -> dict:
        return dict(self.__dict__, _matrix_set=None)

    def update(self, tick: int) -> np.ndarray:
        """Advance every neuron one tick; return the flat indices that spiked (increasing)."""
        counts = lif_step(self.params, self.state, self.ring, tick, self._spikes)
        return self._spikes[: counts.spikes].astype(np.int64)

    def matrix_set(self) -> MatrixSet:
        """The kernel's copy of the group's rows (:mod:`cores.host_rows`), built at the first
        call (the first receive step)."""
        if self._matrix_set is None:
            self._matrix_set = matrix_set(self.matrices, self.layout.core_first.tolist())
        return self._matrix_set


class PoissonGroup:
    """Poisson spike sources: one Bernoulli draw per neuron per tick, p = rate x dt.

    Draws come from the stream keyed by (seed, SPIKE_SOURCE, group, tick), so they do not
    depend on how the sources are sliced or in which order ticks are asked for.
    """

    receives = False
    model = None

    def __init__(self, layout: GroupLayout, rate_hz: float, dt_s: float, seed: int) -> None:
        self.layout = layout
        self.p = rate_hz * dt_s
        if self.p > 1.0:
            raise ValueError(f"Poisson rate {rate_hz} Hz exceeds one spike per {dt_s} s tick")
        self.seed = seed

    def update(self, tick: int) -> np.ndarray:
        rng = counter_rng(self.seed, Stream.SPIKE_SOURCE, self.layout.group, tick)
        return np.flatnonzero(rng.random(self.layout.size) < self.p)


class ScheduledGroup:
    """Sources whose spikes are known in advance (spike arrays, traces, event cameras).

    A neuron spikes at most once per tick: repeated (tick, index) pairs (an event camera pixel
    firing twice in one tick) are one spike; ``merged`` counts the repeats, and a run reports
    their sum as ``merged_source_events``.
    """

    receives = False
    model = None

    def __init__(self, layout: GroupLayout, tick: np.ndarray, index: np.ndarray) -> None:
        order = np.lexsort((index, tick))
        self.layout = layout
        self.tick = np.asarray(tick, dtype=np.int64)[order]
        self.index = np.asarray(index, dtype=np.int64)[order]
        repeated = (np.diff(self.tick) == 0) & (np.diff(self.index) == 0)
        self.merged = int(repeated.sum())

    def update(self, tick: int) -> np.ndarray:
        lo, hi = np.searchsorted(self.tick, [tick, tick + 1])
        return np.unique(self.index[lo:hi])

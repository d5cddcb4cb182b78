"""A batch of TrueNorth cores advanced one tick at a time: crossbar, then neurons.

One tick of a TrueNorth core (Merolla et al. 2014; Cassidy et al. 2013):

1. the axons active this tick are the delay-ring slot of the tick (filled by earlier
   :meth:`TrueNorthCoreBatch.deliver` calls, delay 1..15 ticks);
2. the crossbar integrates them into each neuron's summed input (:mod:`cores.crossbar`);
3. every neuron integrates, leaks, compares with its thresholds, fires and resets
   (:mod:`cores.truenorth`);
4. the spikes leave as a uint8 vector; routing them to axons (possibly on other cores) is the
   chip's job, which comes back through :meth:`TrueNorthCoreBatch.deliver`.

Each step is one kernel call for the whole batch; per-core counts feed the cycle-cost and
energy models.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from cores.crossbar import N_NEURONS, CrossbarCores
from cores.parallel import Balance
from cores.rng import check_seed
from cores.truenorth import TrueNorthNeurons, check_core_ids, update_neurons


class TickCounts(NamedTuple):
    """Per-core event counts of one tick, int64 (n_cores, 3) each."""

    crossbar: np.ndarray
    """Columns: synaptic events, crossbar row reads, synapse draws."""
    neurons: np.ndarray
    """Columns: neuron updates, spikes, leak and threshold draws."""


@dataclass
class TrueNorthCoreBatch:
    """Crossbars, neuron parameters and membrane potentials of a batch of cores.

    ``core_ids`` are the global ids of the batch cores (they key the random draws, so a core
    gives the same results in any batch); ``seed`` is the run seed. ``v`` starts at 0.
    ``threads`` share the cores of each kernel call (:mod:`cores.parallel`; the same results).
    """

    crossbar: CrossbarCores
    neurons: TrueNorthNeurons
    core_ids: np.ndarray
    seed: int
    threads: int = 1
    v: np.ndarray = field(init=False)
    spikes: np.ndarray = field(init=False)
    _syn_input: np.ndarray = field(init=False, repr=False)
    _balances: tuple[Balance, Balance] = field(init=False, repr=False)  # integrate, update

    def __post_init__(self) -> None:
        self.core_ids = check_core_ids(self.core_ids)
        self.seed = check_seed(self.seed)
        if self.threads < 1:
            raise ValueError(f"threads must be at least 1, got {self.threads}")
        n = N_NEURONS * self.crossbar.n_cores
        if self.core_ids.shape[0] != self.crossbar.n_cores or self.neurons.n_neurons != n:
            raise ValueError(
                f"batch mismatch: {self.crossbar.n_cores} crossbars, {self.core_ids.shape[0]} "
                f"core ids and {self.neurons.n_neurons} neurons (expected {n})"
            )
        self.v = np.zeros(n, dtype=np.int32)
        self.spikes = np.zeros(n, dtype=np.uint8)
        self._syn_input = np.zeros(n, dtype=np.int32)
        self._balances = (Balance(), Balance())

    def deliver(self, core, axon, delay, tick: int) -> int:
        """Schedule axon spikes (batch core index, axon, delay 1..15); see CrossbarCores."""
        return self.crossbar.deliver(core, axon, delay, tick)

    def step(self, tick: int) -> TickCounts:
        """Advance every core by tick ``tick``; ``self.spikes`` then holds who fired."""
        n_cores = self.crossbar.n_cores
        xbar_counts = np.empty((n_cores, 3), dtype=np.int64)
        neuron_counts = np.empty((n_cores, 3), dtype=np.int64)
        self.crossbar.integrate(
            self.neurons, self._syn_input, core_ids=self.core_ids, tick=tick, seed=self.seed,
            core_counts=xbar_counts, threads=self.threads, balance=self._balances[0],
        )  # fmt: skip
        update_neurons(
            self.neurons, self.v, self._syn_input, self.spikes, core_ids=self.core_ids,
            tick=tick, seed=self.seed, core_counts=neuron_counts, threads=self.threads,
            balance=self._balances[1],
        )  # fmt: skip
        return TickCounts(crossbar=xbar_counts, neurons=neuron_counts)

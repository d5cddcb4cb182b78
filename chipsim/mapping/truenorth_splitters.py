"""Splitter trees: give every TrueNorth neuron exactly one target axon.

A TrueNorth neuron drives one axon of one core, with one delay (Merolla et al. 2014). A neuron
whose synapses need k > 1 target axons (other cores, other axon types or other delays) drives
instead one axon of a *splitter core*; that axon's crossbar row connects up to 256 splitter
neurons, and each splitter neuron drives one of the targets. A splitter neuron has one input
axon (type 0, weight 1), threshold 1, no leak and reset to 0, so it fires in exactly the ticks
its axon is active, and sends on with the target's own delay.

The tree is built bottom-up, one level per round, for all neurons at once:

- round 1: a driver with k > 1 targets gets ceil(k / 256) groups of splitter neurons (the
  targets in order, 256 per group); each group sits on one splitter core and is fed by one
  axon there; the driver's targets become those group axons, with delay 1;
- the next rounds repeat this on the drivers that still have more than one target.

So a driver with k targets gets L = ceil(log_256 k) levels (1 for k <= 256, 2 for k <= 65,536)
and *each* of its spikes reaches *every* target exactly L ticks later than its programmed delay:
the driver reaches the top axon with delay 1 (one tick per level), and the bottom splitters
reach the targets with the original delays (1..15). Groups are packed onto splitter cores
next-fit, in order, within the core's neuron and axon capacity (a group uses one axon and at
most 256 neurons, so on a 256 x 256 core the neurons run out first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GROUP_SIZE = 256
"""Splitter neurons one splitter axon feeds (one crossbar row), at most; fewer where a core
holds fewer neurons."""


@dataclass(frozen=True)
class Targets:
    """One row per target axon: who drives it (flat slot = core * 256 + neuron) and where."""

    driver: np.ndarray  # int64, flat slot of the driving neuron
    core: np.ndarray  # int64, target core index
    axon: np.ndarray  # int64, axon index on the target core
    delay: np.ndarray  # int64, ticks, 1..15

    def __len__(self) -> int:
        return len(self.driver)

    def take(self, rows: np.ndarray) -> Targets:
        return Targets(*(column[rows] for column in _columns(self)))


def _columns(t: Targets) -> tuple[np.ndarray, ...]:
    return t.driver, t.core, t.axon, t.delay


@dataclass(frozen=True)
class SplitterPlan:
    """The result of :func:`build_splitters`.

    ``final`` has exactly one row per driving slot (network neurons, sources and splitters);
    ``groups`` lists the splitter groups as (core, axon, first neuron, count), core indices
    counted from ``first_core`` on; ``levels`` gives the drivers that got splitters (flat
    slots, increasing) and the ticks their trees add.
    """

    final: Targets
    groups: np.ndarray  # int64 (n_groups, 4): core, axon, first neuron slot, neuron count
    n_cores: int  # splitter cores used
    levels: tuple[np.ndarray, np.ndarray]  # flat slots of drivers with splitters, levels added


class _NextFit:
    """Next-fit packing of splitter groups onto splitter cores."""

    def __init__(self, first_core: int, max_neurons: int, max_axons: int) -> None:
        self.core = first_core - 1
        self.neurons = max_neurons
        self.axons = max_axons
        self.max_neurons, self.max_axons = max_neurons, max_axons
        self.first_core = first_core

    def place(self, size: int) -> tuple[int, int, int]:
        """(core, axon, first neuron) of a new group of ``size`` splitter neurons."""
        if self.neurons + size > self.max_neurons or self.axons + 1 > self.max_axons:
            self.core, self.neurons, self.axons = self.core + 1, 0, 0
        placed = (self.core, self.axons, self.neurons)
        self.neurons += size
        self.axons += 1
        return placed

    @property
    def n_cores(self) -> int:
        return self.core + 1 - self.first_core


def build_splitters(
    targets: Targets, first_core: int, max_neurons: int = 256, max_axons: int = 256
) -> SplitterPlan:
    """Insert splitter trees until every driver has exactly one target (module doc).

    Parameters
    ----------
    targets : every target axon of every driver, any order
    first_core : core index of the first splitter core
    max_neurons, max_axons : capacity of a splitter core (groups of at most
        min(256, max_neurons) neurons, so L = ceil(log_g k) levels for group size g)
    """
    group = min(GROUP_SIZE, max_neurons)
    packer = _NextFit(first_core, max_neurons, max_axons)
    done, groups, split = [targets.take(np.empty(0, dtype=np.int64))], [], []
    pending = targets.take(np.argsort(targets.driver, kind="stable"))
    while len(pending):
        drivers, first, count = np.unique(pending.driver, return_index=True, return_counts=True)
        single = np.repeat(count == 1, count)
        done.append(pending.take(np.flatnonzero(single)))
        multi = pending.take(np.flatnonzero(~single))
        if not len(multi):
            break
        split.append(drivers[count > 1])
        rank = np.arange(len(pending)) - np.repeat(first, count)
        if group < 2:
            raise ValueError("splitter trees need cores of at least 2 neurons")
        chunk = rank[~single] // group
        keys, start, size = np.unique(
            np.stack([multi.driver, chunk], axis=1), axis=0, return_index=True, return_counts=True
        )
        placed = np.array([packer.place(int(n)) for n in size], dtype=np.int64).reshape(-1, 3)
        groups.append(np.column_stack([placed, size]))
        # each multi row becomes a splitter neuron that drives the row's target
        member = np.repeat(np.arange(len(keys)), size)
        offset = np.arange(len(multi)) - np.repeat(start, size)
        splitter = placed[member, 0] * 256 + placed[member, 2] + offset
        done.append(Targets(splitter, multi.core, multi.axon, multi.delay))
        # the drivers now target the group axons, one tick each
        pending = Targets(
            keys[:, 0], placed[:, 0], placed[:, 1], np.ones(len(keys), dtype=np.int64)
        )
    columns = zip(*(_columns(t) for t in done), strict=True)
    final = Targets(*(np.concatenate(column) for column in columns))
    rows = np.concatenate(groups) if groups else np.empty((0, 4), dtype=np.int64)
    levels = np.unique(np.concatenate(split or [np.empty(0, dtype=np.int64)]), return_counts=True)
    return SplitterPlan(final, rows, packer.n_cores, levels)

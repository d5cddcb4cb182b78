"""The ideal simulation of a network mapped onto TrueNorth cores: no NoC, no timing.

Every tick: every core integrates its axons of the tick and updates its neurons
(:class:`cores.truenorth_core.TrueNorthCoreBatch`, all cores in one batch); the source spikes
of the tick are put into the input slots; every slot that fired is delivered to its target
``(core, axon, delay)`` in the same tick, so its axon is active ``delay`` ticks later. With
splitters this is the network *as mapped*: each spike of a neuron with ``levels`` splitter
levels reaches its synapses ``levels`` ticks later than programmed (design.md, decision 6), and
a mapped run on the chip must reproduce it exactly when no packet is late or dropped.

Spike sources are the runtime groups of the programmable path (Poisson draws keyed by
(seed, SPIKE_SOURCE, group index, tick), scheduled spikes from arrays, traces and event
cameras), so both paths see the same input spikes for the same seed.
"""

from __future__ import annotations

import numpy as np

from chipsim.mapping.layout import source_group
from chipsim.mapping.truenorth import TrueNorthLayout
from chipsim.network.description import NeuronPopulation
from chipsim.sim.groups import GroupLayout
from chipsim.traces import SpikeTrace, TraceMeta
from cores.spike_vector import spike_indices


def source_groups(layout: TrueNorthLayout, seed: int, dt_s: float) -> list:
    """The runtime group of every spike source of the layout's network."""
    net = layout.net
    groups = []
    for g, spec in enumerate(net.network.populations):
        if isinstance(spec, NeuronPopulation):
            continue
        ids = net.ids(spec.name)
        cores, first = np.unique(layout.core_of[ids], return_index=True)
        place = GroupLayout(
            g, cores.astype(np.int64), first.astype(np.int64), int(ids[0]), ids.size
        )
        groups.append(source_group(place, spec, dt_s, seed))
    return groups


def simulate_truenorth_ideal(
    layout: TrueNorthLayout, ticks: int, seed: int = 0, dt_s: float = 1e-3
) -> SpikeTrace:
    """Run a mapped network for ``ticks`` ticks with ideal delivery (module doc).

    Parameters
    ----------
    layout : the network as mapped by :func:`chipsim.mapping.truenorth.map_truenorth`
    ticks : ticks to simulate
    seed : run seed: spike sources and the TrueNorth draws (stochastic synapses, leak,
        threshold), keyed by each core's router id
    dt_s : tick length, s (Poisson probability per tick = rate x dt)

    Returns
    -------
    SpikeTrace of every network neuron and source spike (global ids), sorted by (tick,
    neuron); splitter spikes are not recorded.
    """
    if ticks < 0:
        raise ValueError(f"ticks must be >= 0, got {ticks}")
    batch = layout.core_batch(seed)
    sources = source_groups(layout, seed, dt_s)
    spike_ticks, spike_ids = [], []
    for tick in range(ticks):
        batch.step(tick)
        for group in sources:
            fired = group.layout.first_id + group.update(tick)
            batch.spikes[layout.slots(fired)] = 1
        slots = spike_indices(batch.spikes)
        ids = layout.slot_neuron[slots]
        ids = ids[ids >= 0]
        spike_ticks.append(np.full(ids.size, tick, dtype=np.int64))
        spike_ids.append(ids)
        slots = slots[layout.target_core[slots] >= 0]
        batch.deliver(
            layout.target_core[slots], layout.target_axon[slots], layout.target_delay[slots], tick
        )
    tick_arr = np.concatenate(spike_ticks) if spike_ticks else np.empty(0, np.int64)
    id_arr = np.concatenate(spike_ids) if spike_ids else np.empty(0, np.int64)
    order = np.lexsort((id_arr, tick_arr))
    return SpikeTrace(tick_arr[order], id_arr[order], None, TraceMeta(dt_s=dt_s))

"""The ideal simulation: the network's own kernels, every spike delivered at exactly its delay.

No hardware limits apply: every population is cut into slices of at most 2048 neurons (the
11-bit neuron field of a synaptic row word), each on its own virtual PE, all rows in SRAM, and
every packet reaches its destinations in the tick it was sent. It is the oracle for a chip
run's exactness (design.md, decision 6) and a fast functional simulator in its own right.
"""

from __future__ import annotations

import numpy as np

from chipsim.mapping.layout import Program, build_program
from chipsim.mapping.partition import partition
from chipsim.network.description import Network
from chipsim.network.expand import ExpandedNetwork, expand
from chipsim.sim.delivery import Receivers, fan_out, packets_of
from chipsim.traces import SpikeTrace, TraceMeta
from cores.synaptic_matrix import MAX_NEURONS


def simulate_ideal(
    network: Network | ExpandedNetwork, ticks: int, seed: int = 0, dt_s: float = 1e-3
) -> SpikeTrace:
    """Run ``network`` for ``ticks`` ticks with ideal delivery; return every spike (sources too).

    Parameters
    ----------
    network : a description or an already expanded network (expanded with ``seed``)
    ticks : ticks to simulate
    seed : run seed (connectivity, spike sources)
    dt_s : tick length, s
    """
    net = network if isinstance(network, ExpandedNetwork) else expand(network, seed)
    slices = partition(net, np.full(len(net.sizes), MAX_NEURONS))
    program = build_program(net, slices, np.arange(len(slices), dtype=np.int32), dt_s, seed)
    return run_ideal(program, ticks, dt_s)


def run_ideal(program: Program, ticks: int, dt_s: float) -> SpikeTrace:
    """Step a laid-out program tick by tick with ideal (same-tick) delivery."""
    receivers = Receivers(program, len(program.slices))
    spike_ticks, spike_ids = [], []
    for tick in range(ticks):
        neuron = np.concatenate(
            [g.layout.first_id + g.update(tick) for g in program.groups] or [np.empty(0, np.int64)]
        )
        if neuron.size == 0:
            continue
        spike_ticks.append(np.full(neuron.size, tick, dtype=np.int64))
        spike_ids.append(neuron)
        packets = packets_of(program, neuron)
        index, dest = fan_out(program, packets)
        receivers.process(dest, packets.key[index], tick)
    tick_arr = np.concatenate(spike_ticks) if spike_ticks else np.empty(0, np.int64)
    ids = np.concatenate(spike_ids) if spike_ids else np.empty(0, np.int64)
    order = np.lexsort((ids, tick_arr))
    return SpikeTrace(tick_arr[order], ids[order], None, TraceMeta(dt_s=dt_s))

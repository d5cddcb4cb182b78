"""Crossbar (TrueNorth-like) cores as a :class:`~chipsim.sim.machine.Machine`.

At each tick every core integrates the axons active in its delay ring through its crossbar and
updates its 256 neurons (one :class:`cores.TrueNorthCoreBatch` step for all cores); spike
sources fire their input slots. Every slot that fired and drives an axon sends one unicast
packet to the core that owns the axon; the receiving core writes the axon into its delay ring
for ``base tick + delay`` (:mod:`chipsim.mapping.truenorth`). Cycle costs per core: timer, one
``synaptic_event_cycles`` per crossbar synaptic event, one ``neuron_update_cycles`` per neuron,
one ``spike_send_cycles`` per spike; a received packet costs ``packet_receive_cycles``.

Trace replay (design.md, decision 5): the network's neurons and spike sources fire the trace's
spikes instead of their own; the cores still integrate and update as in a run (same costs),
and splitter neurons, which relay spikes to several axons, keep their dynamics, so that they
relay the replayed spikes as they relayed the recorded ones. A trace with emission cycles
emits each spike at its recorded cycle.
"""

from __future__ import annotations

import numpy as np

from chipsim.mapping.pes import PeMap
from chipsim.mapping.truenorth import TrueNorthLayout
from chipsim.sim.delivery import Received
from chipsim.sim.machine import Packets, TickWork
from chipsim.sim.replay import Replay
from chipsim.sim.truenorth_ideal import source_groups
from chipsim.timebase import UnitClocks
from cores import CycleCosts, NeuronModel, TickCounts, update_cycles
from cores.crossbar import N_NEURONS
from cores.spike_vector import core_emissions, spike_indices


class CrossbarMachine:
    """A :class:`TrueNorthLayout` stepping all its cores as one batch."""

    multicast = False

    def __init__(
        self,
        layout: TrueNorthLayout,
        pes: PeMap,
        costs: CycleCosts,
        seed: int,
        dt_s: float,
        replay: Replay | None = None,
        pe_clock: UnitClocks | None = None,
        threads: int = 1,
    ) -> None:
        if replay is not None and replay.has_cycles and pe_clock is None:
            raise ValueError("replaying recorded emission cycles needs the PE clocks (pe_clock)")
        self.layout = layout
        self.replay = replay
        self.pe_clock = pe_clock
        self.costs = costs
        self.batch = layout.core_batch(seed)
        self.batch.threads = threads  # kernel calls split over cores (cores.parallel)
        self.source_groups = source_groups(layout, seed, dt_s)
        pe_of_router = np.full(int(pes.router.max()) + 1, -1, dtype=np.int64)
        pe_of_router[pes.router[::-1]] = np.arange(len(pes))[::-1]  # a router's first PE
        self.pe_of_core = pe_of_router[layout.router]
        self.endpoint_of_core = pes.endpoint[self.pe_of_core].astype(np.uint32)
        self.core_of_pe = np.full(len(pes), -1, dtype=np.int64)
        self.core_of_pe[self.pe_of_core] = np.arange(layout.n_cores)
        self.update_cost = update_cycles(costs, NeuronModel.TRUENORTH)
        # each slot's target core, axon (8 bits) and delay (4 bits) in one integer (a slot with
        # none sends no packet), which its packets carry (in the tag's 32 bits: cores < 2**20),
        # so that a packet's target is one gather when it is sent and none when it arrives
        # (# perf: three gathers from the layout's columns missed the caches three times a
        # packet: receive 0.9 -> 0.56 ms a tick of the full TrueNorth-like chip, cProfile)
        if layout.n_cores >= 1 << 20:
            raise ValueError(f"{layout.n_cores} crossbar cores: at most 2**20 - 1 are simulated")
        self.target = (
            (layout.target_core.astype(np.int64) << 12)
            | (layout.target_axon.astype(np.int64) << 4)
            | layout.target_delay
        )
        # each slot's network neuron (layout.slot_neuron: negative where none) times 2, plus
        # 1 where it sends packets: a tick's spikes take one gather for both (# perf: one
        # gather of 20,000 spikes from a table of the chip's 1 M slots, ~0.2 ms, a tick less)
        self.slot_code = (layout.slot_neuron << 1) | (layout.target_core >= 0)

    def step(self, tick: int) -> TickCounts:
        """The batch's step of ``tick`` (crossbars, neurons) and the sources' spikes (or the
        trace's in their place); returns the batch's counts."""
        counts = self.batch.step(tick)
        if self.replay is None:
            for group in self.source_groups:
                fired = group.layout.first_id + group.update(tick)
                self.batch.spikes[self.layout.slots(fired)] = 1
        else:
            self._replace_spikes(tick)
        return counts

    def update(self, tick: int, start: np.ndarray) -> TickWork:
        counts = self.step(tick)
        events = counts.crossbar[:, 0]
        neurons = counts.neurons[:, 0]
        per_core_start = start[self.pe_of_core] + events * self.costs.synaptic_event_cycles
        slots, cycle, fired = core_emissions(
            self.batch.spikes, N_NEURONS, per_core_start, self.costs, self.update_cost
        )
        cycles = (
            self.costs.timer_tick_cycles
            + events * self.costs.synaptic_event_cycles
            + neurons * self.update_cost
            + fired * self.costs.spike_send_cycles
        )
        code = self.slot_code[slots]
        ids = code >> 1
        network = ids >= 0
        if self.replay is not None and self.replay.has_cycles:
            pe = self.pe_of_core[slots[network] // N_NEURONS]
            recorded = self.replay.cycles(tick, ids[network])
            cycle[network] = self.pe_clock.from_reference(recorded, pe)
        sends = (code & 1).astype(bool)
        zeros = np.zeros(self.layout.n_cores, dtype=np.int64)
        return TickWork(
            pes=self.pe_of_core, cycles=cycles, neurons=neurons, sources=zeros, fired=fired,
            synaptic_events=events, sender=slots[sends], sender_cycle=cycle[sends],
            recorded=ids[network], recorded_cycle=cycle[network],
            recorded_pe=self.pe_of_core[slots[network] // N_NEURONS],
        )  # fmt: skip

    def _replace_spikes(self, tick: int) -> None:
        """The spikes of the network's neurons and sources at ``tick`` become the trace's."""
        spikes = self.batch.spikes
        fired = spike_indices(spikes)
        spikes[fired[self.layout.slot_neuron[fired] >= 0]] = 0
        spikes[self.layout.slots(self.replay.neurons(tick, 0, self.layout.net.n_neurons))] = 1

    def packets(self, work: TickWork) -> Packets:
        """One packet per sending slot, carrying the slot's target (core, axon, delay:
        ``target``), which is all its receiver needs (# perf: no second gather by slot in
        ``receive``)."""
        target = self.target[work.sender]
        dest = self.endpoint_of_core[target >> 12]
        return Packets(self.pe_of_core[work.sender // N_NEURONS], dest, target, work.sender_cycle)

    def receive(
        self, seg_pe: np.ndarray, bounds: np.ndarray, sender: np.ndarray, base_tick: int
    ) -> Received:
        """Write each packet's axon into its core's delay ring (cost: one packet receive);
        ``sender``: what the packets carry, their targets (``packets``)."""
        target = sender
        self.batch.deliver(target >> 12, (target >> 4) & 0xFF, target & 0xF, base_tick)
        zeros = np.zeros(len(sender), dtype=np.int32)
        return Received(zeros, zeros, zeros, 0)

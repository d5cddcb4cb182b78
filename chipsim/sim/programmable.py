"""Programmable (SpiNNaker-like) PEs as a :class:`~chipsim.sim.machine.Machine`.

Each population's kernel runs once per tick for all its PEs; a spike of neuron ``n`` is one
multicast packet keyed ``key(n)`` (or, with XY routing, one unicast copy per destination PE);
a received packet is looked up in the PE's master population table and its synaptic row is
accumulated into the ring buffers (:mod:`chipsim.sim.delivery`).
"""

from __future__ import annotations

import numpy as np

from chipsim.mapping.layout import Program
from chipsim.mapping.pes import PeMap
from chipsim.sim.delivery import Received, Receivers, fan_out, packets_of
from chipsim.sim.machine import Packets, TickWork
from chipsim.sim.replay import Replay, ReplayGroup
from chipsim.timebase import UnitClocks
from cores import CycleCosts, emission_cycles_by_core, update_cycles


class ProgrammableMachine:
    """Runtime groups, keys and synaptic rows of a laid-out :class:`Program`."""

    def __init__(
        self,
        program: Program,
        pes: PeMap,
        costs: CycleCosts,
        multicast: bool,
        replay: Replay | None = None,
        pe_clock: UnitClocks | None = None,
        threads: int = 1,
    ) -> None:
        self.program = program
        self.pes = pes
        self.costs = costs
        self.multicast = multicast
        self.replay = replay
        self.pe_clock = pe_clock
        self.groups = [ReplayGroup(g, replay) for g in program.groups] if replay else program.groups
        self.receivers = Receivers(program, len(pes), threads)
        self.source_groups = [g for g in program.groups if g.model is None]
        slices = program.slices
        ids = np.arange(int(slices.first[-1] + slices.count[-1]) if len(slices) else 0)
        self.key_of_neuron = program.keys(slices.of_neurons(ids), ids)
        """uint32: the key of each global neuron id (# perf: one gather per received packet
        instead of the slice lookup and key arithmetic)."""
        self._tick_costs = [self._tick_cost(group) for group in self.groups]
        """Per group, what its tick phase costs whatever fires (# perf: computed once, not
        each tick; with the emission cycles in C, the update 0.60 -> 0.51 s a simulated
        second of the SpiNNaker2-like benchmark)."""

    def _tick_cost(self, group) -> tuple[np.ndarray, int, np.ndarray, np.ndarray, np.ndarray]:
        """(its PEs, cycles of a neuron update, each PE's tick cycles before its spike sends,
        each PE's neurons and spike sources) of a group."""
        layout = group.layout
        pes = self.program.pe_of_slice[layout.slices].astype(np.int64)
        per_neuron = update_cycles(self.costs, group.model)
        counts = np.diff(np.append(layout.core_first, layout.size))
        is_neuron = group.model is not None
        return (pes, per_neuron, self.costs.timer_tick_cycles + counts * per_neuron,
                counts * is_neuron, counts * (not is_neuron))  # fmt: skip

    def step(self, tick: int) -> list[np.ndarray]:
        """Each group's neurons advanced one tick: the flat indices that spiked, per group."""
        return [group.update(tick) for group in self.groups]

    def update(self, tick: int, start: np.ndarray) -> TickWork:
        parts = []
        flats = self.step(tick)
        for group, flat, (pes, per_neuron, cost, neurons, sources) in zip(
            self.groups, flats, self._tick_costs, strict=True
        ):
            layout = group.layout
            core, cycle = emission_cycles_by_core(
                self.costs, per_neuron, start[pes], layout.core_first, flat
            )  # (core: each spike's slice of the group)
            fired = np.bincount(core, minlength=len(pes))
            parts.append((pes, cost + fired * self.costs.spike_send_cycles, neurons, sources,
                          fired, layout.first_id + flat, cycle, pes[core]))  # fmt: skip
        pes, cycles, neurons, sources, fired, neuron, cycle, spike_pe = (
            np.concatenate(column) for column in zip(*parts, strict=True)
        )
        if self.replay is not None and self.replay.has_cycles:
            cycle = self.pe_clock.from_reference(self.replay.cycles(tick, neuron), spike_pe)
        return TickWork(
            pes, cycles, neurons, sources, fired, np.zeros_like(fired), neuron, cycle, neuron,
            cycle, spike_pe,
        )  # fmt: skip

    def packets(self, work: TickWork) -> Packets:
        packets = packets_of(self.program, work.sender)
        src = packets.src_pe.astype(np.int64)
        if self.multicast:
            return Packets(src, packets.key, work.sender, work.sender_cycle)
        index, dest_pe = fan_out(self.program, packets)
        dest = self.pes.endpoint[dest_pe].astype(np.uint32)
        return Packets(src[index], dest, work.sender[index], work.sender_cycle[index])

    def receive(
        self, seg_pe: np.ndarray, bounds: np.ndarray, sender: np.ndarray, base_tick: int
    ) -> Received:
        return self.receivers.process_segments(
            seg_pe, bounds, self.key_of_neuron[sender], base_tick
        )

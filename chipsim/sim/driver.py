"""The chip simulation: a mapped network runs tick by tick on the cycle-level NoC.

One SimPy process (the chip clock) drives the ticks; at each tick start ``T``:

1. the NoC engine advances to ``T`` (it skips idle cycles) and hands over, as arrays, every
   packet that arrived during the previous tick;
2. each receiving PE serves them FIFO (synaptic lookup and accumulation kernel, cycles from the
   cost model); a packet that arrived after the tick it was sent in is *late*: it is applied
   from its arrival tick (SpiNNaker semantics) or dropped, per ``chip.late_packet_policy``;
3. every population's neuron kernel runs once for all its PEs; each PE's update starts when
   the PE is free (work still pending from the previous tick is overrun), and its spikes leave
   at the cycles the cost model gives;
4. the spikes enter the NoC as one array (emission cycle, source endpoint, key or destination,
   tag = emission tick << 32 | neuron).

Departure from design.md decision 2 (recorded in docs/architecture.md): PE busy phases are
computed with arrays (:mod:`chipsim.sim.pe_timeline`) instead of one SimPy process per PE
yielding timeouts; every cost is known when a batch is taken, so the result is the same, and a
TrueNorth-sized chip would otherwise need ~8 M SimPy events per simulated second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import simpy

from chipsim.config import LatePacketPolicy
from chipsim.mapping.mapper import Mapping
from chipsim.sim.delivery import Receivers, fan_out, packets_of
from chipsim.sim.dram import DramChannel
from chipsim.sim.pe_timeline import PeTimeline
from chipsim.sim.recorder import RunRecorder
from chipsim.sim.replay import Replay, ReplayGroup
from chipsim.timebase import ClockDomain
from chipsim.traces import SpikeTrace
from cores import emission_cycles_by_core, update_cycles
from noc import NocEngine, Routing
from noc.routing import MulticastTables
from noc.topology import Mesh

MAX_DRAIN_TICKS = 1000
"""Ticks the NoC may run after the last update to deliver packets still in flight."""
TAG_TICK_SHIFT = 32
NEURON_MASK = (1 << TAG_TICK_SHIFT) - 1


@dataclass(frozen=True)
class Clocks:
    """The chip's clock domains against its reference clock."""

    cycles_per_tick: int  # reference cycles
    pe: ClockDomain
    noc: ClockDomain


class ChipSimulation:
    """Runs a :class:`Mapping` for ``ticks`` ticks; results go to ``recorder``."""

    def __init__(
        self, mapping: Mapping, recorder: RunRecorder, replay: SpikeTrace | None = None
    ) -> None:
        config = mapping.config
        self.mapping = mapping
        self.program = mapping.program
        self.replay = Replay(replay) if replay is not None else None
        self.groups = (
            [ReplayGroup(g, self.replay) for g in self.program.groups]
            if self.replay is not None
            else self.program.groups
        )
        self.recorder = recorder
        self.costs = config.pe.cycle_costs
        reference = config.chip.clock_hz
        self.clocks = Clocks(
            config.chip.cycles_per_tick,
            ClockDomain(reference, config.chip.operating_point.frequency_hz),
            ClockDomain(reference, config.noc.clock_hz),
        )
        n_pes = len(mapping.pes)
        self.timeline = PeTimeline(n_pes, self.costs)
        self.receivers = Receivers(self.program, n_pes)
        self.pe_of_endpoint = np.full(int(mapping.pes.endpoint.max()) + 1, -1, dtype=np.int64)
        self.pe_of_endpoint[mapping.pes.endpoint] = np.arange(n_pes)
        self.engine = self._engine()
        self.dram = DramChannel(reference, config.memory.dram_bandwidth_bytes_per_s)
        self.drop_late = config.chip.late_packet_policy is LatePacketPolicy.DROP
        self.env = simpy.Environment()

    def _engine(self) -> NocEngine:
        config, topology = self.mapping.config, self.mapping.config.topology
        mesh = Mesh(topology.width, topology.height, topology.pes_per_router, topology.torus)
        tables = None
        if self.mapping.tables is not None:
            t = self.mapping.tables
            tables = MulticastTables.from_arrays(
                mesh, t.router, t.key, t.mask, t.route, config.noc.routing_table_entries
            )
        return NocEngine(mesh, config.noc, tables, record_packets=False)

    def run(self, ticks: int, on_tick: Callable[[int], object] | None = None) -> None:
        """Simulate ``ticks`` ticks, then deliver what arrived during the last one.

        ``on_tick(1)`` is called after each tick (a progress bar's ``update``).
        """
        self.env.process(self._clock(ticks, on_tick or (lambda _: None)))
        self.env.run()

    def _clock(self, ticks: int, on_tick: Callable[[int], object]):
        c = self.clocks.cycles_per_tick
        for tick in range(ticks):
            self._receive(tick * c, arrival_tick=tick - 1)
            if tick > 0:
                self.recorder.end_tick(tick - 1, self.timeline, self._pe_cycle(tick * c))
            self._update(tick)
            on_tick(1)
            yield self.env.timeout(c)
        self._receive(ticks * c, arrival_tick=ticks - 1)
        self.recorder.end_tick(ticks - 1, self.timeline, self._pe_cycle(ticks * c))
        # drain: deliver what is still in flight (no more updates), so every packet is counted
        self.timeline.busy[:] = 0
        for extra in range(1, MAX_DRAIN_TICKS + 1):
            if self.engine.in_flight == 0:
                break
            self._receive((ticks + extra) * c, arrival_tick=ticks + extra - 1)
        self.recorder.finish(self.engine, drain_busy=self.timeline.busy)

    def _pe_cycle(self, reference_cycle: int) -> int:
        return int(self.clocks.pe.from_reference(reference_cycle))

    def _receive(self, until: int, arrival_tick: int) -> None:
        d = self.engine.advance(int(self.clocks.noc.from_reference(until)))
        if len(d) == 0:
            return
        emit_tick = (d.tag >> TAG_TICK_SHIFT).astype(np.int64)
        late = arrival_tick > emit_tick
        keep = ~late if self.drop_late else np.ones(len(d), dtype=bool)
        dropped_late = int((late & ~keep).sum())
        pe = self.pe_of_endpoint[d.dest_endpoint[keep]]
        arrival = self.clocks.noc.to_reference(d.arrival_cycle[keep])
        order = np.lexsort((arrival, pe))
        pe, arrival, late = pe[order], arrival[order], late[keep][order]
        neuron = (d.tag[keep][order] & NEURON_MASK).astype(np.int64)
        key = self.program.keys(self.program.slices.of_neurons(neuron), neuron)
        work = self.receivers.process(pe, key, np.full(len(pe), arrival_tick, dtype=np.int64))
        in_dram = work.dram_bytes > 0
        if in_dram.any():  # the row is ready when its DMA transfer ends
            arrival = arrival.copy()
            arrival[in_dram] = self.dram.fetch(arrival[in_dram], work.dram_bytes[in_dram])
            order = np.lexsort((arrival, pe))
            pe, arrival, late, work = pe[order], arrival[order], late[order], work.take(order)
        ready = self.clocks.pe.from_reference(arrival)
        self.timeline.serve_packets(pe, ready, work.steps, work.words, work.dram_bytes)
        self.recorder.received(d, pe, late, work, dropped_late=dropped_late)

    def _update(self, tick: int) -> None:
        c = self.clocks.cycles_per_tick
        start = self.timeline.start_tick(self._pe_cycle(tick * c))
        spikes_neuron, spikes_cycle = [], []
        for group in self.groups:
            layout = group.layout
            pes = self.program.pe_of_slice[layout.slices]
            flat = group.update(tick)
            model = group.model
            per_neuron = update_cycles(self.costs, model)
            _, cycle = emission_cycles_by_core(
                self.costs, per_neuron, start[pes], layout.core_first, flat
            )
            counts = np.diff(np.append(layout.core_first, layout.size))
            fired = np.bincount(layout.slice_of(flat), minlength=len(pes))
            cost = self.costs.timer_tick_cycles + counts * per_neuron
            self.timeline.add_tick_phase(
                pes, start[pes], cost + fired * self.costs.spike_send_cycles
            )
            self.recorder.updated(pes, counts, fired, model is not None)
            spikes_neuron.append(layout.first_id + flat)
            spikes_cycle.append(cycle)
        neuron = np.concatenate(spikes_neuron)
        emitted = self.clocks.pe.to_reference(np.concatenate(spikes_cycle))
        if self.replay is not None and self.replay.has_cycles:
            emitted = self.replay.cycles(tick, neuron)
        self.recorder.spikes(tick, neuron, emitted)
        self._inject(tick, neuron, np.asarray(emitted, dtype=np.int64))

    def _inject(self, tick: int, neuron: np.ndarray, emitted: np.ndarray) -> None:
        if neuron.size == 0:
            return
        packets = packets_of(self.program, neuron)
        tag = (np.int64(tick) << TAG_TICK_SHIFT) | neuron
        src = self.mapping.pes.endpoint[packets.src_pe]
        cycle = self.clocks.noc.from_reference(emitted)
        if self.mapping.config.noc.routing is Routing.MULTICAST_TABLE:
            self.engine.inject(cycle, src, packets.key, tag)
        else:  # unicast: the source sends one copy to each destination PE
            index, dest_pe = fan_out(self.program, packets)
            dest = self.mapping.pes.endpoint[dest_pe]
            self.engine.inject(cycle[index], src[index], dest.astype(np.uint32), tag[index])
        self.recorder.sent(packets.src_pe)

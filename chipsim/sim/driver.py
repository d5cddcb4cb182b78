"""The chip simulation: a mapped network runs tick by tick on the cycle-level NoC.

One SimPy process (the chip clock) drives the ticks; at each tick start ``T``:

1. the NoC engine advances to ``T`` (it skips idle cycles) and hands over, as arrays, every
   packet that arrived during the previous tick;
2. each receiving PE serves them FIFO (synaptic lookup and accumulation kernel, cycles from the
   cost model); a packet that arrived after the tick it was sent in is *late*: it is applied
   from its arrival tick (SpiNNaker semantics) or dropped, per ``chip.late_packet_policy``;
3. every population's neuron kernel runs once for all its PEs; each PE's update starts when
   the PE is free (work still pending from the previous tick is overrun), and its spikes
   leave at the cycles the cost model gives;
4. the spikes enter the NoC as one array (emission cycle, source endpoint, key or destination,
   tag = emission tick << 32 | what the packet carries: ``Packets.sender``).

What the run records (:class:`~chipsim.sim.recorder.RunRecorder`) is handed over as each step
ends and recorded, in the same order, by a worker thread while the NoC advances at the next
tick start (:mod:`chipsim.sim.background`).

Departure from design.md decision 2 (recorded in docs/architecture.md): PE busy phases are
computed with arrays (:mod:`cores.pe_timeline`) instead of one SimPy process per PE
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
from chipsim.sim.background import Background
from chipsim.sim.dram import DramChannel
from chipsim.sim.machines import machine_for
from chipsim.sim.part_times import PartTimes
from chipsim.sim.recorder import RunRecorder
from chipsim.timebase import ClockDomain, UnitClocks
from chipsim.traces import SpikeTrace
from cores.packet_queue import group_rows
from cores.pe_timeline import PeTimeline
from noc import NocEngine
from noc.routing import MulticastTables

MAX_DRAIN_TICKS = 1000
"""Ticks the NoC may run after the last update to deliver packets still in flight."""
TAG_TICK_SHIFT = 32
SENDER_MASK = (1 << TAG_TICK_SHIFT) - 1
"""A packet's tag is ``emission tick << 32 | sender`` (what it carries: ``Packets.sender``)."""


@dataclass(frozen=True)
class Arrivals:
    """Packets handed to PEs in one receive step, grouped by PE (arrival order within a PE)."""

    seg_pe: np.ndarray  # int64 (n_seg,), the PEs that receive, increasing
    bounds: np.ndarray  # int64 (n_seg + 1,), PE seg_pe[s] receives rows bounds[s]:bounds[s + 1]
    position: np.ndarray  # int64 (n,), row of each packet, the packets in the engine's order
    tag: np.ndarray  # int64 (n,), emission tick << 32 | sender
    arrival: np.ndarray  # int64 (n,), reference cycles
    late: np.ndarray  # bool (n,), arrived after the tick it was sent in
    dropped_late: int  # late packets dropped before (chip.late_packet_policy = drop)


@dataclass(frozen=True)
class Clocks:
    """The chip's clock domains against its reference clock."""

    cycles_per_tick: int  # reference cycles
    pe: UnitClocks  # one clock per PE (its DVFS operating point)
    noc: ClockDomain


class ChipSimulation:
    """Runs a :class:`Mapping` for ``ticks`` ticks; results go to ``recorder``."""

    def __init__(
        self,
        mapping: Mapping,
        recorder: RunRecorder,
        seed: int,
        replay: SpikeTrace | None = None,
        noc_threads: int = 1,
        threads: int = 1,
    ) -> None:
        config = mapping.config
        self.noc_threads = noc_threads
        self.threads = threads
        self.mapping = mapping
        self.recorder = recorder
        reference = config.chip.clock_hz
        self.clocks = Clocks(
            config.chip.cycles_per_tick,
            UnitClocks(reference, config.pe_frequencies_hz()),
            ClockDomain(reference, config.noc.clock_hz),
        )
        self.machine = machine_for(mapping, replay, self.clocks.pe, seed, threads)
        n_pes = len(mapping.pes)
        self.timeline = PeTimeline(n_pes, config.pe.cycle_costs)
        self.pe_of_endpoint = np.full(int(mapping.pes.endpoint.max()) + 1, -1, dtype=np.int64)
        self.pe_of_endpoint[mapping.pes.endpoint] = np.arange(n_pes)
        self.engine = self._engine()
        self.dram = DramChannel(reference, config.memory.dram_bandwidth_bytes_per_s)
        self.drop_late = config.chip.late_packet_policy is LatePacketPolicy.DROP
        self.env = simpy.Environment()
        self.times = PartTimes()
        # the recorder's calls of a tick run in a worker thread while the NoC advances (they
        # hold the GIL, the NoC's cycle loop does not: chipsim.sim.background), so they take
        # no time of their own (# perf: 0.74 ms a tick of the full TrueNorth-like chip and
        # 0.45 ms of the SpiNNaker2-like benchmark; 400-tick runs -4 % for both, alternating)
        self.background = Background()
        # (the neuron step runs in ``_update``, in this thread: in a thread of its own beside
        # the pricing of a receive step, the GIL's hand-overs cost more than the ~0.08 ms of
        # LIF kernels a tick it hid: # perf: the SpiNNaker2-like benchmark from the end of a
        # receive step to the end of the update 0.90-0.95 -> 0.82-0.89 s a simulated second,
        # 3 alternating pairs; docs/benchmarks.md, session 15)
        self._scratch = np.empty((3, 0), np.int64)  # reused by _arrivals, tick after tick

    def _engine(self) -> NocEngine:
        config, topology = self.mapping.config, self.mapping.config.topology
        mesh = topology.mesh()
        tables = None
        if self.mapping.tables is not None:
            t = self.mapping.tables
            tables = MulticastTables.from_arrays(
                mesh, t.router, t.key, t.mask, t.route, config.noc.routing_table_entries
            )
        return NocEngine(mesh, config.noc, tables, record_packets=False, threads=self.noc_threads)

    def run(self, ticks: int, on_tick: Callable[[int], object] | None = None) -> None:
        """Simulate ``ticks`` ticks, then deliver what arrived during the last one.

        ``on_tick(1)`` is called after each tick (a progress bar's ``update``).
        """
        self.env.process(self._clock(ticks, on_tick or (lambda _: None)))
        self.env.run()

    def _clock(self, ticks: int, on_tick: Callable[[int], object]):
        c = self.clocks.cycles_per_tick
        try:
            for tick in range(ticks):
                self._receive(tick * c, arrival_tick=tick - 1)
                if tick > 0:
                    self._end_tick(tick - 1, tick * c)
                self._update(tick)
                on_tick(1)
                yield self.env.timeout(c)
            self._receive(ticks * c, arrival_tick=ticks - 1)
            self._end_tick(ticks - 1, ticks * c)
            # drain: deliver what is still in flight (no more updates), so every packet counts
            self.timeline.busy[:] = 0
            for extra in range(1, MAX_DRAIN_TICKS + 1):
                if self.engine.in_flight == 0:
                    break
                self._receive((ticks + extra) * c, arrival_tick=ticks + extra - 1)
            self.background.wait()
            self.recorder.finish(self.engine, drain_busy=self.timeline.busy)
        finally:
            self.background.close()

    def _end_tick(self, tick: int, next_start: int) -> None:
        """Record tick ``tick``'s PE work, up to the next tick's start (a reference cycle)."""
        overrun = self.timeline.overrun(self._pe_cycle(next_start))
        self.background.call(self.recorder.end_tick, tick, self.timeline.busy.copy(), overrun)

    def _pe_cycle(self, reference_cycle: int) -> np.ndarray:
        """Every PE's first cycle at or after a reference instant (PEs have their own clocks)."""
        return self.clocks.pe.all_from_reference(reference_cycle)

    def _receive(self, until: int, arrival_tick: int) -> None:
        """Deliver what arrived up to reference cycle ``until`` and price its receive work."""
        self.background.release()  # (they run while the NoC, below, releases the GIL)
        with self.times.part("noc"):
            d = self.engine.advance(int(self.clocks.noc.from_reference(until)))
        if len(d) == 0:
            return
        if self.recorder.timeline is not None:
            self.recorder.timeline.add_flights(d.tag >> TAG_TICK_SHIFT, d)
        batch = self._arrivals(d, arrival_tick)
        with self.times.part("synaptic_processing"):
            work = self.machine.receive(
                batch.seg_pe, batch.bounds, batch.tag & SENDER_MASK, arrival_tick
            )
        ready = batch.arrival
        if (work.dram_bytes > 0).any():  # the row is ready when its DMA transfer ends
            # requests reach the channel in the engine's (arrival) order
            self.dram.fetch_in_place(ready, work.dram_bytes, batch.position)
        window = self._window(arrival_tick)
        free_before = self.timeline.free_at.copy() if window is not None else None
        # SRAM rows may overtake DRAM rows (DRAM rows stay in order: one FIFO channel): each PE
        # serves by ready time, in its own clock
        served, finish = self.timeline.serve_segments(
            batch.bounds, batch.seg_pe, ready, work.steps, work.words, work.dram_bytes,
            self.clocks.pe.num, self.clocks.pe.den,
        )  # fmt: skip
        if window is not None:
            pe = np.repeat(batch.seg_pe, np.diff(batch.bounds))
            window.packet_phases(arrival_tick, pe, served, finish, free_before)
        self.background.call(
            self.recorder.received, d, batch.seg_pe, batch.bounds, batch.late, work,
            batch.dropped_late,
        )  # fmt: skip

    def _arrivals(self, d, arrival_tick: int) -> Arrivals:
        """The delivered packets handed to PEs, grouped by PE (engine's order within a PE);
        late ones are dropped first if the chip's policy says so. Its position and tag are
        views of a buffer the next receive step overwrites."""
        rows, dropped = None, 0
        late_below = arrival_tick << TAG_TICK_SHIFT  # tags of packets sent before arrival_tick
        if self.drop_late:
            rows = np.flatnonzero(d.tag >= late_below)
            dropped = len(d) - len(rows)
        columns = (d.dest_endpoint, d.arrival_cycle, d.tag)
        dest, arrival, tag = columns if rows is None else (c[rows] for c in columns)
        if self._scratch.shape[1] < len(dest):
            self._scratch = np.empty((3, 2 * len(dest)), np.int64)
        count, position, arrival, tag = group_rows(
            dest, self.pe_of_endpoint, len(self.mapping.pes), arrival, tag, self._scratch,
            self.threads,
        )  # fmt: skip
        seg_pe = np.flatnonzero(count)
        return Arrivals(
            seg_pe=seg_pe, bounds=np.append(0, np.cumsum(count[seg_pe])),
            position=position, tag=tag, arrival=self.clocks.noc.to_reference(arrival),
            late=tag < late_below, dropped_late=dropped,
        )  # fmt: skip

    def _update(self, tick: int) -> None:
        start = self.timeline.start_tick(self._pe_cycle(tick * self.clocks.cycles_per_tick))
        with self.times.part("neuron_update"):
            work = self.machine.update(tick, start)
        self.timeline.add_tick_phase(work.pes, start[work.pes], work.cycles)
        if (window := self._window(tick)) is not None:
            window.update_phases(tick, work.pes, start[work.pes], work.cycles)
        self.background.call(self.recorder.updated, work)
        recorded_cycle = self.clocks.pe.to_reference(work.recorded_cycle, work.recorded_pe)
        self.background.call(self.recorder.spikes, tick, work.recorded, recorded_cycle)
        if work.sender.size == 0:
            return
        packets = self.machine.packets(work)
        emitted = self.clocks.pe.to_reference(packets.cycle, packets.src_pe)
        cycle = self.clocks.noc.from_reference(emitted)
        tag = (np.int64(tick) << TAG_TICK_SHIFT) | packets.sender
        src = self.mapping.pes.endpoint[packets.src_pe]
        with self.times.part("noc"):
            self.engine.inject(cycle, src, packets.dest_or_key, tag)
        self.background.call(self.recorder.sent, packets.src_pe)

    def _window(self, tick: int):
        """The recorder's timeline window if it covers ``tick`` (``--timeline``), else None."""
        window = self.recorder.timeline
        return window if window is not None and window.covers(tick) else None

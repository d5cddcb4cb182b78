"""What a chip run records: spikes, per-tick and per-PE tables, counters, NoC statistics.

Models only count; the recorder keeps integer counters per PE (named after the hardware event)
and streams per-tick rows to Parquet (decision 9). Packet latencies are kept as a histogram of
NoC cycles plus a bounded sample of per-packet records, so memory does not grow with the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from chipsim.sim.delivery import Received
from chipsim.sim.machine import TickWork
from chipsim.sim.records import TableStream
from chipsim.traces import schema as trace_schema
from cores.packet_queue import add_clipped_histogram
from cores.sram_traffic import PACKET_COUNTS, packet_counts, update_sram_bytes

LATENCY_BINS = 1 << 16
"""Latency histogram bins, one per NoC cycle; the last bin holds everything longer."""
PACKET_SAMPLE = 100_000
"""Per-packet delivery records kept (the first ones)."""

PE_COUNTERS = (
    "neuron_updates",
    "source_updates",
    "spikes",
    "packets_sent",
    "packets_received",
    "late_packets",
    "synaptic_events",
    "sram_read_bytes",
    "sram_write_bytes",
    "search_steps",
    "dram_bytes",
    "dma_transfers",
    "busy_cycles",
    "overrun_ticks",
    "overrun_cycles",
)
TICK_SCHEMA = pa.schema(
    [(name, pa.int64()) for name in (
        "tick", "spikes", "packets_sent", "packets_received", "late_packets",
        "dropped_late_packets", "synaptic_events", "max_busy_cycles", "overrun_pes",
    )]
)  # fmt: skip
PE_TICK_SCHEMA = pa.schema(
    [("tick", pa.int32()), ("pe", pa.int32()), ("busy_cycles", pa.int64()),
     ("overrun_cycles", pa.int64())]
)  # fmt: skip


@dataclass
class RunRecorder:
    """Counters and streams of one run; ``out`` is a folder (streams to Parquet) or None."""

    n_pes: int
    out: Path | None = None
    neuron_state_bytes: int | None = None
    """SRAM bytes of one neuron's state; None: SRAM traffic is not counted (crossbar cores,
    whose per-event energies include their SRAM)."""
    pe: dict[str, np.ndarray] = field(init=False)
    latency_histogram: np.ndarray = field(init=False)
    dropped_late: int = 0
    late: int = 0
    in_flight_at_end: int = 0
    noc_stats: object = None
    timeline: object = None
    """A :class:`chipsim.report.timeline.TimelineWindow` the driver fills, or None."""

    def __post_init__(self) -> None:
        self.pe = {name: np.zeros(self.n_pes, dtype=np.int64) for name in PE_COUNTERS}
        self.latency_histogram = np.zeros(LATENCY_BINS, dtype=np.int64)
        self._sample: list[np.ndarray] = []
        self._sampled = 0
        self._tick: dict[str, int] = {}
        path = (lambda name: self.out / name) if self.out is not None else (lambda name: None)
        self.spike_stream = TableStream(path("spikes.parquet"), trace_schema(with_cycle=True))
        self.tick_stream = TableStream(path("ticks.parquet"), TICK_SCHEMA)
        self.pe_tick_stream = TableStream(path("pe_ticks.parquet"), PE_TICK_SCHEMA)
        self._reset_tick()

    def _reset_tick(self) -> None:
        self._tick = dict.fromkeys(
            ("spikes", "packets_sent", "packets_received", "late_packets",
             "dropped_late_packets", "synaptic_events"), 0,
        )  # fmt: skip

    # --- events -------------------------------------------------------------------------------

    def _add(self, name: str, pe: np.ndarray, values) -> None:
        """``self.pe[name][pe] += values``, repeated PEs summed (bincount: np.add.at is slow)."""
        weights = np.broadcast_to(np.asarray(values, dtype=np.float64), np.shape(pe))
        self.pe[name] += np.rint(np.bincount(pe, weights=weights, minlength=self.n_pes)).astype(
            np.int64
        )

    def spikes(self, tick: int, neuron: np.ndarray, cycle: np.ndarray) -> None:
        self.spike_stream.append(tick=np.full(len(neuron), tick), neuron=neuron, cycle=cycle)
        self._tick["spikes"] += len(neuron)

    def updated(self, work: TickWork) -> None:
        """The update phase of a tick (neurons and sources updated, spikes, crossbar events)."""
        per_pe = {
            "neuron_updates": work.neurons,
            "source_updates": work.sources,
            "spikes": work.fired,
            "synaptic_events": work.synaptic_events,
        }
        if self.neuron_state_bytes is not None:
            per_pe["sram_read_bytes"], per_pe["sram_write_bytes"] = update_sram_bytes(
                work.neurons, self.neuron_state_bytes
            )
        for name, values in per_pe.items():
            self._add(name, work.pes, values)
        self._tick["synaptic_events"] += int(work.synaptic_events.sum())

    def sent(self, src_pe: np.ndarray) -> None:
        self._add("packets_sent", src_pe, 1)
        self._tick["packets_sent"] += len(src_pe)

    def received(self, deliveries, seg_pe: np.ndarray, bounds: np.ndarray, late: np.ndarray,
                 work: Received, dropped_late: int) -> None:  # fmt: skip
        """Packets that arrived; those handed to PEs are grouped by PE (PE ``seg_pe[s]`` got
        rows ``bounds[s]:bounds[s + 1]`` of ``late`` and ``work``), the rest, ``dropped_late``,
        were late and dropped by the chip's policy."""
        add_clipped_histogram(
            self.latency_histogram, deliveries.arrival_cycle, deliveries.inject_cycle
        )
        self._keep_sample(deliveries)
        counts = packet_counts(bounds, work.steps, work.words, work.dram_bytes, late)
        for j, name in enumerate(PACKET_COUNTS):
            if self.neuron_state_bytes is not None or not name.startswith("sram_"):
                self.pe[name][seg_pe] += counts[:, j]
        totals = dict(zip(PACKET_COUNTS, counts.sum(axis=0).tolist(), strict=True))
        n_late = totals["late_packets"] + dropped_late
        self.late += n_late
        self.dropped_late += dropped_late
        self._tick["packets_received"] += totals["packets_received"]
        self._tick["late_packets"] += n_late
        self._tick["dropped_late_packets"] += dropped_late
        self._tick["synaptic_events"] += totals["synaptic_events"]

    def _keep_sample(self, deliveries) -> None:
        room = PACKET_SAMPLE - self._sampled
        if room <= 0:
            return
        take = min(room, len(deliveries))
        self._sample.append(
            np.stack(
                [
                    deliveries.inject_cycle[:take],
                    deliveries.arrival_cycle[:take],
                    deliveries.src_endpoint[:take],
                    deliveries.dest_endpoint[:take],
                    deliveries.hops[:take],
                ],
                axis=1,
            )  # fmt: skip
        )
        self._sampled += take

    def end_tick(self, tick: int, busy: np.ndarray, overrun: np.ndarray) -> None:
        """The tick is over: each PE's busy cycles in it and its work left at the next tick's
        start (overrun cycles), int64 (n_pes,)."""
        self.pe["busy_cycles"] += busy
        self.pe["overrun_ticks"] += overrun > 0
        self.pe["overrun_cycles"] += overrun
        self.tick_stream.append(
            tick=[tick], max_busy_cycles=[int(busy.max())],
            overrun_pes=[int((overrun > 0).sum())], **{k: [v] for k, v in self._tick.items()},
        )  # fmt: skip
        active = np.flatnonzero(busy)
        self.pe_tick_stream.append(
            tick=np.full(len(active), tick), pe=active, busy_cycles=busy[active],
            overrun_cycles=overrun[active],
        )  # fmt: skip
        self._reset_tick()

    def finish(self, engine, drain_busy: np.ndarray) -> None:
        """The run is over; ``drain_busy``: PE cycles spent on packets delivered after it."""
        self.pe["busy_cycles"] += drain_busy
        self.noc_stats = engine.stats
        self.in_flight_at_end = engine.in_flight
        for stream in (self.spike_stream, self.tick_stream, self.pe_tick_stream):
            stream.close()

    def moved_to(self, folder: Path) -> None:
        """The streams' files now live in ``folder`` (the run folder was published)."""
        for stream in (self.spike_stream, self.tick_stream, self.pe_tick_stream):
            if stream.path is not None:
                stream.path = folder / stream.path.name

    @property
    def packet_sample(self) -> np.ndarray:
        """int64 (n, 5): inject cycle, arrival cycle, src endpoint, dest endpoint, hops."""
        return np.concatenate(self._sample) if self._sample else np.zeros((0, 5), np.int64)

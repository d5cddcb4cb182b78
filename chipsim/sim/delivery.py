"""Spikes to packets and packets to synaptic processing, shared by the ideal and chip runs.

A spike of global neuron ``n`` (slice ``s``) becomes one multicast packet with key
``key(s, n)`` from PE ``pe_of_slice[s]``, delivered to every PE in ``dest(s)``. The receiving PE
looks the key up and accumulates the row into its ring buffers at ``base_tick + delay``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chipsim.mapping.layout import Program
from chipsim.sim.ordering import group_order
from cores import PeLookup, pe_lookup, process_packets_pes
from cores.pe_timeline import segment_starts


@dataclass(frozen=True)
class SpikePackets:
    """Spikes as packets: source PE, key, source slice and global neuron, one row per spike."""

    src_pe: np.ndarray  # int32
    key: np.ndarray  # uint32
    slice: np.ndarray  # int64
    neuron: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.key)


@dataclass(frozen=True)
class Received:
    """Per-packet synaptic work, aligned with the packets given to :meth:`Receivers.process`."""

    steps: np.ndarray  # int32, binary-search steps
    words: np.ndarray  # int32, synaptic words processed (= synaptic events)
    dram_bytes: np.ndarray  # int32, bytes fetched from DRAM (0: row in SRAM)
    misses: int  # packets whose key matched no table entry


def packets_of(program: Program, neuron: np.ndarray) -> SpikePackets:
    """The packet each spiking global ``neuron`` sends."""
    s = program.slices.of_neurons(neuron)
    return SpikePackets(program.pe_of_slice[s], program.keys(s, neuron), s, neuron)


def fan_out(program: Program, packets: SpikePackets) -> tuple[np.ndarray, np.ndarray]:
    """Every (packet index, destination PE) pair of an ideal multicast, packet-major."""
    start = program.dest_ptr[packets.slice]
    count = program.dest_ptr[packets.slice + 1] - start
    packet = np.repeat(np.arange(len(packets)), count)
    offset = np.arange(len(packet)) - np.repeat(np.cumsum(count) - count, count)
    return packet, program.dest_pe[np.repeat(start, count) + offset]


class Receivers:
    """Routes packets arriving at PEs to the groups that own those PEs."""

    def __init__(self, program: Program, n_pes: int, threads: int = 1) -> None:
        self.program = program
        self.threads = threads  # share a step's kernel call (runs of whole PEs)
        self._pe_lookup: PeLookup | None = None
        self.group_of_pe = np.full(n_pes, -1, dtype=np.int64)
        self.position_of_pe = np.full(n_pes, -1, dtype=np.int64)
        for g, group in enumerate(program.groups):
            pes = program.pe_of_slice[group.layout.slices]
            self.group_of_pe[pes] = g
            self.position_of_pe[pes] = np.arange(len(pes))

    def process(self, dest_pe: np.ndarray, key: np.ndarray, base_tick: int) -> Received:
        """Synaptic processing of packets in the given order (arrival order per PE), their rows
        going into slots ``base_tick + delay``. Packets already grouped by PE are not reordered.
        """
        n = len(key)
        order = None
        if n > 1 and not bool((dest_pe[1:] >= dest_pe[:-1]).all()):
            order = group_order(dest_pe, len(self.group_of_pe))
            dest_pe, key = dest_pe[order], key[order]
        starts = segment_starts(dest_pe)
        work = self.process_segments(dest_pe[starts], np.append(starts, n), key, base_tick)
        if order is None:
            return work
        steps, words, dram = (np.empty(n, dtype=np.int32) for _ in range(3))
        steps[order], words[order], dram[order] = work.steps, work.words, work.dram_bytes
        return Received(steps, words, dram, work.misses)

    def process_segments(
        self, seg_pe: np.ndarray, bounds: np.ndarray, key: np.ndarray, base_tick: int
    ) -> Received:
        """:meth:`process` of packets grouped by PE: PE ``seg_pe[s]`` (increasing) receives
        ``key[bounds[s]:bounds[s + 1]]`` in arrival order; a PE that holds a spike source has
        no synapses and counts every packet as a miss.

        One kernel call for every population's PEs (:func:`cores.process_packets_pes`); with
        threads, it cuts the PEs into as many runs of about as many packets, each run in a
        thread it starts (the same results). # perf: one call a step, its threads started in C,
        against a call per population in each of the threads of a Python pool (whose thread
        started ~0.2 ms after the call): the SpiNNaker2-like benchmark's synaptic processing
        1.45-1.52 -> 1.33-1.41 s a simulated second (timers in the receive step, 3 alternating
        runs).
        """
        counts, work = process_packets_pes(
            self._pes(), key, bounds, seg_pe, base_tick, self.threads
        )
        return Received(*work, counts.misses)

    def _pes(self) -> PeLookup:
        """Each PE's synapses and ring buffers for the kernel, gathered at the first receive
        (each population's copy of its rows is built then: ``LifGroup.matrix_set``)."""
        if self._pe_lookup is None:
            receiving = [g for g in self.program.groups if g.receives]
            set_of_pe = np.full(len(self.group_of_pe), -1, dtype=np.int32)
            for k, group in enumerate(receiving):
                set_of_pe[self.program.pe_of_slice[group.layout.slices]] = k
            self._pe_lookup = pe_lookup(
                [g.matrix_set() for g in receiving], [g.ring for g in receiving], set_of_pe,
                self.position_of_pe,
            )  # fmt: skip
        return self._pe_lookup

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
from cores import PacketWork
from cores.parallel import map_core_ranges
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
        self.threads = threads  # share a step's kernel calls (runs of whole PEs)
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
        ``key[bounds[s]:bounds[s + 1]]`` in arrival order.

        With threads, the PEs are cut into as many runs of about as many packets, each run in
        a thread (:func:`cores.parallel.map_core_ranges`; a PE's packets in one: the same
        results). # perf: one hand-over to the threads a step instead of one a population (a
        pool thread starts ~0.1 ms after the call): the SpiNNaker2-like benchmark's synaptic
        processing 1.84-1.96 -> 1.47-1.67 s a simulated second, 3 alternating rounds.
        """
        n = len(key)
        work = PacketWork(*(np.zeros(n, dtype=np.int32) for _ in range(3)))
        cuts = _cuts(bounds, self.threads)

        def run(a: int, b: int) -> int:
            return self._process_run(seg_pe, bounds, key, base_tick, work, cuts[a], cuts[b])

        misses = map_core_ranges(run, len(cuts) - 1, len(cuts) - 1)
        return Received(*work, sum(misses))

    def _process_run(
        self, seg_pe: np.ndarray, bounds: np.ndarray, key: np.ndarray, base_tick: int,
        work: PacketWork, first: int, last: int,
    ) -> int:  # fmt: skip
        """Segments ``first .. last - 1`` of :meth:`process_segments`: one kernel call per run
        of consecutive PEs of one population, on slices of the packets, writing in place
        (# perf: no per-group gather and scatter of the ~54,000 packets of a SpiNNaker2
        benchmark tick); a PE that holds a spike source has no synapses and counts every
        packet as a miss. Returns the misses."""
        seg_group = self.group_of_pe[seg_pe[first:last]]
        runs = (first + segment_starts(seg_group)).tolist() + [last]  # one group's PEs each
        misses = 0
        for s0, s1 in zip(runs[:-1], runs[1:], strict=True):
            g, lo, hi = int(self.group_of_pe[seg_pe[s0]]), int(bounds[s0]), int(bounds[s1])
            group = self.program.groups[g] if g >= 0 else None
            if group is None or not group.receives:
                misses += hi - lo
                continue
            counts, _ = group.receive(
                self.position_of_pe[seg_pe[s0:s1]], key[lo:hi], bounds[s0 : s1 + 1] - lo,
                np.full(s1 - s0, base_tick), PacketWork(*(a[lo:hi] for a in work)),
            )  # fmt: skip
            misses += counts.misses
        return misses


def _cuts(bounds: np.ndarray, threads: int) -> list[int]:
    """Segment indices cutting ``len(bounds) - 1`` segments into at most ``threads`` runs of
    about as many rows: [0, ..., n_segments]."""
    n_seg = len(bounds) - 1
    if threads <= 1 or n_seg <= 1:
        return [0, max(n_seg, 0)]
    wanted = bounds[-1] * np.arange(1, threads) / threads
    inner = np.searchsorted(bounds[:-1], wanted)  # the first segment from each share on
    return [0, *sorted({int(c) for c in inner if 0 < c < n_seg}), n_seg]

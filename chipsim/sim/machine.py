"""What the chip driver asks of a mapped network, whatever kind of PE runs it.

A *machine* runs the neuron kernels of all PEs for a tick and prices their tick phase, says
which packets the spikes become, and processes packets that arrived at PEs. Two kinds exist:
programmable PEs with synaptic rows (:mod:`chipsim.sim.programmable`) and crossbar cores
(:mod:`chipsim.sim.crossbar`). The driver owns time: the NoC, the PE timelines and the records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from chipsim.sim.delivery import Received


@dataclass(frozen=True)
class TickWork:
    """One tick's update phase of every PE and the spikes it produced.

    ``sender`` identifies each packet-sending spike to the machine (a global neuron id, or a
    core slot); ``recorded`` are the network's spikes (global ids) that the run records.
    """

    pes: np.ndarray  # int64, PEs with a tick phase
    cycles: np.ndarray  # int64, PE cycles of each one's tick phase
    neurons: np.ndarray  # int64, neurons each one updated
    sources: np.ndarray  # int64, spike-source neurons each one generated
    fired: np.ndarray  # int64, spikes each one sent
    synaptic_events: np.ndarray  # int64, synaptic events of the update (crossbar cores)
    sender: np.ndarray  # int64 (< 2**32), one per spike that leaves as packets
    sender_cycle: np.ndarray  # int64, PE cycle at which each leaves
    recorded: np.ndarray  # int64, global ids of the network spikes of the tick
    recorded_cycle: np.ndarray  # int64, PE cycle of each (in its PE's clock)
    recorded_pe: np.ndarray  # int64, the PE of each


@dataclass(frozen=True)
class Packets:
    """Packets to inject: one row per packet (a multicast packet is one row)."""

    src_pe: np.ndarray  # int64
    dest_or_key: np.ndarray  # uint32: destination PE's endpoint (unicast) or multicast key
    sender: np.ndarray  # int64 (< 2**32), what each packet carries back to ``receive``
    cycle: np.ndarray  # int64, PE cycle at which it leaves


class Machine(Protocol):
    multicast: bool
    """True when packets carry routing keys through multicast tables."""
    source_groups: list
    """Runtime groups of the spike sources (their ``merged`` counts repeated input events)."""

    def update(self, tick: int, start: np.ndarray) -> TickWork:
        """Every PE's update phase of ``tick`` (``start[pe]``: when it begins) and the spikes
        it sends."""

    def packets(self, work: TickWork) -> Packets:
        """The packets the spikes of ``work`` become (``dest_or_key`` as endpoints/keys)."""

    def receive(
        self, seg_pe: np.ndarray, bounds: np.ndarray, sender: np.ndarray, base_tick: int
    ) -> Received:
        """Process packets grouped by PE (PE ``seg_pe[s]``, increasing, receives the packets
        that carry ``sender[bounds[s]:bounds[s + 1]]`` (``Packets.sender``) in arrival order),
        their effect due from ``base_tick`` on; return the work each cost."""

"""What the NoC engine hands back: delivered packets and event counters.

The engines only count hardware events (integer NumPy arrays named after the event, the set
gem5 garnet's ``Router::collateStats`` gathers); energy and latency are computed from them
afterwards, outside this package.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

ROUTER_COUNTERS = (
    "buffer_writes",
    "buffer_reads",
    "crossbar_traversals",
    "vc_arbitrations",
    "switch_input_arbitrations",
    "switch_output_arbitrations",
    "blocked_cycles",
    "dropped_packets",
    "unrouted_packets",
    "max_buffer_occupancy_flits",
)
"""Columns of the engines' ``router_counters`` int64[routers, len(ROUTER_COUNTERS)] array."""

ENDPOINT_COUNTERS = ("injected_packets", "ejected_flits", "source_wait_cycles")
"""Columns of the engines' ``endpoint_counters`` int64[mesh.all_endpoints, 3] array: one row per
endpoint, the external endpoints of chip links (``noc.topology``) after the local ports."""


@dataclass(frozen=True)
class Deliveries:
    """Packets delivered in one ``advance`` window, one row per (packet, destination endpoint).

    Rows are sorted by (arrival_cycle, dest_endpoint). Cycles are NoC cycles. A destination
    or source may be an external endpoint (``mesh.endpoints + k`` for chip link ``k``): a
    packet that left through a chip link arrives when its tail reaches the link's far end
    (the cycle it would reach a neighbour router's input), and its hops count that link; a
    packet that came in over a chip link does not count it (the sending chip does).
    """

    arrival_cycle: np.ndarray  # int64: cycle at which the PE holds the whole packet (tail + 1)
    dest_endpoint: np.ndarray  # int32
    dest_or_key: np.ndarray  # uint32: destination endpoint (xy) or multicast key
    src_endpoint: np.ndarray  # int32
    inject_cycle: np.ndarray  # int64: cycle given to inject()
    hops: np.ndarray  # int32: links crossed (router-to-router, and a chip link out)
    tag: np.ndarray  # int64: the caller's tag given to inject(), carried unchanged

    def __len__(self) -> int:
        return int(self.arrival_cycle.size)

    @property
    def latency_cycles(self) -> np.ndarray:
        """int64: arrival_cycle - inject_cycle, NoC cycles."""
        return self.arrival_cycle - self.inject_cycle

    @classmethod
    def concatenate(cls, parts: list[Deliveries]) -> Deliveries:
        """One Deliveries holding the rows of ``parts`` in order."""
        if not parts:
            return empty_deliveries()
        return cls(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)))


DELIVERY_DTYPES = (np.int64, np.int32, np.uint32, np.int32, np.int64, np.int32, np.int64)


def empty_deliveries() -> Deliveries:
    """A Deliveries with no rows."""
    return Deliveries(*(np.zeros(0, dtype=dt) for dt in DELIVERY_DTYPES))


@dataclass(frozen=True)
class NocStats:
    """Event counts since the engine was built (copies). Per-router arrays are int64[routers].

    Attributes
    ----------
    link_flits : int64[routers, 4]
        Flits sent over each router's outgoing link, by direction (N, E, S, W); a chip link
        counts at its edge router and direction like any other link.
    buffer_writes, buffer_reads : flits written into / read out of input buffers (injection
        queues included; a flit of a packet dropped at a router is never read).
    crossbar_traversals : flits crossing the crossbar (a multicast flit once per branch).
    vc_arbitrations : output-VC arbitrations held by the VC allocator (one per output VC per
        cycle with at least one request).
    switch_input_arbitrations, switch_output_arbitrations : separable switch allocator
        arbitrations (input ports / output ports with at least one request, per cycle).
    blocked_cycles : input-VC cycles in which a VC held a ready flit that wanted to move and
        none moved.
    dropped_packets : packet copies dropped after ``drop_after_cycles`` blocked.
    unrouted_packets : packet copies dropped for want of a route (see :mod:`noc.routing`).
    max_buffer_occupancy_flits : most flits held in the router's link input buffers at the end
        of a cycle (a slot is taken from the cycle a flit is sent towards it).
    injected_packets, ejected_flits, source_wait_cycles : int64[mesh.all_endpoints] (local
        ports, then the external endpoints of chip links: packets injected from, flits sent
        out through, source waits at the chip link); the last sums, over packets, the cycles
        each waited at its source because the injection queue (or the chip link's input VC)
        was full.
    """

    link_flits: np.ndarray
    buffer_writes: np.ndarray
    buffer_reads: np.ndarray
    crossbar_traversals: np.ndarray
    vc_arbitrations: np.ndarray
    switch_input_arbitrations: np.ndarray
    switch_output_arbitrations: np.ndarray
    blocked_cycles: np.ndarray
    dropped_packets: np.ndarray
    unrouted_packets: np.ndarray
    max_buffer_occupancy_flits: np.ndarray
    injected_packets: np.ndarray
    ejected_flits: np.ndarray
    source_wait_cycles: np.ndarray
    packets: Deliveries
    """Every delivery record so far (empty when the engine was built with record_packets=False)."""

    @property
    def drops(self) -> int:
        """All dropped packet copies: timed out plus unrouted."""
        return int(self.dropped_packets.sum() + self.unrouted_packets.sum())

    @property
    def flit_hops(self) -> int:
        """Flits sent over router-to-router links (chip links included) in total."""
        return int(self.link_flits.sum())

    @classmethod
    def from_counters(
        cls,
        router_counters: np.ndarray,
        link_flits: np.ndarray,
        endpoint_counters: np.ndarray,
        packets: Deliveries,
    ) -> NocStats:
        """Split the engines' counter arrays into named copies."""
        per_router = {n: router_counters[:, i].copy() for i, n in enumerate(ROUTER_COUNTERS)}
        per_endpoint = {n: endpoint_counters[:, i].copy() for i, n in enumerate(ENDPOINT_COUNTERS)}
        return cls(link_flits=link_flits.copy(), packets=packets, **per_router, **per_endpoint)

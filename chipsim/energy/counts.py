"""What a run counted: the input of the energy model (design.md, decision 8).

The simulation driver fills an :class:`EventCounts` from the PE kernels' counts and the NoC's
:class:`noc.stats.NocStats`; :func:`chipsim.energy.energy_of` turns it into energy. Nothing here
knows energies: counts only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np

PE_COUNTS = (
    "neuron_updates",
    "synaptic_events",
    "packets_sent",
    "packets_received",
    "sram_read_bytes",
    "sram_write_bytes",
    "dram_bytes",
    "dma_transfers",
    "busy_cycles",
)
"""Per-PE event counters, each int64[n_pes]."""

ROUTER_COUNTS = (
    "buffer_writes",
    "buffer_reads",
    "crossbar_traversals",
    "vc_arbitrations",
    "switch_input_arbitrations",
    "switch_output_arbitrations",
)
"""Per-router event counters, each int64[n_routers], as :class:`noc.stats.NocStats` names them."""

LINK_DIRECTIONS = 4
"""Outgoing mesh links per router (N, E, S, W), the columns of ``link_flits``."""


@dataclass(frozen=True, eq=False)
class EventCounts:
    """Hardware events of one run (or one tick), per PE and per router.

    Attributes
    ----------
    neuron_updates, synaptic_events : int64[n_pes]
        Neurons updated; synaptic events (one synapse applied for one incoming spike).
    packets_sent, packets_received : int64[n_pes]
        Packets handed to / taken from the NoC by the PE's network interface.
    sram_read_bytes, sram_write_bytes : int64[n_pes]
        Bytes read from / written to the PE's local SRAM.
    dram_bytes : int64[n_pes]
        Bytes the PE moved to or from off-chip DRAM (synaptic rows by DMA).
    dma_transfers : int64[n_pes]
        DMA transfers the PE set up.
    busy_cycles : int64[n_pes]
        PE cycles (the PE's own clock) spent working.
    operating_point : int64[n_pes]
        Index into ``config.chip.operating_points`` each PE ran at.
    powered : bool[n_pes]
        Whether the PE was powered (an unpowered PE has no static power and no events).
    buffer_writes, buffer_reads, crossbar_traversals, vc_arbitrations,
    switch_input_arbitrations, switch_output_arbitrations : int64[n_routers]
        Router events, as :class:`noc.stats.NocStats` counts them.
    link_flits : int64[n_routers, 4]
        Flits sent over each router's outgoing link, by direction (N, E, S, W).
    duration_s : float
        Simulated time the counts cover (ticks x tick_s), s.
    """

    neuron_updates: np.ndarray
    synaptic_events: np.ndarray
    packets_sent: np.ndarray
    packets_received: np.ndarray
    sram_read_bytes: np.ndarray
    sram_write_bytes: np.ndarray
    dram_bytes: np.ndarray
    dma_transfers: np.ndarray
    busy_cycles: np.ndarray
    operating_point: np.ndarray
    powered: np.ndarray
    buffer_writes: np.ndarray
    buffer_reads: np.ndarray
    crossbar_traversals: np.ndarray
    vc_arbitrations: np.ndarray
    switch_input_arbitrations: np.ndarray
    switch_output_arbitrations: np.ndarray
    link_flits: np.ndarray
    duration_s: float

    def __post_init__(self) -> None:
        n_pes = np.shape(self.neuron_updates)[0] if np.ndim(self.neuron_updates) == 1 else -1
        n_routers = np.shape(self.buffer_writes)[0] if np.ndim(self.buffer_writes) == 1 else -1
        for name in (*PE_COUNTS, "operating_point"):
            _check_counter(self, name, (n_pes,))
        for name in ROUTER_COUNTS:
            _check_counter(self, name, (n_routers,))
        _check_counter(self, "link_flits", (n_routers, LINK_DIRECTIONS))
        powered = np.asarray(self.powered)
        if powered.dtype != np.bool_ or powered.shape != (n_pes,):
            raise ValueError(
                f"EventCounts.powered: expected bool[{n_pes}], got {powered.dtype}{powered.shape}"
            )
        if not (np.isfinite(self.duration_s) and self.duration_s >= 0):
            raise ValueError(
                f"EventCounts.duration_s: expected seconds >= 0, got {self.duration_s}"
            )

    @property
    def n_pes(self) -> int:
        return int(self.neuron_updates.shape[0])

    @property
    def n_routers(self) -> int:
        return int(self.buffer_writes.shape[0])

    @classmethod
    def zeros(cls, n_pes: int, n_routers: int, operating_point: int = 0) -> EventCounts:
        """No events and no time; every PE powered and at ``operating_point``."""
        if n_pes < 1 or n_routers < 1:
            raise ValueError(
                f"EventCounts.zeros: need n_pes, n_routers >= 1, got {n_pes}, {n_routers}"
            )
        pe = {name: np.zeros(n_pes, dtype=np.int64) for name in PE_COUNTS}
        router = {name: np.zeros(n_routers, dtype=np.int64) for name in ROUTER_COUNTS}
        return cls(
            **pe,
            **router,
            operating_point=np.full(n_pes, operating_point, dtype=np.int64),
            powered=np.ones(n_pes, dtype=np.bool_),
            link_flits=np.zeros((n_routers, LINK_DIRECTIONS), dtype=np.int64),
            duration_s=0.0,
        )

    @classmethod
    def from_run(
        cls,
        pe_counters: Mapping[str, np.ndarray],
        noc_stats: object,
        duration_s: float,
        operating_point: np.ndarray | int = 0,
    ) -> EventCounts:
        """Counts from a run's per-PE counters and its :class:`noc.stats.NocStats`.

        ``pe_counters`` maps :data:`PE_COUNTS` names to per-PE arrays (other names are
        ignored; a missing one counts zero); ``noc_stats`` needs the :data:`ROUTER_COUNTS`
        arrays and ``link_flits``. Every PE is taken as powered.
        """
        n_routers = len(noc_stats.buffer_writes)
        n_pes = len(next(iter(pe_counters.values())))
        counts = cls.zeros(n_pes, n_routers)
        values = {
            n: np.asarray(v, dtype=np.int64) for n, v in pe_counters.items() if n in PE_COUNTS
        }
        values |= {
            n: np.asarray(getattr(noc_stats, n), dtype=np.int64)
            for n in (*ROUTER_COUNTS, "link_flits")
        }
        return counts.replace(**values, operating_point=operating_point, duration_s=duration_s)

    def replace(self, **changes: object) -> EventCounts:
        """A copy with some fields replaced (scalars broadcast to the field's shape)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in changes.items():
            if name not in values:
                raise ValueError(f"EventCounts has no field {name!r}")
            old = values[name]
            if isinstance(old, np.ndarray):
                value = np.broadcast_to(np.asarray(value, dtype=old.dtype), old.shape).copy()
            values[name] = value
        return EventCounts(**values)

    def __add__(self, other: EventCounts) -> EventCounts:
        """Counts of two consecutive spans of the same chip: events and durations add.

        Both spans must have every PE at the same operating point and power state; keep one
        EventCounts per operating point when PEs change point over a run.
        """
        if not isinstance(other, EventCounts):
            return NotImplemented
        if (self.n_pes, self.n_routers) != (other.n_pes, other.n_routers):
            raise ValueError(
                f"cannot add EventCounts of {self.n_pes} PEs / {self.n_routers} routers and "
                f"{other.n_pes} PEs / {other.n_routers} routers"
            )
        for name in ("operating_point", "powered"):
            if not np.array_equal(getattr(self, name), getattr(other, name)):
                raise ValueError(
                    f"cannot add EventCounts with different {name} per PE: keep one "
                    "EventCounts per operating point / power state"
                )
        summed = {
            name: getattr(self, name) + getattr(other, name)
            for name in (*PE_COUNTS, *ROUTER_COUNTS, "link_flits")
        }
        return EventCounts(
            **summed,
            operating_point=self.operating_point.copy(),
            powered=self.powered.copy(),
            duration_s=self.duration_s + other.duration_s,
        )


def _check_counter(counts: EventCounts, name: str, shape: tuple[int, ...]) -> None:
    value = getattr(counts, name)
    if not isinstance(value, np.ndarray) or value.dtype != np.int64 or value.shape != shape:
        got = f"{value.dtype}{value.shape}" if isinstance(value, np.ndarray) else type(value)
        want = f"int64[{', '.join(map(str, shape))}]".replace("-1", "n")
        raise ValueError(f"EventCounts.{name}: expected {want}, got {got}")
    if value.size and value.min() < 0:
        raise ValueError(f"EventCounts.{name}: counts must be >= 0, got min {value.min()}")

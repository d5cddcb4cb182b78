"""Headline figures of a chip config, computed from the config alone (no simulation)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from chipsim.config import ChipConfig


@dataclass(frozen=True)
class ChipSummary:
    """What `chipsim info` prints. Units are in the field names."""

    name: str
    pes: int
    routers: int
    mesh: str
    neuron_capacity: int
    synapse_capacity: int
    sram_total_bytes: int
    dram_bytes: int
    pe_frequency_hz: float
    cycles_per_tick: int
    noc_bisection_links: int
    noc_bisection_bandwidth_bits_per_s: float
    peak_synaptic_events_per_s: float
    static_power_mw: float

    def as_dict(self) -> dict:
        return asdict(self)


def summarise(config: ChipConfig) -> ChipSummary:
    """Capacity, bandwidth, peak throughput and static power of ``config``.

    - bisection bandwidth = bisection links x 2 directions x flit_bits x NoC clock;
    - peak synaptic events/s = PEs x PE clock (default operating point) / synaptic_event_cycles;
    - static power = PEs x pe_static_mw + routers x router_static_mw + chip_static_mw
      (at the energy reference voltage).
    """
    topo, pe, noc, energy = config.topology, config.pe, config.noc, config.energy
    frequency_hz = config.chip.operating_point.frequency_hz
    return ChipSummary(
        name=config.chip.name,
        pes=topo.pes,
        routers=topo.routers,
        mesh=f"{topo.width} x {topo.height}{' torus' if topo.torus else ''}",
        neuron_capacity=topo.pes * pe.max_neurons,
        synapse_capacity=topo.pes * pe.max_synapses,
        sram_total_bytes=topo.pes * pe.sram_bytes,
        dram_bytes=config.memory.dram_bytes,
        pe_frequency_hz=frequency_hz,
        cycles_per_tick=config.chip.cycles_per_tick,
        noc_bisection_links=topo.bisection_links,
        noc_bisection_bandwidth_bits_per_s=topo.bisection_links * 2 * noc.flit_bits * noc.clock_hz,
        peak_synaptic_events_per_s=topo.pes * frequency_hz / pe.cycle_costs.synaptic_event_cycles,
        static_power_mw=topo.pes * energy.pe_static_mw
        + topo.routers * energy.router_static_mw
        + energy.chip_static_mw,
    )

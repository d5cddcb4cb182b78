"""Per-event energies and static powers of one chip design at its operating points.

The config's figures (:class:`chipsim.config.EnergyParams`) hold at a reference design; this
module applies the rules of :mod:`chipsim.energy.scaling` to get the figures of the configured
design, per PE (at its operating point) and per router (at the uncore supply).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chipsim.config import ChipConfig
from chipsim.energy import scaling
from chipsim.energy.counts import LINK_DIRECTIONS

ROUTER_SHARES = (
    "router_buffer_write_share",
    "router_buffer_read_share",
    "router_crossbar_share",
    "router_arbitration_share",
)
"""EnergyParams fields that split router_flit_pj; they must add up to 1."""

ARBITERS = 3
"""Arbitrations per flit at the reference design: VC, switch input, switch output."""


@dataclass(frozen=True)
class PerEventEnergies:
    """The figures :func:`chipsim.energy.energy_of` multiplies counts by.

    Attributes
    ----------
    pe_pj : dict of str to float64[n_pes]
        pJ per event (per byte for the byte counters, per cycle for ``busy_cycles``), keyed by
        the :class:`EventCounts` field it multiplies.
    router_pj : dict of str to float64[n_routers]
        pJ per router event, keyed likewise; ``link_flits`` is pJ per flit over one link.
    pe_static_mw : float64[n_pes]
        Static power of each PE when powered, mW.
    router_static_mw : float64[n_routers]
        Static power of each router, mW.
    chip_static_mw : float
        Static power of the rest of the chip, mW.
    pe_voltage_v : float64[n_pes]
        Supply of each PE (its operating point), V.
    uncore_voltage_v : float
        Supply of routers, links and the rest of the chip, V.
    """

    pe_pj: dict[str, np.ndarray]
    router_pj: dict[str, np.ndarray]
    pe_static_mw: np.ndarray
    router_static_mw: np.ndarray
    chip_static_mw: float
    pe_voltage_v: np.ndarray
    uncore_voltage_v: float


def per_event_energies(config: ChipConfig, operating_point: np.ndarray) -> PerEventEnergies:
    """Per-event energies and static powers for ``config`` with PEs at ``operating_point``.

    Parameters
    ----------
    config
        The chip.
    operating_point : int64[n_pes]
        Index into ``config.chip.operating_points`` of each PE.
    """
    energy = config.energy
    _check_router_shares(config)
    voltages = np.array([p.voltage_v for p in config.chip.operating_points])
    pe_v = voltages[operating_point]
    uncore_v = energy.uncore_voltage_v or config.chip.operating_point.voltage_v
    return PerEventEnergies(
        pe_pj=_pe_event_pj(config, pe_v),
        router_pj=_router_event_pj(config, uncore_v),
        pe_static_mw=_pe_static_mw(config, pe_v),
        router_static_mw=np.full(config.topology.routers, _router_static_mw(config, uncore_v)),
        chip_static_mw=energy.chip_static_mw
        * float(scaling.static_voltage_scale(uncore_v, *_static_ref(config))),
        pe_voltage_v=pe_v,
        uncore_voltage_v=uncore_v,
    )


def router_ports(config: ChipConfig) -> int:
    """Ports of one router: 4 mesh directions plus one local port per PE."""
    return LINK_DIRECTIONS + config.topology.pes_per_router


def _static_ref(config: ChipConfig) -> tuple[float, float]:
    return config.energy.reference_voltage_v, config.energy.leakage_efold_voltage_v


def _check_router_shares(config: ChipConfig) -> None:
    total = sum(getattr(config.energy, name) for name in ROUTER_SHARES)
    if abs(total - 1.0) > 1e-9:
        names = " + ".join(f"energy.{n}" for n in ROUTER_SHARES)
        raise ValueError(f"{names} must add up to 1, got {total:g}")


def _pe_event_pj(config: ChipConfig, pe_v: np.ndarray) -> dict[str, np.ndarray]:
    """Dynamic PE figures at each PE's voltage; DRAM is off chip, on its own supply (no V)."""
    e = config.energy
    dyn = scaling.dynamic_voltage_scale(pe_v, e.reference_voltage_v)
    bank = config.pe.sram_bytes / config.pe.sram_banks
    ref_bank = e.reference_sram_bytes / e.reference_sram_banks
    sram = e.sram_access_pj_per_byte * scaling.sram_access_scale(bank, ref_bank)
    return {
        "neuron_updates": e.neuron_update_pj * dyn,
        "synaptic_events": e.synaptic_event_pj * dyn,
        "packets_sent": e.packet_sent_pj * dyn,
        "packets_received": e.packet_received_pj * dyn,
        "sram_read_bytes": sram * dyn,
        "sram_write_bytes": sram * dyn,
        "dram_bytes": np.full(pe_v.shape, e.dram_access_pj_per_byte),
        "dma_transfers": e.dma_transfer_pj * dyn,
        "busy_cycles": e.pe_active_cycle_pj * dyn,
    }


def _router_event_pj(config: ChipConfig, uncore_v: float) -> dict[str, np.ndarray]:
    """Router and link figures for the configured ports, VCs, buffer depth and flit width."""
    e, noc = config.energy, config.noc
    ports, vcs, width = router_ports(config), noc.virtual_channels, noc.flit_bits
    entries = noc.buffer_depth * vcs
    ref_ports, ref_vcs = e.reference_router_ports, e.reference_virtual_channels
    ref_entries = e.reference_buffer_depth_flits * ref_vcs
    buffer = scaling.buffer_access_scale(
        width, entries, e.reference_flit_bits, ref_entries, e.router_buffer_bitline_share
    )
    arbiter_pj = e.router_flit_pj * e.router_arbitration_share / ARBITERS
    per_event = {
        "buffer_writes": e.router_flit_pj * e.router_buffer_write_share * buffer,
        "buffer_reads": e.router_flit_pj * e.router_buffer_read_share * buffer,
        "crossbar_traversals": e.router_flit_pj
        * e.router_crossbar_share
        * scaling.crossbar_scale(ports, width, ref_ports, e.reference_flit_bits),
        "vc_arbitrations": arbiter_pj * scaling.arbiter_scale(ports * vcs, ref_ports * ref_vcs),
        "switch_input_arbitrations": arbiter_pj * scaling.arbiter_scale(vcs, ref_vcs),
        "switch_output_arbitrations": arbiter_pj * scaling.arbiter_scale(ports, ref_ports),
        "link_flits": e.link_flit_pj * scaling.link_scale(width, e.reference_flit_bits),
    }
    dyn = float(scaling.dynamic_voltage_scale(uncore_v, e.reference_voltage_v))
    n = config.topology.routers
    return {name: np.full(n, pj * dyn) for name, pj in per_event.items()}


def _pe_static_mw(config: ChipConfig, pe_v: np.ndarray) -> np.ndarray:
    """PE leakage: the SRAM share scales with SRAM size, all of it with the PE's voltage."""
    e = config.energy
    sram = scaling.sram_leakage_scale(config.pe.sram_bytes, e.reference_sram_bytes)
    size = (1.0 - e.pe_static_sram_share) + e.pe_static_sram_share * sram
    return e.pe_static_mw * size * scaling.static_voltage_scale(pe_v, *_static_ref(config))


def _router_static_mw(config: ChipConfig, uncore_v: float) -> float:
    e, noc = config.energy, config.noc
    reference = (
        e.reference_router_ports,
        e.reference_buffer_depth_flits * e.reference_virtual_channels,
        e.reference_flit_bits,
    )
    size = scaling.router_static_scale(
        router_ports(config), noc.buffer_depth * noc.virtual_channels, noc.flit_bits, reference
    )
    return (
        e.router_static_mw
        * size
        * float(scaling.static_voltage_scale(uncore_v, *_static_ref(config)))
    )

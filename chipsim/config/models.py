"""Chip-level configuration models and the composed :class:`ChipConfig`.

The PE and NoC parameters are declared by the packages that model them (`cores.params`,
`noc.params`); this module adds what belongs to the chip as a whole: reference clock and DVFS
operating points, mesh topology, off-chip memory and energy figures (design.md, decision 3).
A chip config describes hardware only; workloads live in separate files.
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    model_validator,
)

from cores.params import CoreParams
from noc.params import NocParams
from noc.topology import Mesh


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LatePacketPolicy(StrEnum):
    """What happens to a packet that arrives after the tick it was due in."""

    APPLY = "apply"
    """Count it late and apply it at the first tick it can be applied."""
    DROP = "drop"
    """Count it late and drop it."""


class OperatingPoint(_Params):
    """One DVFS operating point: a supply voltage and the clock it sustains."""

    name: str = Field(min_length=1, description="Name used to select the point.")
    voltage_v: PositiveFloat = Field(description="Supply voltage, V.")
    frequency_hz: PositiveFloat = Field(description="PE clock at this voltage, Hz.")


class ChipParams(_Params):
    """Chip identity, reference clock, timestep and DVFS."""

    name: str = Field(min_length=1, description="Chip name shown in reports.")
    clock_hz: PositiveFloat = Field(
        description="Reference clock that counts simulated time (env.now), Hz."
    )
    tick_s: PositiveFloat = Field(default=1e-3, description="Timestep (tick) length, s.")
    operating_points: list[OperatingPoint] = Field(
        min_length=1, description="DVFS operating points (voltage, PE frequency)."
    )
    default_operating_point: str = Field(description="Name of the point PEs run at by default.")
    per_pe_dvfs: bool = Field(
        default=False, description="Whether each PE may run at its own operating point."
    )
    pe_operating_points: dict[NonNegativeInt, str] = Field(
        default_factory=dict,
        description="Operating point of each PE (by PE index, PEs numbered router by router) "
        "that does not run at default_operating_point; needs per_pe_dvfs.",
    )
    late_packet_policy: LatePacketPolicy = Field(
        default=LatePacketPolicy.APPLY, description="What happens to packets that arrive late."
    )

    @model_validator(mode="after")
    def _points_exist(self) -> ChipParams:
        names = [p.name for p in self.operating_points]
        if len(set(names)) != len(names):
            raise ValueError(f"operating point names must be unique, got {names}")
        if self.default_operating_point not in names:
            raise ValueError(
                f"default_operating_point {self.default_operating_point!r} is not one of {names}"
            )
        unknown = sorted(set(self.pe_operating_points.values()) - set(names))
        if unknown:
            raise ValueError(f"pe_operating_points names {unknown}; operating points: {names}")
        if self.pe_operating_points and not self.per_pe_dvfs:
            raise ValueError("pe_operating_points needs per_pe_dvfs: true (one supply per chip)")
        return self

    @property
    def operating_point(self) -> OperatingPoint:
        """The default operating point."""
        return next(p for p in self.operating_points if p.name == self.default_operating_point)

    @property
    def cycles_per_tick(self) -> int:
        """Reference-clock cycles in one tick: round(clock_hz * tick_s)."""
        return round(self.clock_hz * self.tick_s)


class TopologyParams(_Params):
    """A 2D mesh of routers, each serving ``pes_per_router`` PEs on its local ports."""

    width: PositiveInt = Field(description="Routers along x.")
    height: PositiveInt = Field(description="Routers along y.")
    pes_per_router: PositiveInt = Field(description="PEs attached to each populated router.")
    torus: bool = Field(default=False, description="Wrap-around links in x and y.")
    unpopulated: list[tuple[NonNegativeInt, NonNegativeInt]] = Field(
        default_factory=list,
        description="(x, y) of routers that carry traffic but have no PEs.",
    )
    chip_links: NonNegativeInt = Field(
        default=0, description="Links to neighbouring chips (for multi-chip boards)."
    )

    @model_validator(mode="after")
    def _unpopulated_inside(self) -> TopologyParams:
        for x, y in self.unpopulated:
            if x >= self.width or y >= self.height:
                raise ValueError(
                    f"unpopulated router ({x}, {y}) lies outside the "
                    f"{self.width} x {self.height} mesh"
                )
        if len(set(self.unpopulated)) >= self.width * self.height:
            raise ValueError("every router is unpopulated: the chip would have no PEs")
        return self

    @property
    def routers(self) -> int:
        return self.width * self.height

    @property
    def populated_routers(self) -> int:
        return self.routers - len(set(self.unpopulated))

    @property
    def pes(self) -> int:
        return self.populated_routers * self.pes_per_router

    def mesh(self) -> Mesh:
        """The NoC's mesh of this topology (one chip: its chip links are not modelled yet)."""
        return Mesh(self.width, self.height, self.pes_per_router, self.torus)

    @property
    def bisection_links(self) -> int:
        """Links, per direction, crossing the cut that halves the mesh across its longer side.

        A W x H mesh cut across its longer dimension is crossed by min(W, H) links in each
        direction; a torus doubles that (its wrap-around links cross the cut too).
        """
        links = min(self.width, self.height)
        return 2 * links if self.torus else links


class MemoryParams(_Params):
    """Off-chip DRAM shared by all PEs (synaptic rows that do not fit in SRAM)."""

    dram_bytes: NonNegativeInt = Field(default=0, description="DRAM capacity, bytes (0: none).")
    dram_bandwidth_bytes_per_s: NonNegativeFloat = Field(
        default=0.0, description="Sustained DRAM bandwidth shared by all PEs, bytes/s."
    )

    @model_validator(mode="after")
    def _bandwidth_if_present(self) -> MemoryParams:
        if self.dram_bytes > 0 and self.dram_bandwidth_bytes_per_s <= 0:
            raise ValueError("a chip with DRAM needs dram_bandwidth_bytes_per_s > 0")
        return self


class EnergyParams(_Params):
    """Per-event energies and static power at ``reference_voltage_v``.

    Energy = event counts x per-event energies + static power x time; scaling with voltage,
    buffer depth and SRAM size is the energy model's job (chipsim.energy), not the config's.
    """

    reference_voltage_v: PositiveFloat = Field(description="Voltage these figures hold at, V.")
    neuron_update_pj: NonNegativeFloat = Field(description="One neuron update, pJ.")
    synaptic_event_pj: NonNegativeFloat = Field(description="One synaptic event, pJ.")
    sram_access_pj_per_byte: NonNegativeFloat = Field(
        default=0.0, description="SRAM read or write, pJ per byte."
    )
    dram_access_pj_per_byte: NonNegativeFloat = Field(
        default=0.0, description="DRAM read or write, pJ per byte."
    )
    router_flit_pj: NonNegativeFloat = Field(
        description="One flit through one router (buffer write/read, allocation, crossbar), pJ."
    )
    link_flit_pj: NonNegativeFloat = Field(description="One flit over one link, pJ.")
    pe_static_mw: NonNegativeFloat = Field(description="Static power of one powered PE, mW.")
    router_static_mw: NonNegativeFloat = Field(
        default=0.0, description="Static power of one router, mW."
    )
    chip_static_mw: NonNegativeFloat = Field(
        default=0.0, description="Always-on static power of the rest of the chip, mW."
    )
    pe_active_cycle_pj: NonNegativeFloat = Field(
        default=0.0,
        description="One busy PE cycle beyond the per-event figures (core pipeline, fetch), pJ.",
    )
    packet_sent_pj: NonNegativeFloat = Field(
        default=0.0, description="One packet handed to the NoC by a PE's network interface, pJ."
    )
    packet_received_pj: NonNegativeFloat = Field(
        default=0.0, description="One packet taken off the NoC by a PE's network interface, pJ."
    )
    dma_transfer_pj: NonNegativeFloat = Field(
        default=0.0, description="Setting up one DMA transfer (bytes are in dram_access), pJ."
    )
    router_buffer_write_share: NonNegativeFloat = Field(
        default=0.25,
        description="Share of router_flit_pj spent writing the flit into an input buffer "
        "(assumption, in the range of ORION 2.0 router breakdowns).",
    )
    router_buffer_read_share: NonNegativeFloat = Field(
        default=0.25, description="Share of router_flit_pj spent reading the buffer (assumption)."
    )
    router_crossbar_share: NonNegativeFloat = Field(
        default=0.4, description="Share of router_flit_pj spent in the crossbar (assumption)."
    )
    router_arbitration_share: NonNegativeFloat = Field(
        default=0.1,
        description="Share of router_flit_pj spent in the VC, switch-input and switch-output "
        "arbiters, one third each (assumption). The four shares add up to 1.",
    )
    router_buffer_bitline_share: NonNegativeFloat = Field(
        default=0.5,
        le=1.0,
        description="Share of a buffer access at the reference design that grows with the "
        "entries per port (bitlines; the rest is wordline, drivers, sense amps): assumption.",
    )
    pe_static_sram_share: NonNegativeFloat = Field(
        default=0.3,
        le=1.0,
        description="Share of pe_static_mw that is SRAM leakage, which grows with sram_bytes "
        "(assumption).",
    )
    leakage_efold_voltage_v: PositiveFloat = Field(
        default=0.45,
        description="Supply-voltage rise that multiplies leakage current by e (DIBL), V: "
        "n v_T / eta with n = 1.4, v_T = 26 mV, eta = 0.08 (assumption).",
    )
    uncore_voltage_v: PositiveFloat | None = Field(
        default=None,
        description="Supply of routers, links and the rest of the chip, V; None: the default "
        "operating point's voltage.",
    )
    reference_buffer_depth_flits: PositiveInt = Field(
        default=4, description="Buffer depth per VC at which router_flit_pj holds, flits."
    )
    reference_virtual_channels: PositiveInt = Field(
        default=1, description="Virtual channels per port at which router_flit_pj holds."
    )
    reference_flit_bits: PositiveInt = Field(
        default=32, description="Flit width at which router_flit_pj and link_flit_pj hold, bits."
    )
    reference_router_ports: PositiveInt = Field(
        default=5,
        description="Router ports (4 mesh + local) at which router_flit_pj holds.",
    )
    reference_sram_bytes: PositiveInt = Field(
        default=65536,
        description="PE SRAM size at which sram_access_pj_per_byte and the SRAM share of "
        "pe_static_mw hold, bytes.",
    )
    reference_sram_banks: PositiveInt = Field(
        default=2, description="SRAM banks per PE at which sram_access_pj_per_byte holds."
    )


class ChipConfig(_Params):
    """A whole chip: the one object every other part of chipsim is built from."""

    chip: ChipParams
    topology: TopologyParams
    pe: CoreParams
    noc: NocParams
    memory: MemoryParams = Field(default_factory=MemoryParams)
    energy: EnergyParams

    @model_validator(mode="after")
    def _pe_points_on_pes(self) -> ChipConfig:
        beyond = [pe for pe in self.chip.pe_operating_points if pe >= self.topology.pes]
        if beyond:
            raise ValueError(
                f"chip.pe_operating_points names PEs {sorted(beyond)}; the chip has PEs "
                f"0..{self.topology.pes - 1}"
            )
        return self

    @property
    def pe_cycles_per_tick(self) -> int:
        """PE cycles in one tick at the default operating point (floor)."""
        return math.floor(self.chip.operating_point.frequency_hz * self.chip.tick_s)

    def pe_operating_point_indices(self) -> np.ndarray:
        """int64 (n_pes,): index into chip.operating_points of each PE's point."""
        names = [p.name for p in self.chip.operating_points]
        points = np.full(self.topology.pes, names.index(self.chip.default_operating_point))
        for pe, name in self.chip.pe_operating_points.items():
            points[pe] = names.index(name)
        return points.astype(np.int64)

    def pe_frequencies_hz(self) -> np.ndarray:
        """float64 (n_pes,): each PE's clock at its operating point, Hz."""
        hz = np.array([p.frequency_hz for p in self.chip.operating_points], dtype=np.float64)
        return hz[self.pe_operating_point_indices()]

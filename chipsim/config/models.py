"""Chip-level configuration models and the composed :class:`ChipConfig`.

The PE and NoC parameters are declared by the packages that model them (`cores.params`,
`noc.params`); this module adds what belongs to the chip as a whole: reference clock and DVFS
operating points, mesh topology, off-chip memory and energy figures (design.md, decision 3).
A chip config describes hardware only; workloads live in separate files.
"""

from __future__ import annotations

import math
from enum import StrEnum

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
    late_packet_policy: LatePacketPolicy = Field(
        default=LatePacketPolicy.APPLY, description="What happens to packets that arrive late."
    )

    @model_validator(mode="after")
    def _default_point_exists(self) -> ChipParams:
        names = [p.name for p in self.operating_points]
        if len(set(names)) != len(names):
            raise ValueError(f"operating point names must be unique, got {names}")
        if self.default_operating_point not in names:
            raise ValueError(
                f"default_operating_point {self.default_operating_point!r} is not one of {names}"
            )
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


class ChipConfig(_Params):
    """A whole chip: the one object every other part of chipsim is built from."""

    chip: ChipParams
    topology: TopologyParams
    pe: CoreParams
    noc: NocParams
    memory: MemoryParams = Field(default_factory=MemoryParams)
    energy: EnergyParams

    @property
    def pe_cycles_per_tick(self) -> int:
        """PE cycles in one tick at the default operating point (floor)."""
        return math.floor(self.chip.operating_point.frequency_hz * self.chip.tick_s)

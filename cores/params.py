"""Parameters of one processing element (PE), declared once here (design.md, decision 3).

`chipsim.config` composes :class:`CoreParams` into the chip config. Cycle counts are in cycles
of the PE's own clock (its DVFS operating point sets how long a cycle is); sizes are in bytes.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt, model_validator


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CoreKind(StrEnum):
    """What kind of PE the chip has."""

    PROGRAMMABLE = "programmable"
    """ARM-like core running neuron software; synaptic rows in SRAM or DRAM (SpiNNaker)."""
    CROSSBAR = "crossbar"
    """Fixed-function core: binary axon x neuron crossbar with axon types (TrueNorth)."""


class NeuronModel(StrEnum):
    """Neuron models that cores/ implements."""

    LIF_FLOAT = "lif_float"
    LIF_FIXED = "lif_fixed"
    TRUENORTH = "truenorth"
    EGRU = "egru"
    DENSE = "dense"


class CycleCosts(_Params):
    """Cycles each operation costs a PE, in cycles of the PE clock.

    The busy cycles of a PE in a tick follow from what it did: timer + updates + per packet
    (interrupt, lookup, DMA) + per synaptic event + per spike sent.
    """

    timer_tick_cycles: NonNegativeInt = Field(
        default=0, description="Timer interrupt and tick bookkeeping, cycles per tick."
    )
    neuron_update_cycles: dict[NeuronModel, PositiveInt] = Field(
        description="Update of one neuron for one tick, cycles, per neuron model."
    )
    spike_source_cycles: NonNegativeInt = Field(
        default=0,
        description="Generating one spike-source neuron's spikes for one tick (e.g. a Poisson "
        "draw), cycles.",
    )
    packet_receive_cycles: NonNegativeInt = Field(
        default=0, description="Interrupt entry and exit for one received packet, cycles."
    )
    key_lookup_cycles_per_step: NonNegativeInt = Field(
        default=0,
        description="One step of the binary search of the key -> synaptic row table, cycles.",
    )
    dma_setup_cycles: NonNegativeInt = Field(
        default=0, description="Setting up one DMA transfer of a synaptic row, cycles."
    )
    synaptic_event_cycles: PositiveInt = Field(
        description="Processing one synaptic event (row word or crossbar synapse), cycles."
    )
    spike_send_cycles: NonNegativeInt = Field(
        default=0, description="Emitting one spike packet into the NoC, cycles."
    )


class CoreParams(_Params):
    """One processing element: kind, capacity, SRAM and cycle costs."""

    kind: CoreKind = Field(description="PE kind (programmable or crossbar).")
    neuron_models: list[NeuronModel] = Field(
        min_length=1, description="Neuron models this PE can run."
    )
    max_neurons: PositiveInt = Field(description="Neurons one PE can hold.")
    max_axons: PositiveInt | None = Field(
        default=None,
        description="Input axons per PE (crossbar rows); none for programmable PEs.",
    )
    max_synapses: PositiveInt = Field(description="Synapses one PE can hold.")
    sram_bytes: PositiveInt = Field(description="Local data SRAM of one PE, bytes.")
    sram_banks: PositiveInt = Field(default=1, description="SRAM banks per PE.")
    neuron_state_bytes: PositiveInt = Field(
        description="SRAM bytes that one neuron's state and parameters occupy."
    )
    cycle_costs: CycleCosts

    @model_validator(mode="after")
    def _consistent(self) -> CoreParams:
        if self.sram_bytes < self.neuron_state_bytes:
            raise ValueError(
                f"sram_bytes ({self.sram_bytes}) is too small to hold one neuron's state "
                f"(neuron_state_bytes = {self.neuron_state_bytes})"
            )
        if self.kind is CoreKind.CROSSBAR and self.max_axons is None:
            raise ValueError("a crossbar PE needs max_axons (rows of its crossbar)")
        missing = set(self.neuron_models) - set(self.cycle_costs.neuron_update_cycles)
        if missing:
            names = ", ".join(sorted(m.value for m in missing))
            raise ValueError(f"cycle_costs.neuron_update_cycles has no entry for: {names}")
        return self

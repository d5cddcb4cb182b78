"""Parameters of the network-on-chip, declared once here (design.md, decision 3).

`chipsim.config` composes :class:`NocParams` into the chip config; the router engine takes the
validated object (or numbers read from it), never YAML or dicts. Times are in NoC cycles, sizes
in bits or flits, as each field's name says.
"""

from __future__ import annotations

import math
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Routing(StrEnum):
    """How a router picks output ports for a packet."""

    XY = "xy"
    """Dimension-order unicast: first along x, then along y (deadlock-free on a mesh)."""
    MULTICAST_TABLE = "multicast_table"
    """SpiNNaker-style key/mask table, first match wins, default routing straight through."""


class BlockedPolicy(StrEnum):
    """What a router does with a packet that cannot advance."""

    WAIT = "wait"
    """Wait as long as it takes (credit flow control, nothing is ever lost)."""
    DROP = "drop"
    """Drop it after ``drop_after_cycles`` cycles blocked, and count the drop (SpiNNaker)."""


class NocParams(_Params):
    """One router and its links; every router of the mesh is alike."""

    clock_hz: PositiveFloat = Field(description="NoC clock frequency, Hz.")
    routing: Routing = Field(default=Routing.XY, description="Routing algorithm.")
    router_pipeline_cycles: PositiveInt = Field(
        default=1,
        description="Cycles from a head flit reaching the head of its VC to leaving the router "
        "(route computation, VC and switch allocation, switch traversal), NoC cycles.",
    )
    link_latency_cycles: PositiveInt = Field(
        default=1, description="Cycles a flit spends on a link between two routers, NoC cycles."
    )
    buffer_depth: PositiveInt = Field(
        default=4, description="Input buffer depth per virtual channel, flits."
    )
    virtual_channels: PositiveInt = Field(default=1, description="Virtual channels per input port.")
    flit_bits: PositiveInt = Field(default=32, description="Flit width (= link width), bits.")
    packet_bits: PositiveInt = Field(
        default=32, description="Size of a spike packet including header and key, bits."
    )
    routing_table_entries: PositiveInt = Field(
        default=1024, description="Capacity of each router's multicast key/mask table, entries."
    )
    injection_queue_packets: PositiveInt = Field(
        default=16,
        description="Packets a local port can hold waiting for injection before the sender "
        "is back-pressured.",
    )
    ejection_cycles_per_packet: PositiveInt = Field(
        default=1,
        description="Cycles a receiving PE needs to take one packet off its local port; a slower "
        "receiver pushes back into the network.",
    )
    blocked_policy: BlockedPolicy = Field(
        default=BlockedPolicy.WAIT, description="What happens to a blocked packet."
    )
    drop_after_cycles: PositiveInt | None = Field(
        default=None,
        description="With blocked_policy 'drop': cycles a packet may wait before it is dropped.",
    )

    @model_validator(mode="after")
    def _drop_needs_timeout(self) -> NocParams:
        if self.blocked_policy is BlockedPolicy.DROP and self.drop_after_cycles is None:
            raise ValueError("blocked_policy 'drop' needs drop_after_cycles (a positive integer)")
        return self

    @property
    def packet_flits(self) -> int:
        """Flits per spike packet: ceil(packet_bits / flit_bits)."""
        return math.ceil(self.packet_bits / self.flit_bits)

"""Pick the machine that runs a mapping, by the kind of its PEs."""

from __future__ import annotations

from chipsim.mapping.mapper import Mapping
from chipsim.sim.machine import Machine
from chipsim.sim.programmable import ProgrammableMachine
from chipsim.sim.replay import Replay
from chipsim.timebase import ClockDomain
from chipsim.traces import SpikeTrace
from noc import Routing


def machine_for(mapping: Mapping, replay: SpikeTrace | None, pe_clock: ClockDomain) -> Machine:
    """The machine for ``mapping`` (programmable PEs; crossbar cores come with their mapper)."""
    config = mapping.config
    return ProgrammableMachine(
        mapping.program,
        mapping.pes,
        config.pe.cycle_costs,
        multicast=config.noc.routing is Routing.MULTICAST_TABLE,
        replay=Replay(replay) if replay is not None else None,
        pe_clock=pe_clock,
    )

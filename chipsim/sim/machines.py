"""Pick the machine that runs a mapping, by the kind of its PEs."""

from __future__ import annotations

from chipsim.mapping.mapper import Mapping
from chipsim.mapping.truenorth import TrueNorthLayout
from chipsim.sim.crossbar import CrossbarMachine
from chipsim.sim.machine import Machine
from chipsim.sim.programmable import ProgrammableMachine
from chipsim.sim.replay import Replay
from chipsim.timebase import UnitClocks
from chipsim.traces import SpikeTrace
from noc import Routing


def machine_for(
    mapping: Mapping, replay: SpikeTrace | None, pe_clock: UnitClocks, seed: int, threads: int = 1
) -> Machine:
    """The machine that runs ``mapping``: programmable PEs or crossbar cores (``threads``
    share their kernel calls)."""
    config = mapping.config
    indexed = Replay(replay) if replay is not None else None
    if isinstance(mapping.program, TrueNorthLayout):
        return CrossbarMachine(
            mapping.program, mapping.pes, config.pe.cycle_costs, seed, config.chip.tick_s,
            replay=indexed, pe_clock=pe_clock, threads=threads,
        )  # fmt: skip
    return ProgrammableMachine(
        mapping.program,
        mapping.pes,
        config.pe.cycle_costs,
        multicast=config.noc.routing is Routing.MULTICAST_TABLE,
        replay=indexed,
        pe_clock=pe_clock,
        threads=threads,
    )

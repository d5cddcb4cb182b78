"""Energy model: event counts x per-event energies + static power x time (design.md, decision 8).

:class:`EventCounts` is what a run counted; :func:`energy_of` turns it into an
:class:`EnergyReport`. The per-event figures of the config hold at a reference design and scale
with voltage, buffer depth, ports, flit width and SRAM size by the rules in
:mod:`chipsim.energy.scaling`.
"""

from chipsim.energy.counts import PE_COUNTS, ROUTER_COUNTS, EventCounts
from chipsim.energy.model import energy_of
from chipsim.energy.per_event import PerEventEnergies, per_event_energies
from chipsim.energy.report import COMPONENTS, EnergyReport

__all__ = [
    "COMPONENTS",
    "PE_COUNTS",
    "ROUTER_COUNTS",
    "EnergyReport",
    "EventCounts",
    "PerEventEnergies",
    "energy_of",
    "per_event_energies",
]

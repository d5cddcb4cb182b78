"""energy = counts x per-event energies + static power x time (design.md, decision 8)."""

from __future__ import annotations

import numpy as np

from chipsim.config import ChipConfig
from chipsim.energy.counts import PE_COUNTS, EventCounts
from chipsim.energy.per_event import per_event_energies
from chipsim.energy.report import EnergyReport


def energy_of(config: ChipConfig, counts: EventCounts) -> EnergyReport:
    """Energy of a run of ``config`` that counted ``counts``, per PE, per router and chip.

    Each PE's events and static power are taken at its operating point's voltage; routers,
    links and the chip's static power at the uncore supply (``energy.uncore_voltage_v``, or the
    default operating point's voltage). The scaling rules are in :mod:`chipsim.energy.scaling`.

    Raises
    ------
    ValueError
        Counts of another chip size, an operating point index out of range, PEs at different
        points on a chip without per-PE DVFS, events on an unpowered PE, or router energy
        shares that do not add up to 1.
    """
    _check_counts(config, counts)
    return EnergyReport(counts, per_event_energies(config, counts.operating_point))


def _check_counts(config: ChipConfig, counts: EventCounts) -> None:
    topology, chip = config.topology, config.chip
    if (counts.n_pes, counts.n_routers) != (topology.pes, topology.routers):
        raise ValueError(
            f"EventCounts has {counts.n_pes} PEs and {counts.n_routers} routers; chip "
            f"{chip.name!r} has {topology.pes} PEs and {topology.routers} routers"
        )
    n_points = len(chip.operating_points)
    if counts.operating_point.max() >= n_points:
        raise ValueError(
            f"EventCounts.operating_point: index {counts.operating_point.max()} is out of range, "
            f"chip {chip.name!r} has {n_points} operating points"
        )
    if not chip.per_pe_dvfs and np.unique(counts.operating_point).size > 1:
        raise ValueError(
            f"chip {chip.name!r} has per_pe_dvfs false, but EventCounts puts its PEs at "
            f"operating points {np.unique(counts.operating_point).tolist()}"
        )
    unpowered = ~counts.powered
    for name in PE_COUNTS:
        if np.any(getattr(counts, name)[unpowered]):
            pe = int(np.flatnonzero(unpowered & (getattr(counts, name) > 0))[0])
            raise ValueError(f"EventCounts.{name}: PE {pe} is unpowered but counted events")

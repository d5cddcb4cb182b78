"""The run's energy, when the energy model (:mod:`chipsim.energy`) is installed.

The energy model is built separately; until it is merged, reports skip their energy figures
with a one-line note. The counts come from the run directory only: ``pes.parquet`` (per-PE
counters) and ``routers.parquet`` (per-router counters and link flits).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd

from chipsim.report.rundata import RunData

SKIPPED = "energy figures skipped: chipsim.energy (the energy model) is not installed"
J_PER_PJ = 1e-12


@dataclass(frozen=True)
class RunEnergy:
    """Whole-chip energy by component (``component``, ``energy_j``) and per PE (J)."""

    breakdown: pd.DataFrame
    pe_j: np.ndarray


def energy_available() -> bool:
    return importlib.util.find_spec("chipsim.energy") is not None


def run_energy(run: RunData) -> RunEnergy | None:
    """The energy of ``run`` from its recorded counts, or None without the energy model."""
    if not energy_available():
        return None
    from chipsim.energy import PE_COUNTS, ROUTER_COUNTS, EventCounts, energy_of

    pes, routers = run.table("pes"), run.table("routers")
    links = [f"link_flits_{d}" for d in ("north", "east", "south", "west")]
    noc = SimpleNamespace(
        **{name: routers[name].to_numpy() for name in ROUTER_COUNTS},
        link_flits=routers[links].to_numpy(),
    )
    chip = run.config.chip
    point = [p.name for p in chip.operating_points].index(chip.default_operating_point)
    counts = EventCounts.from_run(
        {name: pes[name].to_numpy() for name in PE_COUNTS if name in pes.columns},
        noc,
        duration_s=run.ticks * float(chip.tick_s),
        operating_point=point,
    )
    report = energy_of(run.config, counts)
    breakdown = pd.DataFrame(
        {
            "component": list(report.breakdown_pj),
            "energy_j": [v * J_PER_PJ for v in report.breakdown_pj.values()],
        }
    )
    return RunEnergy(breakdown, np.asarray(report.pe_pj) * J_PER_PJ)

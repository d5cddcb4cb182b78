"""The run's energy: by component for the whole chip, and per PE.

A run directory written by ``chipsim run`` holds ``energy.parquet`` (one row per scope, unit
and item: count x pJ per count = energy, from :meth:`chipsim.energy.EnergyReport.as_frame`);
the report reads it. An older run directory without it is priced from its counters
(``pes.parquet``, ``routers.parquet``) by :func:`chipsim.energy.energy_of` when the energy model
is installed; otherwise the energy figures are skipped with a one-line note.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd

from chipsim.report.rundata import RunData

SKIPPED = "energy figures skipped: no energy.parquet and chipsim.energy is not installed"
J_PER_PJ = 1e-12
LINKS = tuple(f"link_flits_{d}" for d in ("north", "east", "south", "west"))


@dataclass(frozen=True)
class RunEnergy:
    """Whole-chip energy by component (``component``, ``energy_j``) and per PE (J)."""

    breakdown: pd.DataFrame
    pe_j: np.ndarray


def energy_available() -> bool:
    return importlib.util.find_spec("chipsim.energy") is not None


def run_energy(run: RunData) -> RunEnergy | None:
    """The energy of ``run`` (see the module docstring), or None when it cannot be known."""
    n_pes = run.rows("pes")
    if (run.path / "energy.parquet").is_file():
        return energy_from_frame(run.table("energy"), n_pes)
    if not energy_available():
        return None
    return energy_from_frame(price_counters(run), n_pes)


def energy_from_frame(frame: pd.DataFrame, n_pes: int) -> RunEnergy:
    """Sum an energy frame (``scope``, ``unit``, ``component``, ``energy_pj``) by component
    and, for scope ``pe``, by PE."""
    by_component = frame.groupby("component", sort=False)["energy_pj"].sum()
    breakdown = pd.DataFrame(
        {"component": by_component.index, "energy_j": by_component.to_numpy() * J_PER_PJ}
    )
    pe = frame[frame["scope"] == "pe"].groupby("unit")["energy_pj"].sum()
    return RunEnergy(breakdown, pe.reindex(range(n_pes), fill_value=0.0).to_numpy() * J_PER_PJ)


def price_counters(run: RunData) -> pd.DataFrame:
    """The energy frame of ``run`` priced from its counters by :func:`chipsim.energy.energy_of`,
    every PE at the default operating point (as ``chipsim run`` prices it)."""
    from chipsim.energy import PE_COUNTS, ROUTER_COUNTS, EventCounts, energy_of

    pes, routers = run.table("pes"), run.table("routers")
    noc = SimpleNamespace(
        **{name: routers[name].to_numpy() for name in ROUTER_COUNTS},
        link_flits=routers[list(LINKS)].to_numpy(),
    )
    chip = run.config.chip
    counts = EventCounts.from_run(
        {name: pes[name].to_numpy() for name in PE_COUNTS if name in pes.columns},
        noc,
        duration_s=run.ticks * float(chip.tick_s),
        operating_point=[p.name for p in chip.operating_points].index(chip.default_operating_point),
    )
    return energy_of(run.config, counts).as_frame()

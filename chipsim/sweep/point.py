"""Run one sweep point (in a worker process, a Dask worker or inline) and read its figures.

A point's figures come from its run folder (``summary.json``), so a point finished by an earlier
sweep gives the same row as one run now (design.md: reports read only the run directory).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from chipsim.run import run_network
from chipsim.sweep.plan import PointTask

SUMMARY = "summary.json"
"""A point's run folder is complete when this file exists (run folders are written atomically)."""


def is_done(folder: Path) -> bool:
    """Whether ``folder`` holds a finished run."""
    return (folder / SUMMARY).is_file()


def run_point(task: PointTask) -> dict[str, Any]:
    """Simulate one point into its folder; never raises for a failing point.

    Returns
    -------
    dict
        ``status`` (``"ok"`` or ``"failed"``), ``error`` (the error text, or None) and, when ok,
        the point's figures (:func:`point_figures`).
    """
    try:
        run_network(task.config, task.network, task.ticks, task.point.seed, task.folder,
                    task.placer, overwrite=True)  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - any failure is this point's result, the sweep goes on
        return {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
    return {"status": "ok", "error": None, **point_figures(task.folder)}


def point_figures(folder: Path) -> dict[str, Any]:
    """The results-table figures of a finished run folder: the summary's numbers and derived ones.

    This is the one place a figure is added to the sweep table. Energy: the summary's total
    (``energy_j``, ``mean_power_mw``, ``energy_per_synaptic_event_pj``) and one
    ``energy_<component>_j`` column per component of the run's ``energy.json``.
    """
    summary = json.loads((folder / SUMMARY).read_text())
    figures = {k: v for k, v in summary.items() if isinstance(v, int | float) and k != "chip"}
    energy = json.loads((folder / "energy.json").read_text())
    for component, pj in energy["breakdown_pj"].items():
        figures[f"energy_{component}_j"] = pj * 1e-12
    simulated_s = summary["simulated_s"]
    figures["throughput_packets_per_s"] = (
        summary["packets_delivered"] / simulated_s if simulated_s > 0 else math.nan
    )
    return figures

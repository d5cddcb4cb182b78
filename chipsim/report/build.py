"""`chipsim report DIR`: tables (Parquet and CSV) and PNG figures under DIR/report/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from chipsim.report import plots, tables
from chipsim.report.energy import SKIPPED, run_energy
from chipsim.report.rundata import RASTER_SPIKES, RunData

FIGURES = (
    "report_pe_heatmaps.png",
    "report_link_load.png",
    "report_latency.png",
    "report_busy_per_tick.png",
    "report_raster.png",
)
"""Figures every report draws (energy figures are added when the energy model is present)."""
TABLES = ("summary", "pes", "ticks", "routers", "latency", "latency_histogram")
"""Tables every report writes, each as ``NAME.parquet`` and ``NAME.csv``."""


@dataclass
class Report:
    """What a report wrote, and the summary table it printed."""

    folder: Path
    summary: pd.DataFrame
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def write_report(run: RunData, max_raster_spikes: int = RASTER_SPIKES) -> Report:
    """Write every table and figure of ``run`` to ``run.path / "report"``."""
    folder = run.path / "report"
    folder.mkdir(exist_ok=True)
    pes, ticks = tables.pe_table(run), tables.tick_table(run)
    hist = tables.latency_histogram_table(run)
    latency = tables.latency_table(run)
    frames = {
        "summary": tables.summary_table(run, pes, ticks),
        "pes": pes,
        "ticks": ticks,
        "routers": tables.router_table(run),
        "latency": latency,
        "latency_histogram": hist,
    }
    report = Report(folder, frames["summary"])
    chip, topo = run.summary["chip"], run.config.topology
    figures = {
        "report_pe_heatmaps.png": plots.pe_heatmaps_figure(
            pes, topo.width, topo.height, topo.pes_per_router, chip
        ),
        "report_link_load.png": plots.link_load_figure(
            frames["routers"], topo.width, topo.height, chip
        ),
        "report_latency.png": plots.latency_figure(
            hist,
            dict(zip(latency["statistic"], latency["ns"], strict=True)),
            1e9 / run.noc_hz,
            chip,
        ),  # fmt: skip
        "report_busy_per_tick.png": plots.busy_per_tick_figure(ticks, run.budget_cycles, chip),
        "report_raster.png": plots.raster_figure(
            *plots.sample_spikes(run, max_raster_spikes),
            run.config.chip.clock_hz,
            _populations(run),
            chip,
        ),  # fmt: skip
    }
    energy = run_energy(run)
    if energy is None:
        report.notes.append(SKIPPED)
    else:
        frames["energy_breakdown"] = energy.breakdown
        frames["pes"] = pes.assign(energy_j=energy.pe_j)
        figures["report_energy_breakdown.png"] = plots.energy_breakdown_figure(
            energy.breakdown.assign(run=run.path.name), f"{chip}: energy by component over the run"
        )
        figures["report_pe_energy.png"] = plots.pe_energy_figure(
            pes, energy.pe_j, topo.width, topo.height, topo.pes_per_router, chip
        )
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
        frame.to_csv(folder / f"{name}.csv", index=False)
        report.files += [folder / f"{name}.parquet", folder / f"{name}.csv"]
    for name, fig in figures.items():
        report.files.append(plots.save(fig, folder / name))
    return report


def _populations(run: RunData) -> list[tuple[str, int]]:
    """(name, size) of the network's populations in global-id order (``network.yaml``)."""
    populations = run.workload.get("network", {}).get("populations", [])
    return [(str(p.get("name", "")), int(p.get("size", 0))) for p in populations]

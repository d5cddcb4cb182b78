"""`chipsim report DIR`: tables (Parquet and CSV) and PNG figures under DIR/report/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from chipsim.report import plots, tables
from chipsim.report.e2e import HORIZON_TICKS, e2e_summary, end_to_end
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
    pes = tables.pe_table(run)
    ticks = tables.tick_table(run, used_pes=int(pes["used"].sum()))
    frames = {
        "summary": tables.summary_table(run, pes, ticks),
        "pes": pes,
        "ticks": ticks,
        "routers": tables.router_table(run),
        "latency": tables.latency_table(run),
        "latency_histogram": tables.latency_histogram_table(run),
    }
    figures = _figures(run, frames, max_raster_spikes)
    notes = _add_energy(run, frames, figures) + _add_end_to_end(run, frames, figures)
    report = Report(folder, frames["summary"], notes=notes)
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
        frame.to_csv(folder / f"{name}.csv", index=False)
        report.files += [folder / f"{name}.parquet", folder / f"{name}.csv"]
    for name, fig in figures.items():
        report.files.append(plots.save(fig, folder / name))
    return report


def _figures(run: RunData, frames: dict[str, pd.DataFrame], max_raster_spikes: int) -> dict:
    chip, topo = run.summary["chip"], run.config.topology
    latency = frames["latency"]
    return {
        "report_pe_heatmaps.png": plots.pe_heatmaps_figure(
            frames["pes"], topo.width, topo.height, topo.pes_per_router, chip
        ),
        "report_link_load.png": plots.link_load_figure(
            frames["routers"], topo.width, topo.height, chip
        ),
        "report_latency.png": plots.latency_figure(
            frames["latency_histogram"],
            dict(zip(latency["statistic"], latency["ns"], strict=True)),
            1e9 / run.noc_hz,
            chip,
        ),  # fmt: skip
        "report_busy_per_tick.png": plots.busy_per_tick_figure(
            frames["ticks"], run.budget_cycles, chip
        ),
        "report_raster.png": plots.raster_figure(
            *plots.sample_spikes(run, max_raster_spikes),
            run.config.chip.clock_hz,
            _populations(run),
            chip,
        ),  # fmt: skip
    }


def _add_energy(run: RunData, frames: dict, figures: dict) -> list[str]:
    """Energy table and figures, or a note saying why there are none."""
    energy = run_energy(run)
    if energy is None:
        return [SKIPPED]
    chip, topo = run.summary["chip"], run.config.topology
    frames["energy_breakdown"] = energy.breakdown
    frames["pes"] = frames["pes"].assign(energy_j=energy.pe_j)
    figures["report_energy_breakdown.png"] = plots.energy_breakdown_figure(
        energy.breakdown.assign(run=run.path.name), f"{chip}: energy by component over the run"
    )
    figures["report_pe_energy.png"] = plots.pe_energy_figure(
        frames["pes"], energy.pe_j, topo.width, topo.height, topo.pes_per_router, chip
    )
    return []


def _add_end_to_end(run: RunData, frames: dict, figures: dict) -> list[str]:
    """End-to-end latency table, summary rows and figure, or a note saying why there are none."""
    responses = end_to_end(run)
    if responses is None:
        return ["end-to-end latency skipped: no projection from a spike source"]
    clock = run.config.chip.clock_hz
    frames["e2e_latency"] = responses
    frames["summary"] = pd.concat(
        [frames["summary"], e2e_summary(responses, clock)], ignore_index=True
    )
    figures["report_e2e_latency.png"] = plots.e2e_latency_figure(
        responses, clock, HORIZON_TICKS, run.summary["chip"]
    )
    return []


def _populations(run: RunData) -> list[tuple[str, int]]:
    """(name, size) of the network's populations in global-id order (``network.yaml``)."""
    populations = run.workload.get("network", {}).get("populations", [])
    return [(str(p.get("name", "")), int(p.get("size", 0))) for p in populations]

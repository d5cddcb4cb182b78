"""`chipsim map`: map a workload onto a chip and report what it uses (no simulation)."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from chipsim.cli_common import config_argument, figure_table, set_option, workload_options
from chipsim.cli_run import resolve_workload
from chipsim.config import load_config
from chipsim.mapping.mapper import map_network
from chipsim.mapping.report import mapping_report
from chipsim.rundir import RunDirectory, provenance

FLOORPLAN = "map_floorplan.png"


@click.command("map")
@config_argument
@workload_options
@click.option("--seed", type=click.IntRange(min=0), help="Seed [workload's, or 0].")
@click.option("--placer", default="sequential", show_default=True,
              help="Placement algorithm (sequential, random, locality).")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path),
              help="Folder for the Parquet tables and the floorplan PNG.")  # fmt: skip
@click.option("--overwrite", is_flag=True, help="Replace an existing --out folder.")
@set_option
def map_(config, network, generator, params, workload, seed, placer, out, overwrite,
         overrides) -> None:  # fmt: skip
    """Map a network onto the chip CONFIG describes and report what it uses.

    Prints PEs, neurons, synapses, SRAM and DRAM bytes, routing entries and hop-weighted
    traffic; with --out also writes map_pes/map_routers/map_traffic.parquet, summary.json and
    a floorplan heatmap (map_floorplan.png). A network that does not fit exits with code 2.
    """
    started = time.time()
    chip = load_config(config, overrides)
    net, _, workload_seed = resolve_workload(config, network, generator, params, workload)
    seed = workload_seed if seed is None and workload_seed is not None else (seed or 0)
    report = mapping_report(map_network(chip, net, seed, placer))
    summary = {**report.summary(), "placer": placer, "seed": seed}
    Console().print(summary_table(summary))
    if out is None:
        return
    from chipsim.mapping.floorplan_plot import plot_floorplan  # matplotlib only when asked

    with RunDirectory(out, overwrite=overwrite) as folder:
        report.write(folder.path)
        plot_floorplan(report, folder.path / FLOORPLAN)
        folder.write_json("summary.json", summary)
        folder.write_json("provenance.json", provenance(seed, started))
    click.echo(f"results: {out}")


def summary_table(s: dict) -> Table:
    """``MappingReport.summary()`` (plus placer and seed) as a rich table."""
    rows = [
        ("PEs used / total", f"{s['pes_used']:,} / {s['pes_total']:,}"),
        ("neurons (fullest PE)", f"{s['neurons']:,} ({_pct(s['neuron_util_max'])})"),
        ("synapses (fullest PE)", f"{s['synapses']:,} ({_pct(s['synapse_util_max'])})"),
        ("SRAM used / total (fullest PE)", f"{_mib(s['sram_bytes'])} / "
         f"{_mib(s['sram_capacity_bytes'])} ({_pct(s['sram_util_max'])})"),
        ("DRAM used / total", f"{_mib(s['dram_bytes'])} / {_mib(s['dram_capacity_bytes'])}"),
        ("routing entries max / capacity", f"{s['routing_entries_max']:,} / "
         f"{s['routing_entries_capacity']:,}" if s["routing_entries_capacity"]
         else "no tables (unicast XY routing)"),
        ("routing entries, all routers", f"{s['routing_entries_total']:,}"),
        ("synapse-hops (mean hops per synapse)", f"{s['synapse_hops']:,.0f} "
         f"({s['mean_hops_per_synapse']:.2f})"),
        ("link traversals if each neuron spikes once", f"{s['packet_hops']:,.0f}"),
    ]  # fmt: skip
    if "axon_util_max" in s:  # crossbar chips
        rows.insert(3, ("axons (fullest core)", _pct(s["axon_util_max"])))
    title = f"{s['network']} on {s['chip']} ({s['placer']} placer, seed {s['seed']})"
    return figure_table(title, rows)


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _mib(n: int) -> str:
    return f"{n / 2**20:,.2f} MiB"

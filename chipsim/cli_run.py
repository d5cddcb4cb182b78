"""`chipsim run`: the main job (map a workload onto a chip, simulate it, write a run folder)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
import yaml
from rich.console import Console
from rich.table import Table

from chipsim.cli_common import (
    config_argument,
    figure_table,
    run_folder_options,
    workload_options,
)
from chipsim.config import load_config
from chipsim.errors import UserError
from chipsim.network import Network, generate, load_network, load_workload
from chipsim.report.rundata import load_run
from chipsim.report.timeline import parse_window
from chipsim.run import run_network
from chipsim.traces import read_trace

DEFAULT_WORKLOAD = "experiments/{stem}_default.yaml"
"""Where a chip config's default workload lives, relative to the config's folder."""


def resolve_workload(
    config_path: Path,
    network: Path | None,
    generator: str | None,
    params: tuple[str, ...],
    workload: Path | None,
) -> tuple[Network, int | None, int | None]:
    """The network to run, and the workload's ticks and seed (None when not given)."""
    chosen = [x for x in (network, generator, workload) if x is not None]
    if len(chosen) > 1:
        raise UserError("give at most one of --network, --generator and --workload")
    if network is not None:
        return load_network(network), None, None
    if generator is not None:
        return generate(generator, dict(_parse_param(p) for p in params)), None, None
    if workload is None:
        workload = config_path.parent / DEFAULT_WORKLOAD.format(stem=config_path.stem)
        if not workload.is_file():
            raise UserError(
                f"{config_path}: no default workload ({workload} does not exist); "
                "give --network, --generator or --workload"
            )
    spec = load_workload(workload)
    return spec.resolve(relative_to=workload.parent), spec.ticks, spec.seed


def _parse_param(text: str) -> tuple[str, object]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise UserError(f"-p {text!r}: expected NAME=VALUE, e.g. -p n_neurons=1000")
    return key.strip(), yaml.safe_load(value)


@click.command()
@config_argument
@workload_options
@click.option("--ticks", type=click.IntRange(min=1), help="Ticks to simulate [workload's, or 100].")
@click.option("--seed", type=click.IntRange(min=0), help="Run seed [workload's, or 0].")
@run_folder_options("runs/CHIP-TIME")
@click.option("--timeline", metavar="T0:T1",
              help="Write PE busy phases and packet flights of ticks T0..T1 to timeline.json "
              "(Chrome trace events: open in ui.perfetto.dev).")  # fmt: skip
def run(config, network, generator, params, workload, ticks, seed, placer, out, overwrite,
        overrides, quiet, threads, noc_threads, no_report, timeline) -> None:  # fmt: skip
    """Run a network on the chip CONFIG describes, tick by tick, with the cycle-level NoC.

    With no --network, --generator or --workload, runs the chip's default workload
    (configs/experiments/<chip>_default.yaml).
    """
    chip = load_config(config, overrides)
    net, workload_ticks, workload_seed = resolve_workload(
        config, network, generator, params, workload
    )
    ticks = ticks or workload_ticks or 100
    seed = workload_seed if seed is None and workload_seed is not None else (seed or 0)
    window = parse_window(timeline, ticks) if timeline is not None else None
    out = out or Path("runs") / f"{chip.chip.name}-{datetime.now():%Y%m%d-%H%M%S}"
    result = run_network(chip, net, ticks, seed, out, placer, progress=not quiet,
                         overwrite=overwrite, timeline=window, noc_threads=noc_threads,
                         threads=threads)  # fmt: skip
    finish(result.summary, out, no_report)


@click.command()
@config_argument
@click.option("--network", type=click.Path(path_type=Path), required=True,
              help="Network YAML file (a run folder's network.yaml).")  # fmt: skip
@click.option("--trace", type=click.Path(path_type=Path), required=True,
              help="Spike trace: Parquet, CSV or NPZ (a run folder's spikes.parquet).")  # fmt: skip
@click.option("--ticks", type=click.IntRange(min=1), help="Ticks [last tick of the trace + 1].")
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    help="Seed the network was expanded with [workload.yaml beside it, or 0].",
)
@run_folder_options("runs/CHIP-replay-TIME")
def replay(
    config, network, trace, ticks, seed, placer, out, overwrite, overrides, quiet, threads,
    noc_threads, no_report,
) -> None:  # fmt: skip
    """Replay a spike TRACE through the chip CONFIG describes: the trace's spikes replace the
    neuron dynamics; packets, NoC and synaptic processing are simulated as in a run."""
    chip = load_config(config, overrides)
    net = load_network(network)
    beside = network.parent / "workload.yaml"
    if seed is None:
        seed = int(yaml.safe_load(beside.read_text()).get("seed", 0)) if beside.is_file() else 0
    spikes = read_trace(trace, n_neurons=sum(g.size for g in net.populations))
    ticks = ticks or (int(spikes.tick.max()) + 1 if len(spikes) else 1)
    out = out or Path("runs") / f"{chip.chip.name}-replay-{datetime.now():%Y%m%d-%H%M%S}"
    result = run_network(chip, net, ticks, seed, out, placer, progress=not quiet,
                         overwrite=overwrite, replay=spikes, noc_threads=noc_threads,
                         threads=threads)  # fmt: skip
    finish(result.summary, out, no_report)


def finish(summary: dict, out: Path, no_report: bool) -> None:
    """Print the run's summary, write its report (tables and PNGs) unless asked not to."""
    Console().print(summary_table(summary))
    if not no_report:
        from chipsim.report.build import write_report  # matplotlib only when reporting

        report = write_report(load_run(out))
        for note in report.notes:
            click.echo(note)
        click.echo(f"report: {len(report.files)} files in {report.folder}")
    click.echo(f"results: {out}")


def summary_table(summary: dict) -> Table:
    rows = [
        ("ticks (simulated)", f"{summary['ticks']:,} ({summary['simulated_s']:.3f} s)"),
        ("spikes", f"{summary['spikes']:,}"),
        ("packets sent / delivered", f"{summary['packets_sent']:,} / "
         f"{summary['packets_delivered']:,}"),
        ("synaptic events", f"{summary['synaptic_events']:,}"),
        ("packet latency mean / p99", f"{summary['latency_mean_ns']:,.0f} / "
         f"{summary['latency_p99_ns']:,.0f} ns"),
        ("overrun PE-ticks", f"{summary['overrun_pe_ticks']:,}"),
        ("late packets (dropped)", f"{summary['late_packets']:,} "
         f"({summary['dropped_late_packets']:,})"),
        ("NoC drops", f"{summary['dropped_noc_packets']:,}"),
        ("energy, mean power", f"{summary['energy_j'] * 1e3:,.3f} mJ, "
         f"{summary['mean_power_mw']:,.1f} mW"),
        ("in flight at end", f"{summary['in_flight_at_end']:,}"),
        ("input events merged", f"{summary['merged_source_events']:,} (same neuron, same tick)"),
        ("wall time", f"{summary['wall_time_s']:.2f} s ({summary['ticks_per_s']:,.0f} ticks/s, "
         f"{summary['real_time_factor']:.2f}x real time)"),
    ]  # fmt: skip
    return figure_table(f"run on {summary['chip']}", rows)

"""The `chipsim` command line. User mistakes exit with code 2 and one clear message."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from chipsim.cli_common import config_argument, figure_table, set_option
from chipsim.cli_map import map_
from chipsim.cli_run import replay, run
from chipsim.config import load_config
from chipsim.errors import UserError
from chipsim.info import ChipSummary, summarise
from chipsim.noc_cli import noc
from chipsim.sweep.cli import sweep


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="chipsim")
def cli() -> None:
    """chipsim: cycle-level simulator of many-core neuromorphic chips."""


@cli.command()
@config_argument
@set_option
def validate(config: Path, overrides: tuple[str, ...]) -> None:
    """Check that CONFIG (a chip YAML file) loads and is valid."""
    chip = load_config(config, overrides)
    click.echo(f"{config}: valid ({chip.chip.name}, {chip.topology.pes} PEs)")


@cli.command()
@config_argument
@set_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def info(config: Path, overrides: tuple[str, ...], as_json: bool) -> None:
    """Summarise CONFIG: capacity, SRAM, NoC bandwidth, peak throughput, static power."""
    summary = summarise(load_config(config, overrides))
    if as_json:
        click.echo(json.dumps(summary.as_dict(), indent=2))
    else:
        Console().print(_summary_table(summary))


cli.add_command(run)
cli.add_command(replay)
cli.add_command(sweep)
cli.add_command(map_)


def _summary_table(s: ChipSummary) -> Table:
    rows = [
        ("PEs (cores)", f"{s.pes:,}"),
        ("routers, mesh", f"{s.routers:,}, {s.mesh}"),
        ("neuron capacity", f"{s.neuron_capacity:,}"),
        ("synapse capacity", f"{s.synapse_capacity:,}"),
        ("SRAM, all PEs", f"{s.sram_total_bytes / 2**20:,.2f} MiB"),
        ("DRAM", f"{s.dram_bytes / 2**20:,.0f} MiB"),
        ("PE clock (default point)", f"{s.pe_frequency_hz / 1e6:,.1f} MHz"),
        ("reference cycles per tick", f"{s.cycles_per_tick:,}"),
        (
            "NoC bisection",
            f"{s.noc_bisection_links} links/direction, "
            f"{s.noc_bisection_bandwidth_bits_per_s / 1e9:,.2f} Gbit/s",
        ),
        ("peak synaptic events", f"{s.peak_synaptic_events_per_s / 1e9:,.3f} G/s"),
        ("static power", f"{s.static_power_mw:,.1f} mW"),
    ]
    return figure_table(f"chip {s.name}", rows)


cli.add_command(noc)
from chipsim.report.cli import compare, report  # noqa: E402

cli.add_command(report)
cli.add_command(compare)


def main() -> None:
    """Entry point: run the CLI; a UserError becomes its message and exit code 2."""
    try:
        cli(standalone_mode=False)
    except UserError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)

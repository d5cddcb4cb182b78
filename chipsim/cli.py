"""The `chipsim` command line. User mistakes exit with code 2 and one clear message."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from chipsim.cli_map import map_
from chipsim.cli_run import replay, run
from chipsim.config import load_config
from chipsim.errors import UserError
from chipsim.info import ChipSummary, summarise

config_argument = click.argument("config", type=click.Path(path_type=Path))
set_option = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY.PATH=VALUE",
    help="Override a config value by dotted path, e.g. -s noc.buffer_depth=8 (repeatable).",
)


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
cli.add_command(map_)


def _summary_table(s: ChipSummary) -> Table:
    table = Table(title=f"chip {s.name}", show_header=False)
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
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
    for name, value in rows:
        table.add_row(name, value)
    return table


from chipsim.noc_cli import noc  # noqa: E402  (needs the decorators above)

cli.add_command(noc)


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

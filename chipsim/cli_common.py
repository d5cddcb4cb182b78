"""Pieces every `chipsim` command shares: the CONFIG argument, options and figure tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import click
from rich.table import Table

config_argument = click.argument("config", type=click.Path(path_type=Path))
set_option = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY.PATH=VALUE",
    help="Override a config value by dotted path, e.g. -s noc.buffer_depth=8 (repeatable).",
)


def run_folder_options(default_out: str) -> Callable:
    """The options of commands that simulate and write a run folder (run, replay)."""
    options = [
        click.option("--placer", default="sequential", show_default=True,
                     help="Placement algorithm (sequential, random, locality)."),
        click.option("--out", type=click.Path(path_type=Path),
                     help=f"Run folder [{default_out}]."),
        click.option("--overwrite", is_flag=True, help="Replace an existing run folder."),
        set_option,
        click.option("--quiet", is_flag=True, help="No progress bar."),
        click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True,
                     help="Threads sharing the compiled kernels: crossbar cores, synaptic "
                     "processing and its grouping by PE, and an XY-routed NoC's routers whose "
                     "flits cannot fly, unless --noc-threads is given (same results; more "
                     "only with free cores)."),
        click.option("--noc-threads", type=click.IntRange(min=1),
                     help="Threads simulating the NoC's routers in bands [--threads, or 1 if "
                     "its flits can fly], at most one per core (same results; meshes without "
                     "chip links, see noc/README.md)."),
        click.option("--no-report", is_flag=True,
                     help="Skip the report (tables and PNGs; `chipsim report DIR` makes it)."),
    ]  # fmt: skip

    return lambda command: _apply(options, command)


def workload_options(command: Callable) -> Callable:
    """--network, --generator with -p NAME=VALUE, --workload: what to run (at most one)."""
    options = [
        click.option("--network", type=click.Path(path_type=Path), help="Network YAML file."),
        click.option("--generator", help="Built-in network generator (synfire, feedforward, ...)."),
        click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
                     help="Generator parameter (repeatable)."),
        click.option("--workload", type=click.Path(path_type=Path),
                     help="Workload YAML (network or generator, ticks, seed)."),
    ]  # fmt: skip
    return _apply(options, command)


def _apply(options: list[Callable], command: Callable) -> Callable:
    """Decorate ``command`` with ``options`` so that --help lists them in the given order."""
    for option in reversed(options):
        command = option(command)
    return command


def figure_table(title: str, rows: Sequence[tuple[str, str]]) -> Table:
    """A two-column table of named figures, as every command prints its summary."""
    table = Table(title=title, show_header=False)
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    for name, value in rows:
        table.add_row(name, value)
    return table

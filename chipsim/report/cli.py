"""The `chipsim report` and `chipsim compare` commands (matplotlib is imported when used)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from chipsim.report.rundata import RASTER_SPIKES, load_run

run_dir = click.Path(path_type=Path)


@click.command()
@click.argument("directory", type=run_dir)
@click.option(
    "--raster-spikes",
    type=click.IntRange(min=1),
    default=RASTER_SPIKES,
    show_default=True,
    help="Spikes drawn in the raster at most (sampled beyond).",
)
def report(directory: Path, raster_spikes: int) -> None:
    """Tables (Parquet, CSV) and PNG figures of the run in DIRECTORY, under DIRECTORY/report."""
    from chipsim.report.build import write_report  # matplotlib: only when reporting

    run = load_run(directory)
    result = write_report(run, raster_spikes)
    table = Table(title=f"run {directory} on {run.summary['chip']}")
    for name, justify in (("figure", "left"), ("value", "right"), ("unit", "left")):
        table.add_column(name, justify=justify)
    for row in result.summary.itertuples():
        table.add_row(row.figure, _format(row.value, row.unit), row.unit)
    console = Console()
    console.print(table)
    for note in result.notes:
        click.echo(note)
    click.echo(f"report: {len(result.files)} files in {result.folder}")


def _format(value: float, unit: str) -> str:
    if unit == "fraction":
        return f"{value:.1%}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


@click.command()
@click.argument("dir_a", type=run_dir)
@click.argument("dir_b", type=run_dir)
@click.option("--out", type=click.Path(path_type=Path),
              help="Folder for compare.parquet, compare.csv and the energy plot.")  # fmt: skip
@click.option("--all", "show_all", is_flag=True, help="Also list the figures that are equal.")
def compare(dir_a: Path, dir_b: Path, out: Path | None, show_all: bool) -> None:
    """Configs, workloads and summary figures of two runs side by side, differences first."""
    from chipsim.report.compare import compare_runs, comparison_table, write_comparison

    a, b = load_run(dir_a), load_run(dir_b)
    frame = compare_runs(a, b)
    Console().print(comparison_table(frame, str(dir_a), str(dir_b), show_all))
    if out is not None:
        for path_or_note in write_comparison(frame, a, b, out):
            click.echo(path_or_note)

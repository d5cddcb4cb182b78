"""`chipsim sweep`: run an architecture sweep, or plot one that ran."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from chipsim.errors import UserError
from chipsim.sweep.runner import RESULTS, run_sweep

FAILURES_SHOWN = 5
"""Failed points whose error the command prints (all are in the results table)."""


@click.command()
@click.argument("sweep_file", required=False, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), help="Sweep folder (results, points).")
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="Run the points on this Dask distributed scheduler.")  # fmt: skip
@click.option("--workers", type=click.IntRange(min=1),
              help="Local worker processes [one per CPU]; 1 runs in this process.")  # fmt: skip
@click.option("--plot", "plot_dir", type=click.Path(path_type=Path),
              help="Plot the sweep in this folder (PNGs in DIR/plots), do not run.")  # fmt: skip
@click.option("--quiet", is_flag=True, help="No progress bar.")
def sweep(sweep_file, out, scheduler, workers, plot_dir, quiet) -> None:  # fmt: skip
    """Run the points of SWEEP_FILE (a base config, a workload, a grid or points) into --out.

    Rerunning skips points already finished in --out; failed points are retried. Exits 1
    when a point failed (its error is in the results table).
    With --plot DIR, draws each metric against each swept parameter and the Pareto front.
    """
    if plot_dir is not None:
        if sweep_file is not None or out is not None:
            raise UserError("--plot DIR takes no SWEEP_FILE or --out")
        from chipsim.sweep.plot import plot_sweep  # matplotlib only when plotting

        for path in plot_sweep(plot_dir):
            click.echo(f"plot: {path}")
        return
    if sweep_file is None or out is None:
        raise UserError("give SWEEP_FILE and --out DIR (or --plot DIR)")
    started = time.time()
    result = run_sweep(sweep_file, out, scheduler, workers, progress=not quiet)
    table = result.table
    failed = table[table["status"] != "ok"]
    click.echo(
        f"{len(table)} points: {len(table) - len(failed)} ok, {len(failed)} failed; "
        f"{result.ran} run now, {result.skipped} already done; "
        f"{time.time() - started:.1f} s"
    )
    for _, row in failed.head(FAILURES_SHOWN).iterrows():
        click.echo(f"failed {row['point_id']} (seed {row['seed']}): {row['error']}", err=True)
    click.echo(f"results: {out / RESULTS}")
    if len(failed):
        sys.exit(1)

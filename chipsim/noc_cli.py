"""`chipsim noc`: synthetic-traffic runs of a chip's NoC (latency, throughput, saturation)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from chipsim.cli_common import config_argument, set_option
from chipsim.config import load_config
from chipsim.errors import UserError
from noc.engine import NocEngine
from noc.reference import ReferenceEngine
from noc.traffic import PATTERNS, TrafficResult, parse_rates, saturation_rate, sweep

ENGINES = {"cython": NocEngine, "reference": ReferenceEngine}


@click.command("noc")
@config_argument
@set_option
@click.option(
    "--traffic",
    type=click.Choice(list(PATTERNS)),
    default="uniform",
    show_default=True,
    help="Synthetic traffic pattern.",
)
@click.option("--rate", type=float, help="Offered load, flits/node/cycle.")
@click.option("--rates", help="Sweep of offered loads, START:STOP:STEP or a,b,c.")
@click.option(
    "--cycles",
    type=click.IntRange(min=1),
    default=5000,
    show_default=True,
    help="Measurement window, NoC cycles.",
)
@click.option(
    "--warmup",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Warm-up, NoC cycles.",
)
@click.option(
    "--drain",
    type=click.IntRange(min=0),
    default=20000,
    show_default=True,
    help="Most cycles to wait for measured packets after the window.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default="cython",
    show_default=True,
    help="'reference' runs the slow Python twin (debugging).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Threads simulating the routers (same results; pays on large meshes under heavy "
    "load with free cores, see noc/README.md).",
)
@click.option("--plot", type=click.Path(path_type=Path), help="Write the latency curve (PNG).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def noc(
    config: Path,
    overrides: tuple[str, ...],
    traffic: str,
    rate: float | None,
    rates: str | None,
    cycles: int,
    warmup: int,
    drain: int,
    seed: int,
    engine: str,
    threads: int,
    plot: Path | None,
    as_json: bool,
) -> None:
    """Run TRAFFIC on the NoC of CONFIG (a chip YAML) at --rate or over --rates.

    Every endpoint (local port) of the mesh is a traffic node, unpopulated routers included;
    packets are routed XY whatever routing the config names. Latencies are NoC cycles.
    """
    if (rate is None) == (rates is None):
        raise UserError("give exactly one of --rate R or --rates START:STOP:STEP")
    if plot is not None and rates is None:
        raise UserError("--plot needs a sweep: give --rates START:STOP:STEP")
    chip = load_config(config, overrides)
    topo = chip.topology
    mesh = topo.mesh()
    try:
        grid = parse_rates(rates) if rates is not None else [rate]
        results = sweep(
            mesh,
            chip.noc,
            traffic,
            grid,
            warmup_cycles=warmup,
            measure_cycles=cycles,
            drain_cycles=drain,
            seed=seed,
            engine_class=ENGINES[engine],
            threads=threads,
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    saturation = saturation_rate(results) if rates is not None else None
    if plot is not None:
        from noc.traffic_plot import plot_latency_curves

        title = f"{chip.chip.name}: {traffic} traffic, {topo.width}x{topo.height} mesh"
        plot_latency_curves({traffic: results}, plot, title)
    if as_json:
        out = {
            "mesh": f"{topo.width}x{topo.height}",
            "endpoints": mesh.endpoints,
            "results": [r.as_dict() for r in results],
            "saturation_rate": saturation,
        }
        click.echo(json.dumps(out, indent=2))
        return
    click.echo(
        f"{chip.chip.name}: {topo.width}x{topo.height} mesh, {mesh.endpoints} endpoints, "
        f"{traffic} traffic, {chip.noc.packet_flits} flit(s)/packet"
    )
    for result in results:
        click.echo(_line(result))
    if rates is not None:
        found = f"{saturation:.3f} flits/node/cycle" if saturation is not None else "not reached"
        click.echo(f"saturation: {found}")
    if plot is not None:
        click.echo(f"plot: {plot}")


def _line(r: TrafficResult) -> str:
    drained = "" if r.drained else "  (not drained: saturated)"
    return (
        f"offered {r.offered_rate:.3f}  accepted {r.accepted_rate:.3f} flits/node/cycle  "
        f"latency mean {r.mean_latency_cycles:.1f}  p99 {r.p99_latency_cycles:.0f}  "
        f"max {r.max_latency_cycles} cycles  hops {r.mean_hops:.2f}{drained}"
    )

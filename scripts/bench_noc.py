"""Benchmark the NoC engine: flit-hops simulated per second on an 8x8 mesh at half saturation.

    python scripts/bench_noc.py              # measure, print, update docs/benchmarks.md
    python scripts/bench_noc.py --figures    # also latency curves -> docs/figures/noc_*.png

The saturation rate of uniform traffic on the 8x8 mesh (default router: 1 VC, 4-flit buffers,
1-cycle pipeline and links, 1-flit packets) is found by a sweep first; the timed run injects
Bernoulli uniform traffic at half that rate and advances the engine in 1000-cycle windows.
Only ``advance`` is timed (wall and CPU time, best of 3).

A second run is shaped like chipsim's NoC process on a large chip: a 64x64 mesh with XY
routing, one ``inject`` and one ``advance`` per tick of 500 cycles, 3,000 packets per tick
(uniform sources and destinations, emitted over the first half of the tick); ``inject`` and
``advance`` are timed. The per-call overhead is the CPU time of an ``advance`` over an idle
window on that mesh.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from benchdoc import machine, replace_section

from noc.engine import NocEngine
from noc.params import NocParams
from noc.topology import Mesh
from noc.traffic import PATTERNS, saturation_rate, sweep
from noc.traffic_plot import plot_latency_curves

ROOT = Path(__file__).resolve().parents[1]
TARGET, BUDGET = 20e6, 75e6  # flit-hops/s: issue floor, design.md performance budget
PARAMS = NocParams(clock_hz=1e9)
RATES = np.round(np.arange(0.02, 0.62, 0.02), 3)


def find_saturation(mesh: Mesh) -> float:
    results = sweep(mesh, PARAMS, "uniform", RATES, warmup_cycles=1000, measure_cycles=4000)
    return saturation_rate(results) or float(RATES[-1])


def timed_run(mesh: Mesh, rate: float, cycles: int, seed: int) -> tuple[float, float, int]:
    """(wall s, CPU s, flit-hops) of advancing through ``cycles`` of uniform traffic."""
    rng = np.random.default_rng(seed)
    cycle, src = np.nonzero(rng.random((cycles, mesh.endpoints)) < rate / PARAMS.packet_flits)
    engine = NocEngine(mesh, PARAMS, record_packets=False)
    engine.inject(cycle, src, rng.integers(0, mesh.endpoints, cycle.size))
    wall, cpu = time.perf_counter(), time.process_time()
    for until in range(1000, cycles + 1000, 1000):
        engine.advance(until)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, engine.stats.flit_hops


def driver_run(seed: int, k: int = 64, ticks: int = 30, tick: int = 500, packets: int = 3000):
    """(CPU s, flit-hops) of chipsim-like windows: one inject and one advance per tick."""
    rng = np.random.default_rng(seed)
    mesh = Mesh(k, k, 1)
    engine = NocEngine(mesh, PARAMS, record_packets=False)
    cpu = 0.0
    for t in range(ticks):
        cycle = t * tick + rng.integers(0, tick // 2, packets)
        src, dest = rng.integers(0, mesh.endpoints, (2, packets))
        start = time.process_time()
        engine.inject(cycle, src, dest)
        engine.advance((t + 1) * tick)
        cpu += time.process_time() - start
    return cpu, engine.stats.flit_hops


def idle_call_us(k: int = 64, calls: int = 20_000) -> float:
    """CPU microseconds of one advance() over an idle window of a k x k mesh."""
    engine = NocEngine(Mesh(k, k, 1), PARAMS, record_packets=False)
    start = time.process_time()
    for until in range(1, calls + 1):
        engine.advance(until)
    return (time.process_time() - start) / calls * 1e6


def update_docs(section: str) -> None:
    """Replace the measured part of the '## NoC' section of docs/benchmarks.md, keeping its
    account of the engine and its steps (from "What the engine does" on), written by hand."""
    replace_section("NoC", section, stop=("\n## ", "\nWhat the engine does"))


def figures() -> list[Path]:
    """Latency curves of every pattern on 4x4, 8x8 and 16x16 meshes."""
    paths = []
    for k, measure in ((4, 4000), (8, 4000), (16, 2000)):
        mesh = Mesh(k, k, 1)
        rates = {4: np.round(np.arange(0.02, 1.0, 0.02), 3), 8: RATES}.get(
            k, np.round(np.arange(0.01, 0.61, 0.01), 3)
        )
        curves = {
            name: sweep(
                mesh,
                PARAMS,
                name,
                rates,
                warmup_cycles=500,
                measure_cycles=measure,
                drain_cycles=5000,
            )
            for name in PATTERNS
        }
        title = f"{k}x{k} mesh, XY routing, 1 VC, 4-flit buffers, 1-flit packets"
        paths.append(
            plot_latency_curves(curves, ROOT / f"docs/figures/noc_latency_{k}x{k}.png", title)
        )
        for name, results in curves.items():
            print(f"{k}x{k} {name:15s} saturation {saturation_rate(results)}")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=50_000, help="timed NoC cycles")
    parser.add_argument("--no-docs", action="store_true", help="do not touch benchmarks.md")
    parser.add_argument("--figures", action="store_true", help="also draw the latency curves")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    mesh = Mesh(8, 8, 1)
    saturation = find_saturation(mesh)
    rate = saturation / 2
    runs = [timed_run(mesh, rate, args.cycles, seed) for seed in range(3)]
    wall, cpu, hops = min(runs)
    per_wall, per_cpu = hops / wall, hops / cpu
    d_cpu, d_hops = min(driver_run(seed) for seed in range(3))
    idle_us = min(idle_call_us() for _ in range(3))
    command = "python scripts/bench_noc.py" + (f" --cycles {args.cycles}" * (args.cycles != 50_000))
    section = f"""
`{command}` on {machine()}, {time.strftime("%Y-%m-%d")}.

8x8 mesh, uniform traffic, default router (1 VC, 4-flit buffers, 1-cycle pipeline and links,
1-flit packets). Saturation (sweep, `noc.traffic.saturation_rate`): {saturation:.2f}
flits/node/cycle, below the bisection bound 4/k = 0.5. Timed run at half of it ({rate:.2f}),
{args.cycles:,} cycles, {hops:,} flit-hops, best of 3, `advance` only:

| measure | flit-hops/s | vs issue floor 20 M/s | vs design budget 75 M/s |
|---|---|---|---|
| wall time | {per_wall / 1e6:.1f} M | {per_wall / TARGET:.2f}x | {per_wall / BUDGET:.2f}x |
| CPU time (process) | {per_cpu / 1e6:.1f} M | {per_cpu / TARGET:.2f}x | {per_cpu / BUDGET:.2f}x |

Chipsim-like windows (64x64 mesh, XY, 30 ticks of 500 cycles, 3,000 packets per tick,
`inject` + `advance` timed, best of 3): {d_hops / d_cpu / 1e6:.1f} M flit-hops/s CPU,
{d_cpu / 30 * 1e3:.1f} ms per tick. An idle `advance()` on that mesh costs {idle_us:.1f} us
(per-call overhead).

The machine's 2 cores were shared with other jobs while this ran (1-minute load average
{load:.1f} at the start): wall time includes waiting for a core; CPU time is what the engine
itself took.
"""
    print(section)
    if not args.no_docs:
        update_docs(section)
    if args.figures:
        for path in figures():
            print("wrote", path.relative_to(ROOT))
    sys.exit(0)


if __name__ == "__main__":
    main()

"""Benchmark the NoC engine's parallel bands: flit-hops per second of wall time by threads.

    python scripts/bench_noc_threads.py --capture tn_calls.pkl   # record the TrueNorth traffic
    python scripts/bench_noc_threads.py --calls tn_calls.pkl --threads 1 2 4 8 [--write]
    python scripts/bench_noc_threads.py --capture s2_calls.pkl --case spinnaker2  # multicast

Synthetic uniform traffic (`advance` in 1000-cycle windows, best of 2, wall time): the 8x8
benchmark mesh at 0.17 flits/node/cycle, and a 64x64 mesh at 0.02 and 0.005. With ``--calls``
also the NoC traffic of a whole-chip run, replayed: ``--capture`` records the engine's mesh,
parameters and routing tables and its ``inject`` and ``advance`` calls in the first ticks
(``--ticks``, 90 by default) of a case of scripts/bench_run.py (``--case``: the full
TrueNorth-like chip, XY-routed, or the SpiNNaker2-like benchmark, whose spikes are multicast
by key; needs the whole package), and the replay needs only ``noc``. Threads pay only where
cores are free: run on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import pickle
import time
from pathlib import Path

import numpy as np
from bench_run import CASES as RUN_CASES
from bench_run import case_workload
from benchdoc import machine, replace_section

from noc.engine import NocEngine
from noc.params import NocParams
from noc.topology import Mesh

UNIFORM = NocParams(clock_hz=1e9)  # the 8x8 benchmark's router (scripts/bench_noc.py)
CASES = {"8x8 at 0.17": (8, 0.17, 20_000), "64x64 at 0.02": (64, 0.02, 4_000),
         "64x64 at 0.005": (64, 0.005, 8_000)}  # fmt: skip


def uniform(k: int, rate: float, cycles: int, threads: int, seed: int = 1) -> float:
    """Flit-hops per second of wall time of uniform traffic on a k x k mesh."""
    mesh = Mesh(k, k, 1)
    rng = np.random.default_rng(seed)
    cycle, src = np.nonzero(rng.random((cycles, mesh.endpoints)) < rate)
    engine = NocEngine(mesh, UNIFORM, record_packets=False, threads=threads)
    engine.inject(cycle, src, rng.integers(0, mesh.endpoints, cycle.size))
    start = time.perf_counter()
    for until in range(1000, cycles + 1000, 1000):
        engine.advance(until)
    return engine.stats.flit_hops / (time.perf_counter() - start)


def capture(path: Path, case: str = "truenorth", ticks: int = 90) -> None:
    """Record the NoC of the first ``ticks`` ticks of a bench_run.py case into ``path``: the
    engine's mesh, parameters and tables, and its ``inject`` and ``advance`` calls."""
    from chipsim.run import run_network

    setup, calls = [], []
    init, inject, advance = NocEngine.__init__, NocEngine.inject, NocEngine.advance

    def record_init(self, mesh, params, tables=None, **options):
        setup.append((mesh, params.model_dump(), tables))
        return init(self, mesh, params, tables, **options)

    def record_inject(self, cycle, src, dest, tag=None):
        calls.append((np.asarray(cycle).copy(), np.asarray(src).copy(), np.asarray(dest).copy()))
        return inject(self, cycle, src, dest, tag)

    def record_advance(self, until):
        calls.append(int(until))
        return advance(self, until)

    chip, network, _ = case_workload(case)
    NocEngine.__init__, NocEngine.inject = record_init, record_inject
    NocEngine.advance = record_advance
    try:
        run_network(chip, network, ticks, seed=1)
    finally:
        NocEngine.__init__, NocEngine.inject, NocEngine.advance = init, inject, advance
    mesh, params, tables = setup[0]  # (the run's one engine)
    path.write_bytes(pickle.dumps((mesh, params, tables, calls), protocol=5))


def replay(path: Path, threads: int) -> float:
    """Flit-hops per second of wall time of ``inject`` and ``advance`` replaying a capture;
    with one thread, prints how the routers' work was done (visits and flits in flight)."""
    try:
        captured = pickle.loads(path.read_bytes())
    except Exception as err:  # any unpickling failure: the file is not a capture
        raise SystemExit(f"{path}: not a capture of this script's ({err})") from err
    if not isinstance(captured, tuple) or len(captured) != 4:
        raise SystemExit(f"{path}: not a capture of this script's (capture it again)")
    mesh, params, tables, calls = captured
    engine = NocEngine(mesh, NocParams(**params), tables, record_packets=False, threads=threads)
    wall = 0.0
    for call in calls:
        start = time.perf_counter()
        engine.advance(call) if isinstance(call, int) else engine.inject(*call)
        wall += time.perf_counter() - start
    stats = engine.stats
    if threads == 1:
        flown, landed = engine._core.flight
        print(
            f"capture, one thread: {stats.flit_hops:,} flit-hops, {engine._core.visits:,} router "
            f"visits, {flown:,} of {int(stats.crossbar_traversals.sum()):,} crossbar traversals "
            f"in flight, {landed:,} fliers landed",
            flush=True,
        )
    return stats.flit_hops / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--calls", type=Path, help="replay this capture too")
    parser.add_argument("--capture", type=Path, help="record a run's NoC traffic and stop")
    parser.add_argument("--case", choices=sorted(RUN_CASES), default="truenorth",
                        help="the bench_run.py case --capture records")  # fmt: skip
    parser.add_argument("--ticks", type=int, default=90, help="ticks --capture records")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    if args.ticks < 1:
        parser.error("--ticks: expected at least 1")
    if args.calls and not args.calls.is_file():
        parser.error(f"--calls: no such file: {args.calls}")
    if args.capture:
        capture(args.capture, args.case, args.ticks)
        return
    names = [*CASES, *([f"{args.calls.name} replayed"] if args.calls else [])]
    lines = ["| threads | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for threads in args.threads:
        rates = [max(uniform(*CASES[n], threads) for _ in range(2)) for n in CASES]
        if args.calls:
            rates.append(max(replay(args.calls, threads) for _ in range(2)))
        lines.append(f"| {threads} | " + " | ".join(f"{r / 1e6:.1f} M" for r in rates) + " |")
        print(lines[-1], flush=True)
    calls = f" --calls {args.calls.name}" if args.calls else ""
    command = f"python scripts/bench_noc_threads.py{calls} --threads " + " ".join(
        map(str, args.threads)
    )
    text = (
        f"`{command}` on {machine()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}; "
        "flit-hops per second of wall time, best of 2:\n\n" + "\n".join(lines)
    )
    print(text)
    if args.write:
        replace_section("NoC threads", text, stop=("\n## ", "\nWhat the figures say"))


if __name__ == "__main__":
    main()

"""Where a whole-chip run's time goes, part by part: for comparing two builds (issue 12).

    python scripts/bench_parts.py --case truenorth --mapping /tmp/tn.pkl [--ticks 1000]
    PYTHONPATH=/tmp/base python /tmp/base/scripts/bench_parts.py --case truenorth \\
        --mapping /tmp/tn.pkl                      # the same run on another build

Maps a case of scripts/bench_run.py once and keeps the mapping in ``--mapping`` (a pickle of
~1.1 GB for spinnaker2, ~2.1 GB for the full truenorth chip; mapping takes 13-16 s of each
bench_run.py run, and a mapping made by one build runs on another as long as its classes
did not change), then runs ``--ticks`` ticks with two threads
and no run folder, and prints the calling thread's wall time in each part, in seconds per
simulated second: the NoC's ``advance`` and ``inject``, the machine's ``receive`` (synaptic
processing), the DRAM channel, the PEs' service, the machine's ``update`` (with the neuron
step of crossbar cores; programmable PEs step in a thread of their own beforehand), and the
rest (grouping a tick's packets by PE, SimPy, the records' hand-over). Builds are compared
by alternating runs in one hour (docs/benchmarks.md, "How a change is measured").
"""

from __future__ import annotations

import argparse
import pickle
import time
from collections import Counter
from pathlib import Path

from bench_run import CASES, case_workload

from chipsim.heap import keep_heap

PARTS = {  # (object of the simulation, method): part
    ("engine", "advance"): "noc advance",
    ("engine", "inject"): "noc inject",
    ("machine", "receive"): "synaptic processing",
    ("dram", "fetch_in_place"): "DRAM channel",
    ("timeline", "serve_segments"): "PE service",
    ("machine", "update"): "neuron update",
}


def mapping_of(case: str, path: Path, cores: int | None):
    """The case's mapping, from ``path`` if it holds one, else made and kept there."""
    if path.exists():
        from chipsim.mapping.mapper import Mapping

        try:
            mapping = pickle.loads(path.read_bytes())
        except Exception as err:  # any unpickling failure: the file is not a kept mapping
            raise SystemExit(f"{path}: not a mapping kept by this script ({err})") from err
        if not isinstance(mapping, Mapping):
            raise SystemExit(f"{path}: holds a {type(mapping).__name__}, not a mapping")
        return mapping
    from chipsim.mapping.mapper import map_network
    from chipsim.network import expand

    chip, network, _ = case_workload(case, cores)
    mapping = map_network(chip, expand(network, 1), 1)
    path.write_bytes(pickle.dumps(mapping, protocol=5))
    return mapping


def timed_run(mapping, ticks: int, threads: int) -> tuple[float, Counter]:
    """Wall time of ``ticks`` ticks and each part's share of it (seconds)."""
    from chipsim.run import run_noc_threads
    from chipsim.sim.driver import ChipSimulation
    from chipsim.sim.recorder import RunRecorder
    from cores import CoreKind

    config = mapping.config
    programmable = config.pe.kind is CoreKind.PROGRAMMABLE
    recorder = RunRecorder(
        len(mapping.pes), None, config.pe.neuron_state_bytes if programmable else None
    )
    noc_threads = run_noc_threads(config, threads, None)
    simulation = ChipSimulation(mapping, recorder, 1, None, noc_threads, threads)
    seconds: Counter = Counter()
    for (owner, method), part in PARTS.items():
        target = getattr(simulation, owner)
        setattr(target, method, _timer(getattr(target, method), part, seconds))
    started = time.perf_counter()
    simulation.run(ticks)
    return time.perf_counter() - started, seconds


def _timer(call, part: str, seconds: Counter):
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            seconds[part] += time.perf_counter() - started

    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=sorted(CASES), required=True)
    parser.add_argument("--mapping", type=Path, required=True, help="pickle of the mapping")
    parser.add_argument("--ticks", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cores", type=int, help="truenorth: cores (default: the full chip)")
    args = parser.parse_args()
    if args.ticks < 1 or args.threads < 1:
        parser.error("--ticks and --threads: expected at least 1")
    keep_heap()  # as run_network does before it maps (chipsim/heap.py)
    mapping = mapping_of(args.case, args.mapping, args.cores)
    wall, seconds = timed_run(mapping, args.ticks, args.threads)
    per = 1.0 / (args.ticks * mapping.config.chip.tick_s)  # s -> s a simulated second
    chip = mapping.config.chip.name  # (the mapping's: a kept file may be of another case)
    print(f"{args.case} ({chip}): {args.ticks} ticks in {wall:.2f} s", end=" ")
    print(f"({wall * per:.2f} s a simulated second)")
    for part, s in [*seconds.most_common(), ("rest", wall - sum(seconds.values()))]:
        print(f"  {part:20s} {s * per:6.2f} s a simulated second")


if __name__ == "__main__":
    main()

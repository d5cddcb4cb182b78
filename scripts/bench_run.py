"""Whole-chip run benchmark: wall time, peak memory and where the time goes (issue 12).

    python scripts/bench_run.py                 # both cases, print the table
    python scripts/bench_run.py --write         # also update docs/benchmarks.md
    python scripts/bench_run.py --case spinnaker2 --ticks 100
    python scripts/bench_run.py --repeat 3      # each case 3 times: the median run, the range

Each case runs in its own process (peak memory = that process's max RSS) through the same API as
`chipsim run`, with the cycle-level NoC on, into a run folder in a temporary directory (records
stream to Parquet as they do for `chipsim run`, so memory does not grow with the ticks):

- spinnaker2: random balanced network of 38,000 LIF neurons (s16.15), 1,000 synapses each,
  ~10 Hz, on configs/spinnaker2.yaml with 256 neurons per PE (149 PEs; rows do not fit the
  SRAM and live in DRAM);
- truenorth: the TrueNorth characterisation network (20 Hz, 128 active synapses per neuron,
  ~21 cores between source and target) on configs/truenorth.yaml, ``--cores`` cores.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

from benchdoc import machine, replace_section

CASES = {
    "spinnaker2": {
        "config": "configs/spinnaker2.yaml",
        "overrides": ["pe.max_neurons=256"],
        "generator": "random_balanced",
        "params": {"n_neurons": 38000, "fanin": 1000, "weight": 0.05, "input_weight": 1.05,
                   "rate_hz": 10.0},
        "target": "<= 3x real time (aim: real time), < 4 GiB",
    },
    "truenorth": {
        "config": "configs/truenorth.yaml",
        "overrides": [],
        "generator": "tn_characterisation",
        "params": {"cores": 4096},
        "target": "<= 20x real time, < 4 GiB (full chip: 4096 cores)",
    },
}  # fmt: skip


def case_workload(name: str, cores: int | None = None):
    """A case's chip config, network and generator parameters (``cores``: TrueNorth cores
    in place of the full chip's); the configs are found from this script, not the working
    directory (scripts/bench_parts.py and bench_noc_threads.py build theirs here too)."""
    from chipsim.config import load_config
    from chipsim.network import generate

    case = CASES[name]
    params = dict(case["params"], **({"cores": cores} if cores and name == "truenorth" else {}))
    chip = load_config(Path(__file__).resolve().parents[1] / case["config"], case["overrides"])
    return chip, generate(case["generator"], params), params


def run_case(name: str, ticks: int, cores: int | None, threads: dict, queue) -> None:
    """Child process: map and run one case (``threads``: run_network's threads and
    noc_threads), put (summary, peak RSS bytes) on ``queue``."""
    from chipsim.run import run_network

    chip, network, params = case_workload(name, cores)
    with tempfile.TemporaryDirectory() as folder:  # a run folder: records stream to Parquet
        result = run_network(chip, network, ticks, seed=1, out=Path(folder) / "run", **threads)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    queue.put((result.summary, peak, params))


def measure(name: str, ticks: int, cores: int | None, threads: dict) -> dict:
    queue = multiprocessing.get_context("spawn").Queue()
    process = multiprocessing.get_context("spawn").Process(
        target=run_case, args=(name, ticks, cores, threads, queue)
    )
    started = time.time()
    process.start()
    summary, peak, params = queue.get()
    process.join()
    return {"case": name, "summary": summary, "peak_bytes": peak, "params": params,
            "process_wall_s": time.time() - started}  # fmt: skip


def simulation_s(result: dict) -> float:
    """A run's simulation wall time (s): its wall time less the mapping's."""
    s = result["summary"]
    return s["wall_time_s"] - s["wall_time_by_part_s"]["mapping"]


def median_run(runs: list[dict]) -> dict:
    """The run of median simulation time, with every run's real-time factor (``factors``)
    and the largest peak memory; the runs must agree on every count (a run is
    deterministic for its seed: a difference is a bug, not noise)."""
    counts = ("spikes", "synaptic_events", "packets_delivered", "late_packets")
    differ = [c for c in counts if len({r["summary"][c] for r in runs}) > 1]
    if differ:
        raise SystemExit(f"{runs[0]['case']}: repeated runs differ in {', '.join(differ)}")
    ordered = sorted(runs, key=simulation_s)
    return dict(ordered[(len(runs) - 1) // 2],
                factors=[simulation_s(r) / r["summary"]["simulated_s"] for r in ordered],
                peak_bytes=max(r["peak_bytes"] for r in runs))  # fmt: skip


def render(results: list[dict], ticks: int, threads: dict, repeat: int = 1) -> str:
    """The markdown of the runs (``results``: one :func:`median_run` per case)."""
    flags = "".join(f" --{k.replace('_', '-')} {v}" for k, v in threads.items())
    flags += f" --repeat {repeat}" if repeat > 1 else ""
    of_runs = ""
    if repeat > 1:
        of_runs = (
            f" Each case ran {repeat} times, the cases alternating: its row is the run of "
            "median simulation time, with the range of the runs' real-time factors, and the "
            "largest peak memory."
        )
    lines = [
        f"`python scripts/bench_run.py --ticks {ticks}{flags}` on {machine()}, "
        f"{time.strftime('%Y-%m-%d')}. Each case in its own process; wall time includes "
        "mapping; the real-time factor is simulation wall time / simulated time, and its CPU form "
        "the simulation's process CPU time / simulated time (steadier on a shared machine)."
        + of_runs,
        "",
        "| case | network | simulated | spikes | synaptic events | packets delivered | "
        "late | wall (mapping) | x real time | x real time (CPU) | peak memory | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s, parts = r["summary"], r["summary"]["wall_time_by_part_s"]
        simulate_s = s["wall_time_s"] - parts["mapping"]
        lines.append(
            f"| {r['case']} | {r['params']} | {s['simulated_s']:.3f} s | {s['spikes']:,} | "
            f"{s['synaptic_events']:,} | {s['packets_delivered']:,} | {s['late_packets']:,} | "
            f"{s['wall_time_s']:.1f} s ({parts['mapping']:.1f} s) | "
            f"{simulate_s / s['simulated_s']:.1f}{_range(r['factors'])} | "
            f"{s['simulation_cpu_s'] / s['simulated_s']:.1f} | "
            f"{r['peak_bytes'] / 2**30:.2f} GiB | "
            f"{CASES[r['case']]['target']} |"
        )
    lines += ["", "Where the simulation time goes (s):", ""]
    names = sorted({k for r in results for k in r["summary"]["wall_time_by_part_s"]})
    lines.append("| case | " + " | ".join(names) + " |")
    lines.append("|---|" + "---|" * len(names))
    for r in results:
        parts = r["summary"]["wall_time_by_part_s"]
        lines.append(f"| {r['case']} | " + " | ".join(f"{parts.get(n, 0):.2f}" for n in names)
                     + " |")  # fmt: skip
    return "\n".join(lines)


def _range(factors: list[float]) -> str:
    """' (lo-hi)' of several runs' real-time factors; nothing for one run."""
    return f" ({factors[0]:.1f}-{factors[-1]:.1f})" if len(factors) > 1 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    parser.add_argument("--ticks", type=int, default=1000, help="ticks (1000 = 1 s simulated)")
    parser.add_argument("--cores", type=int, help="TrueNorth cores (default: the full 4096)")
    parser.add_argument("--threads", type=int, help="threads of the kernels (cores, NoC)")
    parser.add_argument("--noc-threads", type=int, help="NoC threads (bands) [--threads]")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each case (median)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    threads = {k: v for k, v in (("threads", args.threads), ("noc_threads", args.noc_threads))
               if v is not None}  # fmt: skip
    if args.repeat < 1:
        parser.error("--repeat: expected at least 1 run")
    cases = args.case or sorted(CASES)
    runs = [measure(name, args.ticks, args.cores, threads)
            for _ in range(args.repeat) for name in cases]  # fmt: skip
    results = [median_run([r for r in runs if r["case"] == name]) for name in cases]
    text = render(results, args.ticks, threads, args.repeat)
    print(text)
    print(json.dumps([r["summary"] for r in results], indent=1, default=str))
    if args.write:
        replace_section("Whole-chip runs", text, stop=("\n## ", "\nWhat the figures say"))


if __name__ == "__main__":
    main()

"""Wall time, CPU time and peak memory of mapping large networks (issue 11, benchmarks a, b).

Each case runs in a fresh subprocess, so its peak RSS (``ru_maxrss``) is its own:

* ``truenorth_full`` (a): ``tn_characterisation`` with its defaults (4096 cores x 256 neurons,
  128 active synapses per neuron) on configs/truenorth.yaml, TrueNorth mapper
  (``chipsim.mapping.truenorth``, merged from another branch);
* ``spinnaker2_152`` (b): ``random_balanced`` with ``n_neurons=38000, fanin=1000`` (plus its
  100 Poisson inputs, 10 synapses each: 38.4 M synapses) on configs/spinnaker2.yaml with
  ``-s pe.max_neurons=256``, so that the slices spread over 150 of the 152 PEs (with the
  shipped config a PE holds up to 877 neurons, its SRAM limit, and the network needs 45 PEs);
* ``spinnaker2_default`` (b): the same network on the shipped config (45 PEs).

Timed: network expansion (synapse arrays) and ``map_network`` (SpiNNaker2: partition,
sequential placement, layout with synaptic rows, multicast tables; TrueNorth: cores, axons,
crossbars, splitters); the mapping report is timed apart.

Usage: ``python scripts/bench_mapping.py [--cases spinnaker2_152,...] [--write]``; ``--write``
replaces the table between the markers in "## Mapping" of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import NamedTuple

from benchdoc import DOC, machine


class Case(NamedTuple):
    label: str
    config: str
    overrides: list[str]
    generator: str
    params: dict
    target_s: float
    target_gib: float | None


SPINNAKER2 = ("random_balanced", {"n_neurons": 38000, "fanin": 1000}, 30.0, None)
CASES = {
    "truenorth_full": Case("(a) TrueNorth-like, full chip", "truenorth", [],
                           "tn_characterisation", {}, 60.0, 4.0),
    "spinnaker2_152": Case("(b) SpiNNaker2-like", "spinnaker2", ["pe.max_neurons=256"],
                           *SPINNAKER2),
    "spinnaker2_default": Case("(b) SpiNNaker2-like", "spinnaker2", [], *SPINNAKER2),
}  # fmt: skip
ROOT = Path(__file__).resolve().parent.parent
MARKERS = ("<!-- bench_mapping.py: start -->", "<!-- bench_mapping.py: end -->")


def measure(case: str) -> dict:
    """Run one case in this process and return its figures (times in s, memory in MiB)."""
    from chipsim.config import load_config
    from chipsim.mapping.mapper import map_network
    from chipsim.mapping.report import mapping_report
    from chipsim.network import generate
    from chipsim.network.expand import expand

    spec = CASES[case]
    config = load_config(ROOT / "configs" / f"{spec.config}.yaml", spec.overrides)
    network = generate(spec.generator, spec.params)
    before_mib = _peak_rss_mib()
    wall, cpu = time.perf_counter(), time.process_time()
    net = expand(network, seed=0)
    expand_wall, expand_cpu = time.perf_counter() - wall, time.process_time() - cpu
    mapping = map_network(config, net, seed=0, placer="sequential")
    total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
    map_peak_mib = _peak_rss_mib()
    report_wall = time.perf_counter()
    summary = mapping_report(mapping).summary()
    return {
        "case": case,
        "synapses": len(net.connections),
        "neurons": net.n_neurons,
        "pes_used": summary["pes_used"],
        "pes_total": summary["pes_total"],
        "dram_mib": summary["dram_bytes"] / 2**20,
        "expand_wall_s": expand_wall,
        "expand_cpu_s": expand_cpu,
        "map_wall_s": total_wall - expand_wall,
        "map_cpu_s": total_cpu - expand_cpu,
        "total_wall_s": total_wall,
        "total_cpu_s": total_cpu,
        "report_wall_s": time.perf_counter() - report_wall,
        "rss_before_mib": before_mib,
        "peak_rss_map_mib": map_peak_mib,
        "peak_rss_mib": _peak_rss_mib(),
    }


def _peak_rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(case: str) -> dict:
    """Measure ``case`` in a fresh interpreter, so that its peak memory is its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", case],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return json.loads(out.stdout.splitlines()[-1])


def table(results: list[dict]) -> str:
    """The generated part of the "## Mapping" section of docs/benchmarks.md."""
    lines = [
        f"`python scripts/bench_mapping.py --write` on {machine()}, {date.today()}; load "
        f"average {os.getloadavg()[0]:.1f} when it started (2 vCPUs shared with other jobs: "
        "wall time includes waiting for a core; CPU time is the process's own, user + system).",
        "",
        "| case | chip (overrides) | network | neurons, synapses | PEs used | expand wall / CPU "
        "| map wall / CPU | total wall (target) | peak RSS (target; before) | report |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        case = CASES[r["case"]]
        chip = case.config + (f" (`-s {' '.join(case.overrides)}`)" if case.overrides else "")
        params = ", ".join(f"{k}={v}" for k, v in case.params.items()) or "defaults"
        gib = r["peak_rss_mib"] / 1024
        memory = f"< {case.target_gib:.0f} GiB: {_met(gib < case.target_gib)}; " if (
            case.target_gib) else ""  # fmt: skip
        lines.append(
            f"| {case.label} | {chip} | `{case.generator}` ({params}) | {r['neurons']:,}, "
            f"{r['synapses'] / 1e6:.1f} M | {r['pes_used']:,} / {r['pes_total']:,} | "
            f"{r['expand_wall_s']:.1f} / {r['expand_cpu_s']:.1f} s | "
            f"{r['map_wall_s']:.1f} / {r['map_cpu_s']:.1f} s | {r['total_wall_s']:.1f} s "
            f"(< {case.target_s:.0f} s: {_met(r['total_wall_s'] < case.target_s)}) | "
            f"{gib:.2f} GiB ({memory}{r['rss_before_mib']:.0f} MiB) | "
            f"{r['report_wall_s']:.1f} s |"
        )
    return "\n".join(lines) + "\n"


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def write_block(block: str, path: Path = DOC) -> None:
    """Replace the text between the :data:`MARKERS` (in "## Mapping") of ``path``."""
    text = path.read_text()
    start, end = MARKERS
    if start not in text or end not in text:
        raise SystemExit(f"{path}: markers {start} ... {end} not found")
    head, rest = text.split(start, 1)
    path.write_text(head + start + "\n" + block + rest[rest.index(end) :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated case names")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    results = []
    for case in args.cases.split(","):
        if case not in CASES:
            raise SystemExit(f"unknown case {case!r}; known: {', '.join(CASES)}")
        results.append(run_case(case))
        print(json.dumps(results[-1]), flush=True)
    block = table(results)
    print(block)
    if args.write:
        write_block(block)


if __name__ == "__main__":
    main()

"""Wall time, CPU time and peak memory of mapping large networks (issue 11, benchmark (b)).

Each case runs in a fresh subprocess, so its peak RSS (``ru_maxrss``) is its own:

* ``spinnaker2_152``: ``random_balanced`` with ``n_neurons=38000, fanin=1000`` (plus its 100
  Poisson inputs, 10 synapses each: 38.4 M synapses) on configs/spinnaker2.yaml with
  ``-s pe.max_neurons=256``, so that the slices spread over 150 of the 152 PEs (with the
  shipped config a PE holds up to 877 neurons, its SRAM limit, and the network needs 45 PEs);
* ``spinnaker2_default``: the same network on the shipped config (45 PEs).

Timed: network expansion (synapse arrays) and ``map_network`` (partition, sequential
placement, layout with synaptic rows, multicast tables); the mapping report is timed apart.
Case (a), the full TrueNorth-like chip, needs the TrueNorth mapper (another branch): a TODO
row in docs/benchmarks.md.

Usage: ``python scripts/bench_mapping.py [--cases spinnaker2_152,...] [--write]``; ``--write``
replaces the table between the markers in "## Mapping" of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NETWORK = {"n_neurons": 38000, "fanin": 1000}
CASES = {
    "spinnaker2_152": ("spinnaker2", ["pe.max_neurons=256"]),
    "spinnaker2_default": ("spinnaker2", []),
}
TARGET_S = 30.0
MARKERS = ("<!-- bench_mapping.py: start -->", "<!-- bench_mapping.py: end -->")


def measure(case: str) -> dict:
    """Run one case in this process and return its figures (times in s, memory in MiB)."""
    from chipsim.config import load_config
    from chipsim.mapping.mapper import map_network
    from chipsim.mapping.report import mapping_report
    from chipsim.network import generate
    from chipsim.network.expand import expand

    config_name, overrides = CASES[case]
    config = load_config(ROOT / "configs" / f"{config_name}.yaml", overrides)
    network = generate("random_balanced", NETWORK)
    before_mib = _peak_rss_mib()
    wall, cpu = time.perf_counter(), time.process_time()
    net = expand(network, seed=0)
    expand_wall, expand_cpu = time.perf_counter() - wall, time.process_time() - cpu
    mapping = map_network(config, net, seed=0, placer="sequential")
    total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
    report_wall = time.perf_counter()
    summary = mapping_report(mapping).summary()
    return {
        "case": case,
        "config": config_name,
        "overrides": overrides,
        "synapses": len(net.connections),
        "neurons": net.n_neurons,
        "pes_used": summary["pes_used"],
        "pes_total": summary["pes_total"],
        "dram_mib": summary["dram_bytes"] / 2**20,
        "sram_util_max": summary["sram_util_max"],
        "expand_wall_s": expand_wall,
        "expand_cpu_s": expand_cpu,
        "map_wall_s": total_wall - expand_wall,
        "map_cpu_s": total_cpu - expand_cpu,
        "total_wall_s": total_wall,
        "total_cpu_s": total_cpu,
        "report_wall_s": time.perf_counter() - report_wall,
        "rss_before_mib": before_mib,
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
        f"`python scripts/bench_mapping.py --write` on {_cpu_model()}, Python "
        f"{platform.python_version()}, {date.today()}; load average {_load()} when it started "
        "(2 vCPUs shared with other jobs: wall time includes waiting for a core, CPU time is "
        "the process's own, user + system).",
        "",
        "| case | chip (overrides) | synapses | PEs used | expand wall / CPU | "
        "map wall / CPU | total wall (target) | peak RSS (before) | report |",
        "|---|---|---|---|---|---|---|---|---|",
        "| (a) full TrueNorth-like chip, 4096 cores x 256 neurons x 256 axons | truenorth | "
        "**TODO**: needs the TrueNorth mapper (chipsim/mapping/truenorth*.py, another branch) "
        "| | | | (< 60 s) | (< 4 GiB) | |",
    ]
    for r in results:
        chip = r["config"] + (f" (`-s {' '.join(r['overrides'])}`)" if r["overrides"] else "")
        met = "met" if r["total_wall_s"] < TARGET_S else "MISSED"
        lines.append(
            f"| (b) SpiNNaker2-like, {r['neurons']:,} neurons | {chip} | "
            f"{r['synapses'] / 1e6:.1f} M | {r['pes_used']} / {r['pes_total']} | "
            f"{r['expand_wall_s']:.1f} / {r['expand_cpu_s']:.1f} s | "
            f"{r['map_wall_s']:.1f} / {r['map_cpu_s']:.1f} s | "
            f"{r['total_wall_s']:.1f} s (< {TARGET_S:.0f} s: {met}) | "
            f"{r['peak_rss_mib'] / 1024:.2f} GiB ({r['rss_before_mib']:.0f} MiB) | "
            f"{r['report_wall_s']:.1f} s |"
        )
    return "\n".join(lines) + "\n"


def _cpu_model() -> str:
    text = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    match = re.search(r"Model name:\s*(.+)", text)
    return match.group(1).strip() if match else platform.processor() or "unknown CPU"


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def write_block(block: str, path: Path = ROOT / "docs" / "benchmarks.md") -> None:
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

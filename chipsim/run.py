"""The main job: map a workload onto a chip, simulate it, write the run directory.

A run directory holds ``config.yaml`` (the resolved chip config), ``network.yaml`` (the network
as run, loadable with ``--network``), ``workload.yaml``, ``provenance.json``, ``summary.json``,
``spikes.parquet`` (decision 5), ``ticks.parquet`` and ``pe_ticks.parquet`` (per tick, per PE),
``pes.parquet`` (per-PE counters), ``routers.parquet`` (per-router NoC counters),
``latency_histogram.parquet`` and ``packet_sample.parquet``. It is written atomically.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from chipsim.config import ChipConfig
from chipsim.energy import EnergyReport, EventCounts, energy_of
from chipsim.heap import keep_heap
from chipsim.mapping.mapper import Mapping, map_network
from chipsim.network import Network, expand
from chipsim.report.timeline import TimelineWindow, TraceClocks, write_timeline
from chipsim.rundir import RunDirectory, provenance
from chipsim.sim.driver import ChipSimulation
from chipsim.sim.recorder import RunRecorder
from chipsim.summary import run_summary
from chipsim.traces import SpikeTrace, read_trace
from cores import CoreKind
from noc.engine import flight_possible
from noc.params import Routing
from noc.stats import ROUTER_COUNTERS


@dataclass(frozen=True)
class RunResult:
    summary: dict[str, object]
    out: Path | None
    mapping: Mapping
    recorder: RunRecorder
    energy: EnergyReport


def run_network(
    config: ChipConfig,
    network: Network,
    ticks: int,
    seed: int = 0,
    out: Path | None = None,
    placer: str = "sequential",
    progress: bool = False,
    overwrite: bool = False,
    replay: Path | SpikeTrace | None = None,
    timeline: tuple[int, int] | None = None,
    noc_threads: int | None = None,
    threads: int = 1,
) -> RunResult:
    """Map ``network`` on ``config``, simulate ``ticks`` ticks; write ``out`` if given.

    With ``replay`` (a trace or its file), the trace's spikes replace the neuron dynamics.
    With ``timeline = (T0, T1)`` and ``out``, ticks T0..T1 are written to ``timeline.json``.
    ``threads``: threads that share the compiled kernels' work (the crossbar cores' batches,
    the programmable PEs' synaptic processing, and on an XY-routed chip the NoC's routers,
    unless ``noc_threads`` says otherwise: ``noc.NocEngine``); the same results. (# perf:
    bands of the NoC slowed the multicast NoC of the SpiNNaker2-like benchmark run 2x, in
    threads or not, while they took the TrueNorth-like run's NoC 1.5x faster: noc/README.md.)
    """
    started = time.time()
    keep_heap()  # before the mapping allocates (chipsim.heap)
    net = expand(network, seed)
    if isinstance(replay, Path):
        replay = read_trace(replay, n_neurons=net.n_neurons)
    mapping = map_network(config, net, seed, placer)
    noc_threads = run_noc_threads(config, threads, noc_threads)
    options = SimulationOptions(progress, replay, timeline, noc_threads, threads)
    if out is None:
        return _simulate(mapping, ticks, seed, None, started, options)
    with RunDirectory(out, overwrite=overwrite) as run:
        result = _simulate(mapping, ticks, seed, run.path, started, options)
        run.write_yaml("config.yaml", config.model_dump(mode="json"))
        run.write_yaml("network.yaml", network.model_dump(mode="json"))
        run.write_yaml("workload.yaml", {"ticks": ticks, "seed": seed, "placer": placer})
        run.write_json("provenance.json", provenance(seed, started))
        run.write_json("summary.json", result.summary)
        run.write_json("energy.json", result.energy.as_dict())
        result.energy.as_frame().to_parquet(run.path / "energy.parquet", index=False)
        _write_tables(run.path, result)
        if result.recorder.timeline is not None:
            write_timeline(run.path / "timeline.json", result.recorder.timeline,
                           TraceClocks(config.pe_frequencies_hz(), config.noc.clock_hz,
                                       config.chip.tick_s),
                           mapping.pes.xy)  # fmt: skip
    result.recorder.moved_to(out)
    return RunResult(result.summary, out, mapping, result.recorder, result.energy)


def run_noc_threads(config: ChipConfig, threads: int, noc_threads: int | None) -> int:
    """Threads for the NoC's bands: ``noc_threads``, or by default ``threads`` on an XY-routed
    chip whose flits cannot fly and 1 otherwise (bands pay for unicast spikes, not for
    multicast trees, and in one thread flits in flight beat them: noc/README.md); at most one
    per core this process may use, since their spin barriers would otherwise wait for a core
    every cycle. (# perf: the TrueNorth-like benchmark run's NoC took 23.8 s in two bands,
    18.9 s in one thread with flits in flight: docs/benchmarks.md.)"""
    if noc_threads is None:
        xy = config.noc.routing is Routing.XY
        noc_threads = (
            threads if xy and not flight_possible(config.topology.mesh(), config.noc) else 1
        )
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(noc_threads, usable or 1))


@dataclass(frozen=True)
class SimulationOptions:
    """How a run is simulated, apart from the chip and the workload."""

    progress: bool = False
    replay: SpikeTrace | None = None
    timeline: tuple[int, int] | None = None
    noc_threads: int = 1
    threads: int = 1  # of the cores' kernels


def _simulate(
    mapping: Mapping,
    ticks: int,
    seed: int,
    folder: Path | None,
    started: float,
    options: SimulationOptions,
) -> RunResult:
    simulation_started, simulation_cpu = time.time(), time.process_time()
    programmable = mapping.config.pe.kind is CoreKind.PROGRAMMABLE
    recorder = RunRecorder(
        len(mapping.pes), folder, mapping.config.pe.neuron_state_bytes if programmable else None
    )
    window = options.timeline
    recorder.timeline = TimelineWindow(*window) if window is not None else None
    simulation = ChipSimulation(
        mapping, recorder, seed, options.replay, options.noc_threads, options.threads
    )
    with tqdm(total=ticks, unit="tick", disable=not options.progress, leave=False) as bar:
        simulation.run(ticks, on_tick=bar.update)
    energy = run_energy(mapping.config, recorder, ticks)
    summary = run_summary(mapping.config, recorder, ticks, time.time() - started, energy)
    summary["merged_source_events"] = sum(
        getattr(g, "merged", 0) for g in simulation.machine.source_groups
    )
    summary["simulation_cpu_s"] = time.process_time() - simulation_cpu
    summary["wall_time_by_part_s"] = {
        "mapping": simulation_started - started,
        **{name: round(s, 6) for name, s in simulation.times.seconds.items()},
        "simpy_pe_timing_and_records": time.time()
        - simulation_started
        - sum(simulation.times.seconds.values()),
    }
    return RunResult(summary, None, mapping, recorder, energy)


def run_energy(config: ChipConfig, recorder: RunRecorder, ticks: int) -> EnergyReport:
    """Energy of a run from its counts, each PE at its operating point."""
    counts = EventCounts.from_run(
        recorder.pe,
        recorder.noc_stats,
        duration_s=ticks * config.chip.tick_s,
        operating_point=config.pe_operating_point_indices(),
    )
    return energy_of(config, counts)


def _write_tables(folder: Path, result: RunResult) -> None:
    recorder, pes = result.recorder, result.mapping.pes
    frame = pd.DataFrame({"pe": np.arange(len(pes)), "x": pes.xy[:, 0], "y": pes.xy[:, 1],
                          **recorder.pe})  # fmt: skip
    frame.to_parquet(folder / "pes.parquet", index=False)
    stats = recorder.noc_stats
    routers = {name: getattr(stats, name) for name in ROUTER_COUNTERS}
    for d, name in enumerate(("north", "east", "south", "west")):
        routers[f"link_flits_{name}"] = stats.link_flits[:, d]
    pd.DataFrame(routers).rename_axis("router").reset_index().to_parquet(
        folder / "routers.parquet", index=False
    )
    hist = recorder.latency_histogram
    nonzero = np.flatnonzero(hist)
    pd.DataFrame({"latency_cycles": nonzero, "packets": hist[nonzero]}).to_parquet(
        folder / "latency_histogram.parquet", index=False
    )
    pd.DataFrame(
        recorder.packet_sample,
        columns=["inject_cycle", "arrival_cycle", "src_endpoint", "dest_endpoint", "hops"],
    ).to_parquet(folder / "packet_sample.parquet", index=False)

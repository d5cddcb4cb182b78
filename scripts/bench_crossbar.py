"""Benchmark the TrueNorth crossbar integration and neuron update kernels on one CPU core.

A full-chip-like batch (4096 cores x 256 axons x 256 neurons, one kernel call per tick):
crossbar rows are random bits with probability 1/2, so a neuron has 128 synapses on average;
in the sparse case every axon is active with probability rate_hz * dt per tick (20 Hz, 1 ms:
2 %), in the dense case every axon is active every tick. Reports synaptic events per second
(integration kernel only, delivery timed apart) and neuron updates per second
(deterministic neurons; stochastic leak only, the chipsim characterisation case; stochastic
leak and threshold), and Philox4x32-10 blocks per second on each SIMD path of this build and
CPU (the neuron kernel's draws). Rates are medians over ticks (one kernel call each) of the
process's CPU time (time.process_time), which keeps them steady on a shared machine; one
thread's CPU time is one core's time. With ``--threads N`` the kernel calls are split over N
threads (cores.parallel) and the rates are of wall time.

Usage: python scripts/bench_crossbar.py [--cores 4096] [--ticks 20] [--simd auto] [--threads N]
       [--no-crossbar-simd]
"""

import argparse
import os
import time

import numpy as np

from cores import _crossbar, _philox
from cores.crossbar import CrossbarCores
from cores.truenorth import TrueNorthNeurons, update_neurons


def make_batch(n_cores: int, gen: np.random.Generator):
    """Random half-density crossbars, random types, deterministic weights."""
    rows = gen.integers(0, 2**64, (n_cores, 256, 4), dtype=np.uint64)
    xbar = CrossbarCores(
        rows=rows,
        axon_type=gen.integers(0, 4, (n_cores, 256), dtype=np.uint8),
        ring=np.zeros((n_cores, 16, 4), dtype=np.uint64),
    )
    n = 256 * n_cores
    neurons = TrueNorthNeurons.from_values(
        n, weights=gen.integers(-20, 21, (n, 4)), leak=-1, threshold=64, neg_threshold=64
    )
    _ = neurons.synapse_layout  # computed once per network, outside the timed ticks
    return xbar, neurons


CLOCK = time.process_time  # wall time (time.perf_counter) with --threads N > 1
THREADS = 1
CROSSBAR_SIMD = True  # AVX-512 deterministic synapses where the CPU has them


def bench_crossbar(xbar, neurons, ticks: int, p_active: float, gen) -> dict:
    """Time deliver + integrate over ``ticks`` ticks; returns events/s and timing split."""
    n_cores = xbar.n_cores
    core_ids = np.arange(n_cores, dtype=np.uint32)
    syn = np.empty(256 * n_cores, np.int32)
    t_deliver, t_integrate, events = [], [], []
    for tick in range(ticks):
        if p_active >= 1.0:
            core, axon = np.divmod(np.arange(n_cores * 256), 256)
        else:
            core, axon = np.divmod(np.flatnonzero(gen.random(n_cores * 256) < p_active), 256)
        t0 = CLOCK()
        xbar.deliver(core, axon, 1, tick=tick)
        t1 = CLOCK()
        counts = xbar.integrate(
            neurons, syn, core_ids=core_ids, tick=tick + 1, seed=1, threads=THREADS,
            simd=CROSSBAR_SIMD,
        )  # fmt: skip
        t2 = CLOCK()
        t_deliver.append(t1 - t0)
        t_integrate.append(t2 - t1)
        events.append(counts.synaptic_events)
    rates = np.array(events) / np.array(t_integrate)
    return {
        "events_per_tick": float(np.mean(events)),
        "events_per_s": float(np.median(rates)),
        "integrate_ms_per_tick": 1e3 * float(np.median(t_integrate)),
        "deliver_ms_per_tick": 1e3 * float(np.median(t_deliver)),
    }


NEURON_MODES = {  # label: stochastic parameters set on every neuron
    "deterministic": {},
    "stochastic leak only": {"stochastic_leak": 1},
    "stochastic leak+threshold": {"stochastic_leak": 1, "threshold_mask": 15},
}


def bench_neurons(neurons, ticks: int, gen, mode: str, simd: str) -> dict:
    """Time update_neurons over ``ticks`` ticks with random synaptic input (NEURON_MODES)."""
    n = neurons.n_neurons
    if NEURON_MODES[mode]:
        neurons = TrueNorthNeurons.from_values(
            n, weights=neurons.weights, leak=-1, threshold=64, neg_threshold=64,
            **NEURON_MODES[mode],
        )  # fmt: skip
    core_ids = np.arange(n // 256, dtype=np.uint32)
    v = np.zeros(n, np.int32)
    spikes = np.empty(n, np.uint8)
    syn = gen.integers(-30, 40, n).astype(np.int32)
    elapsed, fired = [], 0
    for tick in range(ticks):
        t0 = CLOCK()
        counts = update_neurons(
            neurons, v, syn, spikes, core_ids=core_ids, tick=tick, seed=1, simd=simd,
            threads=THREADS,
        )  # fmt: skip
        elapsed.append(CLOCK() - t0)
        fired += counts.spikes
    return {"updates_per_s": n / float(np.median(elapsed)), "spike_fraction": fired / (n * ticks)}


def bench_philox(ticks: int) -> dict[str, float]:
    """Philox blocks/s per SIMD path: 2**18 blocks per call, 64 distinct (a core's stream)."""
    blocks = (np.arange(2**18) % 64).astype(np.uint32)
    words = np.empty(4 * 64, np.uint32)
    rates = {}
    for path in _philox.available_paths():
        elapsed = []
        for tick in range(ticks):
            t0 = time.process_time()
            _philox.keyed_blocks(path, 1, 0, tick, 1, blocks, words)
            elapsed.append(time.process_time() - t0)
        rates[path] = blocks.size / float(np.median(elapsed))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=4096)
    parser.add_argument("--ticks", type=int, default=20)
    parser.add_argument("--rate-hz", type=float, default=20.0)
    parser.add_argument("--dt-ms", type=float, default=1.0)
    parser.add_argument(
        "--simd", default="auto", help="SIMD path of the neuron updates (cores.rng.simd_path)"
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per kernel call")
    parser.add_argument(
        "--no-crossbar-simd",
        action="store_true",
        help="integrate without AVX-512 (the SSE2 or scalar path; the same sums)",
    )
    args = parser.parse_args()
    global CLOCK, THREADS, CROSSBAR_SIMD
    CROSSBAR_SIMD = not args.no_crossbar_simd
    if args.threads > 1:
        CLOCK, THREADS = time.perf_counter, args.threads
    gen = np.random.default_rng(0)
    xbar, neurons = make_batch(args.cores, gen)
    p_active = args.rate_hz * args.dt_ms * 1e-3
    print(
        f"batch: {args.cores} cores x 256 neurons, {args.ticks} ticks, one call per tick, "
        f"{THREADS} thread(s), {'wall' if THREADS > 1 else 'CPU'} time, crossbar "
        f"{_crossbar.simd_path() if CROSSBAR_SIMD else 'without AVX-512'}"
    )
    print(f"load average before the run: {os.getloadavg()[0]:.2f}")
    for name, p in ((f"sparse ({args.rate_hz:g} Hz)", p_active), ("dense (all axons)", 1.0)):
        r = bench_crossbar(xbar, neurons, args.ticks, p, gen)
        print(
            f"crossbar {name}: {r['events_per_s'] / 1e6:.0f} M synaptic events/s "
            f"({r['events_per_tick'] / 1e6:.2f} M events/tick, integrate "
            f"{r['integrate_ms_per_tick']:.1f} ms/tick, deliver {r['deliver_ms_per_tick']:.1f} "
            "ms/tick)"
        )
    for mode in NEURON_MODES:
        r = bench_neurons(neurons, args.ticks, gen, mode, args.simd)
        print(
            f"neuron update {mode}: {r['updates_per_s'] / 1e6:.0f} M updates/s "
            f"(spike fraction {r['spike_fraction']:.3f})"
        )
    rates = bench_philox(args.ticks)
    print("Philox4x32-10 blocks: " + ", ".join(f"{k} {v / 1e6:.0f} M/s" for k, v in rates.items()))


if __name__ == "__main__":
    main()

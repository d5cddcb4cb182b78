"""Synthetic traffic for NoC studies: patterns, Bernoulli injection, warm-up/measure/drain.

Every endpoint is a traffic node. In each cycle each node starts a packet with probability
``rate / packet_flits`` (``rate`` in flits/node/cycle). The draws use common random numbers:
for a given seed, each (cycle, node) slot has one uniform draw and one destination, so a higher
rate injects a superset of the packets of a lower one. Packets injected during the
measurement window are the measured ones (BookSim's convention); injection goes on while they
drain. Accepted throughput counts flits delivered during the measurement window.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from noc.engine import NocEngine
from noc.params import NocParams, Routing
from noc.stats import Deliveries
from noc.topology import DIRECTIONS, Mesh

Pattern = Callable[[Mesh, np.ndarray, np.random.Generator], np.ndarray]
"""(mesh, source endpoints, rng) -> destination endpoints."""


def uniform(mesh: Mesh, src: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Any endpoint, uniformly (the source itself included, as in BookSim)."""
    return rng.integers(0, mesh.endpoints, src.size)


def transpose(mesh: Mesh, src: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Router (x, y) sends to router (y, x), same local port. Needs a square mesh."""
    if mesh.width != mesh.height:
        raise ValueError(f"transpose traffic needs a square mesh, got {mesh.width}x{mesh.height}")
    node, port = np.divmod(src, mesh.ports_per_router)
    x, y = node % mesh.width, node // mesh.width
    return (x * mesh.width + y) * mesh.ports_per_router + port


def bit_complement(mesh: Mesh, src: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Router (x, y) sends to (W-1-x, H-1-y), same local port (bit complement on 2^n meshes)."""
    node, port = np.divmod(src, mesh.ports_per_router)
    x, y = node % mesh.width, node // mesh.width
    dest = (mesh.height - 1 - y) * mesh.width + (mesh.width - 1 - x)
    return dest * mesh.ports_per_router + port


HOTSPOT_FRACTION = 0.1
"""Share of hotspot traffic that goes to the hotspot (local port 0 of the central router)."""


def hotspot(mesh: Mesh, src: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Uniform, except a HOTSPOT_FRACTION share goes to the central router's port 0."""
    centre = mesh.endpoint(mesh.node(mesh.width // 2, mesh.height // 2), 0)
    hot = rng.random(src.size) < HOTSPOT_FRACTION
    return np.where(hot, centre, uniform(mesh, src, rng))


def nearest_neighbour(mesh: Mesh, src: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random existing neighbour router (N, E, S or W), same local port."""
    node, port = np.divmod(src, mesh.ports_per_router)
    neighbours = mesh.neighbours[node]  # int32[n, 4], -1 where no link
    weights = rng.random((src.size, DIRECTIONS)) * (neighbours >= 0)
    chosen = neighbours[np.arange(src.size), np.argmax(weights, axis=1)]
    return np.where(chosen >= 0, chosen * mesh.ports_per_router + port, src)


PATTERNS: dict[str, Pattern] = {
    "uniform": uniform,
    "transpose": transpose,
    "bit-complement": bit_complement,
    "hotspot": hotspot,
    "neighbour": nearest_neighbour,
}


def pattern_by_name(name: str) -> Pattern:
    """The pattern registered as ``name``; ValueError listing the known ones otherwise."""
    try:
        return PATTERNS[name]
    except KeyError:
        raise ValueError(
            f"unknown traffic pattern {name!r}; known: {', '.join(PATTERNS)}"
        ) from None


@dataclass(frozen=True)
class TrafficResult:
    """One run at one offered rate. Latencies in NoC cycles, rates in flits/node/cycle."""

    pattern: str
    offered_rate: float
    accepted_rate: float
    mean_latency_cycles: float
    p99_latency_cycles: float
    max_latency_cycles: int
    mean_hops: float
    measured_packets: int
    delivered_packets: int
    drained: bool
    cycles: int
    flit_hops: int
    wall_s: float

    def as_dict(self) -> dict:
        return asdict(self)


def run_traffic(
    mesh: Mesh,
    params: NocParams,
    pattern: str,
    rate: float,
    *,
    warmup_cycles: int = 1000,
    measure_cycles: int = 5000,
    drain_cycles: int = 20000,
    seed: int = 0,
    engine_class: type[NocEngine] = NocEngine,
    chunk_cycles: int = 500,
    threads: int = 1,
) -> TrafficResult:
    """Warm up, measure, drain; return latency and throughput of the measured packets.

    The run is ``drained`` when every measured packet arrived within ``drain_cycles`` after
    the measurement window (it is not, past saturation). ``threads``: see ``NocEngine``.
    """
    probability = rate / params.packet_flits
    if not 0 < probability <= 1:
        raise ValueError(
            f"rate {rate} flits/node/cycle must lie in (0, packet_flits = {params.packet_flits}]"
        )
    chooser = pattern_by_name(pattern)
    params = params.model_copy(update={"routing": Routing.XY})
    engine = engine_class(mesh, params, record_packets=False, threads=threads)
    rng = np.random.default_rng(seed)
    start, stop = warmup_cycles, warmup_cycles + measure_cycles
    measured, arrived, parts, wall = 0, 0, [], time.perf_counter()
    while engine.now < stop or (arrived < measured and engine.now < stop + drain_cycles):
        t0 = engine.now
        slots = rng.random((chunk_cycles, mesh.endpoints))
        dests = chooser(mesh, np.tile(np.arange(mesh.endpoints), chunk_cycles), rng)
        cycle, src = np.nonzero(slots < probability)
        cycle = cycle + t0
        engine.inject(cycle, src, dests[(cycle - t0) * mesh.endpoints + src])
        measured += int(np.count_nonzero((cycle >= start) & (cycle < stop)))
        got = engine.advance(t0 + chunk_cycles)
        arrived += int(np.count_nonzero((got.inject_cycle >= start) & (got.inject_cycle < stop)))
        parts.append(got)
    wall = time.perf_counter() - wall
    return _summarise(
        engine, pattern, rate, Deliveries.concatenate(parts), measured, start, stop, wall
    )


def _summarise(
    engine: NocEngine,
    pattern: str,
    rate: float,
    got: Deliveries,
    measured: int,
    start: int,
    stop: int,
    wall_s: float,
) -> TrafficResult:
    mine = (got.inject_cycle >= start) & (got.inject_cycle < stop)
    latency = got.latency_cycles[mine]
    in_window = (got.arrival_cycle >= start) & (got.arrival_cycle < stop)
    accepted = (
        in_window.sum() * engine.params.packet_flits / (engine.mesh.endpoints * (stop - start))
    )
    return TrafficResult(
        pattern=pattern,
        offered_rate=rate,
        accepted_rate=float(accepted),
        mean_latency_cycles=float(latency.mean()) if latency.size else float("nan"),
        p99_latency_cycles=float(np.percentile(latency, 99)) if latency.size else float("nan"),
        max_latency_cycles=int(latency.max()) if latency.size else 0,
        mean_hops=float(got.hops[mine].mean()) if latency.size else float("nan"),
        measured_packets=measured,
        delivered_packets=int(mine.sum()),
        drained=int(mine.sum()) == measured,
        cycles=engine.now,
        flit_hops=engine.stats.flit_hops,
        wall_s=wall_s,
    )


def parse_rates(text: str) -> np.ndarray:
    """Rates from ``"start:stop:step"`` (stop included when on the grid) or ``"a,b,c"``."""
    try:
        if ":" in text:
            start, stop, step = (float(v) for v in text.split(":"))
            if step <= 0 or stop < start:
                raise ValueError
            return np.round(np.arange(start, stop + step / 2, step), 10)
        return np.array([float(v) for v in text.split(",")])
    except ValueError:
        raise ValueError(
            f"rates {text!r}: expected START:STOP:STEP (e.g. 0.02:0.5:0.02) or a,b,c"
        ) from None


def sweep(
    mesh: Mesh, params: NocParams, pattern: str, rates: np.ndarray, **kwargs
) -> list[TrafficResult]:
    """run_traffic at each rate (same seed: common random numbers), stopping two points
    past saturation (a saturated network only gets slower to simulate)."""
    results: list[TrafficResult] = []
    for rate in rates:
        results.append(run_traffic(mesh, params, pattern, float(rate), **kwargs))
        if sum(is_saturated(r, results[0]) for r in results) >= 2:
            break
    return results


SATURATION_LATENCY_FACTOR = 3.0
"""A point is saturated when its mean latency exceeds this multiple of the lowest-load one."""


def is_saturated(result: TrafficResult, lowest_load: TrafficResult) -> bool:
    """Not drained, or accepted < 95 % of offered, or latency > 3 x the low-load latency."""
    return (
        not result.drained
        or result.accepted_rate < 0.95 * result.offered_rate
        or result.mean_latency_cycles > SATURATION_LATENCY_FACTOR * lowest_load.mean_latency_cycles
    )


def saturation_rate(results: list[TrafficResult]) -> float | None:
    """Highest offered rate before the first saturated point; None if none saturated."""
    for i, result in enumerate(results):
        if is_saturated(result, results[0]):
            return results[i - 1].offered_rate if i else 0.0
    return None

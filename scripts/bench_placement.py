"""Wall time and hop-weighted traffic of each placer on chip-sized synthetic traffic graphs.

Cases (seeded, built here; slice labels shuffled so that PE order carries no hint):

* ``truenorth``: 4096 slices on configs/truenorth.yaml (64 x 64 routers, 1 PE each). Each
  slice has a hidden home router and sends to 256 slices whose homes lie at a random offset
  (|dx|, |dy| geometric, mean 4 hops, clipped to the mesh): about 1 M edges, weights uniform in
  [0.5, 1.5) packets per tick. The hidden layout is a good reference placement (not
  necessarily optimal).
* ``truenorth_ordered``: the same with slice ``i`` at home ``i`` (PE order carries the locality).
* ``spinnaker2_layered``: 152 slices as 19 feed-forward layers of 8, each slice sending to every
  slice of the next layer, on configs/spinnaker2.yaml (8 x 5 routers, the 2 centre ones
  unpopulated, 4 PEs per router: 152 PEs).
* ``spinnaker2_uniform``: 152 slices, each sending to 100 random others (no structure: no
  placement can gain much).

Usage: ``python scripts/bench_placement.py [--cases truenorth,...] [--seed 0]``. Prints one line
per case and placer: wall time (s) and hop-weighted traffic (packet-hops per tick), and the
ratio random / placer.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from chipsim.config import load_config
from chipsim.mapping.placement import PLACERS, hop_weighted_traffic, place

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def chip_pes(config: str) -> np.ndarray:
    """PE positions of a shipped config, router-major (router ``y * width + x``), unpopulated
    routers left out: int32 (n_pes, 2)."""
    topology = load_config(CONFIGS / f"{config}.yaml").topology
    x, y = np.meshgrid(np.arange(topology.width), np.arange(topology.height))
    routers = np.stack([x.ravel(), y.ravel()], axis=1)
    routers = routers[[tuple(r) not in set(topology.unpopulated) for r in routers.tolist()]]
    return np.repeat(routers, topology.pes_per_router, axis=0).astype(np.int32)


def truenorth_case(rng: np.random.Generator, shuffle: bool = True):
    """~1 M local edges between 4096 slices with hidden homes on a 64 x 64 mesh (the home of
    slice ``i`` is PE ``i`` unless ``shuffle``)."""
    side, fanout = 64, 256
    n = side * side
    home = np.stack([np.arange(n) % side, np.arange(n) // side], axis=1)  # (x, y) of PE i
    src = np.repeat(np.arange(n), fanout)
    step = rng.geometric(0.2, size=(src.size, 2)) - 1
    step *= rng.choice([-1, 1], size=step.shape)
    target = np.clip(home[src] + step, 0, side - 1)
    dst = target[:, 1] * side + target[:, 0]
    label = rng.permutation(n) if shuffle else np.arange(n)
    traffic = (label[src], label[dst], rng.uniform(0.5, 1.5, src.size))
    hidden = np.empty(n, dtype=np.int64)
    hidden[label] = np.arange(n)  # slice label[i] lives at home i, on PE i
    return traffic, n, chip_pes("truenorth"), hidden


def layered_case(rng: np.random.Generator, layers: int = 19, width: int = 8):
    """Feed-forward layers, all-to-all between consecutive layers, on the SpiNNaker2 config."""
    pre = np.arange((layers - 1) * width)
    src = np.repeat(pre, width)
    dst = (pre // width + 1).repeat(width) * width + np.tile(np.arange(width), pre.size)
    label = rng.permutation(layers * width)
    return (label[src], label[dst], np.ones(src.size)), layers * width, chip_pes("spinnaker2"), None


def uniform_case(rng: np.random.Generator, n: int = 152, fanout: int = 100):
    """Random traffic without structure on the SpiNNaker2 config."""
    src = np.repeat(np.arange(n), fanout)
    dst = rng.integers(n, size=src.size)
    return (src, dst, rng.uniform(0.5, 1.5, src.size)), n, chip_pes("spinnaker2"), None


CASES = {
    "truenorth": truenorth_case,
    "truenorth_ordered": lambda rng: truenorth_case(rng, shuffle=False),
    "spinnaker2_layered": layered_case,
    "spinnaker2_uniform": uniform_case,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for case in args.cases.split(","):
        traffic, n, pe_xy, hidden = CASES[case](np.random.default_rng(args.seed))
        costs = {}
        if hidden is not None:
            costs["hidden"] = hop_weighted_traffic(traffic, hidden, pe_xy)
            print(f"{case:20s} {'hidden layout':14s} {'':>8s}  cost {costs['hidden']:.4g}")
        for name in PLACERS:
            start = time.perf_counter()
            pe_of = place(name, traffic, n, pe_xy, args.seed)
            wall = time.perf_counter() - start
            costs[name] = hop_weighted_traffic(traffic, pe_of, pe_xy)
            print(f"{case:20s} {name:14s} {wall:7.2f}s  cost {costs[name]:.4g}")
        print(f"{case:20s} random / locality = {costs['random'] / costs['locality']:.3f}")


if __name__ == "__main__":
    main()

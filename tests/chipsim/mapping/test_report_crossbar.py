"""Mapping report of a crossbar (TrueNorth-like) chip: hand-checked case, XY path counts."""

from pathlib import Path

import numpy as np

from chipsim.config import load_config
from chipsim.mapping.mapper import map_network
from chipsim.mapping.report import mapping_report
from chipsim.mapping.report_crossbar import xy_paths_through
from chipsim.network import generate

CONFIGS = Path(__file__).resolve().parents[3] / "configs"


def test_synfire_on_truenorth_hand_checked() -> None:
    """Synfire 3 x 10 (all-to-all, weight 1): g0-g2 on core 0 at (0, 0), the stimulus on input
    core 1 at (1, 0). Synapses 10 + 100 + 100 on core 0; only the 10 stimulus packets cross a
    link (1 hop, 1 synapse each); each g0 and g1 neuron drives one axon (no splitters)."""
    net = generate("synfire", {"model": "truenorth", "weight": 1, "groups": 3, "group_size": 10})
    report = mapping_report(map_network(load_config(CONFIGS / "truenorth.yaml"), net))
    pes = report.pes.set_index("pe")
    assert pes.used.sum() == 2 and pes.loc[0, "kind"] == "neurons" and pes.loc[1, "kind"] == "input"
    assert pes.loc[[0, 1], "neurons"].tolist() == [30, 10]
    assert pes.loc[[0, 1], "synapses"].tolist() == [210, 0]
    assert pes.loc[0, "axons"] == 10 + 10 + 10  # from the stimulus, g0 and g1
    assert pes.loc[[0, 1], "dest_pes"].tolist() == [1, 1]
    assert pes.loc[[0, 1], "packet_hops"].tolist() == [0, 10]
    summary = report.summary()
    assert (summary["synapses"], summary["synapse_hops"], summary["packet_hops"]) == (210, 10, 10)
    assert summary["axon_util_max"] == 30 / 256 and summary["routing_entries_capacity"] == 0
    traffic = report.traffic.set_index(["src_pe", "dst_pe"])
    assert traffic.loc[(1, 0), ["synapses", "hops"]].tolist() == [10, 1]
    routers = report.routers.set_index("router")
    assert routers.loc[[0, 1], "trees"].tolist() == [20 + 10, 10]  # paths through each router


def test_xy_path_counts_match_walking_the_paths() -> None:
    """The difference-array count of XY paths through each router equals walking each path."""
    rng = np.random.default_rng(4)
    width, height = 5, 4
    src = np.stack([rng.integers(0, width, 200), rng.integers(0, height, 200)], axis=1)
    dst = np.stack([rng.integers(0, width, 200), rng.integers(0, height, 200)], axis=1)
    walked = np.zeros((height, width), dtype=np.int64)
    for (sx, sy), (dx, dy) in zip(src, dst, strict=True):
        for x in range(min(sx, dx), max(sx, dx) + 1):
            walked[sy, x] += 1
        for y in range(min(sy, dy), max(sy, dy) + 1):
            walked[y, dx] += y != sy
    assert np.array_equal(xy_paths_through(src, dst, width, height), walked)

"""LIF groups build the lookup kernel's copy of their rows when first asked (the first receive
step), never pickle it, and process packets the same after pickling."""

import pickle
from pathlib import Path

import numpy as np

from chipsim.config import load_config
from chipsim.mapping.mapper import map_network
from chipsim.network import expand, generate
from chipsim.sim.groups import LifGroup
from cores import process_packets_cores

CONFIGS = Path(__file__).resolve().parents[3] / "configs"


def _received(group: LifGroup, keys: np.ndarray) -> tuple:
    """Every PE of the group receives ``keys`` in tick 3: counts and the ring buffers after
    (the group's ring buffers are restored)."""
    n_pes = len(group.matrices)
    ring = group.ring.copy()
    counts, _ = process_packets_cores(
        group.matrix_set(), np.tile(keys, n_pes), np.arange(n_pes + 1) * keys.size,
        np.arange(n_pes), np.full(n_pes, 3), group.ring,
    )  # fmt: skip
    after, group.ring[...] = group.ring.copy(), ring
    return counts, after


def test_kernel_copy_built_when_first_asked_not_pickled() -> None:
    """No copy after mapping; one after a receive; none in the pickle; the loaded group
    processes the same packets into the same ring buffers and counts (rows in SRAM and DRAM)."""
    network = generate(
        "random_balanced",
        {"n_neurons": 150, "fanin": 20, "inputs": 40, "input_fanin": 5, "rate_hz": 50.0},
    )
    config = load_config(CONFIGS / "tiny.yaml", ["pe.sram_bytes=6000"])  # some rows in DRAM
    mapping = map_network(config, expand(network, 1), 1, "sequential")
    groups = [g for g in mapping.program.groups if isinstance(g, LifGroup)]
    assert groups and any(m.in_dram.any() for g in groups for m in g.matrices)
    keys = np.concatenate(
        [(m.table[:, 0] | np.arange(3)[:, None]).ravel() for m in groups[0].matrices]
    )
    for group in groups:
        assert group._matrix_set is None
        counts, ring = _received(group, keys)
        assert group._matrix_set is not None and counts.words > 0
        loaded = pickle.loads(pickle.dumps(group))
        assert loaded._matrix_set is None
        again, ring_again = _received(loaded, keys)
        assert again == counts
        np.testing.assert_array_equal(ring_again, ring)

"""LIF groups hold their PEs' synaptic rows once, shared with the lookup kernel, pickled too."""

import pickle
from pathlib import Path

import numpy as np

from chipsim.config import load_config
from chipsim.mapping.mapper import map_network
from chipsim.network import expand, generate
from chipsim.sim.groups import LifGroup

CONFIGS = Path(__file__).resolve().parents[3] / "configs"


def _received(group: LifGroup, keys: np.ndarray) -> tuple:
    """Every PE of the group receives ``keys`` in tick 3: counts and the ring buffers after."""
    n_pes = len(group.matrices)
    ring = group.ring.copy()
    counts, _ = group.receive(
        np.arange(n_pes, dtype=np.int32), np.tile(keys, n_pes),
        np.arange(n_pes + 1) * keys.size, np.full(n_pes, 3),
    )  # fmt: skip
    after, group.ring[...] = group.ring.copy(), ring
    return counts, after


def test_rows_held_once_and_pickled_groups_process_the_same() -> None:
    """Each PE's matrix rows are a view of the kernel set's one array (no second copy), also
    after pickling the mapping; the loaded group processes packets exactly as the original."""
    network = generate(
        "random_balanced",
        {"n_neurons": 150, "fanin": 20, "inputs": 40, "input_fanin": 5, "rate_hz": 50.0},
    )
    config = load_config(CONFIGS / "tiny.yaml", ["pe.sram_bytes=6000"])  # some rows in DRAM
    mapping = map_network(config, expand(network, 1), 1, "sequential")
    loaded = pickle.loads(pickle.dumps(mapping))
    pairs = [
        (a, b)
        for a, b in zip(mapping.program.groups, loaded.program.groups, strict=True)
        if isinstance(a, LifGroup)
    ]
    assert pairs and any(m.in_dram.any() for a, _ in pairs for m in a.matrices)
    keys = np.concatenate(
        [(m.table[:, 0] | np.arange(3)[:, None]).ravel() for m in pairs[0][0].matrices]
    )
    for a, b in pairs:
        for group in (a, b):
            host = group._matrix_set.host
            assert all(np.shares_memory(m.rows, host) for m in group.matrices if m.rows.size)
            assert host.size == sum(m.rows.size for m in group.matrices)
        (counts_a, ring_a), (counts_b, ring_b) = _received(a, keys), _received(b, keys)
        assert counts_a == counts_b and counts_a.words > 0
        np.testing.assert_array_equal(ring_a, ring_b)

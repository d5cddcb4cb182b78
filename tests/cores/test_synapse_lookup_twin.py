"""Synapse lookup kernel against its NumPy twin on seeded random matrices and key batches."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cores import _synapse_lookup
from cores.reference import synapse_lookup as ref
from cores.synaptic_matrix import build_synaptic_matrix


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_neurons=st.integers(1, 300), tick=st.integers(0, 100))
def test_synapse_lookup_matches_twin_bit_for_bit(seed, n_neurons, tick):
    """Same ring buffers, counts and per-packet outputs, including misses, DRAM rows, saturation."""
    rng = np.random.default_rng(seed)
    n_conn = int(rng.integers(0, 2000))
    sources = rng.integers(0, 64, n_conn) | (rng.integers(0, 8, n_conn) << 11)
    m = build_synaptic_matrix(
        sources, rng.integers(0, n_neurons, n_conn), rng.integers(0, 1 << 16, n_conn),
        rng.integers(1, 16, n_conn), rng.integers(0, 2, n_conn), n_neurons=n_neurons,
        sram_budget_bytes=int(rng.integers(0, 20000)),
    )  # fmt: skip
    n_keys = int(rng.integers(0, 300))
    keys = rng.integers(0, 8 << 11, n_keys)  # mostly misses
    hits = rng.random(n_keys) < 0.7
    if n_conn:
        keys[hits] = rng.choice(sources, int(hits.sum()))
    keys = keys.astype(np.uint32)
    ring = rng.integers(0, 1 << 16, (16, 2, n_neurons)).astype(np.uint16)
    ring_ref = ring.copy()
    outs = [np.empty(keys.size, np.int32) for _ in range(3)]
    outs_ref = [np.empty(keys.size, np.int32) for _ in range(3)]
    c = _synapse_lookup.synapse_lookup(keys, m.table, m.rows, tick, ring, *outs)
    c_ref = ref.synapse_lookup(keys, m.table, m.rows, tick, ring_ref, *outs_ref)
    assert c == c_ref
    np.testing.assert_array_equal(ring, ring_ref)
    for a, b in zip(outs, outs_ref, strict=True):
        np.testing.assert_array_equal(a, b)

"""Crossbar kernels vs NumPy twin, bit for bit, on random crossbars and spikes (hypothesis)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cores.crossbar import CrossbarCores
from cores.reference import crossbar as ref
from cores.truenorth import TrueNorthNeurons


def random_core_batch(gen, n_cores):
    """Random density, types, weights and stochastic flags; random pending deliveries."""
    conn = gen.random((n_cores, 256, 256)) < gen.random()
    xbar = CrossbarCores.from_dense(conn, gen.integers(0, 4, (n_cores, 256)))
    n = 256 * n_cores
    neurons = TrueNorthNeurons.from_values(
        n,
        weights=gen.integers(-255, 256, (n, 4)),
        stochastic_synapse=gen.random((n, 4)) < gen.random() * 0.5,
    )
    return xbar, neurons


@pytest.mark.parametrize("simd", [True, False])
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.booleans(), st.integers(0, 2**64 - 1))
def test_deliver_and_integrate_equal_twin(simd, rng_seed, n_cores, inject, seed):
    """Same ring after deliveries; same syn_input, cleared ring and counts after integration,
    with the deterministic synapses in AVX-512 lanes (where the CPU has them) or not."""
    gen = np.random.default_rng(rng_seed)
    xbar, neurons = random_core_batch(gen, n_cores)
    m = int(gen.integers(0, 400))
    core, axon = gen.integers(0, n_cores, m), gen.integers(0, 256, m)
    delay, tick = gen.integers(1, 16, m), int(gen.integers(0, 2**31))
    want_ring = xbar.ring.copy()
    ref.deliver(want_ring, core, axon, delay, tick)
    xbar.deliver(core, axon, delay, tick)
    np.testing.assert_array_equal(xbar.ring, want_ring)

    now = tick + int(gen.integers(1, 16))
    core_ids = gen.choice(4096, n_cores, replace=False).astype(np.uint32)
    rho = gen.integers(0, 256, (n_cores, 256, 256), dtype=np.uint8) if inject else None
    want = ref.integrate(
        xbar.rows, xbar.axon_type, xbar.ring, neurons.weights, neurons.stochastic_synapse,
        core_ids, now, seed, rho,
    )  # fmt: skip
    syn = np.empty(256 * n_cores, np.int32)
    per_core = np.full((n_cores, 3), -1, dtype=np.int64)
    counts = xbar.integrate(
        neurons, syn, core_ids=core_ids, tick=now, seed=seed, syn_draws=rho,
        core_counts=per_core, simd=simd,
    )  # fmt: skip
    np.testing.assert_array_equal(per_core, want[3])
    np.testing.assert_array_equal(syn, want[0])
    np.testing.assert_array_equal(xbar.ring, want[1])
    assert tuple(counts) == want[2]


def test_input_does_not_depend_on_delivery_order_or_batching():
    """Deliveries in any order, and cores integrated together or apart, give the same input."""
    gen = np.random.default_rng(11)
    xbar, neurons = random_core_batch(gen, 3)
    core, axon = gen.integers(0, 3, 300), gen.integers(0, 256, 300)
    ids = np.array([7, 8, 9], dtype=np.uint32)

    def run(order, cores):
        x = CrossbarCores(xbar.rows[cores], xbar.axon_type[cores], xbar.ring[cores].copy())
        pick = np.isin(core[order], cores)
        remap = {c: i for i, c in enumerate(cores)}
        x.deliver([remap[c] for c in core[order][pick]], axon[order][pick], 2, tick=0)
        syn = np.empty(256 * len(cores), np.int32)
        idx = np.concatenate([np.arange(256 * c, 256 * c + 256) for c in cores])
        x.integrate(neurons.select(idx), syn, core_ids=ids[cores], tick=2, seed=3)
        return syn

    together = run(np.arange(300), [0, 1, 2])
    np.testing.assert_array_equal(run(gen.permutation(300), [0, 1, 2]), together)
    apart = np.concatenate([run(np.arange(300), [c]) for c in range(3)])
    np.testing.assert_array_equal(apart, together)

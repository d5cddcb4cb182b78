"""TrueNorth neuron kernel vs NumPy twin, bit for bit, on random parameters (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cores.reference import truenorth as ref
from cores.truenorth import THRESHOLD_MAX, V_MAX, V_MIN, TrueNorthNeurons, update_neurons


def random_neurons(gen: np.random.Generator, n: int, stochastic: bool = True) -> TrueNorthNeurons:
    """Every mode mixed: random widths within the documented ranges. Without ``stochastic``
    no neuron has a stochastic leak or threshold (the kernel's 4-lane path)."""
    small = gen.random() < 0.5  # small thresholds make spikes and resets frequent
    top = 64 if small else THRESHOLD_MAX
    s = int(stochastic)
    return TrueNorthNeurons.from_values(
        n,
        weights=gen.integers(-255, 256, (n, 4)),
        stochastic_synapse=gen.integers(0, 2, (n, 4)),
        leak=gen.integers(-255, 256, n),
        leak_reversal=gen.integers(0, 2, n),
        stochastic_leak=gen.integers(0, 2, n) * s,
        threshold=gen.integers(0, top + 1, n),
        neg_threshold=gen.integers(0, top + 1, n),
        threshold_mask=((1 << gen.integers(0, 9 if small else 19, n)) - 1) * s,
        reset_mode=gen.integers(0, 3, n),
        neg_saturate=gen.integers(0, 2, n),
        reset_value=gen.integers(-top, top + 1, n),
    )


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 5),
    st.integers(1, 40),
    st.booleans(),
    st.integers(0, 2**64 - 1),
    st.booleans(),
)
def test_kernel_equals_twin(rng_seed, n_cores, per_core, inject, seed, stochastic):
    """Random parameters, potentials, inputs and keys (or injected draws): identical results."""
    gen = np.random.default_rng(rng_seed)
    n = n_cores * per_core
    p = random_neurons(gen, n, stochastic)
    v = gen.integers(V_MIN, V_MAX + 1, n).astype(np.int32)
    syn = gen.integers(-70000, 70000, n).astype(np.int32)
    core_ids = gen.choice(4096, n_cores, replace=False).astype(np.uint32)
    tick = int(gen.integers(0, 2**32))
    draws = gen.integers(0, 2**32, (n, 2), dtype=np.uint32) if inject else None
    narrow = gen.random() < 0.3  # a narrowed membrane register, v kept inside it
    v_range = (-int(gen.integers(1, 2**12)), int(gen.integers(1, 2**12))) if narrow else None
    if narrow:
        v = np.clip(v, *v_range).astype(np.int32)
    want_v, want_s, want_c, want_per_core = ref.update(
        p, v, syn, core_ids, tick, seed, draws, v_range
    )
    spikes = np.full(n, 7, dtype=np.uint8)
    per_core = np.full((n_cores, 3), -1, dtype=np.int64)
    counts = update_neurons(
        p, v, syn, spikes, core_ids=core_ids, tick=tick, seed=seed, draws=draws,
        v_range=v_range or (V_MIN, V_MAX), core_counts=per_core,
    )  # fmt: skip
    np.testing.assert_array_equal(per_core, want_per_core)
    np.testing.assert_array_equal(v, want_v)
    np.testing.assert_array_equal(spikes, want_s)
    assert tuple(counts) == want_c


def test_result_does_not_depend_on_core_order_or_batching():
    """Four cores updated together, one by one, or in reverse order give the same state."""
    gen = np.random.default_rng(3)
    per_core, ids = 256, np.array([11, 5, 900, 4095], dtype=np.uint32)
    n = per_core * len(ids)
    p = random_neurons(gen, n)
    v0 = gen.integers(-300, 300, n).astype(np.int32)
    syn = gen.integers(-300, 300, n).astype(np.int32)

    def run(order):
        idx = np.concatenate([np.arange(c * per_core, (c + 1) * per_core) for c in order])
        v = v0[idx].copy()
        spikes = np.empty(len(idx), np.uint8)
        update_neurons(p.select(idx), v, syn[idx], spikes, core_ids=ids[order], tick=8, seed=77)
        out_v, out_s = np.zeros(n, np.int32), np.zeros(n, np.uint8)
        out_v[idx], out_s[idx] = v, spikes
        return out_v, out_s

    together = run([0, 1, 2, 3])
    for part in ([3, 2, 1, 0], [2, 0, 3, 1]):
        np.testing.assert_array_equal(run(part)[0], together[0])
        np.testing.assert_array_equal(run(part)[1], together[1])
    alone = [run([c]) for c in range(4)]  # each fills only its own core's slots
    np.testing.assert_array_equal(sum(a[0] for a in alone), together[0])
    np.testing.assert_array_equal(sum(a[1] for a in alone), together[1])

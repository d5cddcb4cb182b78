"""SIMD paths (scalar, SSE2, AVX2): Philox blocks equal the scalar draws, neuron updates agree."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cores import _philox
from cores.reference import truenorth as ref
from cores.rng import draws, simd_path
from cores.truenorth import V_MAX, V_MIN, TrueNorthNeurons, update_neurons

PATHS = _philox.available_paths()


@pytest.mark.parametrize("path", PATHS)
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**64 - 1), st.integers(0, 2**31), st.integers(0, 41))
def test_keyed_blocks_equal_scalar_draws(path, seed, rng_seed, n_blocks):
    """Every path writes word w of block b as draw(seed, core, tick, stream, 4b + w), any count."""
    gen = np.random.default_rng(rng_seed)
    core, tick, stream = (int(x) for x in gen.integers(0, 2**32, 3))
    blocks = gen.integers(0, 64, n_blocks).astype(np.uint32)  # ragged counts, repeats, any order
    words = np.zeros(4 * 64, dtype=np.uint32)
    _philox.keyed_blocks(path, seed, core, tick, stream, blocks, words)
    index = (4 * blocks[:, None].astype(np.int64) + np.arange(4)).ravel()
    np.testing.assert_array_equal(words[index], draws(seed, core, tick, stream, index))
    untouched = np.ones(words.shape, dtype=bool)
    untouched[index] = False
    assert not words[untouched].any()


def test_keyed_blocks_refuses_short_words_and_unknown_paths():
    """A words buffer too short for a block, or an unknown path, raises ValueError."""
    blocks = np.array([3], dtype=np.uint32)
    with pytest.raises(ValueError, match="block 3"):
        _philox.keyed_blocks("auto", 1, 0, 0, 0, blocks, np.zeros(15, np.uint32))
    with pytest.raises(ValueError, match="not available"):
        _philox.keyed_blocks("neon", 1, 0, 0, 0, blocks, np.zeros(16, np.uint32))
    with pytest.raises(ValueError, match="not available"):
        simd_path("neon")


def mixed_neurons(gen: np.random.Generator, n: int) -> TrueNorthNeurons:
    """Stochastic and deterministic neurons mixed at random, with runs of each."""
    runs = np.repeat(gen.integers(0, 2, n // 5 + 1), 5)[:n]  # runs of 5 cross lane groups
    leak_on = np.where(gen.random(n) < 0.3, gen.integers(0, 2, n), runs)
    return TrueNorthNeurons.from_values(
        n,
        leak=gen.integers(-255, 256, n),
        leak_reversal=gen.integers(0, 2, n),
        stochastic_leak=leak_on,
        threshold=gen.integers(0, 65, n),
        neg_threshold=gen.integers(0, 65, n),
        threshold_mask=((1 << gen.integers(0, 9, n)) - 1) * gen.integers(0, 2, n),
        reset_mode=gen.integers(0, 3, n),
        neg_saturate=gen.integers(0, 2, n),
        reset_value=gen.integers(-64, 65, n),
    )


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(1, 45), st.booleans())
def test_neuron_update_identical_on_every_path(rng_seed, n_cores, per_core, inject):
    """Ragged cores (not whole lane groups), mixed modes: every path equals the NumPy twin."""
    gen = np.random.default_rng(rng_seed)
    n = n_cores * per_core
    p = mixed_neurons(gen, n)
    v0 = gen.integers(-200, 200, n).astype(np.int32)
    syn = gen.integers(-100, 100, n).astype(np.int32)
    core_ids = gen.choice(4096, n_cores, replace=False).astype(np.uint32)
    tick, seed = int(gen.integers(0, 2**32)), int(gen.integers(0, 2**64, dtype=np.uint64))
    injected = gen.integers(0, 2**32, (n, 2), dtype=np.uint32) if inject else None
    want_v, want_s, want_c, want_per_core = ref.update(p, v0, syn, core_ids, tick, seed, injected)
    for path in PATHS:
        v, spikes = v0.copy(), np.empty(n, np.uint8)
        per_core_counts = np.empty((n_cores, 3), np.int64)
        counts = update_neurons(
            p, v, syn, spikes, core_ids=core_ids, tick=tick, seed=seed, draws=injected,
            v_range=(V_MIN, V_MAX), core_counts=per_core_counts, simd=path,
        )  # fmt: skip
        np.testing.assert_array_equal(v, want_v, err_msg=path)
        np.testing.assert_array_equal(spikes, want_s, err_msg=path)
        np.testing.assert_array_equal(per_core_counts, want_per_core, err_msg=path)
        assert tuple(counts) == want_c, path


def test_cores_without_stochastic_neurons_count_no_draws():
    """A core whose neurons have neither mode on consumes no draws; the others count theirs."""
    n = 3 * 37
    on = np.zeros(n, dtype=np.uint8)
    on[37 + 5], on[2 * 37 + 36] = 1, 1  # one stochastic leak in core 1, one in core 2
    p = TrueNorthNeurons.from_values(n, leak=-3, stochastic_leak=on, threshold=10)
    per_core = np.empty((3, 3), np.int64)
    v, spikes = np.zeros(n, np.int32), np.empty(n, np.uint8)
    core_ids = np.arange(3, dtype=np.uint32)
    update_neurons(p, v, np.zeros(n, np.int32), spikes, core_ids=core_ids, tick=1, seed=2,
                   core_counts=per_core)  # fmt: skip
    np.testing.assert_array_equal(per_core[:, 2], [0, 1, 1])

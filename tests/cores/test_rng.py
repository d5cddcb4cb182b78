"""Philox4x32-10: Random123 known answers, kernel vs NumPy twin, keyed-draw properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cores import _philox
from cores.reference import rng as ref
from cores.rng import RngStream, draws

# Random123 tests/kat_vectors, the three "philox4x32 10" lines: counter[4], key[2] -> out[4].
KAT = [
    ([0, 0, 0, 0], [0, 0], [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
    ([0xFFFFFFFF] * 4, [0xFFFFFFFF] * 2, [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
    (
        [0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344],
        [0xA4093822, 0x299F31D0],
        [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1],
    ),
]


def _kat_arrays():
    ctr = np.array([c for c, _, _ in KAT], dtype=np.uint32)
    key = np.array([k for _, k, _ in KAT], dtype=np.uint32)
    want = np.array([w for _, _, w in KAT], dtype=np.uint32)
    return ctr, key, want


def test_kernel_matches_random123_known_answers():
    """The Cython Philox4x32-10 reproduces the published Random123 vectors."""
    ctr, key, want = _kat_arrays()
    out = np.empty_like(ctr)
    _philox.philox_blocks(ctr, key, out)
    np.testing.assert_array_equal(out, want)


def test_twin_matches_random123_known_answers():
    """The NumPy Philox4x32-10 reproduces the published Random123 vectors."""
    ctr, key, want = _kat_arrays()
    np.testing.assert_array_equal(ref.philox_blocks(ctr, key), want)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**64 - 1), st.integers(0, 2**31))
def test_keyed_draws_kernel_equals_twin(seed, rng_seed):
    """Keyed draws agree bit for bit between kernel and twin on random keys."""
    gen = np.random.default_rng(rng_seed)
    n = 64
    core = gen.integers(0, 2**32, n, dtype=np.uint32)
    tick = gen.integers(0, 2**32, n, dtype=np.uint32)
    stream = gen.integers(0, 2**32, n, dtype=np.uint32)
    index = gen.integers(0, 2**34, n, dtype=np.uint64)
    want = ref.draw_words(seed, core, tick, stream, index)
    np.testing.assert_array_equal(draws(seed, core, tick, stream, index), want)


def test_draw_is_word_of_block_named_by_key():
    """draw(seed, core, tick, stream, i) is word i & 3 of Philox((i >> 2, tick, core, stream))."""
    seed, core, tick, stream, index = 0x0123456789ABCDEF, 7, 99, 2, 4 * 5 + 3
    ctr = np.array([[5, tick, core, stream]], dtype=np.uint32)
    key = np.array([[0x89ABCDEF, 0x01234567]], dtype=np.uint32)
    out = np.empty_like(ctr)
    _philox.philox_blocks(ctr, key, out)
    assert draws(seed, core, tick, stream, index) == out[0, 3]


def test_draws_do_not_depend_on_batching():
    """Drawing one core at a time gives the same numbers as drawing all cores at once."""
    cores = np.arange(8)[:, None]
    idx = np.arange(256)[None, :]
    together = draws(5, cores, 3, RngStream.TN_LEAK, idx)
    apart = np.stack([draws(5, c, 3, RngStream.TN_LEAK, np.arange(256)) for c in range(8)])
    np.testing.assert_array_equal(together, apart)


def test_draw_bytes_are_roughly_uniform():
    """Low bytes of 2**16 draws fill all 256 values near evenly (chi-square, 255 dof)."""
    low = draws(1, 0, 0, RngStream.TN_SYNAPSE, np.arange(2**16)) & 0xFF
    counts = np.bincount(low, minlength=256)
    chi2 = float(((counts - 256.0) ** 2 / 256.0).sum())
    assert 180 < chi2 < 340  # 255 dof: mean 255, sd 22.6; bounds are about +-3.5 sd


@pytest.mark.parametrize(
    ("kwargs", "what"),
    [
        ({"seed": -1}, "seed"),
        ({"core": 2**32}, "core"),
        ({"index": 2**34}, "index"),
    ],
)
def test_out_of_range_keys_are_refused(kwargs, what):
    """A key outside its width raises ValueError naming it."""
    args = {"seed": 1, "core": 0, "tick": 0, "stream": 0, "index": 0} | kwargs
    with pytest.raises(ValueError, match=what):
        draws(**args)

"""Event-driven float32 CSR synapses: hand case, twin (bit for bit), arrival-order independence."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cores import _event_synapses
from cores.egru import make_egru_inputs
from cores.event_synapses import accumulate_events, build_event_synapses
from cores.reference import event_synapses as ref


def test_graded_events_add_value_times_weight_by_hand():
    """Source 1 (value 0.5) -> 3 (w 2) and 0 (w -1); source 0 (value 2) -> 3 (w 1)."""
    syn = build_event_synapses([1, 0, 1], [3, 3, 0], [2.0, 1.0, -1.0], n_sources=2, n_inputs=4)
    inputs = np.zeros(4, np.float32)
    counts = accumulate_events(syn, [1, 0], [0.5, 2.0], inputs)
    assert list(inputs) == [-0.5, 0.0, 0.0, 3.0]
    assert (counts.events, counts.words, counts.row_bytes) == (2, 3, 24)
    assert list(counts.words_per_event) == [2, 1]


def _random(seed: int, n_units: int):
    rng = np.random.default_rng(seed)
    n_src, nnz = int(rng.integers(1, 100)), int(rng.integers(0, 3000))
    syn = build_event_synapses(
        rng.integers(0, n_src, nnz), rng.integers(0, 4 * n_units, nnz),
        rng.normal(0, 1, nnz), n_sources=n_src, n_inputs=4 * n_units,
    )  # fmt: skip
    n_ev = int(rng.integers(0, 2 * n_src))
    return rng, syn, rng.integers(0, n_src, n_ev), rng.normal(0, 1, n_ev).astype(np.float32)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_units=st.integers(1, 100))
def test_event_kernel_matches_twin_bit_for_bit(seed, n_units):
    """Same float32 sums (same order of additions) and counts."""
    _, syn, src, val = _random(seed, n_units)
    a, b = np.zeros(4 * n_units, np.float32), np.zeros(4 * n_units, np.float32)
    args = (src.astype(np.int32), val, syn.row_ptr, syn.targets, syn.weights)
    assert _event_synapses.event_accumulate(*args, a) == ref.event_accumulate(*args, b)
    np.testing.assert_array_equal(a.view(np.int32), b.view(np.int32))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_units=st.integers(1, 100))
def test_sums_do_not_depend_on_arrival_order(seed, n_units):
    """A permuted batch gives bit-identical EGRU input sums."""
    rng, syn, src, val = _random(seed, n_units)
    perm = rng.permutation(src.size)
    a, b = make_egru_inputs(n_units), make_egru_inputs(n_units)
    accumulate_events(syn, src, val, a)
    accumulate_events(syn, src[perm], val[perm], b)
    np.testing.assert_array_equal(a.view(np.int32), b.view(np.int32))
